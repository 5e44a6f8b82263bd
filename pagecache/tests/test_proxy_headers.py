"""What a caching proxy in front may keep (issue 22): `Cache-Control`/`Vary` on every
answer, and Wagtail's frontend cache purged with the bilingual URLs on publication.

A public page for an anonymous visitor: `public, max-age=0, s-maxage=PROXY_CACHE_SECONDS`
and `Vary: Accept-Encoding, Cookie`; anything else (signed in, a form, a redirect by the
browser's language, an error) never `public`.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.utils.cache import get_max_age

from programme.models import NewsPage

pytestmark = pytest.mark.django_db

HOME_IT, HOME_EN = "/it/", "/en/"
ARTICLE_IT = "/it/notizie/percorsi-di-mutuo-aiuto/"
INTAKE_IT = "/it/partecipa/"


def directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def varies(response):
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part}


def assert_public(response, seconds=60):
    assert response.status_code == 200
    assert directives(response) == {"public", "max-age=0", f"s-maxage={seconds}"}
    assert {"cookie", "accept-encoding"} <= varies(response)


def assert_never_shared(response):
    assert "public" not in directives(response)
    assert "s-maxage" not in response.get("Cache-Control", "")
    assert directives(response) & {"private", "no-store"}, response.get("Cache-Control")


@pytest.mark.parametrize("page_cache_seconds", [0, 300])
@pytest.mark.parametrize("url", [HOME_IT, HOME_EN, ARTICLE_IT, "/it/gruppi/",
                                 "/en/news/rss.xml"])
def test_an_anonymous_visitors_public_page_may_be_kept_by_a_proxy(settings, url,
                                                                   page_cache_seconds):
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    first = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert_public(first)
    assert get_max_age(first) == 0  # browsers ask again; the ETag makes it a 304
    if page_cache_seconds:
        hit = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert hit["X-Page-Cache"] == "hit"
        assert_public(hit)
        unchanged = Client().get(url, HTTP_IF_NONE_MATCH=hit["ETag"])
        assert unchanged.status_code == 304
        assert directives(unchanged) == directives(hit)


def test_the_proxys_time_is_a_setting(settings):
    settings.PROXY_CACHE_SECONDS = 0
    assert_public(Client().get(HOME_IT), seconds=0)


def test_the_open_data_answers_may_be_kept_too(settings):
    settings.PAGE_CACHE_SECONDS = 300
    response = Client().get("/api/hsds/services")
    assert_public(response)


def test_a_signed_in_visitors_page_is_never_shared(client, demo_editor):
    client.force_login(demo_editor)
    assert_never_shared(client.get(HOME_IT))
    assert_never_shared(client.get(ARTICLE_IT))


@pytest.mark.parametrize("url", [INTAKE_IT, "/it/contatti/", "/it/accounts/login/",
                                 "/en/accounts/login/"])
def test_forms_and_accounts_are_never_shared(url):
    assert_never_shared(Client().get(url))


def test_the_redirect_by_the_browsers_language_is_never_shared():
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (301, 302)
    assert_never_shared(response)


@pytest.mark.parametrize("url", ["/it/non-esiste/", "/it/?unknown=1"])
def test_errors_and_unknown_parameters_are_never_shared(url):
    response = Client().get(url)
    assert_never_shared(response)


def test_a_visitor_with_a_session_cookie_is_never_given_a_shared_answer(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
    assert_never_shared(client.get(HOME_IT))


# --- Wagtail's frontend cache: the purges sent on publication ---------------------------


class PurgeRecorder(BaseHTTPRequestHandler):
    seen = []

    def do_PURGE(self):  # noqa: N802 (the HTTP method's name)
        self.seen.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def proxy(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    PurgeRecorder.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {"proxy": {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": f"http://127.0.0.1:{server.server_address[1]}"}}
    yield PurgeRecorder.seen
    server.shutdown()
    server.server_close()


def test_publishing_purges_the_page_its_translation_and_their_lists_in_both_languages(
        proxy):
    article = NewsPage.objects.get(url_path__endswith="/percorsi-di-mutuo-aiuto/")
    english = article.get_translations().live().get()
    article.title = "Un titolo appena pubblicato"
    article.save_revision().publish()
    paths = {path for _host, path in proxy}
    article_path = article.relative_url(article.get_site())
    english_path = english.relative_url(english.get_site())
    index = article.get_parent().specific.relative_url(article.get_site())
    english_index = english.get_parent().specific.relative_url(english.get_site())
    assert article_path == ARTICLE_IT
    # The page under both prefixes (an untranslated page is served under /en/ too), its
    # translation (whose language link names it), and the lists that show both.
    assert {article_path, article_path.replace("/it/", "/en/", 1), english_path,
            index, english_index} <= paths
    assert all(host for host, _path in proxy)


def test_no_purge_is_queued_without_a_proxy(settings, monkeypatch):
    from wagtail.contrib.frontend_cache import utils

    queued = []
    monkeypatch.setattr(utils, "purge_urls_from_cache",
                        lambda *args, **kwargs: queued.append(args))
    settings.WAGTAILFRONTENDCACHE = {}
    article = NewsPage.objects.get(url_path__endswith="/percorsi-di-mutuo-aiuto/")
    article.save_revision().publish()
    assert queued == []  # no task for the worker to run for nothing

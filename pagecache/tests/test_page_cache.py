"""The page cache and the data caches (pagecache/, pagecache/routing.py).

Anonymous visitors' public pages are served whole from the cache, per language; whatever
editors publish, unpublish, move or save that pages show is visible on the next request;
logged-in visitors, visitors with a session, the forms and the partner area are never
served from the cache, and nothing rendered for one of them is ever stored.
"""

import gzip
import re

import brotli
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as UserGroup
from django.core.cache import cache
from django.test import Client
from wagtail.models import Page, PageViewRestriction

from home.models import ContactDetails, FooterLinks
from pagecache.invalidation import bump, bump_pages
from pagecache.versions import DATA_VERSION_KEY, PAGE_VERSION_KEY, page_version
from programme.models import Adhesion, Group, NewsPage
from tests.forms_helpers import intake_data

pytestmark = pytest.mark.django_db

HOME_IT, HOME_EN = "/it/", "/en/"
NEWS_IT = "/it/notizie/"
ARTICLE_IT = "/it/notizie/percorsi-di-mutuo-aiuto/"
GROUPS_IT = "/it/gruppi/"
PROTOCOL_IT = "/it/protocollo/"
INTAKE_IT, INTAKE_EN = "/it/partecipa/", "/en/apply/"
CONTACT_IT = "/it/contatti/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def state(response):
    return response.get("X-Page-Cache")


def get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code in (200, 304), (url, response.status_code)
    return response


def text(response):
    return response.content.decode()


# --- What is cached, and how ------------------------------------------------------------


@pytest.mark.parametrize("url", [HOME_IT, NEWS_IT, ARTICLE_IT, GROUPS_IT, PROTOCOL_IT,
                                 "/it/programma/", "/en/news/rss.xml",
                                 "/it/gruppi/calendario.ics"])
def test_anonymous_public_pages_are_stored_then_served_from_the_cache(client, url,
                                                                        django_assert_num_queries):
    first = get(client, url)
    assert state(first) == "miss"
    with django_assert_num_queries(0):
        second = get(Client(), url)
    assert state(second) == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Language"] == first["Content-Language"]
    # The security headers are added to every response, cached or not.
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options",
                   "X-Content-Type-Options", "Referrer-Policy"):
        assert second[header] == first[header], header


def test_each_language_has_its_own_copy():
    italian, english = Client(), Client()
    get(italian, HOME_IT)
    get(english, HOME_EN)
    cached_it, cached_en = get(Client(), HOME_IT), get(Client(), HOME_EN)
    assert (state(cached_it), state(cached_en)) == ("hit", "hit")
    assert '<html lang="it">' in text(cached_it)
    assert '<html lang="en">' in text(cached_en)
    assert cached_it["Content-Language"] == "it" and cached_en["Content-Language"] == "en"


def test_cached_pages_are_compressed_for_browsers_that_accept_it(client):
    plain = get(client, HOME_IT).content
    br = get(Client(), HOME_IT, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert br["Content-Encoding"] == "br"
    assert brotli.decompress(br.content) == plain
    assert int(br["Content-Length"]) == len(br.content) < len(plain) / 3
    gz = get(Client(), HOME_IT, HTTP_ACCEPT_ENCODING="gzip")
    assert gz["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.content) == plain
    identity = get(Client(), HOME_IT, HTTP_ACCEPT_ENCODING="br;q=0, gzip;q=0")
    assert not identity.has_header("Content-Encoding")
    assert identity.content == plain
    assert "Accept-Encoding" in br["Vary"]


def test_a_browser_that_has_the_page_gets_a_304(client):
    first = get(client, HOME_IT)
    again = Client().get(HOME_IT, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_tracking_parameters_share_the_page_and_other_parameters_are_not_cached(client):
    get(client, NEWS_IT)
    assert state(get(Client(), NEWS_IT + "?fbclid=abc123&utm_source=facebook")) == "hit"
    assert state(get(Client(), NEWS_IT + "?anything=1")) is None
    assert state(get(Client(), NEWS_IT + "?page=1")) == "miss"  # its own entry
    assert state(get(Client(), NEWS_IT + "?page=1")) == "hit"
    # Only page numbers; the news index answers another value with a 404 of its own.
    assert state(Client().get(NEWS_IT + "?page=x1")) is None


def test_only_get_requests_are_served_from_the_cache(client):
    get(client, HOME_IT)
    assert state(Client().head(HOME_IT)) is None


def test_pages_that_are_not_found_are_not_cached(client):
    assert client.get("/it/non-esiste/").status_code == 404
    assert state(client.get("/it/non-esiste/")) is None


def test_the_page_cache_is_off_when_set_to_zero(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    get(client, HOME_IT)
    assert state(get(client, HOME_IT)) is None


# --- Nothing personal, ever ----------------------------------------------------------------


@pytest.mark.parametrize("url", [INTAKE_IT, INTAKE_EN, CONTACT_IT])
def test_forms_are_never_cached_and_each_visitor_gets_own_tokens(url):
    first, second = Client(), Client()
    one, two = get(first, url), get(second, url)
    for response in (one, two):
        assert state(response) is None
        assert "no-store" in response["Cache-Control"]
    token = re.compile(r'name="form_token" value="([^"]+)"')
    assert token.search(text(one)).group(1) != token.search(text(two)).group(1)
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert csrf.search(text(one)).group(1) != csrf.search(text(two)).group(1)
    assert state(get(Client(), url)) is None


def test_logged_in_visitors_are_never_served_a_cached_page(client, demo_editor):
    get(client, HOME_IT)
    assert state(get(Client(), HOME_IT)) == "hit"
    editor = Client()
    editor.force_login(demo_editor)
    response = get(editor, HOME_IT)
    assert state(response) is None


def test_what_a_logged_in_visitor_sees_is_never_stored(demo_editor):
    editor = Client()
    editor.force_login(demo_editor)
    get(editor, HOME_IT)
    get(editor, NEWS_IT)
    assert state(get(Client(), HOME_IT)) == "miss"
    assert state(get(Client(), NEWS_IT)) == "miss"


def test_a_visitor_with_a_session_or_a_message_is_never_served_a_cached_page(client, settings):
    get(client, HOME_IT)
    with_session = Client()
    with_session.cookies[settings.SESSION_COOKIE_NAME] = "abc"
    assert state(get(with_session, HOME_IT)) is None
    with_message = Client()
    with_message.cookies["messages"] = "abc"
    assert state(get(with_message, HOME_IT)) is None


def test_the_intake_form_still_works_with_warm_caches(client):
    from programme.models import ParticipationRequest

    for url in (HOME_IT, "/it/programma/", GROUPS_IT):
        get(Client(), url)
    visitor = Client(enforce_csrf_checks=True)
    form = get(visitor, INTAKE_IT)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(form)).group(1)
    before = ParticipationRequest.objects.count()
    response = visitor.post(INTAKE_IT, {**intake_data(), "csrfmiddlewaretoken": csrf})
    assert response.status_code == 302, text(response)[:2000]
    assert ParticipationRequest.objects.count() == before + 1
    # The confirmation (in the visitor's session) is never cached, nor is anything
    # else this visitor now sees: they carry a session cookie.
    confirmation = visitor.get(response["Location"])
    assert confirmation.status_code == 200 and state(confirmation) is None
    assert "MA-" in text(confirmation)
    assert state(get(visitor, HOME_IT)) is None


def test_the_intake_form_without_a_csrf_token_is_still_refused(client):
    get(Client(), INTAKE_IT)
    visitor = Client(enforce_csrf_checks=True)
    get(visitor, INTAKE_IT)
    assert visitor.post(INTAKE_IT, intake_data()).status_code == 403


def test_partner_and_account_pages_are_never_cached(client):
    for url in ("/it/accounts/login/", "/it/partner/"):
        client.get(url)
        response = Client().get(url)
        assert state(response) is None, url


# --- Invalidation ------------------------------------------------------------------------


def warm(url):
    get(Client(), url)
    assert state(get(Client(), url)) == "hit"


def test_publishing_a_page_is_seen_at_once():
    warm(NEWS_IT)
    warm(HOME_IT)
    article = NewsPage.objects.get(url_path__endswith="/percorsi-di-mutuo-aiuto/")
    article.title = "Un titolo appena pubblicato"
    article.save_revision().publish()
    for url in (NEWS_IT, HOME_IT, ARTICLE_IT):
        response = get(Client(), url)
        assert state(response) == "miss", url
        assert "Un titolo appena pubblicato" in text(response), url


def test_a_draft_is_not_published_by_the_cache():
    warm(ARTICLE_IT)
    article = NewsPage.objects.get(url_path__endswith="/percorsi-di-mutuo-aiuto/")
    article.title = "Solo una bozza"
    article.save_revision()
    response = get(Client(), ARTICLE_IT)
    assert "Solo una bozza" not in text(response)
    assert state(response) == "hit"  # saving a draft changes nothing visitors see


def test_unpublishing_a_page_takes_it_down_at_once(settings):
    warm(ARTICLE_IT)
    warm(NEWS_IT)
    NewsPage.objects.get(url_path__endswith="/percorsi-di-mutuo-aiuto/").unpublish()
    assert Client().get(ARTICLE_IT).status_code == 404
    assert "percorsi-di-mutuo-aiuto" not in text(get(Client(), NEWS_IT))
    # The same without the page cache: the remembered route does not serve it either.
    settings.PAGE_CACHE_SECONDS = 0
    assert Client().get(ARTICLE_IT).status_code == 404


def test_moving_or_renaming_a_page_is_seen_at_once():
    warm(ARTICLE_IT)
    article = NewsPage.objects.get(url_path__endswith="/percorsi-di-mutuo-aiuto/")
    article.slug = "nuovo-indirizzo"
    article.save_revision().publish()
    assert Client().get(ARTICLE_IT).status_code == 404
    assert get(Client(), "/it/notizie/nuovo-indirizzo/").status_code == 200
    assert "/it/notizie/nuovo-indirizzo/" in text(get(Client(), NEWS_IT))


def test_deleting_a_page_is_seen_at_once():
    warm(ARTICLE_IT)
    NewsPage.objects.get(url_path__endswith="/percorsi-di-mutuo-aiuto/").delete()
    assert Client().get(ARTICLE_IT).status_code == 404


def test_a_new_view_restriction_is_enforced_at_once(settings):
    settings.PAGE_CACHE_SECONDS = 0  # the remembered route and its restrictions
    for _ in range(2):
        get(Client(), ARTICLE_IT)
    article = Page.objects.get(url_path__endswith="/percorsi-di-mutuo-aiuto/")
    PageViewRestriction.objects.create(page=article, restriction_type="login")
    response = Client().get(ARTICLE_IT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_restriction_to_groups_is_enforced_at_once(settings):
    settings.PAGE_CACHE_SECONDS = 0
    article = Page.objects.get(url_path__endswith="/percorsi-di-mutuo-aiuto/")
    for _ in range(2):
        get(Client(), ARTICLE_IT)
    restriction = PageViewRestriction.objects.create(page=article, restriction_type="groups")
    allowed = UserGroup.objects.create(name="Lettori")
    restriction.groups.add(allowed)
    reader = get_user_model().objects.create_user(
        username="lettore", email="lettore@example.org", password="una-password-lunga-1"
    )
    reader_client = Client()
    reader_client.force_login(reader)
    assert reader_client.get(ARTICLE_IT).status_code == 302  # to the login page
    reader.groups.add(allowed)
    assert reader_client.get(ARTICLE_IT).status_code == 200


def test_changing_the_contact_details_is_seen_on_every_page():
    warm(HOME_IT)
    warm(GROUPS_IT)
    contact = ContactDetails.objects.get(locale__language_code="it")
    contact.phone_primary = "02 1234 5678"
    contact.save()
    for url in (HOME_IT, GROUPS_IT):
        assert "02 1234 5678" in text(get(Client(), url)), url


def test_changing_the_footer_links_is_seen_on_every_page():
    warm(HOME_IT)
    links = FooterLinks.objects.get()
    links.faq_page = None
    links.save()
    footer = text(get(Client(), HOME_IT)).split('id="footer"')[1]
    assert "/it/domande-frequenti/" not in footer


def test_changing_a_group_is_seen_on_the_groups_page():
    warm(GROUPS_IT)
    group = Group.objects.filter(locale__language_code="it").first()
    group.name = "Gruppo appena rinominato"
    group.save()
    assert "Gruppo appena rinominato" in text(get(Client(), GROUPS_IT))


def test_an_approved_adhesion_is_seen_on_the_protocol_page(demo_editor):
    from django.utils import timezone

    from accounts.models import Organisation

    warm(PROTOCOL_IT)
    organisation = Organisation.objects.create(
        name="Associazione appena entrata", kind=Organisation.Kind.ASSOCIATION,
        tax_code="90000000009", email="info@example.org",
    )
    Adhesion.objects.create(
        organisation=organisation, protocol_version="1.0", signatory_name="Maria Rossi",
        signatory_role="Presidente", declares_authority=True,
        status=Adhesion.Status.APPROVED, decided_at=timezone.now(),
    )
    assert "Associazione appena entrata" in text(get(Client(), PROTOCOL_IT))


def test_submissions_do_not_clear_the_cache(client):
    import datetime

    from programme.models import ParticipationRequest

    before = page_version()
    ParticipationRequest.objects.create(
        first_name="A", last_name="B", email="a@example.org", preferred_channel="email",
        employment_status="unemployed", situation_since=datetime.date(2026, 1, 1),
        heard_from="flyer", privacy_notice_version="x",
        privacy_acknowledged_at=datetime.datetime.now(datetime.UTC),
    )
    assert page_version() == before


def test_bumps_replace_the_versions():
    data, pages = cache.get(DATA_VERSION_KEY), cache.get(PAGE_VERSION_KEY)
    bump_pages()
    assert cache.get(DATA_VERSION_KEY) == data
    assert cache.get(PAGE_VERSION_KEY) != pages
    pages = cache.get(PAGE_VERSION_KEY)
    bump()
    assert cache.get(DATA_VERSION_KEY) != data
    assert cache.get(PAGE_VERSION_KEY) != pages


def test_with_the_file_cache_the_versions_survive_its_culling(settings, tmp_path):
    """Django's file cache deletes files at random when full (a burst of form submissions
    fills it with spent challenges): the versions must not go with them."""
    from django.core.cache import caches

    import pagecache.versions as site_cache

    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path), "OPTIONS": {"MAX_ENTRIES": 5, "CULL_FREQUENCY": 1},
    }}
    site_cache._versions_store = None
    try:
        version = page_version()
        for n in range(20):
            caches["default"].set(f"spent-challenge-{n}", 1)
        assert len(list(tmp_path.glob("*.djcache"))) < 20  # it did cull
        assert page_version() == version
        bump_pages()
        assert page_version() != version
    finally:
        site_cache._versions_store = None


def test_the_first_visitor_gets_the_compressed_page_too():
    first = get(Client(), NEWS_IT, HTTP_ACCEPT_ENCODING="gzip, br")
    assert state(first) == "miss"
    assert first["Content-Encoding"] == "br"
    second = get(Client(), NEWS_IT, HTTP_ACCEPT_ENCODING="gzip, br")
    assert state(second) == "hit"
    assert brotli.decompress(first.content) == brotli.decompress(second.content)

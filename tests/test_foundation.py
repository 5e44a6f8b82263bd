"""Acceptance points of the foundation issue, checked through Django's test client.

- the language switcher links each page to its translation, else to the other
  language's home page, and follows non-Wagtail views (allauth) across languages;
- every page declares its language on <html>;
- no page loads anything from another host, and the CSS the site serves imports nothing
  remote;
- the only way into the admin is allauth's login.
"""

import re
import warnings
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.staticfiles.finders import FileSystemFinder
from django.test import Client

pytestmark = pytest.mark.django_db

# Italian page -> its English translation, as the demo content builds them.
DEMO_PAGES = [
    ("/it/", "/en/"),
    ("/it/domande-frequenti/", "/en/faq/"),
    ("/it/privacy/", "/en/privacy-notice/"),
    ("/it/accessibilita/", "/en/accessibility/"),
    ("/it/note-legali/", "/en/legal-notes/"),
]
ITALIAN_PAGES = [it for it, _en in DEMO_PAGES]
ENGLISH_PAGES = [en for _it, en in DEMO_PAGES]

LOGIN_PAGES = [
    "/it/accounts/login/",
    "/en/accounts/login/",
]


# --- HTML helpers ----------------------------------------------------------------------


class PageParser(HTMLParser):
    """Collects what the tests look at: <html lang>, the switcher's links, every tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.html_lang = None
        self.switcher_links = []  # attrs of each <a> inside nav.language-switcher
        self.switcher_count = 0
        self.tags = []  # (tag, attrs) for every start tag
        self.style_blocks = []  # text of inline <style> elements
        self._nav_depth = 0  # >0 while inside nav.language-switcher
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "nav":
            if self._nav_depth:
                self._nav_depth += 1
            elif "language-switcher" in (attrs.get("class") or "").split():
                self._nav_depth = 1
                self.switcher_count += 1
        elif tag == "a" and self._nav_depth:
            self.switcher_links.append(attrs)
        elif tag == "style":
            self._in_style = True

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style_blocks.append(data)


def parse(response):
    parser = PageParser()
    parser.feed(response.content.decode())
    parser.close()
    return parser


def switcher_url(response, code):
    """The href the language switcher gives for language `code`."""
    parsed = parse(response)
    assert parsed.switcher_count == 1, "expected exactly one nav.language-switcher"
    hrefs = [a.get("href") for a in parsed.switcher_links if a.get("hreflang") == code]
    assert len(hrefs) == 1, f"expected one switcher link for {code!r}, got {hrefs}"
    return hrefs[0]


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response


# --- 1. Language switcher --------------------------------------------------------------


@pytest.mark.parametrize(("italian", "english"), DEMO_PAGES)
def test_switcher_on_italian_page_links_to_english_translation(client, italian, english):
    response = get_ok(client, italian)
    assert switcher_url(response, "en") == english
    assert switcher_url(response, "it") == italian


@pytest.mark.parametrize(("italian", "english"), DEMO_PAGES)
def test_switcher_on_english_page_links_to_italian_original(client, italian, english):
    response = get_ok(client, english)
    assert switcher_url(response, "it") == italian
    assert switcher_url(response, "en") == english


def test_switcher_falls_back_to_english_home_for_untranslated_page(client):
    from wagtail.models import Locale

    from home.models import HomePage, StandardPage

    italian_home = HomePage.objects.get(locale=Locale.objects.get(language_code="it"))
    page = StandardPage(title="Pagina solo in italiano", slug="solo-in-italiano")
    italian_home.add_child(instance=page)
    page.save_revision().publish()
    assert not page.get_translations().exists()

    response = get_ok(client, "/it/solo-in-italiano/")
    assert switcher_url(response, "en") == "/en/"
    assert switcher_url(response, "it") == "/it/solo-in-italiano/"
    # No hreflang alternate for a translation that does not exist.
    alternates = [
        attrs for tag, attrs in parse(response).tags
        if tag == "link" and attrs.get("rel") == "alternate"
    ]
    assert [a.get("hreflang") for a in alternates] == ["it"]


def test_switcher_follows_non_wagtail_views_across_languages(client):
    response = get_ok(client, "/it/accounts/login/")
    assert switcher_url(response, "en") == "/en/accounts/login/"
    response = get_ok(client, "/en/accounts/login/")
    assert switcher_url(response, "it") == "/it/accounts/login/"


def test_switcher_keeps_the_query_string_of_non_wagtail_views(client):
    response = get_ok(client, "/it/accounts/login/?next=/admin/")
    assert switcher_url(response, "en") == "/en/accounts/login/?next=/admin/"


def test_switcher_on_a_404_page_leads_to_the_other_home_page(client):
    # Translating a path that matches no page would only lead to another 404.
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert switcher_url(response, "it") == "/it/"


def test_switcher_and_alternate_links_share_one_query(rf, django_assert_num_queries):
    from django.utils import translation
    from wagtail.models import Page

    from languages.versions import language_versions

    page = Page.objects.get(url_path__endswith="/faq/")
    request = rf.get("/en/faq/")
    page.get_url(request)  # the site's root paths, kept on the request by Wagtail
    with translation.override("en"), django_assert_num_queries(1):
        first = language_versions(request, page)
        second = language_versions(request, page)
    assert first == second
    assert [v.url for v in first] == ["/it/domande-frequenti/", "/en/faq/"]


# --- 2. <html lang> ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "lang"),
    [(url, "it") for url in ITALIAN_PAGES]
    + [(url, "en") for url in ENGLISH_PAGES]
    + [(path, path[1:3]) for path in LOGIN_PAGES],
)
def test_html_lang_matches_the_page_language(client, url, lang):
    assert parse(get_ok(client, url)).html_lang == lang


@pytest.mark.parametrize(("url", "lang"), [("/en/no-such-page/", "en"), ("/it/nessuna/", "it")])
def test_html_lang_on_404_pages(client, url, lang):
    response = client.get(url)
    assert response.status_code == 404
    assert parse(response).html_lang == lang


# --- 3. No third-party resources --------------------------------------------------------

SITE_HOST = "testserver"  # the host Django's test client asks for
CSS_URL = re.compile(r"""url\(\s*['"]?\s*([^'")\s]+)""", re.IGNORECASE)
CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?['"]?\s*([^'")\s;]+)""", re.IGNORECASE)


def is_foreign(url, host=SITE_HOST):
    """True for an absolute http(s) or protocol-relative URL aimed at another host."""
    url = url.strip()
    parts = urlsplit(url)
    if url.startswith("//") or parts.scheme in ("http", "https"):
        return parts.hostname != host
    return False


def css_urls(text):
    return CSS_URL.findall(text) + CSS_IMPORT.findall(text)


def resource_urls(parsed):
    """Every URL the browser would fetch by itself (or post to) when showing the page.

    Navigational <a href> links (Facebook, mailto:, tel:) are not resources: the browser
    only follows them when the visitor chooses to, so they are not collected here.
    """
    found = []
    for tag, attrs in parsed.tags:
        for name in ("src", "poster"):
            if attrs.get(name):
                found.append((tag, name, attrs[name]))
        if tag == "object" and attrs.get("data"):
            found.append((tag, "data", attrs["data"]))
        for name in ("srcset", "imagesrcset"):
            for candidate in (attrs.get(name) or "").split(","):
                if candidate.strip():
                    found.append((tag, name, candidate.split()[0]))
        if tag == "link" and attrs.get("href"):
            found.append((tag, f"href (rel={attrs.get('rel')})", attrs["href"]))
        if tag in ("use", "image") and (attrs.get("href") or attrs.get("xlink:href")):
            found.append((tag, "href", attrs.get("href") or attrs.get("xlink:href")))
        if tag == "form":
            found.append((tag, "action", attrs.get("action") or ""))
        if tag in ("button", "input") and attrs.get("formaction"):
            found.append((tag, "formaction", attrs["formaction"]))
        if attrs.get("style"):
            found.extend((tag, "style url()", url) for url in css_urls(attrs["style"]))
    for block in parsed.style_blocks:
        found.extend(("style", "url()/@import", url) for url in css_urls(block))
    return found


def test_is_foreign_tells_own_host_from_others():
    assert is_foreign("https://cdn.example.com/x.css")
    assert is_foreign("//fonts.googleapis.com/css")
    assert is_foreign("HTTP://evil.example/a.js")
    assert not is_foreign("http://testserver/en/")
    assert not is_foreign("/static/css/site.css")
    assert not is_foreign("data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>")


def test_resource_urls_finds_every_kind_of_reference():
    parser = PageParser()
    parser.feed(
        '<html><head><link rel="stylesheet" href="https://a.example/x.css">'
        "<style>@import 'https://b.example/y.css';</style></head>"
        '<body><img src="//c.example/i.png" srcset="/ok.png 1x, https://d.example/j.png 2x">'
        '<script src="https://e.example/s.js"></script>'
        '<form action="https://f.example/post"></form>'
        "<div style=\"background: url('https://g.example/bg.png')\"></div>"
        '<a href="https://www.facebook.com/x">Facebook</a></body></html>'
    )
    foreign = {urlsplit(url).hostname for _tag, _attr, url in resource_urls(parser)
               if is_foreign(url)}
    assert foreign == {f"{c}.example" for c in "abcdefg"}


ALL_PAGES = [*ITALIAN_PAGES, *ENGLISH_PAGES, *LOGIN_PAGES]


@pytest.mark.parametrize("url", ALL_PAGES)
def test_pages_load_nothing_from_other_hosts(client, url):
    """Only the site's own host may be asked for styles, scripts, fonts, images or forms.

    Navigational links (<a href>) to Facebook, mailto: and tel: are allowed: the visitor
    follows them by choice, nothing is fetched when the page loads.
    """
    parsed = parse(get_ok(client, url))
    resources = resource_urls(parsed)
    assert any(tag == "link" for tag, _a, _u in resources), "the stylesheets were not found"
    foreign = [(tag, attr, u) for tag, attr, u in resources if is_foreign(u)]
    assert foreign == []


@pytest.mark.parametrize("url", ["/it/", "/en/faq/"])
def test_stylesheets_the_pages_link_are_served_and_import_nothing_remote(client, url):
    parsed = parse(get_ok(client, url))
    stylesheets = [
        attrs["href"] for tag, attrs in parsed.tags
        if tag == "link" and attrs.get("rel") == "stylesheet"
    ]
    assert stylesheets
    for href in stylesheets:
        response = client.get(href)
        assert response.status_code == 200, href
        text = b"".join(response.streaming_content).decode()
        assert [u for u in css_urls(text) if is_foreign(u)] == [], href


def static_css_files():
    """Every CSS file the site serves from its own folders (STATICFILES_DIRS).

    static/css/*.css, Bootstrap Italia's dist/css and whatever is added there later;
    the apps' own static files (Django's and Wagtail's admin) are not public pages.
    """
    finder = FileSystemFinder()
    return sorted(
        (prefixed, Path(storage.path(path)))
        for path, storage in finder.list([])
        if path.endswith(".css")
        for prefixed in [f"{getattr(storage, 'prefix', None) or ''}/{path}".lstrip("/")]
    )


def test_the_css_files_to_check_exist():
    names = {Path(name).name for name, _path in static_css_files()}
    assert {"site.css", "fonts.css", "bootstrap-italia.css"} <= names


@pytest.mark.parametrize(
    ("name", "path"), static_css_files(), ids=[name for name, _path in static_css_files()]
)
def test_static_css_references_no_remote_host(name, path: Path):
    text = path.read_text(encoding="utf-8")
    assert [u for u in css_urls(text) if is_foreign(u)] == []
    # @import of anything (even local) would be one more blocking request: none at all.
    assert not re.search(r"@import\s", text), "unexpected @import"


# --- 4. Admin login goes through allauth ------------------------------------------------


def test_admin_login_redirects_to_allauth_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code in (301, 302)
    location = urlsplit(response["Location"])
    assert location.path == "/it/accounts/login/"
    assert parse_qs(location.query) == {"next": ["/admin/"]}


def test_anonymous_admin_visit_is_sent_to_allauth(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/it/accounts/login/"


def test_wagtail_login_form_does_not_accept_a_password(client, demo_editor):
    demo_editor.set_password("a-known-password-for-tests")
    demo_editor.save()
    response = client.post(
        "/admin/login/",
        {"username": demo_editor.email, "password": "a-known-password-for-tests",
         "next": "/admin/"},
    )
    assert response.status_code in (301, 302)
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still anonymous


@pytest.mark.parametrize("url", ["/it/_util/login/", "/en/_util/login/"])
def test_wagtail_front_end_login_does_not_accept_a_password(client, demo_editor, url):
    """Wagtail's login for private pages is a plain Django LoginView: no allauth checks."""
    demo_editor.set_password("a-known-password-for-tests")
    demo_editor.save()
    client.post(
        url,
        {"username": demo_editor.username, "password": "a-known-password-for-tests",
         "next": "/admin/"},
    )
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_demo_editor_reaches_admin_through_allauth_login(client, demo_editor):
    demo_editor.set_password("a-known-password-for-tests")
    demo_editor.save()
    response = client.post(
        "/it/accounts/login/?next=/admin/",
        {"login": demo_editor.email, "password": "a-known-password-for-tests"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(demo_editor.pk)
    assert client.get("/admin/").status_code == 200


def test_allauth_login_refuses_a_wrong_password(client, demo_editor):
    client.post(
        "/it/accounts/login/", {"login": demo_editor.email, "password": "not-the-password"}
    )
    assert "_auth_user_id" not in client.session


# --- 6. Test settings serve static files without a collectstatic ----------------------


def test_whitenoise_serves_from_finders_without_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert [str(w.message) for w in caught if "No directory at" in str(w.message)] == []

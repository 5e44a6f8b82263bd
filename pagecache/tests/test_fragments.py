"""The header and the footer rendered once, then read from the data cache (issue 23:
`{% cached_fragment %}`, pagecache.data.cached_html): what a visitor sees is the same as
rendered afresh, and every change they show is seen at once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from home.models import ContactDetails
from pagecache import data
from pagecache.data import cached_html
from programme.models import ProgrammePage

pytestmark = pytest.mark.django_db

HOME_IT = "/it/"


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0  # rendering is what is tested, with the data cache


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _part(html, tag):
    return html[html.index(f"<{tag} "):html.index(f"</{tag}>") + len(tag) + 3]


def _fresh(client, url, monkeypatch):
    """The page with no fragment cached (as rendered before issue 23)."""
    with monkeypatch.context() as patch:
        patch.setattr(data, "_local_data", None)  # an empty store for this request only
        return _get(client, url)


@pytest.mark.parametrize("url", [HOME_IT, "/en/", "/it/programma/", "/en/groups/",
                                 "/it/domande-frequenti/"])
def test_cached_header_and_footer_are_those_rendered_afresh(client, url, monkeypatch):
    fresh = _fresh(client, url, monkeypatch)
    _get(client, url)
    warm = _get(client, url)
    for tag in ("header", "footer"):
        assert _part(warm, tag) == _part(fresh, tag)
    # The menu marks the page's own section: a fragment is never shared between pages.
    assert warm.count('aria-current="page"') == fresh.count('aria-current="page"')


def test_the_menu_marks_each_page_of_its_own(client):
    _get(client, HOME_IT)
    programme = _get(client, "/it/programma/")
    menu = _part(programme, "header")
    assert re.search(r'class="nav-link active" href="/it/programma/" aria-current="page"', menu)
    assert 'aria-current="page"' not in _part(_get(client, HOME_IT), "header")


def test_new_contact_details_reach_the_cached_footer_at_once(client):
    _get(client, HOME_IT)
    _get(client, HOME_IT)
    details = ContactDetails.objects.filter(live=True, locale__language_code="it").first()
    details.phone_primary = "02 765 4321"
    details.save_revision().publish()
    assert "02 765 4321" in _part(_get(client, HOME_IT), "footer")


def test_a_retitled_menu_page_reaches_the_cached_header_at_once(client):
    _get(client, HOME_IT)
    _get(client, HOME_IT)
    page = ProgrammePage.objects.live().filter(locale__language_code="it").first()
    page.title = "Programma rinominato"
    page.save_revision().publish()
    assert "Programma rinominato" in _part(_get(client, HOME_IT), "header")


def test_an_unpublished_translation_leaves_the_cached_language_switcher_at_once(client):
    url = "/it/domande-frequenti/"
    assert 'href="/en/faq/"' in _part(_get(client, url), "header")
    _get(client, url)
    english = Page.objects.get(url_path__endswith="/faq/", locale__language_code="en")
    english.unpublish()
    header = _part(_get(client, url), "header")
    assert 'href="/en/faq/"' not in header
    assert 'href="/en/"' in header  # the English home page instead


def test_a_fragment_that_asked_the_database_by_itself_is_not_kept(rf):
    request = rf.get("/")
    calls = []

    def render():
        calls.append(Page.objects.count())  # a query no cached datum's tags cover
        return "html"

    assert cached_html(request, ("test-fragment",), render) == "html"
    assert cached_html(request, ("test-fragment",), render) == "html"
    assert len(calls) == 2


def test_a_fragment_made_of_cached_data_is_kept(rf):
    request = rf.get("/")
    calls = []

    def render():
        calls.append(data.cached(request, ("test-datum",), lambda: Page.objects.count(),
                                 tags=("test-tag",)))
        return "html"

    cached_html(request, ("test-fragment-2",), render)
    with CaptureQueriesContext(connection) as captured:
        assert cached_html(request, ("test-fragment-2",), render) == "html"
    assert len(calls) == 1 and len(captured) == 0


def test_the_warm_home_page_asks_the_database_no_more_than_before(client):
    """Issue 23's ceiling: the warm home page (page cache off) ran 1 query before."""
    for url in (HOME_IT, "/en/"):
        _get(client, url)
        _get(client, url)
        with CaptureQueriesContext(connection) as captured:
            _get(client, url)
        assert len(captured) <= 1, [query["sql"] for query in captured]


def _cards(html):
    return html[html.index('id="highlights-title"'):html.index("</main>")]


def test_the_home_pages_cached_cards_show_a_retitled_page_and_a_new_article_at_once(client):
    from programme.models import NewsPage

    _get(client, HOME_IT)
    _get(client, HOME_IT)
    page = ProgrammePage.objects.live().filter(locale__language_code="it").first()
    page.title = "Programma con un nuovo titolo"
    page.save_revision().publish()
    assert "Programma con un nuovo titolo" in _cards(_get(client, HOME_IT))
    article = NewsPage.objects.live().filter(locale__language_code="it").first()
    article.title = "Notizia con un nuovo titolo"
    article.save_revision().publish()
    assert "Notizia con un nuovo titolo" in _cards(_get(client, HOME_IT))


def test_the_home_pages_own_text_reaches_its_cached_fragment_at_once(client):
    from home.models import HomePage

    _get(client, HOME_IT)
    _get(client, HOME_IT)
    home = HomePage.objects.live().get(locale__language_code="it")
    home.title = "Benvenuti, di nuovo"
    home.save_revision().publish()
    assert "Benvenuti, di nuovo" in _get(client, HOME_IT)


def test_a_standard_pages_cached_content_shows_its_publication_at_once(client):
    from home.models import StandardPage

    url = "/it/domande-frequenti/"
    _get(client, url)
    _get(client, url)
    page = StandardPage.objects.live().get(url_path__endswith="/domande-frequenti/")
    page.introduction = "Un'introduzione appena pubblicata"
    page.save_revision().publish()
    assert "Un&#x27;introduzione appena pubblicata" in _get(client, url)


def _without_tokens(html):
    # A CSRF token is masked afresh on every rendering (the rating form).
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_pages_are_byte_identical_to_their_first_rendering(client, monkeypatch):
    for url in (HOME_IT, "/en/", "/it/domande-frequenti/", "/en/faq/"):
        fresh = _fresh(client, url, monkeypatch)
        _get(client, url)
        assert _without_tokens(_get(client, url)) == _without_tokens(fresh)

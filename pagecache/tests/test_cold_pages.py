"""The first visitor after a publication (issue 16): publishing one page clears only the
data that depend on it (pagecache/tags.py), so the home page is rendered from the data
cache but for what changed, and what changed is shown at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.models import ContactDetails
from programme.models import NewsPage, ProgrammePage

pytestmark = pytest.mark.django_db

HOME_IT = "/it/"


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0  # rendering is measured, with the data cache as it is


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _warm(client, url):
    client.get(url)
    client.get(url)
    return _queries(client, url)


def test_publishing_an_article_keeps_the_rest_of_the_home_page_cached(client):
    warm, _ = _warm(client, HOME_IT)
    article = NewsPage.objects.live().filter(locale__language_code="it").first()
    article.title = "Un titolo appena pubblicato"
    article.save_revision().publish()
    after, html = _queries(client, HOME_IT)
    assert "Un titolo appena pubblicato" in html  # the latest news, computed again
    # Routing, menu, footer, contact details and languages stayed cached: only the
    # latest articles were read again (before issue 16: 23 queries instead of 1).
    assert after <= max(2 * warm, warm + 1), (warm, after)


def test_publishing_a_menu_page_shows_its_new_title_in_every_menu(client):
    _warm(client, HOME_IT)
    page = ProgrammePage.objects.live().filter(locale__language_code="it").first()
    assert page.show_in_menus
    page.title = "Il programma rinnovato"
    page.save_revision().publish()
    _count, html = _queries(client, HOME_IT)
    assert html.count("Il programma rinnovato") >= 1


def test_publishing_the_contact_details_clears_the_footer_only(client):
    warm, _ = _warm(client, HOME_IT)
    details = ContactDetails.objects.filter(live=True, locale__language_code="it").first()
    details.phone_primary = "02 123 4567"
    details.save_revision().publish()
    after, html = _queries(client, HOME_IT)
    assert "02 123 4567" in html
    assert after <= warm + 1, (warm, after)


def test_an_unrelated_snippet_saved_clears_no_data(client):
    from programme.models import Venue

    warm, _ = _warm(client, HOME_IT)
    Venue.objects.filter(live=True).first().save()
    after, _html = _queries(client, HOME_IT)
    assert after == warm

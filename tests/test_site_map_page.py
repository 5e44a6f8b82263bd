"""«Mappa del sito» (issue 17, P4): the live pages of the visitor's language, nested."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from home.models import SiteMapPage
from home.site_map import site_map_tree

pytestmark = pytest.mark.django_db


def map_links(client, url):
    response = client.get(url)
    assert response.status_code == 200
    nav = BeautifulSoup(response.content, "html.parser").select_one("main nav.site-map")
    return nav, [a["href"] for a in nav.find_all("a")]


@pytest.mark.parametrize(("url", "prefix", "section"), [
    ("/it/mappa-del-sito/", "/it/", "/it/programma/"),
    ("/en/site-map/", "/en/", "/en/programme/"),
])
def test_the_map_lists_its_language_s_pages_only(client, url, prefix, section):
    nav, links = map_links(client, url)
    assert links[0] == prefix  # the home page holds the rest
    assert section in links
    assert all(link.startswith(prefix) for link in links)
    # Nested: the sections are a list inside the home page's item.
    assert nav.select_one("ul > li > ul > li > a") is not None


def test_a_draft_or_private_page_is_not_listed(client):
    programme = Page.objects.get(url_path__endswith="/programma/", locale__language_code="it")
    programme.unpublish()
    _nav, links = map_links(client, "/it/mappa-del-sito/")
    assert "/it/programma/" not in links


def test_the_map_is_read_in_one_query_whatever_the_pages():
    root = SiteMapPage.objects.get(locale__language_code="it").get_site_root_in_locale()
    with CaptureQueriesContext(connection) as queries:
        tree = site_map_tree(root)
        titles = [node["page"].title for node in tree[0]["children"]]
    assert titles and len(queries) <= 2  # the pages, and public()'s view restrictions


def test_the_footer_and_the_demo_link_the_map_in_both_languages(client):
    for home, url in [("/it/", "/it/mappa-del-sito/"), ("/en/", "/en/site-map/")]:
        footer = BeautifulSoup(client.get(home).content, "html.parser").find("footer")
        assert footer.find("a", href=url) is not None

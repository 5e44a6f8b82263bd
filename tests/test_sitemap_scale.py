"""The sitemap grows without its cost growing (issue 16): /sitemap.xml is an index of
sitemap pages of at most SITEMAP_PAGE_SIZE URLs; each page and the index run the same
number of queries with a few pages or many; every URL carries its hreflang alternates,
x-default (the Italian version) included, even when its translation is on another page."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from programme.models import NewsIndexPage, NewsPage
from seo.sitemap import hreflang_alternates

pytestmark = pytest.mark.django_db

HOST = "http://testserver"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
NS = {"s": SITEMAP, "x": XHTML}


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 (the site's own response)


def index_locations(client):
    root = parse(client.get("/sitemap.xml"))
    assert root.tag == f"{{{SITEMAP}}}sitemapindex"
    assert all(child.tag == f"{{{SITEMAP}}}sitemap" for child in root)
    return [loc.text for loc in root.findall("s:sitemap/s:loc", NS)]


def urls_of(client, location):
    root = parse(client.get(location.removeprefix(HOST)))
    assert root.tag == f"{{{SITEMAP}}}urlset"
    assert all(child.tag == f"{{{SITEMAP}}}url" for child in root)
    return {
        url.findtext("s:loc", namespaces=NS): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
            if link.get("rel") == "alternate"
        }
        for url in root.findall("s:url", NS)
    }


def all_urls(client):
    found = {}
    for location in index_locations(client):
        found.update(urls_of(client, location))
    return found


def add_news(count, *, start=0, english=True):
    """`count` Italian news, each with a live English translation when `english`."""
    italian = NewsIndexPage.objects.get(locale__language_code="it")
    england = NewsIndexPage.objects.get(locale__language_code="en")
    for number in range(start, start + count):
        page = italian.add_child(instance=NewsPage(
            title=f"Notizia {number}", slug=f"notizia-scala-{number}",
            date=datetime.date(2025, 1, 1), summary="Sommario", locale=italian.locale))
        if english:
            england.add_child(instance=NewsPage(
                title=f"News {number}", slug=f"news-scale-{number}",
                date=datetime.date(2025, 1, 1), summary="Summary", locale=england.locale,
                translation_key=page.translation_key))


def queries(client, path):
    client.get(path)  # warm: the site's roots in the data cache, as in production
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def test_the_index_and_its_pages_are_valid_sitemaps(client):
    locations = index_locations(client)
    assert locations == [f"{HOST}/sitemap-pages.xml"]
    response = client.get("/sitemap-pages.xml")
    text = response.content.decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert f'xmlns="{SITEMAP}"' in text and f'xmlns:xhtml="{XHTML}"' in text
    root = parse(response)
    for url in root.findall("s:url", NS):
        assert [child.tag.split("}")[1] for child in url][:2] == ["loc", "lastmod"]
        datetime.date.fromisoformat(url.findtext("s:lastmod", namespaces=NS))


def test_pages_of_at_most_sitemap_page_size_list_every_page_once(client, settings):
    add_news(6)
    expected = {HOST + page.url for page in
                Page.objects.live().filter(depth__gt=1, alias_of__isnull=True)}
    settings.SITEMAP_PAGE_SIZE = 5
    locations = index_locations(client)
    assert len(locations) == -(-len(expected) // 5) > 2
    assert locations[1] == f"{HOST}/sitemap-pages.xml?p=2"
    seen = []
    for location in locations:
        urls = urls_of(client, location)
        assert 0 < len(urls) <= 5
        seen += list(urls)
    assert sorted(seen) == sorted(expected)


def test_alternates_name_every_language_and_x_default_across_pages(client, settings):
    add_news(3)
    settings.SITEMAP_PAGE_SIZE = 4  # the Italian and English trees land on other pages
    urls = all_urls(client)
    for number in range(3):
        italian = f"{HOST}/it/notizie/notizia-scala-{number}/"
        english = f"{HOST}/en/news/news-scale-{number}/"
        expected = {"it": italian, "en": english, "x-default": italian}
        assert urls[italian] == expected
        assert urls[english] == expected


def test_a_page_in_one_language_has_no_alternates(client):
    add_news(1, english=False)
    assert all_urls(client)[f"{HOST}/it/notizie/notizia-scala-0/"] == {}


def test_hreflang_alternates_rule():
    assert hreflang_alternates({"it": "i"}) == []
    assert hreflang_alternates({"en": "e", "it": "i"}) == [
        {"lang_code": "en", "location": "e"}, {"lang_code": "it", "location": "i"},
        {"lang_code": "x-default", "location": "i"}]
    # No Italian version: no default to name.
    assert hreflang_alternates({"en": "e", "fr": "f"}) == [
        {"lang_code": "en", "location": "e"}, {"lang_code": "fr", "location": "f"}]


def test_private_pages_drafts_and_the_host_asked(client):
    add_news(2)
    private = NewsPage.objects.get(slug="notizia-scala-0")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    NewsPage.objects.filter(slug="news-scale-1").update(live=False)
    urls = all_urls(client)
    assert f"{HOST}/it/notizie/notizia-scala-0/" not in urls
    assert f"{HOST}/en/news/news-scale-1/" not in urls
    # Its translation is a draft: the Italian page is listed alone, without alternates.
    assert urls[f"{HOST}/it/notizie/notizia-scala-1/"] == {}
    other = client.get("/sitemap-pages.xml", HTTP_HOST="localhost")
    assert b"<loc>http://localhost/it/" in other.content
    assert b"testserver" not in other.content


def test_query_counts_do_not_grow_with_the_pages(client, settings):
    settings.SITEMAP_PAGE_SIZE = 1000
    small = {path: queries(client, path) for path in ("/sitemap.xml", "/sitemap-pages.xml")}
    add_news(25)
    large = {path: queries(client, path) for path in ("/sitemap.xml", "/sitemap-pages.xml")}
    assert large == small
    assert max(small.values()) <= 6, small
    # Pages of a paginated sitemap: the first and the last cost the same.
    settings.SITEMAP_PAGE_SIZE = 10
    last = index_locations(client)[-1].removeprefix(HOST)
    assert last != "/sitemap-pages.xml"
    assert queries(client, "/sitemap-pages.xml") == queries(client, last) == small[
        "/sitemap-pages.xml"]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1e9", "9" * 5000, ""])
def test_bad_sitemap_page_numbers_are_not_found(client, page):
    # Django's LocaleMiddleware first tries the address under /it/ (a 302): no such file.
    response = client.get("/sitemap-pages.xml", {"p": page}, follow=True)
    assert response.status_code == 404


def test_an_unknown_section_is_not_found(client):
    assert client.get("/sitemap-news.xml", follow=True).status_code == 404

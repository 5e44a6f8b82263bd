"""Findability: RSS per language, site search, sitemap and robots.txt, Open Graph and
schema.org JSON-LD, all on the demo content (Italian pages with English translations)."""

import datetime
import io
import json
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

import pytest
from django.core.files.images import ImageFile
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from programme.models import NewsIndexPage, NewsPage
from tests.search_helpers import search

pytestmark = pytest.mark.django_db

ARTICLE = {"it": "/it/notizie/percorsi-di-mutuo-aiuto/", "en": "/en/news/mutual-aid-programmes/"}
NEWS = {"it": "/it/notizie/", "en": "/en/news/"}
HOST = "http://testserver"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
              "x": "http://www.w3.org/1999/xhtml"}


def news_index(lang):
    return NewsIndexPage.objects.get(locale__language_code=lang)


def article(lang):
    return NewsPage.objects.get(locale__language_code=lang, slug=ARTICLE[lang].split("/")[-2])


# --- helpers -----------------------------------------------------------------------------------


class HeadParser(HTMLParser):
    """<meta> properties/names and <link rel> hrefs of a page, each as a list of values."""

    def __init__(self):
        super().__init__()
        self.meta, self.links = {}, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs["content"])
        elif tag == "link" and attrs.get("rel"):
            self.links.setdefault(attrs["rel"], []).append(attrs.get("href"))


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld_nodes(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    blocks = JSON_LD.findall(response.content.decode())
    assert len(blocks) == 1, f"{url}: expected one JSON-LD block, found {len(blocks)}"
    data = json.loads(blocks[0])
    assert data["@context"] == "https://schema.org"
    return data["@graph"] if "@graph" in data else [data]


def of_type(nodes, schema_type):
    return [node for node in nodes if node.get("@type") == schema_type]


def parse_xml(content):
    # The site's own responses, not untrusted input.
    return ET.fromstring(content)  # noqa: S314


def get_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/rss+xml")
    return parse_xml(response.content).find("channel")


def attach_image(page):
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (0, 102, 204)).save(buffer, format="PNG")
    image = get_image_model().objects.create(
        title="Villa Scheibler", file=ImageFile(buffer, name="villa-scheibler.png")
    )
    page.image = image
    page.image_alt_text = "La facciata di Villa Scheibler"
    page.save()
    return image


# --- RSS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "index_title", "article_title"),
    [
        ("it", "Notizie", "Crisi: da Comune e Camera del Lavoro percorsi di mutuo aiuto"),
        ("en", "News", "Crisis: City and Camera del Lavoro start mutual-aid groups"),
    ],
)
def test_rss_feed_parses_and_lists_the_press_release_in_each_language(
    client, lang, index_title, article_title
):
    channel = get_feed(client, f"{NEWS[lang]}rss.xml")
    assert channel.findtext("language") == lang
    assert channel.findtext("title").startswith(index_title)
    assert channel.findtext("link") == HOST + NEWS[lang]
    assert channel.findtext("description")
    items = channel.findall("item")
    assert len(items) == 1
    item = items[0]
    assert item.findtext("title").startswith(article_title)
    assert item.findtext("link") == HOST + ARTICLE[lang]
    assert item.findtext("description") == article(lang).summary
    assert parsedate_to_datetime(item.findtext("pubDate")).date() == datetime.date(2012, 5, 8)


def test_rss_feed_is_linked_from_the_news_page(client):
    parser = head(client, NEWS["it"])
    assert "/it/notizie/rss.xml" in parser.links["alternate"]


def test_rss_feed_lists_live_articles_newest_first_at_most_twenty(client):
    index = news_index("it")
    for day in range(1, 23):
        index.add_child(instance=NewsPage(
            title=f"Notizia {day}", slug=f"notizia-{day}", date=datetime.date(2025, 1, day),
            summary=f"Sommario {day}", locale=index.locale,
        ))
    index.add_child(instance=NewsPage(
        title="Bozza", slug="bozza", date=datetime.date(2026, 1, 1), summary="Non ancora",
        locale=index.locale, live=False,
    ))
    titles = [item.findtext("title") for item in get_feed(client, "/it/notizie/rss.xml")
              .findall("item")]
    assert len(titles) == 20
    assert "Bozza" not in titles
    assert titles[:3] == ["Notizia 22", "Notizia 21", "Notizia 20"]


def test_feed_of_an_unknown_route_is_not_found(client):
    assert client.get("/it/notizie/atom.xml").status_code == 404
    assert client.get("/it/privacy/rss.xml").status_code == 404


# --- Search ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["it", "en"])
def test_search_finds_the_article_in_the_active_language_only(client, lang):
    body, hrefs = search(client, lang, "Scheibler")
    assert ARTICLE[lang] in hrefs
    assert hrefs and all(href.startswith(f"/{lang}/") for href in hrefs), hrefs
    assert f'<html lang="{lang}">' in body


def test_search_lives_under_each_language_prefix():
    for lang in ("it", "en"):
        with translation.override(lang):
            assert reverse("search") == {"it": "/it/cerca/", "en": "/en/search/"}[lang]


def test_search_form_is_labelled_and_keeps_the_query(client):
    body, _hrefs = search(client, "it", "Scheibler")
    form = re.search(r"<form[^>]*>.*?</form>", body, re.S).group(0)
    assert 'method="get"' in form and 'action="/it/cerca/"' in form
    assert re.search(r'<label[^>]*for="search-q"[^>]*>\s*\S', form)
    assert re.search(r'<input[^>]*id="search-q"[^>]*name="q"[^>]*value="Scheibler"', form)
    assert 'name="robots" content="noindex' in body


def test_search_without_results_says_so(client):
    body, hrefs = search(client, "en", "xylophonequartz")
    assert hrefs == []
    assert "No results for “xylophonequartz”" in body


def test_search_results_are_paginated(client, django_capture_on_commit_callbacks):
    home = Page.objects.get(depth=2, locale=Locale.objects.get(language_code="it")).specific
    from home.models import StandardPage

    with django_capture_on_commit_callbacks(execute=True):
        for number in range(12):
            home.add_child(instance=StandardPage(
                title=f"Zanzibarite {number}", slug=f"zanzibarite-{number}",
                locale=home.locale,
            ))
    _body, first = search(client, "it", "Zanzibarite")
    body, second = search(client, "it", "Zanzibarite", page=2)
    assert len(first) == 10 and len(second) == 2
    assert not set(first) & set(second)
    assert "?q=Zanzibarite&amp;page=1" in body


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 5000,
        "Scheibler " * 600,
        "<script>alert(1)</script>",
        '"unbalanced quote',
        "\x00\x01",
        "NEAR(a b) OR -x AND ^y*",
        "a:b (c) [d] {e} \\ +",
        "😀 perché?",
    ],
)
def test_odd_queries_never_fail(client, query):
    for lang in ("it", "en"):
        body, _hrefs = search(client, lang, query)
        assert "<script>alert(1)</script>" not in body


def test_bad_page_numbers_never_fail(client):
    for page in ("abc", "0", "-1", "99999", "1e9"):
        search(client, "it", "Scheibler", page=page)


# --- Sitemap and robots.txt --------------------------------------------------------------------


def sitemap(client):
    """Every <url> of every sitemap page the index at /sitemap.xml lists."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = []
    for loc in parse_xml(response.content).findall("s:sitemap/s:loc", SITEMAP_NS):
        page = client.get(loc.text.removeprefix(HOST))
        assert page.status_code == 200, loc.text
        urls += parse_xml(page.content).findall("s:url", SITEMAP_NS)
    return urls


def test_sitemap_lists_every_demo_page_in_both_languages(client):
    urls = {url.findtext("s:loc", namespaces=SITEMAP_NS): url for url in sitemap(client)}
    pages = Page.objects.live().filter(depth__gt=1)
    expected = {HOST + page.url for page in pages}
    assert {url for url in expected if "/it/" in url}
    assert {url for url in expected if "/en/" in url}
    assert set(urls) == expected
    assert HOST + ARTICLE["it"] in urls and HOST + ARTICLE["en"] in urls
    for loc, url in urls.items():
        assert datetime.date.fromisoformat(url.findtext("s:lastmod", namespaces=SITEMAP_NS)), loc


def test_sitemap_links_the_translations_of_each_page(client):
    for url in sitemap(client):
        if url.findtext("s:loc", namespaces=SITEMAP_NS) == HOST + ARTICLE["en"]:
            alternates = {link.get("hreflang"): link.get("href")
                          for link in url.findall("x:link", SITEMAP_NS)}
            assert alternates == {"it": HOST + ARTICLE["it"], "en": HOST + ARTICLE["en"],
                                  "x-default": HOST + ARTICLE["it"]}
            return
    pytest.fail("the English article is not in the sitemap")


def test_sitemap_leaves_out_drafts(client):
    index = news_index("en")
    index.add_child(instance=NewsPage(title="Draft", slug="draft", summary="Not yet",
                                      locale=index.locale, live=False))
    locs = [url.findtext("s:loc", namespaces=SITEMAP_NS) for url in sitemap(client)]
    assert not [loc for loc in locs if loc.endswith("/draft/")]


def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert client.get("/sitemap.xml").status_code == 200


# --- Open Graph and basic meta -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "og_locale", "alternate"), [("it", "it_IT", "en_GB"), ("en", "en_GB", "it_IT")]
)
def test_news_article_has_absolute_open_graph_tags(client, lang, og_locale, alternate):
    page = article(lang)
    parser = head(client, ARTICLE[lang])
    meta = parser.meta
    assert meta["og:type"] == ["article"]
    assert meta["og:title"] == [page.title]
    assert meta["og:description"] == [page.summary]
    assert meta["description"] == [page.summary]
    assert meta["og:url"] == [HOST + ARTICLE[lang]]
    assert parser.links["canonical"] == [HOST + ARTICLE[lang]]
    assert meta["og:locale"] == [og_locale]
    assert meta["og:locale:alternate"] == [alternate]
    assert meta["og:site_name"] == [
        "Mutuo Aiuto Lavoro" if lang == "it" else "Mutual Aid for Work"
    ]
    assert "og:image" not in meta  # the demo article has no picture


def test_home_page_uses_its_search_description(client):
    home = Page.objects.get(depth=2, locale__language_code="en").specific
    meta = head(client, "/en/").meta
    assert meta["description"] == [home.search_description]
    assert meta["og:type"] == ["website"]
    assert meta["og:url"] == [HOST + "/en/"]


def test_og_image_is_an_absolute_rendition_of_the_news_image(client):
    attach_image(article("it"))
    meta = head(client, ARTICLE["it"]).meta
    (url,) = meta["og:image"]
    assert url.startswith(HOST + "/") and url.endswith(".jpg")
    assert meta["og:image:width"] == ["1200"] and meta["og:image:height"] == ["630"]
    assert meta["og:image:alt"] == ["La facciata di Villa Scheibler"]
    (news_article,) = of_type(json_ld_nodes(client, ARTICLE["it"]), "NewsArticle")
    assert news_article["image"] == [url]


def test_pages_without_a_wagtail_page_have_no_open_graph(client):
    body = client.get("/it/cerca/").content.decode()
    assert 'property="og:' not in body
    assert "application/ld+json" not in body


# --- schema.org JSON-LD ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "schema_type"),
    [
        ("/it/", "WebSite"),
        ("/en/", "WebSite"),
        ("/it/programma/", "GovernmentService"),
        ("/en/programme/", "GovernmentService"),
        ("/it/gruppi/", "Event"),
        ("/en/groups/", "Place"),
        (ARTICLE["it"], "NewsArticle"),
        (ARTICLE["en"], "NewsArticle"),
        ("/it/protocollo/", "Organization"),
        ("/it/notizie/", "WebPage"),
        ("/en/privacy-notice/", "WebPage"),
    ],
)
def test_every_page_type_has_json_ld_of_the_right_type(client, url, schema_type):
    assert of_type(json_ld_nodes(client, url), schema_type)


def test_home_page_declares_the_site_search(client):
    (website,) = of_type(json_ld_nodes(client, "/en/"), "WebSite")
    target = website["potentialAction"]["target"]["urlTemplate"]
    assert target == HOST + "/en/search/?q={search_term_string}"


def test_programme_is_a_government_service_of_both_signatories_at_the_venue(client):
    nodes = json_ld_nodes(client, "/it/programma/")
    (service,) = of_type(nodes, "GovernmentService")
    # A service of the City, operated with the Camera del Lavoro (issue 19).
    assert service["provider"]["@type"] == "GovernmentOrganization"
    assert "Comune di Milano" in service["provider"]["name"]
    (operator,) = service["serviceOperator"]
    assert operator["@type"] == "Organization"
    assert "Camera del Lavoro" in operator["name"]
    assert service["areaServed"]["name"] == "Milano"
    (place,) = of_type(nodes, "Place")
    assert service["availableChannel"]["serviceLocation"] == [{"@id": place["@id"]}]
    assert_is_villa_scheibler(place)


def assert_is_villa_scheibler(place):
    assert place["name"].startswith("Villa Scheibler")
    assert place["address"]["@type"] == "PostalAddress"
    assert place["address"]["streetAddress"] == "via Felice Orsini 21"
    assert place["address"]["addressLocality"] == "Milano"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 45.51785,
                            "longitude": 9.13868}
    (hours,) = place["openingHoursSpecification"]
    assert hours["dayOfWeek"][0] == "https://schema.org/Monday"
    assert hours["dayOfWeek"][-1] == "https://schema.org/Friday"
    assert (hours["opens"], hours["closes"]) == ("09:00", "18:00")


def test_groups_page_lists_the_next_meetings_as_events_at_the_venue(client):
    nodes = json_ld_nodes(client, "/en/groups/")
    (place,) = of_type(nodes, "Place")
    assert_is_villa_scheibler(place)
    events = of_type(nodes, "Event")
    assert len(events) == 10  # four weekly meetings over four weeks, cut to ten
    starts = [datetime.datetime.fromisoformat(event["startDate"]) for event in events]
    assert starts == sorted(starts)
    assert starts[0].date() >= datetime.date.today() - datetime.timedelta(days=1)
    for event in events:
        start = datetime.datetime.fromisoformat(event["startDate"])
        end = datetime.datetime.fromisoformat(event["endDate"])
        assert start.utcoffset() is not None and end > start
        assert event["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
        assert event["eventStatus"] == "https://schema.org/EventScheduled"
        assert event["location"]["@type"] == "Place"
        assert event["location"]["address"]["streetAddress"] == "via Felice Orsini 21"
    assert {event["name"] for event in events} <= {
        "Starting again together", "Wage support: let's talk about it", "First job"
    }


@pytest.mark.parametrize("lang", ["it", "en"])
def test_news_article_json_ld(client, lang):
    (news_article,) = of_type(json_ld_nodes(client, ARTICLE[lang]), "NewsArticle")
    assert news_article["headline"] == article(lang).title
    assert news_article["datePublished"] == "2012-05-08"
    assert news_article["inLanguage"] == lang
    assert news_article["url"] == HOST + ARTICLE[lang]
    assert news_article["publisher"]["@type"] == "Organization"
    assert news_article["publisher"]["url"] == f"{HOST}/{lang}/"


@pytest.mark.parametrize("lang", ["it", "en"])
def test_protocol_lists_each_founding_signatory_as_an_organization(client, lang):
    from programme.models import ProtocolPage

    page = ProtocolPage.objects.get(locale__language_code=lang)
    organisations = of_type(json_ld_nodes(client, page.url), "Organization")
    names = [org["name"] for org in organisations]
    assert names == [signatory.organisation for signatory in page.signatories.all()]
    assert len(names) == 2
    assert "Camera del Lavoro Metropolitana di Milano" in names[1]


def test_json_ld_cannot_break_out_of_its_script_element(client):
    page = article("it")
    page.title = "</script><script>alert('x')</script> & <b>"
    page.save()
    body = client.get(ARTICLE["it"]).content.decode()
    assert "<script>alert(" not in body
    (news_article,) = of_type(json_ld_nodes(client, ARTICLE["it"]), "NewsArticle")
    assert news_article["headline"] == page.title

"""Search fixes of issue 17's review: the service sheet's topic chips find the pages
tagged with the topic (each topic's name in the page's language is indexed with the
page), a promotion's description is shown only in the language it was written in, and
snippets do not join a page's parts as "…gruppi. , Quanto…". Run with
scripts/with-postgres.sh too."""

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Locale, Page

from home.search_backend import _plain
from programme.models import ProgrammePage
from tests.search_helpers import search
from topics.models import Topic

pytestmark = pytest.mark.django_db

SHEET = {"it": "/it/programma/", "en": "/en/programme/"}


def _chip_queries(language):
    soup = BeautifulSoup(Client().get(SHEET[language]).content, "html.parser")
    return [(chip.get_text(" ", strip=True), chip["href"])
            for chip in soup.select('[data-element="service-topic"]')]


@pytest.mark.parametrize("language", ["it", "en"])
def test_each_topic_chip_finds_the_service_sheet(client, language):
    chips = _chip_queries(language)
    assert len(chips) >= 3
    sheet = ProgrammePage.objects.get(locale__language_code=language)
    for name, href in chips:
        response = client.get(href)
        assert response.status_code == 200
        listing = re.search(r'<ol class="list-unstyled search-results".*?</ol>',
                            response.content.decode(), re.S)
        assert listing, (language, name)
        assert f'href="{sheet.url}"' in listing.group(0), (language, name)


def test_the_index_holds_the_topics_in_the_pages_language():
    italian = ProgrammePage.objects.get(locale__language_code="it")
    english = ProgrammePage.objects.get(locale__language_code="en")
    assert "Inclusione sociale" in italian.topic_names()
    assert "Social inclusion" in english.topic_names()
    assert "Inclusione" not in english.topic_names()


def test_a_renamed_topic_is_found_after_the_page_is_published_again(client):
    sheet = ProgrammePage.objects.get(locale__language_code="it")
    topic = Topic.objects.get(locale__language_code="it", name="Formazione")
    topic.name = "Riqualificazione"
    topic.save()
    sheet.save_revision().publish()
    _body, hrefs = search(client, "it", "Riqualificazione")
    assert sheet.url in hrefs


# --- Promotions: the description in the language it was written in ----------------------


def _promote(query_string, page, description):
    query, _created = Query.objects.get_or_create(query_string=query_string)
    return SearchPromotion.objects.create(query=query, page=page, description=description)


def _first_result(body):
    soup = BeautifulSoup(body, "html.parser")
    item = soup.select_one("ol.search-results li")
    return " ".join(item.get_text(" ").split())


def test_an_italian_promotion_description_is_not_shown_on_english_pages(client):
    contact = Page.objects.get(locale__language_code="it", slug="contatti")
    _promote("orari", contact, "Orari e contatti della Segreteria")
    body, hrefs = search(client, "en", "orari")
    english = contact.get_translation(Locale.objects.get(language_code="en"))
    assert hrefs and hrefs[0] == english.url
    first = _first_result(body)
    assert "Recommended" in first
    assert "Orari e contatti della Segreteria" not in first
    # The Italian reader still reads the editors' words.
    body, _hrefs = search(client, "it", "orari")
    assert "Orari e contatti della Segreteria" in _first_result(body)


# --- Snippets: a page's parts joined as sentences -------------------------------------------


def test_parts_are_joined_without_a_comma_after_a_full_stop():
    joined = _plain(["Il programma dei gruppi. ", "", ["Quanto costa", "Nulla!"], "Dove",
                     {"a": "Qui"}])
    assert " , " not in joined and "., " not in joined and "!," not in joined
    assert joined == "Il programma dei gruppi. Quanto costa, Nulla! Dove, Qui"


@pytest.mark.parametrize("language", ["it", "en"])
def test_no_snippet_shows_a_comma_after_a_full_stop(client, language):
    for query in {"it": ["gruppi", "costa", "orari", "lavoro"],
                  "en": ["groups", "cost", "hours", "work"]}[language]:
        body, _hrefs = search(client, language, query)
        for snippet in re.findall(r'<p class="search-snippet[^"]*">(.*?)</p>', body, re.S):
            text = re.sub(r"<[^>]+>", "", snippet)
            assert not re.search(r"[.!?…:;]\s*,", text), (query, text)

"""The demo's English pages are in English, every part of them.

wagtail-localize finds no segment in a ListBlock written in Wagtail's older raw form (bare
values without {"type": "item", "id"}): the English FAQ showed the Italian questions and
answers, and nothing failed. This test reads every English page of the demo next to its
Italian source and refuses any sentence the two share.
"""

import re

import pytest
from django.test import Client
from wagtail.models import Locale, Page

from tests.test_headers import html_of

pytestmark = pytest.mark.django_db


# Names and addresses read the same in both languages.
PROPER_NAMES = ("Villa Scheibler", "via Felice Orsini")


def sentences(url):
    """The sentences of the page's <main> of at least five words (proper names, addresses
    and dates are shorter)."""
    html = html_of(Client().get(url))
    main = html[html.index("<main"):html.index("</main>")]
    text = re.sub(r"<[^>]+>", "\n", main)
    return {" ".join(part.split()) for part in re.split(r"[\n.?!:]", text)
            if len(part.split()) >= 5 and not any(name in part for name in PROPER_NAMES)}


def test_no_english_page_of_the_demo_repeats_an_italian_sentence():
    english = Locale.objects.get(language_code="en")
    italian = Locale.objects.get(language_code="it")
    shared = {}
    for page in Page.objects.live().filter(locale=english, depth__gt=1).specific():
        source = page.get_translation_or_none(italian)
        if source is None or not source.live:
            continue
        same = sentences(page.url) & sentences(source.url)
        if same:
            shared[page.url] = sorted(same)[:3]
    assert shared == {}


def test_the_english_faq_asks_in_english():
    html = html_of(Client().get("/en/faq/"))
    assert "How much does it cost?" in html
    assert "Quanto costa partecipare?" not in html


def test_the_demo_bookable_services_are_translated_in_every_field():
    from booking.models.bookings import BookableService

    english = Locale.objects.get(language_code="en")
    services = BookableService.objects.filter(locale=Locale.get_default())
    assert {s.name for s in services} >= {"Colloquio di orientamento",
                                          "Postazione informatica"}
    for service in services:
        translation = service.get_translation(english)
        assert translation.venue.locale == english
        assert translation.name != service.name
        assert translation.description != service.description
        shared = {r for r, _label in translation.reason_choices()} & {
            r for r, _label in service.reason_choices()}
        assert not shared, (service.name, shared)

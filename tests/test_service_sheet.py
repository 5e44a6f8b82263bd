"""The programme page as the Designers Italia model's service sheet (issue 17, P1).

The data-element attributes and texts are those pa-website-validator-ng looks for:
src/audits/municipality_service/index.ts and src/storage/municipality/contentTypeItems.ts
(section titles and their data-elements), src/utils/utils.ts checkBreadcrumb ("servizi"
followed by a category of at least 3 characters).
"""

import re

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from programme.models import ProgrammePage
from programme.models.offices import ResponsibleOffice
from programme.service_categories import ServiceStatus
from topics.models import Topic

pytestmark = pytest.mark.django_db

IT, EN = "/it/programma/", "/en/programme/"

# contentTypeItems.ts: contentTypeItemsIndex, in this order.
MODEL_SECTIONS_IT = ["A chi è rivolto", "Come fare", "Cosa serve", "Cosa si ottiene",
                     "Tempi e scadenze", "Accedi al servizio", "Condizioni di servizio",
                     "Contatti"]
SECTIONS_EN = ["Who it is for", "How to take part", "What you need", "What you get",
               "Times and deadlines", "Access the service", "Conditions of service",
               "Contacts"]
# contentTypeItemsIndexDataElement: the section bodies with text (>= 3 characters).
TEXT_ELEMENTS = ["service-addressed", "service-how-to", "service-needed",
                 "service-achieved", "service-calendar-text", "service-generic-access",
                 "service-area"]


def _soup(url, client=None):
    response = (client or Client()).get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser"), response


def _one(soup, element):
    found = soup.select(f'[data-element="{element}"]')
    assert len(found) == 1, (element, len(found))
    return found[0]


def _text(node):
    return " ".join(node.get_text(" ").split())


def _programme(language="it"):
    return ProgrammePage.objects.get(locale__language_code=language)


def _publish(page):
    page.save_revision().publish()


def test_sections_come_in_the_model_order_with_its_italian_headings():
    soup, _response = _soup(IT)
    headings = [_text(s.h2) for s in soup.select("main section.it-page-section[id] ")
                if s.h2 and _text(s.h2) in MODEL_SECTIONS_IT]
    assert headings == MODEL_SECTIONS_IT
    # The side index ("page-index") lists the same titles in the same order.
    index = _one(soup, "page-index")
    assert [_text(a) for a in index.select("li > a")] == MODEL_SECTIONS_IT


def test_english_page_has_the_english_headings_in_the_same_order():
    soup, _response = _soup(EN)
    headings = [_text(s.h2) for s in soup.select("main section.it-page-section[id]")
                if _text(s.h2) in SECTIONS_EN]
    assert headings == SECTIONS_EN
    assert "Service active" in _text(_one(soup, "service-status"))
    assert "Last updated" in soup.get_text()


def test_every_data_element_of_the_service_sheet_is_there_with_text():
    soup, _response = _soup(IT)
    assert _text(_one(soup, "service-title")) == _programme().title
    assert len(_text(_one(soup, "service-description"))) >= 3
    for element in TEXT_ELEMENTS:
        assert len(_text(_one(soup, element))) >= 3, element
    assert _one(soup, "service-online-access")["href"] == "/it/partecipa/"
    # Each body sits in the section whose heading the model pairs it with.
    for heading, element in [("A chi è rivolto", "service-addressed"),
                             ("Come fare", "service-how-to"),
                             ("Cosa serve", "service-needed"),
                             ("Cosa si ottiene", "service-achieved"),
                             ("Tempi e scadenze", "service-calendar-text"),
                             ("Accedi al servizio", "service-generic-access"),
                             ("Accedi al servizio", "service-online-access"),
                             ("Condizioni di servizio", "service-file"),
                             ("Contatti", "service-area")]:
        assert _text(_one(soup, element).find_parent("section").h2) == heading, element


def test_status_is_shown_as_a_chip_and_a_reason_when_not_active():
    soup, _response = _soup(IT)
    status = _one(soup, "service-status")
    assert "chip" in status["class"]
    assert _text(status) == "Servizio attivo"

    page = _programme()
    page.service_status = ServiceStatus.INACTIVE
    page.status_reason = "Sospeso ad agosto per la chiusura estiva."
    _publish(page)
    soup, _response = _soup(IT)
    assert _text(_one(soup, "service-status")) == "Servizio non attivo"
    assert "Sospeso ad agosto per la chiusura estiva." in _text(soup.select_one("main"))


def test_a_service_not_active_needs_a_reason_in_words():
    page = _programme()
    page.service_status = ServiceStatus.INACTIVE
    page.status_reason = "  "
    from django.utils import translation

    with translation.override("it"), pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "Indica perché il servizio non è attivo" in str(error.value.message_dict[
        "status_reason"])


def test_breadcrumb_reads_home_services_category_title():
    for url, expected in [(IT, ["Home", "Servizi", "Vita lavorativa"]),
                          (EN, ["Home", "Services", "Work life"])]:
        soup, _response = _soup(url)
        items = [_text(li).rstrip("/").strip() for li in _one(soup, "breadcrumb").select("li")]
        assert items[:3] == expected, url
        assert items[3] == _programme(url[1:3]).title
        # As the validator reads it (utils.ts checkBreadcrumb).
        cleaned = [re.sub(r"[^a-zA-Z0-9 ]", "", i.lower()).strip() for i in items]
        if url == IT:
            assert len(cleaned[cleaned.index("servizi") + 1]) >= 3


def test_topics_are_chip_links_in_each_language():
    soup, _response = _soup(IT)
    topics = soup.select('[data-element="service-topic"]')
    assert [_text(t) for t in topics] == ["Formazione", "Inclusione sociale", "Lavoro"]
    assert all("chip" in t["class"] for t in topics)
    assert topics[2]["href"] == "/it/cerca/?q=Lavoro"
    assert "Argomenti" in [_text(h) for h in soup.select("main h2")]

    soup, _response = _soup(EN)
    topics = soup.select('[data-element="service-topic"]')
    assert [_text(t) for t in topics] == ["Social inclusion", "Training", "Work"]
    assert topics[2]["href"] == "/en/search/?q=Work"
    assert "Topics" in [_text(h) for h in soup.select("main h2")]


def test_responsible_office_is_shown_with_its_details_in_each_language():
    soup, _response = _soup(IT)
    area = _one(soup, "service-area")
    assert _text(area) == "Segreteria del programma — Area Lavoro e Formazione"
    card = _text(area.find_parent("div", class_="card"))
    for value in ["Villa Scheibler, via Felice Orsini 21, 20157 Milano", "02 884 47502",
                  "infolavoro@example.org",
                  "Posta elettronica certificata (PEC)", "infolavoro@pec.example.org",
                  "dal lunedì al venerdì"]:
        assert value in card, value
    soup, _response = _soup(EN)
    assert _text(_one(soup, "service-area")) == "Programme office — Work and Training Area"
    assert "Monday to Friday" in _text(_one(soup, "service-area").find_parent("div",
                                                                              class_="card"))


def test_an_edited_office_shows_on_the_page():
    office = ResponsibleOffice.objects.get(locale=Locale.get_default())
    office.name = "Ufficio Lavoro di prova"
    office.save()
    soup, _response = _soup(IT)
    assert _text(_one(soup, "service-area")) == "Ufficio Lavoro di prova"


def test_conditions_of_service_link_the_protocol_pdf_with_format_and_size():
    soup, _response = _soup(IT)
    link = _one(soup, "service-file")
    document = _programme().conditions_document
    assert link["href"] == document.url
    assert re.search(r"\(PDF, \d+([.,]\d+)?\s(bytes?|KB)\)", _text(link.parent)), _text(link.parent)
    response = Client().get(link["href"])
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF-") and b"%%EOF" in body


def test_last_updated_is_the_last_publication_in_the_readers_language():
    from readable.dates import local_date

    page = _programme()
    soup, _response = _soup(IT)
    updated = soup.select_one("p.service-last-updated")
    from django.utils import translation

    with translation.override("it"):
        expected = local_date(page.last_published_at)
    assert _text(updated) == f"Ultimo aggiornamento: {expected}"
    assert re.fullmatch(r"\d{1,2} [a-z]+ \d{4}", expected)


def test_the_service_sheet_stays_cached_for_visitors(settings):
    settings.PAGE_CACHE_SECONDS = 300
    for url in (IT, EN):
        assert Client().get(url)["X-Page-Cache"] == "miss"
        response = Client().get(url)
        assert response["X-Page-Cache"] == "hit"
        assert not response.cookies


def test_queries_do_not_grow_with_the_number_of_topics(settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = Client()

    def count(url):
        # Warm twice: the first visit remembers the route, the second the routed page
        # (pagecache.routing), as in tests/test_query_bounds.py.
        client.get(url)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = {url: count(url) for url in (IT, EN)}
    italian, english = Locale.get_default(), Locale.objects.get(language_code="en")
    page = _programme()
    for n in range(12):
        topic = Topic.objects.create(locale=italian, name=f"Argomento {n}", slug=f"arg-{n}")
        topic.copy_for_translation(english).save()
        page.topics.add(topic)
    _publish(page)
    english_page = _programme("en")
    english_page.topics.set(page.topics.all())
    _publish(english_page)
    soup, _response = _soup(EN, client)
    assert len(soup.select('[data-element="service-topic"]')) == 15
    assert {url: count(url) for url in (IT, EN)} == before


def test_the_demo_load_is_idempotent_and_fills_a_service_sheet_made_before(
        django_capture_on_commit_callbacks):
    """A demo site made before the service sheet's fields gets them on the next load;
    a second load adds no topic, office or revision."""
    from io import StringIO

    from django.core.management import call_command

    ProgrammePage.objects.update(responsible_office=None, conditions_document=None)
    for page in ProgrammePage.objects.all():
        page.topics.clear()
        page.save()
    counts = (Topic.objects.count(), ResponsibleOffice.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_content", stdout=StringIO())
    for language in ("it", "en"):
        page = _programme(language)
        assert page.responsible_office is not None and page.conditions_document is not None
        assert page.topics.count() == 3
    assert (Topic.objects.count(), ResponsibleOffice.objects.count()) == counts
    revisions = _programme().revisions.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_content", stdout=StringIO())
    assert _programme().revisions.count() == revisions
    soup, _response = _soup(EN)
    assert len(soup.select('[data-element="service-topic"]')) == 3

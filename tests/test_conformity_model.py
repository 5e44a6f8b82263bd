"""The Designers Italia municipal-site model, checked offline as its validator checks it.

Italian municipalities are assessed by `pa-website-validator-ng`, which finds the model's
elements by their `data-element` attributes and compares some of their texts with the
ones the model prescribes. This test reads the demo site's pages as the validator does
(the rendered HTML, no JavaScript) and asserts each criterion that applies to a programme
site. Every expectation below names the validator's file it comes from (repository
italia/pa-website-validator-ng, `src/...`), so that a new release of the validator can be
compared line by line.

Criteria left out, and why: C.SI.1.x "Amministrazione / Novità / Servizi / Vivere il
Comune" menu (a programme site has no such sections: the model's `custom-submenu` applies);
C.SI.2.1 booking (issue "Booking"); C.SI.3.x cloud, domain and IP location (deployment,
not markup).
"""

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from tests.test_headers import html_of

pytestmark = pytest.mark.django_db

# src/storage/municipality/contentTypeItems.ts: contentTypeItemsIndex, in this order.
SERVICE_INDEX = [
    "A chi è rivolto",
    "Come fare",
    "Cosa serve",
    "Cosa si ottiene",
    "Tempi e scadenze",
    "Accedi al servizio",
    "Condizioni di servizio",
    "Contatti",
]
# The same file: contentTypeItemsIndexDataElement.paragraph (must hold text) ...
SERVICE_PARAGRAPHS = {
    "service-addressed": "A chi è rivolto",
    "service-how-to": "Come fare",
    "service-needed": "Cosa serve",
    "service-achieved": "Cosa si ottiene",
    "service-calendar-text": "Tempi e scadenze",
}
# ... and .exist (must be there). The booking access comes with issue "Booking": one of
# the three access elements is enough for the validator.
SERVICE_ACCESS = {"service-generic-access", "service-online-access", "service-booking-access"}
SERVICE_PRESENT = {"service-file": "Condizioni di servizio", "service-area": "Contatti"}
# src/audits/municipality_service/index.ts: the header voices (contentTypeItemsHeaders).
SERVICE_HEADER = ["service-title", "service-description", "service-status", "service-topic"]

# src/storage/municipality/feedbackComponentStructure.ts
FEEDBACK = {
    "it": {
        "title": "Quanto sono chiare le informazioni su questa pagina?",
        "positive_question": "Quali sono stati gli aspetti che hai preferito?",
        "positive_answers": [
            "Le indicazioni erano chiare",
            "Le indicazioni erano complete",
            "Capivo sempre che stavo procedendo correttamente",
            "Non ho avuto problemi tecnici",
            "Altro",
        ],
        "negative_question": "Dove hai incontrato le maggiori difficoltà?",
        "negative_answers": [
            "A volte le indicazioni non erano chiare",
            "A volte le indicazioni non erano complete",
            "A volte non capivo se stavo procedendo correttamente",
            "Ho avuto problemi tecnici",
            "Altro",
        ],
    },
}

# src/audits/municipality_faq, _inefficiency_report_audit, _privacy, _accessibility,
# _license (legal notes): each searched inside <footer>. The report link's text is one of
# the three the inefficiency audit accepts ("disservizio", "segnala disservizio",
# "segnalazione disservizio").
FOOTER_ELEMENTS = ["faq", "report-inefficiency", "privacy-policy-link", "legal-notes",
                   "accessibility-link"]
REPORT_TEXTS = {"disservizio", "segnala disservizio", "segnalazione disservizio"}

# src/audits/license/legalNotes.ts
LEGAL_NOTES_TITLE = "Licenza dei contenuti"
LEGAL_NOTES_TEXT = (
    "In applicazione del principio open by default ai sensi dell’articolo 52 del decreto "
    "legislativo 7 marzo 2005, n. 82 (CAD) e salvo dove diversamente specificato (compresi "
    "i contenuti incorporati di terzi), i dati, i documenti e le informazioni pubblicati "
    "sul sito sono rilasciati con licenza CC-BY 4.0. Gli utenti sono quindi liberi di "
    "condividere (riprodurre, distribuire, comunicare al pubblico, esporre in pubblico), "
    "rappresentare, eseguire e recitare questo materiale con qualsiasi mezzo e formato e "
    "modificare (trasformare il materiale e utilizzarlo per opere derivate) per qualsiasi "
    "fine, anche commerciale con il solo onere di attribuzione, senza apporre restrizioni "
    "aggiuntive."
)

SERVICE_SHEET = {"it": "/it/programma/", "en": "/en/programme/"}
# First- and second-level pages (children and grandchildren of the home page) and the
# service sheet carry the rating component (src/audits/municipality_feedback).
RATED_PAGES = [
    "/it/programma/", "/en/programme/",
    "/it/gruppi/", "/en/groups/",
    "/it/notizie/", "/en/news/",
    "/it/notizie/percorsi-di-mutuo-aiuto/", "/en/news/mutual-aid-programmes/",
    "/it/protocollo/", "/en/protocol/",
    "/it/domande-frequenti/", "/en/faq/",
]
EVERY_PAGE_TYPE = [
    "/it/", "/en/",
    "/it/programma/", "/en/programme/",
    "/it/gruppi/", "/en/groups/",
    "/it/notizie/", "/en/news/",
    "/it/notizie/percorsi-di-mutuo-aiuto/", "/en/news/mutual-aid-programmes/",
    "/it/protocollo/", "/en/protocol/",
    "/it/partecipa/", "/en/apply/",
    "/it/contatti/", "/en/contact/",
    "/it/domande-frequenti/", "/en/faq/",
    "/it/privacy/", "/en/privacy-notice/",
    "/it/accessibilita/", "/en/accessibility/",
    "/it/note-legali/", "/en/legal-notes/",
    "/it/cerca/?q=gruppi", "/en/search/?q=groups",
]


def soup_of(url, client=None):
    response = (client or Client()).get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return BeautifulSoup(html_of(response), "html.parser")


def text_of(element):
    return " ".join(element.get_text(" ").split())


def elements(soup, name):
    return soup.select(f'[data-element="{name}"]')


def breadcrumb_items(soup):
    """The breadcrumb's <li> texts, normalised as the validator's checkBreadcrumb does
    (src/utils/utils.ts: lower case, only [a-z0-9 ] kept)."""
    items = []
    for trail in elements(soup, "breadcrumb"):
        for item in trail.find_all("li"):
            items.append(re.sub(r"[^a-z0-9 ]", "", text_of(item).lower()).strip())
    return items


# --- The service sheet (criterion C.SI.1.3, src/audits/municipality_service) -----------

def test_the_service_sheet_has_the_models_index_in_the_models_order():
    soup = soup_of(SERVICE_SHEET["it"])
    index = elements(soup, "page-index")
    assert index, "no data-element=page-index"
    # The validator reads '[data-element="page-index"] > li > a' (getServicesFromIndex in
    # src/audits/municipality_service/index.ts): the attribute sits on the list itself.
    entries = [text_of(link) for link in index[0].select(":scope > li > a")]
    assert entries == SERVICE_INDEX
    headings = [text_of(h) for h in soup.select("main section h2")
                if text_of(h) in SERVICE_INDEX]
    assert headings == SERVICE_INDEX


def test_the_service_sheet_has_each_voice_the_validator_looks_for():
    soup = soup_of(SERVICE_SHEET["it"])
    for name in SERVICE_HEADER:
        found = elements(soup, name)
        assert found, f"no data-element={name}"
        assert len(text_of(found[0])) >= 3, f"{name} is empty"
    for name, voice in SERVICE_PARAGRAPHS.items():
        found = elements(soup, name)
        assert found and len(text_of(found[0])) >= 3, f"{voice}: no text in {name}"
    assert any(elements(soup, name) for name in SERVICE_ACCESS), "Accedi al servizio"
    for name, voice in SERVICE_PRESENT.items():
        assert elements(soup, name), f"{voice}: no data-element={name}"
    assert len(text_of(elements(soup, "service-area")[0])) >= 3


def test_the_service_sheet_breadcrumb_has_services_then_a_category():
    items = breadcrumb_items(soup_of(SERVICE_SHEET["it"]))
    assert "servizi" in items, items
    following = items[items.index("servizi") + 1]
    assert len(following) >= 3, items


def test_the_service_sheet_status_and_last_update_are_shown():
    soup = soup_of(SERVICE_SHEET["it"])
    assert "Servizio attivo" in text_of(elements(soup, "service-status")[0])
    assert "Ultimo aggiornamento" in text_of(soup.find("main"))
    english = soup_of(SERVICE_SHEET["en"])
    assert elements(english, "service-status")
    assert "Last updated" in text_of(english.find("main"))


def test_the_english_service_sheet_has_the_same_elements():
    soup = soup_of(SERVICE_SHEET["en"])
    for name in [*SERVICE_HEADER, *SERVICE_PARAGRAPHS, *SERVICE_PRESENT, "page-index"]:
        assert elements(soup, name), f"/en/: no data-element={name}"
    assert len(elements(soup, "page-index")[0].select(":scope > li > a")) == len(SERVICE_INDEX)


# --- The rating component (criterion C.SI.2.5, src/audits/municipality_feedback) -----------

def assert_rating_component(soup, texts=None):
    component = elements(soup, "feedback")
    assert len(component) == 1, "one data-element=feedback"
    component = component[0]
    title = component.select('[data-element="feedback-title"]')
    assert title
    for stars in range(1, 6):
        assert component.select(f'[data-element="feedback-rate-{stars}"]'), stars
    for branch in ("positive", "negative"):
        part = component.select(f'[data-element="feedback-rating-{branch}"]')
        assert part, branch
        question = part[0].select('[data-element="feedback-rating-question"]')
        answers = [text_of(a) for a in
                   part[0].select('[data-element="feedback-rating-answer"]')]
        assert question and len(answers) == 5, branch
        if texts:
            assert text_of(question[0]) == texts[f"{branch}_question"]
            assert answers == texts[f"{branch}_answers"]
    assert component.select('[data-element="feedback-input-text"]')
    if texts:
        assert text_of(title[0]) == texts["title"]


@pytest.mark.parametrize("url", RATED_PAGES)
def test_first_and_second_level_pages_and_the_service_sheet_carry_the_rating(url):
    language = url.split("/")[1]
    assert_rating_component(soup_of(url), FEEDBACK.get(language))


# --- Footer and header (C.SI.2.x, C.SI.3.x) ----------------------------------------------

@pytest.mark.parametrize("url", EVERY_PAGE_TYPE)
def test_every_page_has_the_models_footer_links(url):
    client = Client()
    soup = soup_of(url, client)
    footer = soup.find("footer")
    assert footer is not None
    for name in FOOTER_ELEMENTS:
        found = footer.select(f'[data-element="{name}"]')
        assert found, f"{url}: no data-element={name} in the footer"
        href = found[0].get("href", "")
        assert href and href != "#", f"{url}: {name} links nowhere"
    if url.startswith("/it/"):
        report = text_of(footer.select('[data-element="report-inefficiency"]')[0]).lower()
        assert report in REPORT_TEXTS, report


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_footer_links_lead_to_pages_that_exist(language):
    client = Client()
    footer = soup_of(f"/{language}/", client).find("footer")
    for name in FOOTER_ELEMENTS:
        href = footer.select(f'[data-element="{name}"]')[0]["href"]
        if href.startswith("mailto:"):
            continue
        assert client.get(href).status_code == 200, f"{name}: {href}"


@pytest.mark.parametrize("url", ["/it/", "/en/", "/it/programma/", "/en/programme/"])
def test_the_header_has_the_main_navigation_and_the_search_button(url):
    soup = soup_of(url)
    header = soup.find("header")
    assert header.select('[data-element="main-navigation"]')
    assert header.select('[data-element="search-modal-button"]')


@pytest.mark.parametrize("url", EVERY_PAGE_TYPE[2:])
def test_inner_pages_have_the_breadcrumb_element(url):
    assert breadcrumb_items(soup_of(url)), url


# --- Legal notes: content licence (C.SI.3.? licence, src/audits/license/legalNotes.ts) ----

def test_the_legal_notes_carry_the_models_licence_text():
    """As src/audits/license/index.ts reads it: the whole text of the element marked
    legal-notes-section is the title; the texts of every legal-notes-body, joined, lower
    case, spaces collapsed and ' read as ’, are the prescribed text."""
    soup = soup_of("/it/note-legali/")
    sections = elements(soup, "legal-notes-section")
    assert sections, "no data-element=legal-notes-section"
    assert text_of(sections[0]).lower() == LEGAL_NOTES_TITLE.lower()
    body = " ".join(element.get_text() for element in elements(soup, "legal-notes-body"))
    body = re.sub(r"\s+", " ", body.strip().lower()).replace("'", "’")
    assert body == LEGAL_NOTES_TEXT.lower()


# --- Booking an appointment (criterion C.SI.2.1, src/audits/municipality_booking_appointment)


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_home_page_and_the_service_sheet_lead_to_the_appointment_booking(language):
    """The validator finds the booking page from the home page's
    `[data-element="appointment-booking"]` (getPrimaryPageUrl) and looks on a service sheet
    for the in-page button `[data-element="service-booking-access"]`."""
    client = Client()
    home = soup_of(f"/{language}/", client)
    link = home.select_one('footer [data-element="appointment-booking"]')
    assert link is not None, "no appointment-booking link on the home page"
    sheet = soup_of(SERVICE_SHEET[language], client)
    button = sheet.select_one('[data-element="service-booking-access"]')
    assert button is not None, "no service-booking-access on the service sheet"
    for href in (link["href"], button["href"]):
        response = client.get(href)
        assert response.status_code == 200, href
        heading = " ".join(BeautifulSoup(response.content, "html.parser").h1.get_text().split())
        assert heading == {"it": "Prenotazione appuntamento",
                           "en": "Book an appointment"}[language]

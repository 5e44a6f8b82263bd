"""The legal pages' demo content (issue 17): the accessibility statement in AgID's
structure, the privacy notice with every GDPR art. 13 item, the legal notes with the
content licence Designers Italia's validator checks word for word and the cookie
statement — in Italian and in English, as a visitor reads them."""

import re

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client
from wagtail.models import Locale

from home import demo as home_demo
from home import legal_demo
from home.models import StandardPage

pytestmark = pytest.mark.django_db

PAGES = {
    "accessibility": {"it": "/it/accessibilita/", "en": "/en/accessibility/"},
    "privacy": {"it": "/it/privacy/", "en": "/en/privacy-notice/"},
    "legal": {"it": "/it/note-legali/", "en": "/en/legal-notes/"},
}


def text_of(url):
    response = Client().get(url)
    assert response.status_code == 200, url
    soup = BeautifulSoup(response.content, "html.parser")
    return soup, re.sub(r"\s+", " ", soup.find("main").get_text(" ")).strip()


# --- Accessibility statement (AgID model) ------------------------------------------------

ACCESSIBILITY = {
    "it": [
        "Comune di Milano",
        settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/",  # the site's address
        "Stato di conformità",
        "parzialmente conforme",
        "UNI CEI EN 301 549",
        "WCAG 2.1 di livello AA",
        "Contenuti non accessibili",
        "inosservanza della legge 4/2004",
        "Redazione della dichiarazione",
        "autovalutazione",
        "redatta il 30 novembre 2026",
        "riesaminata l'ultima volta il 30 novembre 2026",
        "Meccanismo di feedback",
        "«Segnala disservizio»",
        "infolavoro@example.org",
        "Difensore civico per il digitale",
    ],
    "en": [
        "City of Milan",
        settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/",
        "Compliance status",
        "partially compliant",
        "UNI CEI EN 301 549",
        "WCAG 2.1 level AA",
        "Non-accessible content",
        "non-compliance with Law 4/2004",
        "Preparation of this statement",
        "self-assessment",
        "prepared on 30 November 2026",
        "last reviewed on 30 November 2026",
        "Feedback and contact information",
        "“Report a problem”",
        "infolavoro@example.org",
        "Digital Ombudsman",
    ],
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_accessibility_statement_follows_agids_model(language):
    soup, text = text_of(PAGES["accessibility"][language])
    missing = [phrase for phrase in ACCESSIBILITY[language] if phrase not in text]
    assert not missing, missing
    # The escalation is a plain link to AgID's page (nothing fetched at runtime).
    assert soup.find("main").find("a", href=legal_demo.DIFENSORE_CIVICO_URL)


# --- Privacy notice (GDPR art. 13) -------------------------------------------------------

PRIVACY = {
    "it": [
        # art. 13(1)(a): controller and contact details
        "Titolare del trattamento è il Comune di Milano, piazza della Scala 2",
        "PEC protocollo@pec.comune.milano.example",
        # the Camera del Lavoro's role
        "responsabile del trattamento (art. 28 GDPR)",
        # (b) DPO
        "Responsabile della protezione dei dati",
        "dpo@comune.milano.example",
        # (c) purposes and legal bases, per form
        "Richiesta di partecipazione",
        "Segnalazione da un ente partner",
        "Modulo di contatto",
        "Segnala disservizio",
        "Valutazione della pagina",
        "è anonima",
        "Account degli enti partner",
        "Prenotazione appuntamento",
        "art. 6, par. 1, lett. e",
        # (e) recipients, (f) transfers
        "Destinatari dei dati",
        "non sono trasferiti in paesi fuori dall'Unione europea",
        # 13(2)(a) retention, (b) rights, (d) complaint, (e) mandatory or not
        "Per quanto tempo conserviamo i dati",
        "artt. 15-22 GDPR",
        "«I tuoi dati: una richiesta»",
        "Garante per la protezione dei dati personali",
        "www.garanteprivacy.it",
        "I dati segnati come obbligatori nei moduli sono necessari",
    ],
    "en": [
        "The data controller is the City of Milan (Comune di Milano), piazza della Scala 2",
        "certified email (PEC) protocollo@pec.comune.milano.example",
        "as a data processor (art. 28 GDPR)",
        "data protection officer",
        "dpo@comune.milano.example",
        "Participation request",
        "Referral by a partner organisation",
        "Contact form",
        "Report a problem",
        "Page rating",
        "it is anonymous",
        "Partner accounts",
        "Booking an appointment",
        "art. 6(1)(e)",
        "Recipients of the data",
        "are not transferred to countries outside the European Union",
        "How long we keep the data",
        "arts. 15-22 GDPR",
        "“Your data: a request”",
        "Garante per la protezione dei dati personali",
        "www.garanteprivacy.it",
        "The data marked as required in the forms are needed",
    ],
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_privacy_notice_has_every_item_of_gdpr_article_13(language):
    soup, text = text_of(PAGES["privacy"][language])
    missing = [phrase for phrase in PRIVACY[language] if phrase not in text]
    assert not missing, missing
    assert soup.find("main").find("a", href=legal_demo.GARANTE_URL)


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_privacy_notice_shows_the_configured_retention_periods(language):
    _soup, text = text_of(PAGES["privacy"][language])
    italian, english = home_demo.retention_periods()
    assert (italian if language == "it" else english) in text
    for name in ("RETENTION_CLOSED_REQUEST_DAYS", "RETENTION_CONTACT_MESSAGE_DAYS",
                 "RETENTION_SESSION_DAYS", "RETENTION_AUDIT_DAYS"):
        period = home_demo._period(getattr(settings, name), language == "it")
        assert period in text, name


def test_the_retention_paragraph_follows_the_settings(settings):
    settings.RETENTION_CONTACT_MESSAGE_DAYS = 90
    settings.RETENTION_INVITATION_DAYS = 365
    italian, english = home_demo.retention_periods()
    assert "i messaggi del modulo di contatto per 90 giorni" in italian
    assert "gli inviti scaduti o revocati per 1 anno" in italian
    assert "contact messages for 90 days" in english


# --- Legal notes: the content licence and the cookies ------------------------------------


def _validator_text(elements):
    """pa-website-validator-ng's normalisation (src/audits/license/index.ts): the texts
    joined, trimmed, lower case, runs of spaces as one, ' as ’."""
    joined = " ".join(element.get_text() for element in elements)
    return re.sub(r"\s+", " ", joined.strip().lower()).replace("'", "’")


def test_the_legal_notes_carry_the_validators_licence_section():
    soup, _text = text_of(PAGES["legal"]["it"])
    sections = soup.select('[data-element="legal-notes-section"]')
    assert len(sections) == 1
    assert sections[0].get_text().strip().lower() == "licenza dei contenuti"
    body = soup.select('[data-element="legal-notes-body"]')
    # The exact text of src/audits/license/legalNotes.ts, copied here on purpose (not
    # imported from the demo), so a change to the demo's text fails this test.
    assert _validator_text(body) == (
        "In applicazione del principio open by default ai sensi dell’articolo 52 del "
        "decreto legislativo 7 marzo 2005, n. 82 (CAD) e salvo dove diversamente "
        "specificato (compresi i contenuti incorporati di terzi), i dati, i documenti e "
        "le informazioni pubblicati sul sito sono rilasciati con licenza CC-BY 4.0. Gli "
        "utenti sono quindi liberi di condividere (riprodurre, distribuire, comunicare al "
        "pubblico, esporre in pubblico), rappresentare, eseguire e recitare questo "
        "materiale con qualsiasi mezzo e formato e modificare (trasformare il materiale e "
        "utilizzarlo per opere derivate) per qualsiasi fine, anche commerciale con il "
        "solo onere di attribuzione, senza apporre restrizioni aggiuntive."
    ).lower()


def test_the_english_legal_notes_translate_the_licence_in_the_same_markup():
    soup, text = text_of(PAGES["legal"]["en"])
    section = soup.select_one('[data-element="legal-notes-section"]')
    assert section.get_text().strip() == "Content licence"
    body = soup.select_one('[data-element="legal-notes-body"]').get_text()
    assert "released under the CC-BY 4.0 licence" in body
    assert "with the sole obligation of attribution" in body


def test_the_licence_block_stays_editable_text():
    page = StandardPage.objects.get(slug="note-legali", locale=Locale.get_default())
    blocks = [block for block in page.body if block.block_type == "content_licence"]
    assert len(blocks) == 1
    assert blocks[0].value["heading"] == legal_demo.LICENCE_HEADING
    assert blocks[0].value["text"] == legal_demo.LICENCE_TEXT


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_cookie_statement_names_every_cookie_the_site_sets(language):
    from django.contrib.messages.storage.cookie import CookieStorage

    soup, text = text_of(PAGES["legal"][language])
    listed = {item.find("b").get_text() for item in soup.find("main").select("li")
              if item.find("b")}
    assert listed == {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME,
                      CookieStorage.cookie_name, "wagtail_sidebar_collapsed"}
    weeks = settings.SESSION_COOKIE_AGE // 86400 // 7
    assert (f"{weeks} settimane" if language == "it" else f"{weeks} weeks") in text
    if language == "it":
        assert "solo cookie tecnici" in text
        assert "nessun cookie di terze parti" in text
    else:
        assert "technical cookies only" in text
        assert "no third-party cookies" in text


def test_the_cookies_a_visitor_gets_are_those_listed():
    """A citizen's visit: pages and a form (the CSRF cookie). The language is in the
    address, so the language cookie the production settings name is never set."""
    from home.legal_demo import site_cookies

    listed = {name for name, _purpose, _duration in site_cookies()}
    client = Client()
    for url in ["/it/", "/it/contatti/", "/en/contact/", "/it/note-legali/"]:
        assert client.get(url).status_code == 200
    assert set(client.cookies) <= listed
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_production_cookie_names_are_the_ones_a_production_demo_lists(settings):
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    names = [name for name, _purpose, _duration in legal_demo.site_cookies()]
    assert names[:2] == ["__Host-sessionid", "__Host-csrftoken"]


# --- An existing site that loads the demo again ------------------------------------------


def test_an_untouched_demo_page_gets_the_new_text_and_an_edited_one_is_kept(demo_editor):
    italian = Locale.get_default()
    privacy = StandardPage.objects.get(slug="privacy", locale=italian)
    legal = StandardPage.objects.get(slug="note-legali", locale=italian)
    stub = [{"type": "paragraph", "value": "<p>Una vecchia informativa.</p>"}]
    privacy.body = stub
    privacy.save_revision().publish()  # as an older demo left it: no user
    legal.body = stub
    legal.save_revision(user=demo_editor).publish()  # an editor's own text

    home_demo.build(home_demo.Strings())

    privacy.refresh_from_db()
    legal.refresh_from_db()
    assert "Titolare del trattamento" in str(privacy.body)
    assert "Una vecchia informativa." in str(legal.body)


def test_loading_the_demo_again_changes_no_legal_page():
    italian = Locale.get_default()
    before = {page.pk: page.latest_revision_id
              for page in StandardPage.objects.filter(locale=italian)}
    home_demo.build(home_demo.Strings())
    after = {page.pk: page.latest_revision_id
             for page in StandardPage.objects.filter(locale=italian)}
    assert after == before

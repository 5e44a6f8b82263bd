"""Issue 17 review, group F2: demo content, legal texts, print, site map, size label."""

import re
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client
from wagtail.models import Locale

from programme.models.offices import ResponsibleOffice

pytestmark = pytest.mark.django_db


def _soup(url):
    response = Client().get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def _text(node):
    return " ".join(node.get_text(" ").split())


def _office_and_footer(url):
    soup = _soup(url)
    office = soup.select_one('[data-element="service-area"]').find_parent("div", class_="card")
    return office, soup.select_one("footer .contact-details")


def _links(node, prefix):
    return {a["href"] for a in node.select(f'a[href^="{prefix}"]')}


def test_the_office_and_the_footer_give_the_same_phone_pec_and_hours():
    office, footer = _office_and_footer("/it/programma/")
    assert _links(office, "tel:") <= _links(footer, "tel:") and _links(office, "tel:")
    assert _links(office, "mailto:") == _links(footer, "mailto:")
    assert "infolavoro@pec.example.org" in _text(office)
    assert "9:00–18:00" in _text(office) and "9:00–18:00" in _text(footer)
    assert "dimostrativo" not in _text(office)


def test_an_older_demo_office_is_brought_in_line_once_and_an_edited_one_is_kept(
        django_capture_on_commit_callbacks):
    italian = Locale.get_default()
    office = ResponsibleOffice.objects.get(locale=italian)
    english = office.get_translation(Locale.objects.get(language_code="en"))
    ResponsibleOffice.objects.filter(pk=office.pk).update(
        phone="02 0000 0000", email="segreteria.lavoro@comune.milano.example",
        pec="lavoro@pec.comune.milano.example",
        opening_hours="Dal lunedì al venerdì, dalle 9 alle 13 (dato dimostrativo)")
    ResponsibleOffice.objects.filter(pk=english.pk).update(
        phone="02 0000 0000", opening_hours="Monday to Friday, 9 am to 1 pm (demo data)")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_content", stdout=StringIO())
    office.refresh_from_db()
    english.refresh_from_db()
    assert (office.phone, office.pec) == ("02 884 47502", "infolavoro@pec.example.org")
    assert office.opening_hours == "dal lunedì al venerdì, 9:00–18:00"
    assert (english.phone, english.opening_hours) == ("02 884 47502",
                                                      "Monday to Friday, 9 am–6 pm")
    ResponsibleOffice.objects.filter(pk=office.pk).update(phone="02 1111 2222")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_content", stdout=StringIO())
    office.refresh_from_db()
    assert office.phone == "02 1111 2222"


def _main_text(url):
    return " ".join(_soup(url).find("main").get_text(" ").split())


@pytest.mark.parametrize("url", ["/it/segnala-disservizio/", "/it/contatti/", "/it/partecipa/",
                                 "/en/report-a-problem/"])
def test_the_privacy_checkbox_is_an_acknowledgement_not_consent(url):
    """The notice's legal basis for these forms is art. 6(1)(e), not consent."""
    labels = " ".join(_text(label) for label in _soup(url).find_all("label"))
    assert "acconsento" not in labels and "I agree" not in labels
    assert "Ho letto l'informativa" in labels or "I have read the privacy notice" in labels


def test_the_privacy_notice_gives_the_ratings_basis_and_names_each_kind_of_report(settings):
    text = _main_text("/it/privacy/")
    rating = text[text.index("Valutazione della pagina"):]
    assert "art. 6, par. 1, lett. e" in rating[:700]
    assert "i commenti lasciati con la valutazione di una pagina per 1 anno" in text
    assert "le segnalazioni degli enti partner per 2 anni" in text
    assert "le segnalazioni di disservizio per 1 anno" in text
    assert "le segnalazioni per" not in text
    english = _main_text("/en/privacy-notice/")
    assert "comments left with a page rating for 1 year" in english
    assert "partner organisations' referrals for 2 years" in english

    from home.demo import retention_periods
    settings.RETENTION_RATING_COMMENT_DAYS = 90
    assert "valutazione di una pagina per 90 giorni" in retention_periods()[0]


def test_the_cookie_statement_tells_the_session_cookies_true_lifetime(settings):
    text = _main_text("/it/note-legali/")
    assert ("fino alla chiusura del browser, se accedi senza scegliere «Ricordami»; "
            "altrimenti 2 settimane") in text
    assert "wagtail_sidebar_collapsed" in text and "local storage" in text
    english = _main_text("/en/legal-notes/")
    assert "if you sign in without ticking “Remember me”; otherwise 2 weeks" in english

    from home.legal_demo import site_cookies
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    assert site_cookies()[0][2] == ("fino alla chiusura del browser",
                                    "until the browser is closed")


def test_the_english_legal_notes_link_the_english_licence_text():
    soup = _soup("/en/legal-notes/")
    hrefs = {a["href"] for a in soup.find("main").find_all("a", href=True)}
    assert "https://creativecommons.org/licenses/by/4.0/deed.en" in hrefs
    assert "https://creativecommons.org/licenses/by/4.0/deed.it" not in hrefs
    italian = {a["href"] for a in _soup("/it/note-legali/").find("main").find_all("a", href=True)}
    assert "https://creativecommons.org/licenses/by/4.0/deed.it" in italian


def test_the_attachment_size_reads_byte_in_italian_and_bytes_in_english():
    from django.template.defaultfilters import filesizeformat
    from django.utils import translation

    with translation.override("it"):
        assert filesizeformat(620) == "620\xa0byte"
    with translation.override("en"):
        assert filesizeformat(620) == "620\xa0bytes"
    size = _text(_soup("/it/programma/").select_one(".service-document"))
    assert re.search(r"\(PDF, \d+ byte\)", size), size


@pytest.mark.parametrize(("url", "name"), [
    ("/it/mappa-del-sito/", "I tuoi dati: una richiesta"),
    ("/en/site-map/", "Your data: a request"),
])
def test_the_site_map_lists_the_footers_forms_that_are_not_pages(url, name):
    from django.urls import reverse
    from django.utils import translation

    with translation.override(url[1:3]):
        request_url, partner_url = reverse("privacy:request"), reverse("partner:dashboard")
    links = {a["href"]: _text(a) for a in _soup(url).select("main nav.site-map a")}
    assert links.get(request_url) == name
    assert partner_url in links


@pytest.mark.parametrize("url", ["/it/programma/", "/it/gruppi/", "/it/notizie/",
                                 "/it/protocollo/", "/en/programme/"])
def test_no_link_underlines_a_space_after_its_icon(url):
    """An icon inside a link followed by whitespace shows an underlined leading space."""
    soup = _soup(url)
    with_icons = [a for a in soup.find_all("a") if a.select_one("svg.icon:not(.site-logo)")]
    assert with_icons
    for link in with_icons:
        after = link.select_one("svg.icon:not(.site-logo)").next_sibling
        assert not (isinstance(after, str) and after[:1].isspace()), str(link)

"""Header and footer as the Designers Italia municipal model's (issue 17, P4).

The data-elements and texts come from the validator pa-website-validator-ng:
src/audits/municipality_inefficiency_report_audit (report-inefficiency, its text),
municipality_faq (faq), municipality_privacy (privacy-policy-link),
municipality_accessibility (accessibility-link), municipality_license (legal-notes),
each looked for inside <footer>; the main menu's main-navigation and the search
button's search-modal-button; the footer's contacts with a PEC (cmp-footer.hbs).
"""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db

# A page of several types in each language: home, standard, service sheet, news index,
# contact form, problem report, site map, search.
PAGES = {
    "it": ["/it/", "/it/privacy/", "/it/programma/", "/it/notizie/", "/it/contatti/",
           "/it/segnala-disservizio/", "/it/mappa-del-sito/", "/it/cerca/?q=gruppi"],
    "en": ["/en/", "/en/privacy-notice/", "/en/programme/", "/en/news/", "/en/contact/",
           "/en/report-a-problem/", "/en/site-map/", "/en/search/?q=groups"],
}

FOOTER = {
    "it": {"faq": ("Leggi le FAQ", "/it/domande-frequenti/"),
           "report-inefficiency": ("Segnala disservizio", "/it/segnala-disservizio/"),
           "privacy-policy-link": ("Informativa sulla privacy", "/it/privacy/"),
           "legal-notes": ("Note legali", "/it/note-legali/"),
           "accessibility-link": ("Dichiarazione di accessibilità", "/it/accessibilita/")},
    "en": {"faq": ("Read the FAQ", "/en/faq/"),
           "report-inefficiency": ("Report a problem", "/en/report-a-problem/"),
           "privacy-policy-link": ("Privacy notice", "/en/privacy-notice/"),
           "legal-notes": ("Legal notes", "/en/legal-notes/"),
           "accessibility-link": ("Accessibility statement", "/en/accessibility/")},
}


def soup_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_footer_carries_the_model_s_links_on_every_page_type(client, language):
    for url in PAGES[language]:
        footer = soup_of(client, url).find("footer")
        for element, (text, href) in FOOTER[language].items():
            links = footer.select(f'[data-element="{element}"]')
            assert len(links) == 1, (url, element)
            assert links[0].get_text(strip=True) == text, (url, element)
            assert links[0]["href"] == href, (url, element)
        site_map = footer.find("a", string="Mappa del sito" if language == "it" else "Site map")
        assert site_map["href"] == ("/it/mappa-del-sito/" if language == "it"
                                    else "/en/site-map/")


def test_the_report_link_reads_as_the_validator_expects_and_leads_to_a_real_page(client):
    link = soup_of(client, "/it/").find("footer").select_one(
        '[data-element="report-inefficiency"]')
    # municipality_inefficiency_report_audit: the text, lower-cased, is one of these.
    assert link.get_text(strip=True).lower() in {
        "disservizio", "segnala disservizio", "segnalazione disservizio"}
    assert link["href"] != "#"
    assert client.get(link["href"]).status_code == 200


@pytest.mark.parametrize(("url", "label"), [("/it/", "PEC"), ("/en/", "PEC")])
def test_the_footer_s_contacts_show_the_pec(client, url, label):
    footer = soup_of(client, url).find("footer")
    pec = footer.find("a", href="mailto:infolavoro@pec.example.org")
    assert pec is not None and label in footer.get_text()


@pytest.mark.parametrize("url", ["/it/", "/en/programme/"])
def test_the_header_links_the_institutions_on_every_screen_size(client, url):
    header = soup_of(client, url).find("header")
    for name, href in [("Comune di Milano", "https://www.comune.milano.it/"),
                       ("Camera del Lavoro Metropolitana di Milano",
                        "https://www.cgil.milano.it/")]:
        link = header.find("a", href=href)
        assert link is not None and link.get_text(strip=True) == name
        hidden = [tag for tag in [link, *link.parents]
                  if any(c.startswith("d-none") or c.startswith("d-lg-")
                         for c in tag.get("class", []))]
        assert not hidden, f"{name} is hidden on some screen size"


@pytest.mark.parametrize("url", ["/it/", "/en/"])
def test_the_header_uses_the_programme_s_logo_and_the_model_s_data_elements(client, url):
    page = soup_of(client, url)
    header, footer = page.find("header"), page.find("footer")
    for chrome in (header, footer):
        assert chrome.select_one(".it-brand-wrapper svg.site-logo") is not None
        assert "it-horn" not in str(chrome)
        assert "d-print-none" in chrome["class"]
    assert header.select_one('ul[data-element="main-navigation"] a.nav-link') is not None
    assert header.select_one('a[data-element="search-modal-button"]')["href"].endswith(
        "/cerca/" if url == "/it/" else "/search/")


def test_the_home_page_has_one_h1_and_sections_under_it(client):
    page = soup_of(client, "/it/")
    main = page.find("main")
    assert len(page.find_all("h1")) == 1
    levels = [int(tag.name[1]) for tag in main.find_all(["h1", "h2", "h3", "h4"])]
    assert levels[0] == 1
    # No level skipped going down (h1 -> h3 without an h2).
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels

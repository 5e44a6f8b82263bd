"""Demo content of the open data: the "Dati aperti" page (English: "Open data") under the
home page. Called by the website's demo loader (load_demo_content) after the programme's
demo; idempotent (an existing page is kept as it is: an editor may have changed it).
`build` returns what to translate: the English page is a wagtail-localize translation
made from the demo's strings table, like every other demo page."""

from wagtail.models import Site

from home.models import FooterLinks
from opendata.models import OpenDataPage


def _introduction(t):
    return t.rich((
        "Gruppi, orari, sedi e organizzazioni aderenti del programma Mutuo Aiuto Lavoro, "
        "da scaricare e riutilizzare liberamente: in CSV per i fogli di calcolo, in JSON "
        "e attraverso un'API per gli altri servizi.",
        "The groups, schedules, venues and adhering organisations of the Mutual Aid for "
        "Work programme, to download and reuse freely: as CSV for spreadsheets, as JSON "
        "and through an API for other services.",
    ))


def build(t, home, pages):
    """Build the Italian page under `home` (`pages`: home.demo's pages by key, unused);
    return [the page], to translate."""
    existing = OpenDataPage.objects.child_of(home).first()
    if existing is not None:
        t("Dati aperti", "Open data")
        t("dati-aperti", "open-data")
        _introduction(t)
        _link_from_footer(existing)
        return [existing]
    page = OpenDataPage(title=t("Dati aperti", "Open data"),
                        slug=t("dati-aperti", "open-data"), introduction=_introduction(t))
    home.add_child(instance=page)
    page.save_revision().publish()
    _link_from_footer(page)
    return [page]


def _link_from_footer(page):
    """Every footer links the page, as Italian municipal sites link their open data
    (kept when an editor chose another page already)."""
    links = FooterLinks.for_site(Site.objects.get(is_default_site=True))
    if links.open_data_page_id is None:
        links.open_data_page = page
        links.save()

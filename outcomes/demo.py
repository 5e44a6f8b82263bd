"""Demo content of the outcomes: the page "Il programma in numeri" (English: "The
programme in numbers") under the home page. Called by the website's demo loader
(load_demo_content) after the open data's demo; idempotent (an existing page is kept as
it is: an editor may have changed it). `build` returns what to translate: the English
page is a wagtail-localize translation made from the demo's strings table. The
footer links the page (home.FooterLinks.outcomes_page)."""

from wagtail.models import Site

from home.models import FooterLinks
from outcomes.models import OutcomesPage


def _introduction(t):
    return t.rich((
        "Quante persone chiedono di partecipare ai gruppi, da dove arrivano, quanto "
        "attendono e quanti percorsi si concludono: i numeri del programma Mutuo Aiuto "
        "Lavoro negli ultimi dodici mesi.",
        "How many people ask to join the groups, where they come from, how long they "
        "wait and how many paths are completed: the figures of the Mutual Aid for Work "
        "programme over the last twelve months.",
    ))


def build(t, home, pages):
    """Build the Italian page under `home` (`pages` unused); return [the page], to
    translate."""
    existing = OutcomesPage.objects.child_of(home).first()
    title = t("Il programma in numeri", "The programme in numbers")
    slug = t("il-programma-in-numeri", "the-programme-in-numbers")
    description = t(
        "Richieste, attese, gruppi e percorsi completati del programma Mutuo Aiuto Lavoro, "
        "con i numeri piccoli protetti.",
        "Requests, waiting times, groups and completed paths of the Mutual Aid for Work "
        "programme, with small numbers protected.")
    introduction = _introduction(t)
    if existing is not None:
        _link_from_footer(existing)
        return [existing]
    page = OutcomesPage(title=title, slug=slug, search_description=description,
                        introduction=introduction)
    home.add_child(instance=page)
    page.save_revision().publish()
    _link_from_footer(page)
    return [page]


def _link_from_footer(page):
    """Every footer links the page, next to the open data (kept when an editor chose
    another page already)."""
    links = FooterLinks.for_site(Site.objects.get(is_default_site=True))
    if links.outcomes_page_id is None:
        links.outcomes_page = page
        links.save()

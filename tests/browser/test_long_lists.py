"""The long public lists on a phone (issue 16): with many groups and adherents, the
groups page is as wide as the screen, its filters work with JavaScript off, its pages
are reachable, and the protocol's folded adherents open with a tap; axe finds nothing."""

import pytest

from programme.demo_scale import grow
from programme.public_lists import ADHERENTS_SHOWN_OPEN, GROUPS_PER_PAGE
from tests.browser.conftest import PHONE
from tests.browser.helpers import run_axe

GROUP_CARDS = "section[aria-labelledby=groups-title] .card-title"

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(("language", "url", "show", "tuesday"), [
    ("it", "/it/gruppi/", "Mostra i gruppi", "martedì"),
    ("en", "/en/groups/", "Show the groups", "Tuesday"),
])
def test_the_groups_page_on_a_phone_without_javascript(web, axe_source, language, url,
                                                       show, tuesday):
    grow(groups=2 * GROUPS_PER_PAGE, venues=4)
    page = web.new_page(viewport=PHONE, locale=f"{language}-IT", java_script_enabled=False)
    page.goto(url)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator(GROUP_CARDS).count() == GROUPS_PER_PAGE

    day_label = {"it": "Giorno della settimana", "en": "Day of the week"}[language]
    page.get_by_label(day_label).select_option(label=tuesday)
    page.get_by_role("button", name=show).click()
    page.wait_for_load_state()
    assert "day=2" in page.url
    assert page.get_by_role("status").is_visible()
    assert 0 < page.locator(GROUP_CARDS).count() <= GROUPS_PER_PAGE
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    remove = {"it": "Togli i filtri", "en": "Remove filters"}[language]
    page.get_by_role("link", name=remove).first.click()
    page.wait_for_load_state()
    assert page.url.endswith(url)
    pages = {"it": "Pagine dei gruppi", "en": "Pages of the groups"}[language]
    navigation = page.get_by_role("navigation", name=pages)
    next_page = {"it": "Pagina successiva", "en": "Next page"}[language]
    navigation.get_by_role("link", name=next_page).click()
    page.wait_for_load_state()
    assert page.url.endswith("?page=2")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize(("language", "url", "heading"), [
    ("it", "/it/protocollo/", "Associazioni"),
    ("en", "/en/protocol/", "Associations"),
])
def test_the_adherents_open_with_a_tap(web, axe_source, language, url, heading):
    grow(adherents=ADHERENTS_SHOWN_OPEN + 30)
    page = web.new_page(viewport=PHONE, locale=f"{language}-IT")
    page.goto(url)
    fold = page.locator("details.adherent-kind", has_text=heading)
    first = fold.locator("li").first
    assert not first.is_visible()
    fold.locator("summary").click()
    assert first.is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert run_axe(page, axe_source) == []


@pytest.mark.parametrize("url", ["/it/gruppi/?day=2&page=2", "/en/groups/?venue=abc"])
def test_the_groups_page_passes_axe(web, axe_source, url):
    grow(groups=3 * GROUPS_PER_PAGE)
    page = web.new_page(viewport=PHONE)
    page.goto(url)
    assert run_axe(page, axe_source) == []

"""Without JavaScript the menu button cannot open Bootstrap Italia's collapsible menu on a
phone: a link to the site map (which lists every page) takes its place there, and is not
shown on a desktop, where the menu is always open."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("language, site_map", [("it", "Mappa del sito"),
                                                ("en", "Site map")])
def test_a_phone_without_javascript_reaches_every_page(web, language, site_map):
    page = web.new_page(viewport=PHONE, locale=f"{language}-IT", java_script_enabled=False)
    page.goto(f"/{language}/")
    link = page.locator(".noscript-menu-link")
    assert link.is_visible()
    page.screenshot(path=f"test-artifacts/screenshots/menu-without-javascript-{language}.png")
    link.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().strip() == site_map
    desktop = web.new_page(viewport=DESKTOP, locale=f"{language}-IT",
                           java_script_enabled=False)
    desktop.goto(f"/{language}/")
    assert not desktop.locator(".noscript-menu-link").is_visible()

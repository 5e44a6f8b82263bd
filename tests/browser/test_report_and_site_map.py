"""Issue 17, P4 in a real browser: «Segnala disservizio» (blank and with its errors) and
the site map pass axe in both languages; the institutions' links show on a phone."""

import pytest

from tests.browser.conftest import PHONE
from tests.browser.helpers import AxeReport

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = {"it": ("/it/segnala-disservizio/", "/it/mappa-del-sito/"),
         "en": ("/en/report-a-problem/", "/en/site-map/")}


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_new_pages_pass_axe(web, axe_source, language):
    page = web.new_page()
    axe = AxeReport(axe_source, resolved_contrast=True)
    report, site_map = PAGES[language]
    for url in (report, site_map):
        assert page.goto(url).status == 200
        axe.check(page)
    page.goto(report)
    with page.expect_navigation():
        page.locator("main form.site-form button[type=submit]").click()
    assert page.locator("main .alert-danger, main [role=alert]").count() >= 1
    axe.check(page, note="errors")
    axe.assert_clean()


@pytest.mark.parametrize("url", ["/it/", "/en/programme/"])
def test_the_institutions_are_visible_on_a_phone(web, url):
    page = web.new_page(viewport=PHONE)
    page.goto(url)
    for name in ("Comune di Milano", "Camera del Lavoro Metropolitana di Milano"):
        link = page.locator("header").get_by_role("link", name=name, exact=True)
        assert link.is_visible(), name
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, name

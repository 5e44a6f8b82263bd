"""The rating's messages on a phone (issue 17's acceptance: 0 unresolved colour-contrast
results in every state): the error the script shows when "Next" is pressed without an
answer is decided by axe itself, not left "incomplete" over the alert's icon."""

import pytest

from tests.browser.helpers import AxeReport

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_375 = {"width": 375, "height": 812}
ARTICLE = {"it": "/it/notizie/percorsi-di-mutuo-aiuto/", "en": "/en/news/mutual-aid-programmes/"}


@pytest.mark.parametrize("language", ["it", "en"])
def test_rating_script_error_contrast_is_decided_at_375px(web, axe_source, language):
    page = web.new_page(viewport=PHONE_375, locale=f"{language}-{language.upper()}")
    report = AxeReport(axe_source, resolved_contrast=True)
    page.goto(ARTICLE[language])
    page.locator("form.cmp-rating.is-enhanced").wait_for(state="attached")
    page.locator('[data-element="feedback"]').scroll_into_view_if_needed()
    page.locator("#rating-star-2").focus()
    page.keyboard.press("Space")
    page.locator("form.cmp-rating .btn-next:visible").first.click()
    alert = page.locator(".rating-js-error")
    alert.wait_for()
    assert alert.inner_text().strip()
    report.check(page, "rating: no answer, 375px")
    report.assert_clean()

"""The rating component as Designers Italia's validator drives it in a browser
(pa-website-validator-ng, src/utils/municipality/utils.ts, the feedback check): it clicks
each `feedback-rate-N` element in turn and requires the negative question to be visible
for 1-3 stars and the positive one for 4-5 — never both, never the wrong one. "Visible"
is the validator's own test: not visibility:hidden and a box of non-zero size."""

import pytest

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VISIBLE = """name => {
  const element = document.querySelector(`[data-element="${name}"]`);
  const box = element.getBoundingClientRect();
  return getComputedStyle(element).visibility !== "hidden"
    && box.height > 0 && box.width > 0;
}"""


@pytest.mark.parametrize("url", ["/it/programma/", "/en/news/mutual-aid-programmes/"])
def test_each_star_shows_only_the_question_of_its_branch(web, url):
    page = web.new_page()
    for stars in range(1, 6):
        page.goto(url)
        page.locator("form.cmp-rating.is-enhanced").wait_for(state="attached")
        page.locator('[data-element="feedback"]').scroll_into_view_if_needed()
        page.evaluate(f"document.querySelector('[data-element=\"feedback-rate-{stars}\"]')"
                      ".click()")
        positive = page.evaluate(VISIBLE, "feedback-rating-positive")
        negative = page.evaluate(VISIBLE, "feedback-rating-negative")
        assert (positive, negative) == ((stars > 3), (stars <= 3)), stars

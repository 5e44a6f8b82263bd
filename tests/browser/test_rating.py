"""The page rating in a browser, by keyboard, in both languages (issue 17): with
JavaScript the model's steps in place (stars, the question of their branch, details,
thanks) sent once with no reload; without it the plain form and its thank-you page.
axe on every step; nothing personal stored and no cookie set."""

import pytest

from rating.models import PageRating
from tests.browser.helpers import AxeReport

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTICLE = {"it": "/it/notizie/percorsi-di-mutuo-aiuto/", "en": "/en/news/mutual-aid-programmes/"}
SERVICE_SHEET = {"it": "/it/programma/", "en": "/en/programme/"}
TEXT = {
    "it": {"thanks": "Grazie, il tuo parere ci aiuterà a migliorare il servizio!",
           "liked": "Quali sono stati gli aspetti che hai preferito?",
           "difficult": "Dove hai incontrato le maggiori difficoltà?",
           "choose": "Scegli una delle risposte alla domanda."},
    "en": {"thanks": "Thank you, your opinion will help us improve the service!",
           "liked": "What did you like best?",
           "difficult": "Where did you have the most difficulty?",
           "choose": "Choose one of the answers to the question."},
}


def visible(page, selector):
    return page.locator(selector).is_visible()


def focused(page):
    return page.evaluate("document.activeElement && (document.activeElement.id || "
                         "document.activeElement.className)")


@pytest.mark.parametrize("language, url, presses, branch, answer", [
    ("it", ARTICLE["it"], 1, "positive", "complete"),     # 5 -> 4 stars
    ("en", SERVICE_SHEET["en"], 3, "negative", "incomplete"),  # 5 -> 2 stars
])
def test_rating_in_place_by_keyboard(web, axe_source, language, url, presses, branch,
                                     answer):
    page = web.new_page(locale=f"{language}-{language.upper()}")
    report = AxeReport(axe_source, resolved_contrast=True)
    page.goto(url)
    form = page.locator("form.cmp-rating.is-enhanced")
    form.wait_for(state="attached")
    # Only the stars at first.
    assert not visible(page, '[data-element="feedback-rating-positive"]')
    assert not visible(page, '[data-element="feedback-rating-negative"]')
    page.locator('[data-element="feedback"]').scroll_into_view_if_needed()
    report.check(page, "rating: stars")

    page.locator("#rating-star-5").focus()
    page.keyboard.press("Space")
    for _ in range(presses):
        page.keyboard.press("ArrowDown")
    stars = 5 - presses
    assert page.locator("input[name=stars]:checked").get_attribute("value") == str(stars)
    shown, hidden = (("positive", "negative") if branch == "positive"
                     else ("negative", "positive"))
    assert visible(page, f'[data-element="feedback-rating-{shown}"]')
    assert not visible(page, f'[data-element="feedback-rating-{hidden}"]')
    question = TEXT[language]["liked" if branch == "positive" else "difficult"]
    page.wait_for_function(
        "text => document.querySelector('.rating-status').textContent.includes(text)",
        arg=question)
    report.check(page, "rating: question")

    # "Next" without an answer: told, in the page's language.
    page.keyboard.press("Tab")  # the branch's first answer
    assert page.evaluate("document.activeElement.name") == "answer"
    page.keyboard.press("Tab")  # Back
    page.keyboard.press("Tab")  # Next
    page.keyboard.press("Enter")
    alert = page.locator(".rating-js-error")
    alert.wait_for()
    assert TEXT[language]["choose"] in alert.inner_text()
    assert focused(page).startswith("rating-js-error")
    report.check(page, "rating: no answer")

    page.locator(f"#rating-answer-{answer}").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Next
    page.wait_for_function("document.activeElement.id === 'rating-comment'")
    assert not visible(page, ".rating-js-error")
    report.check(page, "rating: details")
    page.keyboard.type("Orari poco chiari" if language == "it" else "Hours unclear")
    page.keyboard.press("Enter")  # sends

    thanks = page.locator("#rating-feedback")
    thanks.wait_for()
    assert thanks.inner_text().strip() == TEXT[language]["thanks"]
    page.wait_for_function("document.activeElement.id === 'rating-feedback'")
    assert not visible(page, ".cmp-rating__card-first")
    assert page.url.endswith(url)  # no reload, no navigation
    report.check(page, "rating: thanks")
    report.assert_clean()

    web.settle()
    rating = PageRating.objects.get()
    assert (rating.language, rating.stars, rating.answer) == (language, stars, answer)
    assert rating.comment in ("Orari poco chiari", "Hours unclear")
    assert page.context.cookies() == []


def check_as_shown_without_javascript(web, report, language, html, note):
    """axe needs JavaScript: the state a browser without it showed (`html`) is loaded
    again, at the site's address, in a page where the rating's script does nothing."""
    page = web.new_page(locale=f"{language}-{language.upper()}")
    page.route("**/js/rating.js*", lambda route: route.fulfill(
        status=200, content_type="text/javascript", body=""))
    address = f"{web.origin}/{language}/__rating-state__"
    page.route(address, lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body=html))
    page.goto(address)
    assert page.locator("form.cmp-rating.is-enhanced").count() == 0
    report.check(page, note)
    page.close()


@pytest.mark.parametrize("language", ["it", "en"])
def test_rating_without_javascript_by_keyboard(web, axe_source, language):
    page = web.new_page(locale=f"{language}-{language.upper()}", java_script_enabled=False)
    report = AxeReport(axe_source, resolved_contrast=True)
    page.goto(ARTICLE[language])
    # Every step at once: stars, both questions, the details and "Send".
    for selector in ('[data-element="feedback-rating-positive"]',
                     '[data-element="feedback-rating-negative"]',
                     '[data-element="feedback-input-text"]', "form.cmp-rating .btn-next"):
        assert visible(page, selector), selector
    check_as_shown_without_javascript(web, report, language, page.content(),
                                      "rating without JavaScript")

    # Stars without an answer: the form comes back with the error, nothing stored.
    page.locator("#rating-star-5").focus()
    page.keyboard.press("Space")
    page.locator("#rating-comment").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert TEXT[language]["choose"] in page.locator("main").inner_text() + page.locator(
        "form.cmp-rating").inner_text()
    assert page.title().startswith("Errore:" if language == "it" else "Error:")
    check_as_shown_without_javascript(web, report, language, page.content(),
                                      "rating refused without JavaScript")

    page.locator("#rating-star-1").focus()
    page.keyboard.press("Space")
    page.locator("#rating-answer-problems").focus()
    page.keyboard.press("Space")
    page.locator("#rating-comment").focus()
    page.keyboard.type("PDF")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert TEXT[language]["thanks"] in page.locator("main").inner_text()
    check_as_shown_without_javascript(web, report, language, page.content(),
                                      "rating thanks without JavaScript")
    report.assert_clean()

    web.settle()
    rating = PageRating.objects.get()
    assert (rating.language, rating.stars, rating.answer, rating.comment) == (
        language, 1, "problems", "PDF")
    assert page.context.cookies() == []

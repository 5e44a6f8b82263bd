"""Translation start does not publish (issue 13): Redazione starts "Traduci → English" on
a live Italian news article; the English news, the article's English address and the
feed show nothing until the translation is translated, sent for approval and approved
by Approvazione; then it is there, in English, under an English slug."""

import datetime
import json

import pytest
from wagtail.models import Locale, Page

from programme.models import NewsIndexPage, NewsPage
from programme.workflow import APPROVAZIONE, REDAZIONE
from tests.browser.helpers import login_through_the_form, set_password
from tests.test_workflow import _member_of

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Incontro aperto il giovedì"
SUMMARY = "Un incontro aperto a tutti in via Felice Orsini."
PARAGRAPH = "Porta un documento e un curriculum."
ENGLISH = {
    TITLE: "Open meeting on Thursday",
    SUMMARY: "A meeting open to everyone in via Felice Orsini.",
    PARAGRAPH: "Bring an identity document and a CV.",
}
ITALIAN_SLUG = "incontro-aperto-il-giovedi"


def live_italian_article():
    news_index = NewsIndexPage.objects.get(locale=Locale.get_default())
    article = NewsPage(title=TITLE, slug=ITALIAN_SLUG, date=datetime.date(2026, 11, 30),
                       summary=SUMMARY,
                       body=json.dumps([{"type": "paragraph", "value": f"<p>{PARAGRAPH}</p>"}]))
    news_index.add_child(instance=article)
    article.save_revision().publish()
    return NewsPage.objects.get(pk=article.pk)


def translate_the_texts(page):
    """wagtail-localize's editor: "Traduci" opens a box for the string, "Salva" stores
    it. The slug is left to be made from the translated title."""
    done = 0
    for source, target in ENGLISH.items():
        segment = page.locator("li").filter(has=page.locator(f"p:text-is('{source}')")).first
        segment.get_by_role("button", name="Traduci").click()
        segment.locator("textarea").fill(target)
        segment.get_by_role("button", name="Salva").click()
        segment.get_by_role("button", name="Modifica").wait_for()
        done += 1
    assert done == len(ENGLISH)


def nothing_english_shows_it(visitor, draft):
    assert visitor.goto(f"/en/news/{ITALIAN_SLUG}/").status == 404
    assert visitor.goto(f"/en/news/{draft.slug}/").status == 404
    visitor.goto("/en/news/")
    assert visitor.get_by_text(TITLE).count() == 0
    assert visitor.get_by_text(ENGLISH[TITLE]).count() == 0
    feed = visitor.request.get("/en/news/rss.xml").text()
    assert TITLE not in feed and ENGLISH[TITLE] not in feed


def test_translation_start_does_not_publish(web):
    from playwright.sync_api import expect

    editor = _member_of(REDAZIONE, "redattrice")
    approver = _member_of(APPROVAZIONE, "approvatore")
    set_password(editor)
    set_password(approver)
    article = live_italian_article()
    english = Locale.objects.get(language_code="en")

    # Redazione starts the translation into English.
    page = web.new_page()
    login_through_the_form(page, "it", editor.email, next_url="/admin/")
    page.wait_for_url("**/admin/")
    page.goto(f"/admin/localize/submit/page/{article.pk}/")
    page.locator(f"input[name=locales][value='{english.pk}']").check()
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    web.settle()
    draft = Page.objects.get(translation_key=article.translation_key, locale=english)
    page.wait_for_url(f"**/admin/pages/{draft.pk}/edit/")
    assert not draft.live

    visitor = web.new_page(locale="en-GB")
    nothing_english_shows_it(visitor, draft)

    # The translator translates and sends the translation for approval: still nothing.
    translate_the_texts(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Invia la traduzione per l’approvazione").click()
    web.settle()
    expect(page.locator(".messages")).to_contain_text("è stata inviata per l’approvazione")
    draft.refresh_from_db()
    assert draft.workflow_in_progress and not draft.live
    nothing_english_shows_it(visitor, draft)

    # Approvazione approves it from the dashboard: it is live, in English.
    page = web.new_page()
    login_through_the_form(page, "it", approver.email, next_url="/admin/")
    page.wait_for_url("**/admin/")
    row = page.locator("#awaiting-review-section tr").filter(has_text=ENGLISH[TITLE]).first
    row.get_by_role("button", name="Azioni").click()
    with page.expect_navigation():
        row.get_by_role("button", name="Approva", exact=True).click()
    web.settle()
    draft.refresh_from_db()
    assert draft.live and not draft.workflow_in_progress

    response = visitor.goto("/en/news/open-meeting-on-thursday/")
    assert response.status == 200
    assert visitor.locator("html").get_attribute("lang") == "en"
    assert visitor.locator("h1").inner_text() == ENGLISH[TITLE]
    assert ENGLISH[PARAGRAPH] in visitor.locator("main").inner_text()
    assert PARAGRAPH not in visitor.locator("main").inner_text()
    visitor.goto("/en/news/")
    assert visitor.get_by_role("link", name=ENGLISH[TITLE]).count() >= 1
    assert ENGLISH[TITLE] in visitor.request.get("/en/news/rss.xml").text()

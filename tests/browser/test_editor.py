"""The editorial journey in the Wagtail admin: Redazione writes a news article in Italian,
translates it with wagtail-localize and submits it; Approvazione publishes; the article is
live in both languages."""

import re

import pytest
from wagtail.models import Locale

from programme.models import NewsIndexPage, NewsPage
from programme.workflow import APPROVAZIONE, REDAZIONE
from tests.browser.helpers import login_through_the_form, set_password
from tests.test_workflow import _member_of

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Nuovo gruppo il martedì"
SUMMARY = "Apre un nuovo gruppo a Villa Scheibler."
PARAGRAPH = "Il gruppo si incontra il martedì mattina."
ENGLISH = {
    TITLE: "New group on Tuesdays",
    SUMMARY: "A new group opens at Villa Scheibler.",
    PARAGRAPH: "The group meets on Tuesday mornings.",
    "nuovo-gruppo-il-martedi": "new-group-on-tuesdays",  # slugs are ASCII
}


def translate_every_string(page):
    """wagtail-localize's editor: each source string has a "Translate" button that opens a
    box; "Save" stores the translation. The slug is on the "Promote" tab."""
    done = 0
    for tab in ("Contenuto", "Promuovi"):
        page.get_by_role("tab", name=tab).click()
        for source, target in ENGLISH.items():
            segment = page.locator("li").filter(has=page.locator(f"p:text-is('{source}')"))
            if not segment.first.is_visible():
                continue
            segment = segment.first
            segment.get_by_role("button", name="Traduci").click()
            segment.locator("textarea").fill(target)
            segment.get_by_role("button", name="Salva").click()
            segment.get_by_role("button", name="Modifica").wait_for()
            done += 1
    assert done == len(ENGLISH)


def test_editor_writes_translates_and_submits_the_approver_publishes(web):
    from playwright.sync_api import expect

    editor = _member_of(REDAZIONE, "redattrice")
    approver = _member_of(APPROVAZIONE, "approvatore")
    set_password(editor)
    set_password(approver)
    news_index = NewsIndexPage.objects.get(locale=Locale.get_default())

    # Redazione writes the article in Italian and saves a draft.
    page = web.new_page()
    login_through_the_form(page, "it", editor.email, next_url="/admin/")
    page.wait_for_url("**/admin/")
    page.goto(f"/admin/pages/{news_index.pk}/")
    page.locator(f"a[href='/admin/pages/{news_index.pk}/add_subpage/']").first.click()
    page.wait_for_url("**/admin/pages/add/programme/newspage/**")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill(SUMMARY)
    page.locator(".c-sf-add-button").first.click()
    page.get_by_role("option", name="Paragrafo").click()
    body = page.locator(".public-DraftEditor-content").first
    body.click()
    body.press_sequentially(PARAGRAPH)
    # Draftail copies its content to the form field a moment after typing.
    expect(page.locator("[name='body-0-value']")).to_have_value(re.compile("martedì mattina"))
    with page.expect_navigation():
        page.locator("footer button.action-save").first.click()
    web.settle()
    article = NewsPage.objects.get(title=TITLE)
    assert not article.live

    # ...translates it into English with wagtail-localize...
    page.goto(f"/admin/localize/submit/page/{article.pk}/")
    english = Locale.objects.get(language_code="en")
    page.locator(f"input[name=locales][value='{english.pk}']").check()
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    web.settle()
    translation = article.get_translation(english)
    page.wait_for_url(f"**/admin/pages/{translation.pk}/edit/")
    translate_every_string(page)

    # ...and submits the Italian article for moderation.
    page.goto(f"/admin/pages/{article.pk}/edit/")
    page.locator(".public-DraftEditor-content").first.wait_for()
    page.get_by_role("button", name="Altre azioni").click()
    with page.expect_navigation():
        page.locator("footer button[name=action-submit]").click()
    web.settle()
    article.refresh_from_db()
    assert article.workflow_in_progress and not article.live
    assert page.get_by_text("inviata per moderazione").count() >= 1

    # Approvazione approves and publishes the Italian article, then publishes the English
    # translation from wagtail-localize's editor.
    page = web.new_page()
    login_through_the_form(page, "it", approver.email, next_url="/admin/")
    page.wait_for_url("**/admin/")
    page.goto(f"/admin/pages/{article.pk}/edit/")
    page.locator(".public-DraftEditor-content").first.wait_for()
    page.get_by_role("button", name="Altre azioni").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Approva e Pubblica", exact=True).click()
    web.settle()
    expect(page.locator(".messages")).to_contain_text(TITLE)
    article.refresh_from_db()
    assert article.live and not article.workflow_in_progress

    page.goto(f"/admin/pages/{translation.pk}/edit/")
    with page.expect_navigation():
        # The Italian admin names the locale in Italian (WAGTAIL_CONTENT_LANGUAGES).
        page.get_by_role("button", name=re.compile("Pubblica in Inglese")).click()
    web.settle()
    expect(page.locator(".messages")).to_contain_text("Inglese")
    translation.refresh_from_db()
    assert translation.live

    # Both are live, each in its language.
    visitor = web.new_page()
    for url, title, paragraph in (
        (article.url, TITLE, PARAGRAPH),
        (translation.url, ENGLISH[TITLE], ENGLISH[PARAGRAPH]),
    ):
        response = visitor.goto(url)
        assert response.status == 200, url
        assert visitor.locator("h1").inner_text() == title
        assert paragraph in visitor.locator("main").inner_text()
    assert translation.url == "/en/news/new-group-on-tuesdays/"
    visitor.goto("/en/news/")
    assert visitor.get_by_role("link", name=ENGLISH[TITLE]).count() >= 1

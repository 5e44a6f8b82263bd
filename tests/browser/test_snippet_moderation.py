"""A Redazione member's change to a group waits for Approvazione, then appears (issue 13):
the group's time changed and submitted in the Italian admin is not on /it/gruppi/ until
an approver approves it."""

import re

import pytest
from wagtail.models import Locale

from programme.models import Group
from programme.workflow import APPROVAZIONE, REDAZIONE
from tests.browser.helpers import login_through_the_form, set_password
from tests.test_workflow import _member_of

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _groups_page_text(web):
    visitor = web.new_page()
    response = visitor.goto("/it/gruppi/")
    assert response.status == 200
    text = visitor.locator("main").inner_text()
    visitor.close()
    return text


def test_a_redazione_members_group_change_waits_for_approval_and_then_appears(web):
    from playwright.sync_api import expect

    editor = _member_of(REDAZIONE, "redattrice")
    approver = _member_of(APPROVAZIONE, "approvatore")
    set_password(editor)
    set_password(approver)
    group = Group.objects.get(locale=Locale.get_default(), name="Ripartire insieme")
    old_start = group.slots.get().start.strftime("%H:%M")
    assert "19:05" not in _groups_page_text(web)
    edit_url = f"/admin/snippets/programme/group/edit/{group.pk}/"

    # Redazione changes the time and submits it; the "Pubblica" button is not offered.
    page = web.new_page()
    login_through_the_form(page, "it", editor.email, next_url="/admin/")
    page.wait_for_url("**/admin/")
    page.goto(edit_url)
    page.locator("#id_slots-0-start").fill("19:05")
    page.locator("#id_slots-0-end").fill("20:35")
    page.locator("#id_name").click()  # closes the time picker, as a person's next click
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(0)
    page.get_by_role("button", name="Altre azioni").click()
    assert page.locator("footer button[name=action-publish]").count() == 0
    with page.expect_navigation():
        page.locator("footer button[name=action-submit]").click()
    web.settle()
    group.refresh_from_db()
    assert group.workflow_in_progress and group.has_unpublished_changes

    text = _groups_page_text(web)
    assert "19:05" not in text and old_start in text

    # Approvazione approves it from the same screen.
    page = web.new_page()
    login_through_the_form(page, "it", approver.email, next_url="/admin/")
    page.wait_for_url("**/admin/")
    page.goto(edit_url)
    page.get_by_role("button", name="Altre azioni").click()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Approva e pubblica$", re.I)).click()
    web.settle()
    expect(page.locator(".messages")).to_contain_text(group.name)
    group.refresh_from_db()
    assert not group.workflow_in_progress and not group.has_unpublished_changes

    assert "19:05" in _groups_page_text(web)

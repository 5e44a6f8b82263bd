"""The Segreteria opens "Messaggi" from the admin's menu on a phone and marks a message
handled (issue 13)."""

import pytest
from django.contrib.auth.models import Group as AuthGroup

from home.models import ContactPage, MessageHandling
from tests.browser.conftest import PHONE
from tests.browser.helpers import sign_in
from tests.partner_helpers import make_user

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_segreteria_opens_messaggi_from_the_menu_on_a_phone(web):
    from playwright.sync_api import expect

    member = make_user("segreteria@comune.example.org", is_staff=True, first_name="Sara",
                       last_name="Neri")
    member.groups.add(AuthGroup.objects.get(name="Segreteria"))
    english = ContactPage.objects.get(locale__language_code="en")
    message = english.get_submission_class().objects.create(
        page=english, form_data={"nome": "John Smith", "email": "john@example.org",
                                 "messaggio": "Are there groups in English?"})

    page = web.new_page(viewport=PHONE)
    sign_in(page.context, member, web.origin)
    page.goto("/admin/")
    # On a phone the menu is folded behind its button.
    link = page.get_by_role("link", name="Messaggi")
    expect(link).not_to_be_visible()
    page.get_by_role("button", name="Attiva/disattiva barra laterale").first.click()
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url("**/admin/forms/submissions/**")
    expect(page.get_by_text("John Smith")).to_be_visible()  # the English page's message
    page.get_by_role("button", name="Segna come gestito").first.click()
    expect(page.get_by_text("Il messaggio è segnato come gestito.")).to_be_visible()
    expect(page.get_by_text("John Smith")).to_have_count(0)  # left the list to handle
    handling = MessageHandling.objects.get(submission_id=message.pk)
    assert handling.handled and handling.handled_by == member

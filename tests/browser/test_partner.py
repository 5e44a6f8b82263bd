"""A partner organisation's whole journey in the browser, with the staff's part in the
Wagtail admin in the same test (tests/test_partner.py does it with the test client)."""

import pytest
from django.core import mail

from accounts.models import Organisation
from programme.models import Adhesion, ParticipationRequest
from tests.browser.helpers import (
    PASSWORD,
    login_through_the_form,
    set_password,
    tick,
    verification_code,
)
from tests.partner_helpers import VAT_NUMBERS

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PARTNER_EMAIL = "operatrice@cooperativa.example.org"
ORGANISATION = "Cooperativa Ripartenza"


def submit(form):
    # The form's own submit button (allauth adds "Cancel" buttons tied to other forms).
    with form.page.expect_navigation():
        form.locator("button[type=submit]:not([form])").first.click()


def test_partner_from_sign_up_to_the_status_of_a_referral(web, demo_editor):
    partner = web.new_page()

    # Sign up, then type the code the verification email brings.
    mail.outbox.clear()
    partner.goto("/it/accounts/signup/")
    signup = partner.locator("main form")
    signup.locator("[name=email]").fill(PARTNER_EMAIL)
    signup.locator("[name=password1]").fill(PASSWORD)
    signup.locator("[name=password2]").fill(PASSWORD)
    submit(signup)
    partner.wait_for_url("**/accounts/confirm-email/")
    code = verification_code(mail.outbox[-1].body)
    confirm = partner.locator("main form").filter(has=partner.locator("[name=code]"))
    confirm.locator("[name=code]").fill(code)
    submit(confirm)

    # The partner area asks for the organisation first.
    partner.goto("/it/partner/")
    partner.wait_for_url("**/it/partner/organizzazione/nuova/")
    organisation_form = partner.locator("main form")
    organisation_form.locator("[name=name]").fill(ORGANISATION)
    organisation_form.locator("[name=kind]").select_option("cooperative")
    organisation_form.locator("[name=tax_code]").fill(VAT_NUMBERS[1])
    organisation_form.locator("[name=address]").fill("via Roma 1, Milano")
    organisation_form.locator("[name=email]").fill("info@ripartenza.example.org")
    organisation_form.locator("[name=phone]").fill("02 1234567")
    submit(organisation_form)
    partner.wait_for_url("**/it/partner/")
    assert partner.locator("h1").inner_text() == ORGANISATION
    organisation = Organisation.objects.get(tax_code=VAT_NUMBERS[1])

    # The adhesion to the protocol.
    partner.locator("main a[href='/it/partner/adesione/']").first.click()
    partner.wait_for_url("**/it/partner/adesione/")
    adhesion_form = partner.locator("main form").filter(
        has=partner.locator("[name=signatory_name]"))
    adhesion_form.locator("[name=signatory_name]").fill("Marta Neri")
    adhesion_form.locator("[name=signatory_role]").fill("Presidente")
    tick(adhesion_form, "[name=declares_authority]")
    submit(adhesion_form)
    partner.wait_for_url("**/it/partner/")
    adhesion = Adhesion.objects.get(organisation=organisation)
    assert adhesion.status == Adhesion.Status.PENDING

    # Staff approve it in the Wagtail admin (a second browser, the demo editor).
    staff = web.new_page()
    set_password(demo_editor)
    login_through_the_form(staff, "it", demo_editor.email, next_url="/admin/")
    staff.wait_for_url("**/admin/")
    staff.goto("/admin/adhesions/")
    staff.get_by_role("link", name=ORGANISATION).first.click()
    staff.wait_for_url(f"**/admin/adhesions/**{adhesion.pk}/")
    decision = staff.locator("form").filter(has=staff.locator("[name=decision]"))
    decision.locator("[name=decision][value=approve]").check()  # nothing pre-selected
    submit(decision)
    adhesion.refresh_from_db()
    assert adhesion.status == Adhesion.Status.APPROVED
    assert adhesion.decided_by == demo_editor

    # The organisation is listed on the protocol page, in both languages.
    for url in ("/it/protocollo/", "/en/protocol/"):
        partner.goto(url)
        assert partner.locator("main").get_by_text(ORGANISATION).count() >= 1, url

    # Back to the partner area: refer a person.
    partner.goto("/it/partner/")
    partner.locator("main a[href='/it/partner/segnalazioni/nuova/']").click()
    partner.wait_for_url("**/it/partner/segnalazioni/nuova/")
    referral_form = partner.locator("main form").filter(has=partner.locator("[name=first_name]"))
    referral_form.locator("[name=first_name]").fill("Giulia")
    referral_form.locator("[name=last_name]").fill("Rossi")
    referral_form.locator("[name=email]").fill("giulia.rossi@example.org")
    tick(referral_form, "[name=preferred_channel][value=email]")
    referral_form.locator("[name=employment_status]").select_option("unemployed")
    referral_form.locator("[name=since_month]").select_option("3")
    referral_form.locator("[name=since_year]").select_option(index=1)
    tick(referral_form, "[name=consent]")
    submit(referral_form)
    referral = ParticipationRequest.objects.get(organisation=organisation)
    partner.wait_for_url(f"**/it/partner/segnalazioni/{referral.pk}/")
    assert referral.reference in partner.locator("main").inner_text()
    assert referral.referred_by.email == PARTNER_EMAIL

    # Staff change its status in the admin.
    staff.goto("/admin/participation_requests/")
    staff.get_by_role("link", name=referral.reference).first.click()
    staff.wait_for_url(f"**/admin/participation_requests/inspect/{referral.pk}/")
    status = staff.locator("form").filter(has=staff.locator("select[name=status]"))
    status.locator("[name=status]").select_option("contacted")
    submit(status)
    referral.refresh_from_db()
    assert referral.status == ParticipationRequest.Status.CONTACTED

    # The partner sees it.
    partner.reload()
    assert "Contattat" in partner.locator("main").inner_text()  # "Contattato/a"

"""Partner organisations: sign-up, joining the protocol, referring people, closed loop."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation, Membership, Organisation
from programme.models import Adhesion, ParticipationRequest
from tests.forms_helpers import intake_data
from tests.partner_helpers import VAT_NUMBERS, add_member, make_organisation, make_user

pytestmark = pytest.mark.django_db

Role = Membership.Role


def referral_data(**overrides):
    data = intake_data(privacy=None, consent="on", **overrides)
    return data


# --- The whole journey ----------------------------------------------------------------


def test_partner_journey_from_sign_up_to_a_referral_status(client, demo_editor):
    # Sign up, then verify the email with the code it receives.
    response = client.post("/it/accounts/signup/", {
        "email": "operatrice@cooperativa.example.org",
        "password1": "una-password-lunga-1", "password2": "una-password-lunga-1",
    }, follow=True)
    code = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", mail.outbox[-1].body,
                     re.MULTILINE).group(1)
    confirm_url = response.redirect_chain[-1][0]
    response = client.post(confirm_url, {"code": code}, follow=True)
    assert response.status_code == 200
    assert "_auth_user_id" in client.session

    # The partner area asks for the organisation first.
    response = client.get("/it/partner/")
    assert response["Location"] == "/it/partner/organizzazione/nuova/"
    response = client.post("/it/partner/organizzazione/nuova/", {
        "name": "Cooperativa Ripartenza", "kind": "cooperative", "tax_code": VAT_NUMBERS[1],
        "address": "via Roma 1, Milano", "website": "", "email": "info@ripartenza.example.org",
        "phone": "02 1234567",
    })
    assert response.status_code == 302
    organisation = Organisation.objects.get(tax_code=VAT_NUMBERS[1])

    # Adhesion, then the staff's approval in the Wagtail admin.
    mail.outbox.clear()
    client.post("/it/partner/adesione/", {
        "signatory_name": "Marta Neri", "signatory_role": "Presidente",
        "declares_authority": "on",
    })
    adhesion = Adhesion.objects.get(organisation=organisation)
    assert adhesion.status == "pending"
    assert {tuple(m.to) for m in mail.outbox} >= {("segreteria@example.org",)}

    staff = Client()
    staff.force_login(demo_editor)
    staff.post(f"/admin/adhesions/{adhesion.pk}/decide/", {"decision": "approve"})
    adhesion.refresh_from_db()
    assert adhesion.status == "approved" and adhesion.decided_by == demo_editor

    # Listed on the protocol page, in both languages.
    for url in ("/it/protocollo/", "/en/protocol/"):
        assert "Cooperativa Ripartenza" in Client().get(url).content.decode()

    # Back as the partner: refer a person.
    client.post("/it/partner/segnalazioni/nuova/", referral_data())
    referral = ParticipationRequest.objects.get(organisation=organisation)
    assert referral.source == "partner_referral"
    assert referral.referred_by.email == "operatrice@cooperativa.example.org"

    # Staff change its status; the partner sees it and gets an email.
    mail.outbox.clear()
    staff.post(f"/admin/participation_requests/{referral.pk}/status/", {"status": "contacted"})
    page = client.get(f"/it/partner/segnalazioni/{referral.pk}/").content.decode()
    assert "Contattat" in page  # "Contattato/a" in Italian
    status_mail = [m for m in mail.outbox if referral.reference in m.subject]
    assert status_mail and "operatrice@cooperativa.example.org" in status_mail[0].to
    assert "Giulia" not in status_mail[0].body  # the person's details stay out of the mail


# --- Who may see and do what -------------------------------------------------------------

PARTNER_URLS = [
    "/it/partner/",
    "/it/partner/adesione/",
    "/it/partner/segnalazioni/",
    "/it/partner/segnalazioni/nuova/",
    "/it/partner/membri/",
    "/it/partner/organizzazione/",
]


@pytest.mark.parametrize("url", PARTNER_URLS)
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", PARTNER_URLS)
def test_partner_pages_are_never_stored_by_browsers(client, url):
    _organisation, admin = make_organisation()
    client.force_login(admin)
    response = client.get(url)
    assert "no-store" in response["Cache-Control"]


def test_a_member_of_another_organisation_gets_404_on_a_referral(client):
    organisation, admin = make_organisation()
    client.force_login(admin)
    client.post("/it/partner/segnalazioni/nuova/", referral_data())
    referral = ParticipationRequest.objects.get()
    _other, other_admin = make_organisation(name="Altra", tax_code=VAT_NUMBERS[2])
    client.force_login(other_admin)
    assert client.get(f"/it/partner/segnalazioni/{referral.pk}/").status_code == 404
    listing = client.get("/it/partner/segnalazioni/").content.decode()
    assert referral.reference not in listing


def test_a_viewer_reads_referrals_but_cannot_create_one(client):
    organisation, admin = make_organisation()
    viewer = add_member(organisation, Role.VIEWER)
    client.force_login(admin)
    client.post("/it/partner/segnalazioni/nuova/", referral_data())
    client.force_login(viewer)
    assert ParticipationRequest.objects.get().reference in client.get(
        "/it/partner/segnalazioni/").content.decode()
    assert client.get("/it/partner/segnalazioni/nuova/").status_code == 403
    response = client.post("/it/partner/segnalazioni/nuova/", referral_data(email="x@example.org"))
    assert response.status_code == 403
    assert ParticipationRequest.objects.count() == 1
    assert client.post("/it/partner/membri/", {"email": "n@example.org", "role": "admin"}
                       ).status_code == 403
    assert client.post("/it/partner/adesione/", {}).status_code == 403


def test_a_referrer_can_refer(client):
    organisation, _admin = make_organisation()
    referrer = add_member(organisation, Role.REFERRER)
    client.force_login(referrer)
    response = client.post("/it/partner/segnalazioni/nuova/", referral_data())
    assert response.status_code == 302
    assert ParticipationRequest.objects.get().referred_by == referrer


@pytest.mark.parametrize("state", [Adhesion.Status.PENDING, Adhesion.Status.REJECTED,
                                   Adhesion.Status.WITHDRAWN, None])
def test_an_organisation_not_approved_cannot_refer(client, state):
    _organisation, admin = make_organisation(adhesion=state)
    client.force_login(admin)
    response = client.post("/it/partner/segnalazioni/nuova/", referral_data())
    assert response.status_code == 403
    assert "adesione" in response.content.decode()
    assert ParticipationRequest.objects.count() == 0


def test_staff_see_every_organisations_referrals(client, demo_editor):
    for index, tax_code in enumerate(VAT_NUMBERS[:2]):
        _organisation, admin = make_organisation(name=f"Org {index}", tax_code=tax_code)
        client.force_login(admin)
        client.post("/it/partner/segnalazioni/nuova/", referral_data(email=f"p{index}@e.org"))
    client.force_login(demo_editor)
    listing = client.get("/admin/participation_requests/").content.decode()
    for referral in ParticipationRequest.objects.all():
        assert referral.reference in listing


def test_a_withdrawn_organisation_leaves_the_protocol_page(client):
    organisation, admin = make_organisation(name="Associazione Che Esce")
    assert "Associazione Che Esce" in client.get("/it/protocollo/").content.decode()
    client.force_login(admin)
    client.post("/it/partner/adesione/ritiro/")
    assert Adhesion.objects.get(organisation=organisation).status == "withdrawn"
    assert "Associazione Che Esce" not in client.get("/it/protocollo/").content.decode()


# --- Bad input gets a clear message ---------------------------------------------------------


def organisation_form(**overrides):
    data = {"name": "Nuova Associazione", "kind": "association", "tax_code": VAT_NUMBERS[3],
            "address": "", "website": "", "email": "info@nuova.example.org", "phone": ""}
    data.update(overrides)
    return data


def test_an_invalid_tax_code_is_refused_with_a_message(client):
    client.force_login(make_user("nuovo@example.org"))
    response = client.post("/it/partner/organizzazione/nuova/",
                           organisation_form(tax_code="12345678901"))
    assert response.status_code == 200
    assert "codice fiscale" in response.content.decode()
    assert not Organisation.objects.filter(name="Nuova Associazione").exists()


def test_a_second_organisation_with_the_same_tax_code_is_refused(client):
    make_organisation(tax_code=VAT_NUMBERS[3])
    client.force_login(make_user("nuovo@example.org"))
    response = client.post("/it/partner/organizzazione/nuova/",
                           organisation_form(tax_code=f"IT {VAT_NUMBERS[3]}"))
    assert "già registrata" in response.content.decode()
    assert Organisation.objects.filter(tax_code=VAT_NUMBERS[3]).count() == 1


def test_a_second_adhesion_while_one_is_pending_is_refused(client):
    organisation, admin = make_organisation(adhesion=Adhesion.Status.PENDING)
    client.force_login(admin)
    response = client.post("/it/partner/adesione/", {
        "signatory_name": "Marta Neri", "signatory_role": "Presidente",
        "declares_authority": "on",
    })
    assert Adhesion.objects.filter(organisation=organisation).count() == 1
    assert response.status_code == 200
    assert "adesione" in response.content.decode().lower()


def invitation_for(organisation, admin, email="collega@example.org", **fields):
    from accounts.organisations import invite

    invitation = invite(Membership.objects.get(user=admin), email, Role.REFERRER)
    Invitation.objects.filter(pk=invitation.pk).update(**fields)
    invitation.refresh_from_db()
    return invitation


def test_an_invitation_brings_a_colleague_in(client):
    organisation, admin = make_organisation()
    client.force_login(admin)
    client.post("/it/partner/membri/", {"email": "collega@example.org", "role": "referrer"})
    invitation = Invitation.objects.get()
    assert invitation.token in mail.outbox[-1].body
    colleague = make_user("collega@example.org")
    client.force_login(colleague)
    client.post(f"/it/partner/invito/{invitation.token}/")
    assert Membership.objects.get(user=colleague).role == Role.REFERRER


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "scaduto"),
        ({"revoked_at": timezone.now()}, "ritirato"),
        ({"accepted_at": timezone.now()}, "già stato usato"),
    ],
)
def test_an_unusable_invitation_says_why(client, fields, message):
    organisation, admin = make_organisation()
    invitation = invitation_for(organisation, admin, **fields)
    colleague = make_user("collega@example.org")
    client.force_login(colleague)
    response = client.post(f"/it/partner/invito/{invitation.token}/")
    assert response.status_code == 410
    assert message in response.content.decode()
    assert not Membership.objects.filter(user=colleague).exists()


def test_revoking_an_invitation_from_the_members_page(client):
    organisation, admin = make_organisation()
    invitation = invitation_for(organisation, admin)
    client.force_login(admin)
    client.post(f"/it/partner/inviti/{invitation.pk}/revoca/")
    invitation.refresh_from_db()
    assert invitation.state == "revoked"

"""An organisation's consent to publish its website, email and phone (issue 19): given with
the adhesion, changed later by its admin in the partner area, read by staff, and obeyed by
the protocol page (and the open data, which reads `Adhesion.publish_contact_details`)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accounts.models import Membership
from programme import adhesions
from programme.models import Adhesion
from tests.partner_helpers import VAT_NUMBERS, add_member, make_organisation

pytestmark = pytest.mark.django_db

WEBSITE = "https://consenso.example.org/"
ADHESION_FORM = {"signatory_name": "Marta Neri", "signatory_role": "Presidente",
                 "declares_authority": "on"}


def organisation_with(adhesion=Adhesion.Status.APPROVED, consent=False, **kwargs):
    organisation, admin = make_organisation(adhesion=adhesion, **kwargs)
    organisation.website = WEBSITE
    organisation.save()
    if adhesion:
        organisation.adhesions.update(publish_contact_details=consent)
    return organisation, admin


def consent_of(organisation):
    return organisation.adhesions.get().publish_contact_details


@pytest.mark.parametrize(("language", "label"), [
    ("it", "Pubblicare sito web, email e telefono dell’organizzazione tra i dati aperti"),
    ("en", "Publish the organisation&#x27;s website, email and phone in the open data"),
])
def test_the_adhesion_form_offers_the_consent_unticked(client, language, label):
    _organisation, admin = organisation_with(adhesion=None)
    client.force_login(admin)
    page = client.get(f"/{language}/partner/" + ("adesione/" if language == "it"
                                                  else "adhesion/")).content.decode()
    assert label in page
    assert 'name="publish_contact_details"' in page
    assert 'name="publish_contact_details" class="form-check-input" required' not in page
    assert "checked" not in page.split('name="publish_contact_details"')[1].split(">")[0]


@pytest.mark.parametrize(("ticked", "saved"), [(True, True), (False, False)])
def test_the_adhesion_saves_the_consent_as_given(client, ticked, saved):
    organisation, admin = organisation_with(adhesion=None)
    client.force_login(admin)
    data = dict(ADHESION_FORM, **({"publish_contact_details": "on"} if ticked else {}))
    response = client.post("/it/partner/adesione/", data)
    assert response.status_code == 302
    assert consent_of(organisation) is saved


@pytest.mark.parametrize(("language", "path", "given", "message"), [
    ("it", "/it/partner/adesione/recapiti/", True,
     "Salvato: sito web, email e telefono della tua organizzazione sono pubblicati"),
    ("it", "/it/partner/adesione/recapiti/", False,
     "non sono più pubblicati; il nome e il tipo restano elencati"),
    ("en", "/en/partner/adhesion/contact-details/", True,
     "Saved: your organisation&#x27;s website, email and phone are published"),
    ("en", "/en/partner/adhesion/contact-details/", False, "are no longer published"),
])
def test_the_admin_changes_the_consent_later_and_is_told(client, language, path, given,
                                                          message):
    organisation, admin = organisation_with(consent=not given)
    client.force_login(admin)
    page = client.get(f"/{language}/partner/" + ("adesione/" if language == "it"
                                                  else "adhesion/")).content.decode()
    assert f'action="{path}"' in page and "csrfmiddlewaretoken" in page
    response = client.post(path, {"publish_contact_details": "on"} if given else {},
                           follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert consent_of(organisation) is given


def test_the_consent_form_needs_the_csrf_token():
    organisation, admin = organisation_with()
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post("/it/partner/adesione/recapiti/", {"publish_contact_details": "on"})
    assert response.status_code == 403
    assert consent_of(organisation) is False


@pytest.mark.parametrize("role", [Membership.Role.REFERRER, Membership.Role.VIEWER])
def test_only_the_organisations_admin_changes_the_consent(client, role):
    organisation, _admin = organisation_with()
    client.force_login(add_member(organisation, role))
    page = client.get("/it/partner/adesione/").content.decode()
    assert "/it/partner/adesione/recapiti/" not in page
    response = client.post("/it/partner/adesione/recapiti/", {"publish_contact_details": "on"})
    assert response.status_code == 403
    assert consent_of(organisation) is False


def test_a_withdrawn_adhesion_has_no_consent_to_change(client):
    organisation, admin = organisation_with(adhesion=Adhesion.Status.WITHDRAWN)
    client.force_login(admin)
    assert "/it/partner/adesione/recapiti/" not in client.get(
        "/it/partner/adesione/").content.decode()
    response = client.post("/it/partner/adesione/recapiti/", {"publish_contact_details": "on"},
                           follow=True)
    assert response.status_code == 200
    assert "Solo un&#x27;adesione in attesa o approvata ha recapiti da pubblicare." in (
        response.content.decode())
    assert consent_of(organisation) is False


def test_the_consent_rule_refuses_another_organisations_adhesion_and_a_non_admin():
    organisation, _admin = organisation_with()
    _other, other_admin = organisation_with(name="Altra Associazione",
                                            tax_code=VAT_NUMBERS[1])
    with pytest.raises(ValidationError) as refused:
        adhesions.set_contact_consent(other_admin.membership, organisation.adhesions.get(),
                                      True)
    assert refused.value.code == "other"
    referrer = add_member(organisation, Membership.Role.REFERRER)
    with pytest.raises(PermissionDenied):
        adhesions.set_contact_consent(referrer.membership, organisation.adhesions.get(), True)
    assert consent_of(organisation) is False


@pytest.mark.parametrize("url", ["/it/protocollo/", "/en/protocol/"])
def test_the_protocol_page_links_the_website_only_with_consent(client, url):
    organisation, admin = organisation_with(name="Associazione Con Sito")
    assert f'href="{WEBSITE}"' not in client.get(url).content.decode()
    assert adhesions.set_contact_consent(admin.membership, organisation.adhesions.get(), True)
    # Saving the adhesion cleared the cached page: the link shows at once.
    page = client.get(url).content.decode()
    assert f'<a href="{WEBSITE}" rel="external noopener">Associazione Con Sito</a>' in page
    assert organisation.email not in page  # only the website is shown there


def test_staff_read_the_consent_on_the_inspect_screen_and_the_list(client, demo_editor):
    organisation, _admin = organisation_with(consent=True, name="Associazione Consenziente")
    adhesion = organisation.adhesions.get()
    client.force_login(demo_editor)
    page = client.get(f"/admin/adhesions/inspect/{adhesion.pk}/").content.decode()
    label = "Pubblicare sito web, email e telefono dell&#x27;organizzazione"
    assert label in page or label.lower() in page
    consent_part = page.split("telefono dell&#x27;organizzazione", 1)[1][:400]
    assert "Sì" in consent_part
    listing = client.get("/admin/adhesions/").content.decode()
    assert "Recapiti pubblicati" in listing
    row = listing.split("Associazione Consenziente", 1)[1].split("</tr>", 1)[0]
    assert ">Sì<" in row.replace(" ", "").replace("\n", "")
    assert "True" not in row


def test_the_consent_decides_what_the_open_data_says_of_the_organisation(client):
    organisation, admin = organisation_with(name="Associazione Aperta")
    organisation.phone = "+390288447502"
    organisation.save()
    address = f"/api/hsds/organizations/{organisation.public_id}"
    record = client.get(address).json()
    assert record["name"] == "Associazione Aperta"
    assert not {"website", "email", "phones"} & set(record)

    partner = Client()
    partner.force_login(admin)
    partner.post("/it/partner/adesione/recapiti/", {"publish_contact_details": "on"})
    record = client.get(address).json()
    assert record["website"] == WEBSITE and record["email"] == organisation.email
    assert [phone["number"] for phone in record["phones"]] == ["+390288447502"]

    partner.post("/it/partner/adesione/recapiti/", {})
    assert not {"website", "email", "phones"} & set(client.get(address).json())

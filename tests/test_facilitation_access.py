"""Who reaches the facilitators' area (issue 20): a facilitator sees only their own
groups' meetings and people; anyone else is sent to sign in or refused; facilitators
never enter the admin; the Segreteria's screen is refused to them."""

import datetime

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.test import RequestFactory

from accounts.adapter import AccountAdapter
from accounts.models import Membership
from tests.admin_helpers import make_segreteria
from tests.facilitation_helpers import (
    client_for,
    daily_group,
    make_facilitator,
    meeting_path,
    not_holiday,
    seat,
    today,
)
from tests.partner_helpers import add_member, make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two groups, each with its facilitator and one person seated."""
    mine, theirs = daily_group(0), daily_group(1)
    own = make_facilitator("anna@comune.example.org", [mine])
    other = make_facilitator("bruno@comune.example.org", [theirs])
    seat(mine, first="Marta", last="Colombo")
    seat(theirs, first="Giorgio", last="Esposito")
    day = not_holiday(today() - datetime.timedelta(days=1), step=-1)
    return {"mine": mine, "theirs": theirs, "own": own, "other": other, "day": day}


@pytest.mark.parametrize("language,path", [("it", "/it/facilitatori/"),
                                           ("en", "/en/facilitators/")])
def test_anonymous_visitors_are_sent_to_sign_in(world, language, path):
    response = client_for().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/{language}/accounts/login/")
    response = client_for().get(meeting_path(world["mine"], world["day"], language))
    assert response.status_code == 302


@pytest.mark.parametrize("language", ["it", "en"])
def test_a_facilitator_sees_their_own_people_and_never_another_facilitators(world,
                                                                            language):
    client = client_for(world["own"])
    home = client.get(f"/{language}/{'facilitatori' if language == 'it' else 'facilitators'}/")
    assert home.status_code == 200
    # Each group by its name in the page's language (the English translation's).
    def name(group):
        from django.utils.html import escape

        from programme.models import Group
        return escape(Group.objects.get(translation_key=group.translation_key,
                                        locale__language_code=language).name)
    assert name(world["mine"]) in home.content.decode()
    assert name(world["theirs"]) not in home.content.decode()
    page = client.get(meeting_path(world["mine"], world["day"], language))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Colombo" in html and "Esposito" not in html
    # Another group's meeting: as if it did not exist.
    assert client.get(meeting_path(world["theirs"], world["day"], language)).status_code == 404
    assert client.get(meeting_path(world["theirs"], world["day"], language, "move")
                      ).status_code == 404
    assert client.get(meeting_path(world["theirs"], world["day"], language, "cancel")
                      ).status_code == 404
    # And the other facilitator sees theirs, not these.
    other = client_for(world["other"]).get(meeting_path(world["theirs"], world["day"],
                                                         language)).content.decode()
    assert "Esposito" in other and "Colombo" not in other


def test_names_only_no_contact_details(world):
    person = seat(world["mine"], first="Lucia", last="Ferrari")
    html = client_for(world["own"]).get(meeting_path(world["mine"], world["day"])
                                        ).content.decode()
    assert "Ferrari" in html
    assert person.email not in html and person.phone not in html
    assert person.reference not in html


def test_addresses_that_are_no_meeting_are_404(world):
    client = client_for(world["own"])
    group = world["mine"]
    for path in (f"/it/facilitatori/incontri/{group.pk}/2026-13-01/0000/",
                 f"/it/facilitatori/incontri/{group.pk}/{world['day']:%Y-%m-%d}/2500/",
                 f"/it/facilitatori/incontri/{group.pk}/{world['day']:%Y-%m-%d}/0915/",
                 f"/it/facilitatori/incontri/99999999999/{world['day']:%Y-%m-%d}/0000/"):
        assert client.get(path).status_code == 404, path


def test_partners_editors_and_segreteria_without_the_role_are_refused(world,
                                                                     django_user_model):
    organisation, partner_admin = make_organisation()
    operator = add_member(organisation, Membership.Role.REFERRER)
    editor = django_user_model.objects.create_user(
        username="redattore", email="redattore@example.org", password="x" * 12,
        is_staff=True)
    editor.groups.add(AuthGroup.objects.get(name="Redazione"))
    segreteria = make_segreteria(django_user_model)
    for user in (partner_admin, operator, editor, segreteria):
        client = client_for(user)
        assert client.get("/it/facilitatori/").status_code == 403, user
        assert client.get(meeting_path(world["mine"], world["day"])).status_code == 403


def test_a_deactivated_facilitator_is_out(world):
    world["own"].is_active = False
    world["own"].save()
    client = client_for()
    client.force_login(world["own"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/it/facilitatori/").status_code in (302, 403)


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/facilitators/",
                                  "/admin/participation_requests/", "/admin/group-seats/"])
def test_a_facilitator_never_enters_the_admin(world, path):
    response = client_for(world["own"]).get(path)
    assert response.status_code == 403
    assert "Colombo" not in response.content.decode()


def test_the_segreteria_screen_is_refused_to_an_editor(world, django_user_model):
    editor = django_user_model.objects.create_user(
        username="redattore", email="redattore@example.org", password="x" * 12,
        is_staff=True)
    editor.groups.add(AuthGroup.objects.get(name="Redazione"))
    client = client_for(editor)
    assert client.get("/admin/facilitators/").status_code == 403
    assert client.get(f"/admin/facilitators/{world['own'].pk}/").status_code == 403
    assert b"/admin/facilitators/" not in client.get("/admin/").content


def test_the_area_asks_for_an_authenticator_first(world, settings):
    settings.ADMIN_MFA_REQUIRED = True
    response = client_for(world["own"]).get("/en/facilitators/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/2fa/totp/activate/")
    assert "next=%2Fen%2Ffacilitators%2F" in response["Location"]


def test_after_sign_in_a_facilitator_lands_on_their_area(world):
    request = RequestFactory().get("/it/accounts/login/")
    request.user = world["own"]
    from django.utils import translation

    with translation.override("en"):
        assert AccountAdapter().get_login_redirect_url(request) == "/en/facilitators/"


def test_pages_are_private_and_never_stored(world):
    response = client_for(world["own"]).get(meeting_path(world["mine"], world["day"]))
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_the_admins_refusal_sends_a_facilitator_to_their_meetings(world):
    html = client_for(world["own"]).get("/admin/").content.decode()
    assert "Il tuo account è di un facilitatore" in html
    assert 'href="/it/facilitatori/"' in html
    assert "partner account" not in html and "account partner" not in html


@pytest.mark.parametrize("path", ["/it/partner/",
                                  "/en/partner/"])
def test_a_facilitator_cannot_register_an_organisation_or_enter_the_partner_area(world,
                                                                                 path):
    from django.urls import reverse
    from django.utils import translation

    client = client_for(world["own"])
    with translation.override(path.split("/")[1]):
        create = reverse("accounts:organisation_create")
    for address in (path, create):
        response = client.get(address, follow=True)
        assert response.status_code == 403, address
        assert response.templates[0].name == "accounts/partner_forbidden.html", address
    response = client.post(create, {"name": "Associazione", "kind": "association",
                                    "tax_code": "97000000000", "email": "a@b.example.org"})
    assert response.status_code == 403
    from accounts.models import Organisation
    assert not Organisation.objects.filter(name="Associazione").exists()

"""The Segreteria's "Facilitatori" screen (issue 20): list, create (a user in the
Facilitatori group, verified email, no admin access, a mail in their language with the
link to choose a password), change groups, deactivate."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from accounts.middleware import has_admin_access
from accounts.roles import is_facilitator
from facilitation.models import FacilitatorAssignment
from tests.admin_helpers import make_segreteria, speaks
from tests.facilitation_helpers import client_for, daily_group, make_facilitator

pytestmark = pytest.mark.django_db


@pytest.fixture
def segreteria(django_user_model):
    return make_segreteria(django_user_model)


@pytest.mark.parametrize("language,label", [("it", "Facilitatori"), ("en", "Facilitators")])
def test_the_segreteria_sees_the_menu_item_and_the_list(segreteria, language, label):
    group = daily_group(0)
    make_facilitator("anna@comune.example.org", [group])
    speaks(segreteria, language)
    client = client_for(segreteria)
    assert label in client.get("/admin/").content.decode()  # the menu item
    page = client.get("/admin/facilitators/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "anna@comune.example.org" in html and group.name in html
    assert {"no-store", "private"} <= {d.strip() for d in page["Cache-Control"].split(",")}


@pytest.mark.parametrize("language,words", [
    ("it", ("Il tuo account di facilitatore", "/it/accounts/password/reset/key/")),
    ("en", ("Your facilitator account", "/en/accounts/password/reset/key/"))])
def test_creating_a_facilitator(segreteria, language, words):
    first, second = daily_group(0), daily_group(1)
    mail.outbox.clear()
    response = client_for(segreteria).post("/admin/facilitators/new/", {
        "first_name": "Carla", "last_name": "Neri", "email": "Carla.Neri@Comune.example.org",
        "language": language, "groups": [first.pk, second.pk]})
    assert response.status_code == 302
    user = get_user_model().objects.get(email="carla.neri@comune.example.org")
    assert is_facilitator(user) and not has_admin_access(user)
    assert not user.is_staff and not user.has_usable_password() and user.language == language
    assert EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()
    assert set(FacilitatorAssignment.objects.filter(user=user).values_list(
        "group_id", "assigned_by")) == {(first.pk, segreteria.pk), (second.pk, segreteria.pk)}
    [message] = mail.outbox
    subject, link = words
    assert subject in message.subject and message.to == [user.email]
    assert link in message.body
    # The link opens allauth's page to choose a password.
    url = re.search(r"http://testserver(\S+)", message.body).group(1)
    anonymous = Client(raise_request_exception=False)
    followed = anonymous.get(url, follow=True)
    assert followed.status_code == 200
    assert 'name="password1"' in followed.content.decode()


def test_an_email_already_used_is_refused_clearly(segreteria):
    make_facilitator("anna@comune.example.org")
    response = client_for(segreteria).post("/admin/facilitators/new/", {
        "first_name": "Anna", "last_name": "Bis", "email": "ANNA@comune.example.org",
        "language": "it"})
    assert response.status_code == 400
    assert "Esiste già un account con questo indirizzo email." in response.content.decode()
    assert get_user_model().objects.filter(email__iexact="anna@comune.example.org").count() == 1


def test_changing_groups_and_deactivating(segreteria):
    first, second = daily_group(0), daily_group(1)
    anna = make_facilitator("anna@comune.example.org", [first])
    client = client_for(segreteria)
    assert client.get(f"/admin/facilitators/{anna.pk}/").status_code == 200
    response = client.post(f"/admin/facilitators/{anna.pk}/", {"groups": [second.pk]})
    assert response.status_code == 302
    anna.refresh_from_db()
    assert not anna.is_active
    assert list(FacilitatorAssignment.objects.filter(user=anna).values_list(
        "group_id", flat=True)) == [second.pk]
    client.post(f"/admin/facilitators/{anna.pk}/", {"groups": [second.pk], "active": "on"})
    anna.refresh_from_db()
    assert anna.is_active
    # Someone who is not a facilitator has no such page.
    assert client.get(f"/admin/facilitators/{segreteria.pk}/").status_code == 404
    assert client.get("/admin/facilitators/99999999999/").status_code == 404


def test_a_facilitator_made_here_cannot_open_the_admin(segreteria):
    client_for(segreteria).post("/admin/facilitators/new/", {
        "first_name": "Carla", "last_name": "Neri", "email": "carla@comune.example.org",
        "language": "it", "groups": [daily_group(0).pk]})
    user = get_user_model().objects.get(email="carla@comune.example.org")
    response = client_for(user).get("/admin/")
    assert response.status_code == 403
    assert client_for(user).get("/admin/facilitators/").status_code == 403

"""The contact page: stored first, mailed by the worker, read only by the Segreteria."""

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from home.models import ContactPage
from tests.forms_helpers import contact_data

pytestmark = pytest.mark.django_db


def streamed(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(("url", "language"), [("/it/contatti/", "it"), ("/en/contact/", "en")])
def test_message_is_stored_with_privacy_acknowledgement_and_mailed(client, url, language):
    response = client.post(url, contact_data())
    assert response.status_code == 200
    submission = FormSubmission.objects.get()
    data = submission.get_data()
    assert data["nome"] == "Mario Bianchi"
    assert data["language"] == language
    assert data["privacy_notice_version"] and data["privacy_acknowledged_at"]
    assert "privacy_acknowledgement" not in data
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["PLO.infolavoro@comune.milano.it"]


def test_english_and_italian_submissions_share_the_same_field_keys(client):
    client.post("/it/contatti/", contact_data())
    client.post("/en/contact/", contact_data(nome="John Smith"))
    keys = [set(s.get_data()) for s in FormSubmission.objects.all()]
    assert keys[0] == keys[1]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nome": ""}, "Questo campo è obbligatorio"),
        ({"email": "nope"}, "indirizzo email valido"),
        ({"messaggio": "x" * 10_000}, "2000"),
        ({"privacy_acknowledgement": None}, "informativa"),
    ],
)
def test_bad_input_gets_a_localized_error_and_nothing_is_stored(client, overrides, message):
    response = client.post("/it/contatti/", contact_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert FormSubmission.objects.count() == 0


def test_script_in_a_message_is_escaped_for_staff(client, demo_editor):
    client.post("/it/contatti/", contact_data(messaggio="<script>alert(1)</script>"))
    page = ContactPage.objects.get(locale__language_code="it")
    client.force_login(demo_editor)
    listing = client.get(f"/admin/forms/submissions/{page.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing
    assert "<script>alert(1)</script>" not in listing


@pytest.fixture
def editor_outside_triage(django_user_model):
    user = django_user_model.objects.create_user(
        username="approvatore", email="approvatore@example.org", password="x" * 12
    )
    user.groups.add(AuthGroup.objects.get(name="Approvazione"))
    return user


@pytest.mark.parametrize("suffix", ["", "?export=csv", "?export=xlsx"])
def test_editors_outside_triage_cannot_read_or_export_messages(
    client, editor_outside_triage, suffix
):
    client.post("/it/contatti/", contact_data())
    page = ContactPage.objects.get(locale__language_code="it")
    client.force_login(editor_outside_triage)
    response = client.get(f"/admin/forms/submissions/{page.pk}/{suffix}")
    assert response.status_code in {302, 403}
    assert b"Mario Bianchi" not in streamed(response)
    forms_index = client.get("/admin/forms/")
    assert b"Mario Bianchi" not in streamed(forms_index)


def test_triage_staff_can_read_and_export_messages(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="segr", email="segr@example.org", password="x" * 12
    )
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    client.post("/it/contatti/", contact_data())
    page = ContactPage.objects.get(locale__language_code="it")
    client.force_login(user)
    response = client.get(f"/admin/forms/submissions/{page.pk}/")
    assert response.status_code == 200
    assert "Mario Bianchi" in response.content.decode()
    export = client.get(f"/admin/forms/submissions/{page.pk}/?export=csv")
    assert b"Mario Bianchi" in streamed(export)

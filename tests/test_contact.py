"""The contact page: stored first, mailed by the worker, read only by the Segreteria."""

import csv
import io

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
    assert mail.outbox[0].to == ["segreteria@example.org"]


def test_english_and_italian_submissions_share_the_same_field_keys(client):
    client.post("/it/contatti/", contact_data())
    client.post("/en/contact/", contact_data(nome="John Smith"))
    keys = [set(s.get_data()) for s in FormSubmission.objects.all()]
    assert keys[0] == keys[1]


@pytest.mark.parametrize(
    ("url", "overrides", "message"),
    [
        ("/it/contatti/", {"nome": ""}, "Questo campo è obbligatorio"),
        ("/it/contatti/", {"email": "nope"}, "indirizzo email valido"),
        ("/it/contatti/", {"telefono": "chiamami <b>dopo</b>"}, "numero di telefono valido"),
        ("/it/contatti/", {"messaggio": "x" * 10_000}, "2000"),
        ("/it/contatti/", {"nome": "x" * 300}, "255"),
        ("/it/contatti/", {"privacy_acknowledgement": None}, "informativa"),
        ("/it/contatti/", {"nome": "\x07\x1b"}, "Questo campo è obbligatorio"),
        ("/en/contact/", {"nome": ""}, "This field is required"),
        ("/en/contact/", {"email": "nope"}, "Enter a valid email address"),
        ("/en/contact/", {"telefono": "12"}, "Enter a valid phone number"),
        ("/en/contact/", {"messaggio": "x" * 10_000}, "at most 2000 characters"),
        ("/en/contact/", {"privacy_acknowledgement": None}, "privacy notice"),
    ],
)
def test_bad_input_gets_a_localized_error_and_nothing_is_stored(
    client, url, overrides, message
):
    response = client.post(url, contact_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert FormSubmission.objects.count() == 0


def test_wrong_types_and_repeated_fields_get_an_answer_not_an_error(client):
    data = contact_data()
    data["nome"] = ["Mario", "Luigi"]  # a list where one value is expected
    data["privacy_acknowledgement"] = ["on", "off"]
    response = client.post("/en/contact/", data)
    assert response.status_code == 200
    non_utf8 = client.post("/en/contact/", b"nome=%FF%FE&email=%C3",
                           content_type="application/x-www-form-urlencoded")
    assert non_utf8.status_code == 200
    assert "This field is required" in non_utf8.content.decode()


def test_phone_numbers_are_stored_in_international_form(client):
    client.post("/it/contatti/", contact_data(telefono="02 884 47502"))
    assert FormSubmission.objects.get().get_data()["telefono"] == "+390288447502"


def test_control_characters_are_dropped_and_the_exports_still_open(client, demo_editor):
    import openpyxl

    client.post("/it/contatti/", contact_data(messaggio="Buongiorno\x07\x1b, vorrei\ninformazioni"))
    assert FormSubmission.objects.get().get_data()["messaggio"] == (
        "Buongiorno, vorrei\ninformazioni")
    # A message stored before this rule existed still exports.
    legacy = FormSubmission.objects.get()
    legacy.form_data = {**legacy.form_data, "messaggio": "vecchio\x07messaggio"}
    legacy.save()
    page = ContactPage.objects.get(locale__language_code="it")
    client.force_login(demo_editor)
    response = client.get(f"/admin/forms/submissions/{page.pk}/?export=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(streamed(response))).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "vecchiomessaggio" in cells and "Mario Bianchi" in cells


def test_csv_export_of_messages_neutralises_spreadsheet_formulas(client, demo_editor):
    client.post("/it/contatti/", contact_data(
        messaggio='=HYPERLINK("http://evil.example","clic")', telefono="+39 02 884 47502"))
    page = ContactPage.objects.get(locale__language_code="it")
    client.force_login(demo_editor)
    exported = streamed(client.get(f"/admin/forms/submissions/{page.pk}/?export=csv"))
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig")), delimiter=";"))
    assert "'=HYPERLINK(\"http://evil.example\",\"clic\")" in rows[1]
    assert "+39 02 8844 7502" in rows[1]  # not a formula; spaced: Excel keeps it as text


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


def test_mail_subjects_keep_apostrophes_and_ampersands(client):
    from types import SimpleNamespace

    from mail.sending import queue_email

    page = ContactPage.objects.get(locale__language_code="it")
    page.subject = "Nuovo messaggio dall'area contatti & co."
    page.save_revision().publish()
    client.post("/it/contatti/", contact_data())
    queue_email(["segreteria@example.org"], "programme/email/adhesion_to_review",
                {"organisation": SimpleNamespace(name="L'Officina <Lavoro> & Co")}, "it")
    assert [message.subject for message in mail.outbox] == [
        "Nuovo messaggio dall'area contatti & co.",
        "Adesione da esaminare: L'Officina <Lavoro> & Co",
    ]

"""Review of issue 15: the citizen's form offers only the four kinds, none checked; every
download of a person's data leaves one line of the audit trail, whatever the person has;
an unknown download format is a 404; the Italian export speaks Italian (a status
change's request, a mail's status)."""

import html
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from home.models import ContactPage, ContactSubmission
from privacy.models import AccessEvent, DataSubjectRequest
from privacy.requests import receive_request
from privacy.subjects import export_document, export_json, find_subject
from programme.models.participation import ParticipationRequest
from programme.participation import change_status, submit_request
from tests.admin_helpers import make_segreteria, speaks
from tests.forms_helpers import subject_request_data

pytestmark = pytest.mark.django_db

FORM = {"it": "/it/richiesta-dati-personali/", "en": "/en/data-protection-request/"}
EMAIL = "paola.neri@example.org"
PHONE = "+390288447502"


@pytest.fixture(autouse=True)
def _mails_kept_in_the_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def segreteria(django_user_model):
    user = make_segreteria(django_user_model)
    speaks(user, "it")
    return user


def data_protection_request():
    return receive_request({"kind": "access", "name": "Paola Neri", "email": EMAIL,
                            "phone": PHONE, "request_reference": "", "message": ""}, "it")


def contact_message():
    page = ContactPage.objects.get(locale__language_code="it")
    return ContactSubmission.objects.create(
        page=page, form_data={"nome": "Paola Neri", "email": EMAIL, "messaggio": "Info"})


# --- 1. The form: four kinds, none checked, one required ---------------------------------


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_form_offers_the_four_kinds_and_no_blank_choice(client, language):
    text = client.get(FORM[language]).content.decode()
    assert "---------" not in text
    radios = re.findall(r'<input type="radio" name="kind"[^>]*>', text)
    assert [re.search(r'value="(\w*)"', radio)[1] for radio in radios] == [
        kind for kind, _label in DataSubjectRequest.Kind.choices]
    assert not [radio for radio in radios if "checked" in radio]


@pytest.mark.parametrize("language, message", [
    ("it", "Scegli che cosa chiedi."), ("en", "Choose what you are asking for.")])
def test_a_request_without_a_kind_is_refused_with_a_localized_message(client, language,
                                                                     message):
    answer = client.post(FORM[language], subject_request_data(kind=None))
    assert answer.status_code == 200
    assert message in html.unescape(answer.content.decode())
    assert not DataSubjectRequest.objects.exists()


# --- 2. Every download and every search leaves a line -------------------------------------


def exported_lines():
    return list(AccessEvent.objects.filter(action=AccessEvent.Action.EXPORTED))


@pytest.mark.parametrize("file_format", ["json", "html"])
def test_a_download_of_a_person_with_only_a_data_protection_request_is_recorded(
        client, segreteria, file_format):
    dsr = data_protection_request()
    client.force_login(segreteria)
    answer = client.get(f"/admin/privacy/person/export/{file_format}/", {"email": EMAIL})
    assert answer.status_code == 200
    [line] = exported_lines()
    held = find_subject(email=EMAIL)
    assert line.actor == segreteria and line.label == dsr.reference
    assert line.content_type == ContentType.objects.get_for_model(DataSubjectRequest)
    assert line.object_id == str(dsr.pk)
    assert line.rows == sum(held.counts().values()) == 1 + len(held.mails)


def test_a_download_of_a_person_with_requests_is_one_line_labelled_with_their_request(
        client, segreteria):
    request_obj = submit_request(data={
        "first_name": "Paola", "last_name": "Neri", "email": EMAIL, "phone": "",
        "preferred_channel": "email", "employment_status": "unemployed",
        "situation_since": "2026-03-01", "heard_from": "flyer", "note": ""}, language="it")
    data_protection_request()
    client.force_login(segreteria)
    assert client.get("/admin/privacy/person/export/json/",
                      {"email": EMAIL}).status_code == 200
    [line] = exported_lines()
    assert line.label == request_obj.reference
    assert line.content_type == ContentType.objects.get_for_model(ParticipationRequest)
    assert line.rows == sum(find_subject(email=EMAIL).counts().values())


def test_a_search_and_a_download_of_a_person_with_only_a_contact_message_are_recorded(
        client, segreteria):
    message = contact_message()
    client.force_login(segreteria)
    assert client.get("/admin/privacy/person/", {"email": EMAIL}).status_code == 200
    [viewed] = AccessEvent.objects.filter(action=AccessEvent.Action.VIEWED)
    assert viewed.object_id == str(message.pk) and viewed.actor == segreteria
    assert viewed.content_type == ContentType.objects.get_for_model(ContactSubmission)
    assert client.get("/admin/privacy/person/export/html/",
                      {"email": EMAIL}).status_code == 200
    [line] = exported_lines()
    assert line.object_id == str(message.pk) and line.rows == 1


def test_a_download_about_whom_nothing_is_held_still_leaves_a_line(client, segreteria):
    client.force_login(segreteria)
    answer = client.get("/admin/privacy/person/export/json/", {"email": EMAIL})
    assert answer.status_code == 200
    [line] = exported_lines()
    assert line.rows == 0 and line.object_id == ""


# --- 3. Only the two formats offered -------------------------------------------------------


@pytest.mark.parametrize("file_format", ["pdf", "csv", "JSON", "xml"])
def test_an_unknown_download_format_is_not_found(client, segreteria, file_format):
    data_protection_request()
    client.force_login(segreteria)
    answer = client.get(f"/admin/privacy/person/export/{file_format}/", {"email": EMAIL},
                        follow=True)  # LocaleMiddleware tries /it/… first
    assert answer.status_code == 404
    assert not exported_lines()


# --- 4. The Italian export speaks Italian --------------------------------------------------


def test_the_italian_export_names_a_status_change_s_request_and_a_mail_s_status(segreteria):
    from django_tasks_db.models import DBTaskResult

    request_obj = submit_request(data={
        "first_name": "Paola", "last_name": "Neri", "email": EMAIL, "phone": "",
        "preferred_channel": "email", "employment_status": "unemployed",
        "situation_since": "2026-03-01", "heard_from": "flyer", "note": ""}, language="it")
    change_status(request_obj, "contacted", by=segreteria)
    DBTaskResult.objects.update(status="SUCCESSFUL")
    with translation.override("it"):
        data = export_json(find_subject(email=EMAIL))
        document = html.unescape(export_document(find_subject(email=EMAIL)))
    changes = data["kinds"]["status_changes"]["rows"]
    assert changes
    for change in changes:
        request_field = next(f for f in change if f["field"] == "request")
        assert request_field["label"] == "richiesta di partecipazione"
    mails = data["kinds"]["mails"]["rows"]
    assert mails
    for row in mails:
        status = next(f for f in row if f["field"] == "status")
        assert status["value"] == "SUCCESSFUL" and status["text"] == "inviata"
    assert "Successful" not in document and "inviata" in document
    assert ">request<" not in document

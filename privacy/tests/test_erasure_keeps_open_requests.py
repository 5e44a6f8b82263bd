"""Erasure and data-protection requests still to be answered (issue 15's review): the
Segreteria must reply to an open request within a month (GDPR art. 12(3)), so erasing a
person never blanks the contact of an open request — another person's sharing a phone,
or one of their own not yet answered —; an answered one is scrubbed as before."""

import pytest

from privacy.models import DataSubjectRequest, ErasureRecord
from privacy.requests import receive_request
from privacy.subjects import erase_subject, find_subject
from programme.participation import submit_request
from tests.admin_helpers import make_segreteria

pytestmark = pytest.mark.django_db

PHONE = "+393331234567"


@pytest.fixture
def segreteria(django_user_model):
    return make_segreteria(django_user_model)


def participation(email, phone):
    return submit_request(data={
        "first_name": "Giulia", "last_name": "Quartararo", "email": email, "phone": phone,
        "preferred_channel": "email", "employment_status": "unemployed",
        "situation_since": "2026-03-01", "heard_from": "flyer", "note": ""}, language="it")


def dp_request(name, email, phone=PHONE):
    return receive_request({"kind": "access", "name": name, "email": email, "phone": phone,
                            "request_reference": "", "message": "Quali dati avete?"}, "it")


def test_an_open_request_keeps_its_contact_and_an_answered_one_is_scrubbed(segreteria):
    participation("giulia.quartararo@example.org", PHONE)
    # Another person of the same household, same phone: her request is still open.
    open_one = dp_request("Marco Bianchi", "marco.bianchi@example.org")
    answered = dp_request("Marco Bianchi", "marco.bianchi@example.org")
    DataSubjectRequest.objects.filter(pk=answered.pk).update(
        status=DataSubjectRequest.Status.ANSWERED)
    subject = find_subject(email="giulia.quartararo@example.org")
    assert {d.pk for d in subject.data_protection_requests} == {open_one.pk, answered.pk}

    record = erase_subject(subject, by=segreteria, reason="Richiesta dell'interessata")

    open_one.refresh_from_db()
    assert open_one.status == DataSubjectRequest.Status.OPEN
    assert (open_one.name, open_one.email, open_one.phone) == (
        "Marco Bianchi", "marco.bianchi@example.org", PHONE)
    assert open_one.message == "Quali dati avete?"
    answered.refresh_from_db()
    assert (answered.name, answered.email, answered.phone, answered.message) == ("", "", "", "")
    assert answered.reference and answered.kind == "access"
    counts = ErasureRecord.objects.get(pk=record.pk).counts
    assert counts["data_protection_requests"] == 1
    assert counts["data_protection_requests_kept_until_answered"] == 1


def test_the_request_the_erasure_answers_is_scrubbed(segreteria):
    participation("giulia.quartararo@example.org", PHONE)
    own = dp_request("Giulia Quartararo", "giulia.quartararo@example.org")

    erase_subject(find_subject(email="giulia.quartararo@example.org"), by=segreteria,
                  reason="Richiesta dell'interessata", subject_request=own)

    own.refresh_from_db()
    assert own.status == DataSubjectRequest.Status.ANSWERED
    assert (own.name, own.email, own.phone) == ("", "", "")


def test_erasing_a_person_with_no_participation_request_is_a_line_of_the_trail(segreteria):
    from privacy.models import AccessEvent

    asked = dp_request("Luigi Verdi", "luigi.verdi@example.org", phone="")
    DataSubjectRequest.objects.filter(pk=asked.pk).update(
        status=DataSubjectRequest.Status.ANSWERED)
    subject = find_subject(email="luigi.verdi@example.org")
    assert not subject.requests

    record = erase_subject(subject, by=segreteria, reason="Richiesta dell'interessato")

    line = AccessEvent.objects.get(action=AccessEvent.Action.ERASED)
    assert line.actor == segreteria and line.object_id == str(record.pk)
    assert "Verdi" not in line.label

"""Alerts of new requests for the Segreteria (issue 13): the daily digest mail (counts and
references, no personal data, in each member's language, once a day), the dashboard's
lists and the count beside "Richieste" in the menu."""

import datetime

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programme.models import ParticipationRequest, TriageDigest
from programme.participation import submit_request
from programme.triage_alerts import send_triage_digest
from tests.partner_helpers import make_user
from tests.test_admin_screens import menu_labels, texts

pytestmark = pytest.mark.django_db

Status = ParticipationRequest.Status
PEOPLE = [("Giulia", "Rossi", "giulia.rossi@example.org", "+390288447502"),
          ("Marta", "Colombo", "marta.colombo@example.org", "+393335500123"),
          ("Luca", "Ferrari", "luca.ferrari@example.org", "+393471234567")]


def make_request(first, last, email, phone, status=Status.NEW, days_ago=0):
    request_obj = submit_request(data={
        "first_name": first, "last_name": last, "email": email, "phone": phone,
        "preferred_channel": "email", "employment_status": "unemployed",
        "situation_since": datetime.date(2026, 1, 1)}, language="it")
    when = timezone.now() - datetime.timedelta(days=days_ago)
    ParticipationRequest.objects.filter(pk=request_obj.pk).update(status=status,
                                                                  created_at=when)
    return ParticipationRequest.objects.get(pk=request_obj.pk)


@pytest.fixture
def requests_waiting():
    """Giulia new today, Marta new for 30 days, Luca contacted and without a group."""
    return [make_request(*PEOPLE[0]), make_request(*PEOPLE[1], days_ago=30),
            make_request(*PEOPLE[2], status=Status.CONTACTED)]


def segreteria_member(email, language="it", **extra):
    user = make_user(email, is_staff=True, language=language, **extra)
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    return user


def test_the_digest_has_counts_and_references_and_no_personal_data(requests_waiting):
    segreteria_member("sara@comune.example.org")
    segreteria_member("anna@comune.example.org", language="en")
    make_user("redazione@comune.example.org", is_staff=True)  # not in the Segreteria
    mail.outbox.clear()
    assert send_triage_digest() == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"sara@comune.example.org", "anna@comune.example.org"}
    italian, english = by_recipient["sara@comune.example.org"], by_recipient[
        "anna@comune.example.org"]
    assert italian.subject.startswith("Richieste: 2 nuove")
    assert "2 richieste nuove, non ancora gestite" in italian.body
    assert "1 di queste aspetta da troppo tempo" in italian.body
    assert "1 richiesta contattata e non ancora assegnata a un gruppo" in italian.body
    assert english.subject.startswith("Requests: 2 new")
    assert "2 new requests, not handled yet" in english.body
    assert "1 of them has waited too long" in english.body
    assert "http://testserver/admin/participation_requests/?status=new" in english.body
    for message in (italian, english):
        new_references = [request.reference for request in requests_waiting[:2]]
        assert all(reference in message.body for reference in new_references)
        for first, last, email, phone in PEOPLE:
            for personal in (first, last, email, phone, phone[3:], "333 550"):
                assert personal not in message.body and personal not in message.subject


def test_the_digest_is_sent_once_a_day(requests_waiting):
    segreteria_member("sara@comune.example.org")
    mail.outbox.clear()
    call_command("send_triage_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1
    call_command("send_triage_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1
    assert TriageDigest.objects.count() == 1
    # The next day there is a new digest.
    assert send_triage_digest(timezone.localdate() + datetime.timedelta(days=1)) == 1
    assert len(mail.outbox) == 2


def test_no_digest_when_nothing_waits():
    segreteria_member("sara@comune.example.org")
    mail.outbox.clear()
    assert send_triage_digest() == 0
    assert not mail.outbox and not TriageDigest.objects.exists()


def test_the_dashboard_lists_contacted_people_without_a_group(client, requests_waiting):
    user = segreteria_member("sara@comune.example.org")
    client.force_login(user)
    shown = texts(client.get("/admin/"))
    assert "Contattate, senza gruppo" in shown
    assert "1 persona è stata contattata e aspetta un gruppo." in shown
    assert requests_waiting[2].reference in shown
    listed = texts(client.get("/admin/participation_requests/?status=contacted"))
    assert "Luca Ferrari" in listed and "Giulia Rossi" not in listed


def test_the_menu_counts_new_requests_with_one_query(client, requests_waiting):
    user = segreteria_member("sara@comune.example.org")
    client.force_login(user)
    response = client.get("/admin/participation_requests/")
    assert "Richieste (2)" in menu_labels(response)
    ParticipationRequest.objects.filter(status=Status.NEW).update(status=Status.CONTACTED)
    labels = menu_labels(client.get("/admin/participation_requests/"))
    assert "Richieste" in labels and not any(label.startswith("Richieste (") for label in labels)
    # One more request costs no more queries: the count is one query, whatever the number.
    make_request("Anna", "Bruni", "anna.bruni@example.org", "+393401112233")
    with CaptureQueriesContext(connection) as few:
        assert "Richieste (1)" in menu_labels(client.get("/admin/"))
    make_request("Paolo", "Gallo", "paolo.gallo@example.org", "+393409998877")
    with CaptureQueriesContext(connection) as more:
        assert "Richieste (2)" in menu_labels(client.get("/admin/"))
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_menu_count_in_english(client, requests_waiting):
    from wagtail.users.models import UserProfile

    user = segreteria_member("anna@comune.example.org", language="en")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    assert "Requests (2)" in menu_labels(client.get("/admin/"))


def test_no_count_for_who_does_not_triage(client, requests_waiting):
    editor = make_user("redattrice@comune.example.org", is_staff=True)
    editor.groups.add(AuthGroup.objects.get(name="Redazione"))
    client.force_login(editor)
    labels = menu_labels(client.get("/admin/"))
    assert not any(label.startswith(("Richieste", "Requests")) for label in labels)

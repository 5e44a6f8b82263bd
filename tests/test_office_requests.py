"""Issue 13: the Segreteria enters the request of a person who phoned or came to the
office (programme/office_requests.py): the public form's validation without its spam
protection or rate limit, the source recorded as phone or desk, the privacy notice read
to the person on record, the same reference and confirmation mail (submit_request)."""

import csv
import io

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core import mail

from programme.models import ParticipationRequest, Venue
from programme.office_requests import issue_entry_token
from tests.partner_helpers import make_user
from tests.test_triage_access import approvazione, redazione

pytestmark = pytest.mark.django_db

NEW = "/admin/participation_requests/new/"
LIST = "/admin/participation_requests/"


@pytest.fixture
def segreteria():
    user = make_user("sportello@comune.example.org", is_staff=True, first_name="Sara",
                     last_name="Sportello")
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    return user


def office_data(**overrides):
    """What a clerk types from a phone call: no spam-protection fields at all."""
    venue = Venue.objects.filter(locale__language_code="it").first()
    data = {
        "source": "phone",
        "language": "it",
        "first_name": "Luigi",
        "last_name": "Verdi",
        "email": "luigi.verdi@example.org",
        "phone": "333 550 0123",
        "preferred_channel": "phone",
        "employment_status": "wage_support",
        "since_month": "2",
        "since_year": "2026",
        "preferred_venue": str(venue.pk) if venue else "",
        "preferred_times": ["afternoons"],
        "heard_from": "trade_union",
        "note": "Chiamerà di mattina.",
        "privacy_read": "on",
    }
    data["entry_token"] = issue_entry_token()  # each display of the form has its own
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def in_language(client, language):
    client.cookies["django_language"] = language


@pytest.mark.parametrize(("admin_language", "labels"), [
    ("it", ["Come è arrivata la richiesta?", "Telefonata alla Segreteria",
            "Lingua della persona", "Ho letto l&#x27;informativa privacy alla persona",
            "Inserisci la richiesta", "informativa privacy da leggere alla persona"]),
    ("en", ["How did the request arrive?", "Phone call to the office",
            "The person&#x27;s language", "I read the privacy notice to the person",
            "Enter the request", "The privacy notice to read to the person"]),
])
def test_the_form_speaks_the_admins_language_and_has_no_spam_fields(
        client, segreteria, admin_language, labels):
    client.force_login(segreteria)
    in_language(client, admin_language)
    page = client.get(NEW)
    assert page.status_code == 200
    html = page.content.decode()
    for label in labels:
        assert label in html, label
    for spam_field in ('name="altcha"', 'name="form_token"', 'name="website"'):
        assert spam_field not in html
    listing = client.get(LIST).content.decode()
    assert NEW in listing  # the list offers the screen


@pytest.mark.parametrize(("admin_language", "person_language", "subject", "entered"), [
    ("it", "it", "Abbiamo ricevuto la tua richiesta", "inserita"),
    ("it", "en", "We received your request", "inserita"),
    ("en", "it", "Abbiamo ricevuto la tua richiesta", "entered"),
    ("en", "en", "We received your request", "entered"),
])
def test_a_phone_request_is_stored_confirmed_and_shown_with_its_reference(
        client, segreteria, admin_language, person_language, subject, entered):
    client.force_login(segreteria)
    in_language(client, admin_language)
    response = client.post(NEW, office_data(language=person_language))
    stored = ParticipationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}inspect/{stored.pk}/"
    assert stored.source == ParticipationRequest.Source.PHONE
    assert stored.language == person_language
    assert stored.reference.startswith("MA-")
    assert stored.privacy_read_by == segreteria
    assert stored.privacy_notice_version and stored.privacy_acknowledged_at
    assert (stored.phone, stored.prefers_afternoons) == ("+393335500123", True)
    first_step = stored.history.get()
    assert (first_step.to_status, first_step.changed_by) == ("new", segreteria)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["luigi.verdi@example.org"]
    assert subject in mail.outbox[0].subject
    assert stored.reference in mail.outbox[0].body
    detail = client.get(response["Location"]).content.decode()
    assert stored.reference in detail and entered in detail
    assert "luigi.verdi@example.org" in detail


def test_without_an_email_no_mail_is_queued_and_staff_are_told_to_give_the_reference(
        client, segreteria):
    client.force_login(segreteria)
    in_language(client, "it")
    response = client.post(NEW, office_data(email="", source="desk"), follow=True)
    stored = ParticipationRequest.objects.get()
    assert stored.source == ParticipationRequest.Source.DESK
    assert mail.outbox == []
    assert (f"Nessuna email indicata: comunica alla persona il suo codice, "
            f"{stored.reference}") in response.content.decode()


@pytest.mark.parametrize(("admin_language", "overrides", "message"), [
    ("it", {"email": "", "phone": ""}, "Indica almeno l&#x27;indirizzo email o il numero di "
                                       "telefono della persona"),
    ("en", {"email": "", "phone": ""}, "Give at least the person&#x27;s email address or "
                                       "phone number"),
    ("it", {"email": "non-un-indirizzo"}, "Inserisci un indirizzo email valido"),
    ("en", {"phone": "12"}, "phone"),
    ("it", {"preferred_channel": "email", "email": ""},
     "inserisci l&#x27;indirizzo email della persona"),
    ("it", {"privacy_read": None}, "Leggi l&#x27;informativa privacy alla persona"),
    ("en", {"privacy_read": None}, "Read the privacy notice to the person and tick"),
    ("it", {"source": None}, "Indica se la persona ha telefonato"),
    ("en", {"source": "self"}, "Select a valid choice"),
    ("en", {"source": "partner_referral"}, "Select a valid choice"),
    ("en", {"language": "de"}, "Select a valid choice"),
    ("it", {"first_name": "<b>Luigi</b>"}, "senza i caratteri"),
])
def test_bad_input_gets_the_form_again_with_a_localized_error_and_nothing_is_stored(
        client, segreteria, admin_language, overrides, message):
    client.force_login(segreteria)
    in_language(client, admin_language)
    response = client.post(NEW, office_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert {"it": "Non è stato possibile inserire la richiesta",
            "en": "The request could not be entered"}[admin_language] in html
    assert not ParticipationRequest.objects.exists()
    assert mail.outbox == []


def test_the_public_rate_limit_does_not_apply(client, settings, segreteria):
    settings.SPAM_RATE_LIMIT = 1
    settings.SPAM_RATE_PERIOD = 10**9
    client.force_login(segreteria)
    answers = [client.post(NEW, office_data(email=f"p{i}@example.org")) for i in range(4)]
    assert [answer.status_code for answer in answers] == [302] * 4
    assert ParticipationRequest.objects.count() == 4


@pytest.mark.parametrize("make_outsider", [redazione, approvazione],
                         ids=lambda maker: maker.__name__)
def test_outside_the_segreteria_the_screen_is_refused(client, make_outsider):
    """Refused as every triage screen is: Wagtail's "no permission" (sent back to the
    dashboard with the message), nothing shown, nothing stored."""
    client.force_login(make_outsider())
    in_language(client, "it")
    for response in (client.get(NEW), client.post(NEW, office_data())):
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
    refused = client.get(NEW, follow=True).content.decode()
    assert "non hai i permessi" in refused
    assert "Come è arrivata la richiesta?" not in refused
    assert NEW not in client.get("/admin/").content.decode()
    assert not ParticipationRequest.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(("admin_language", "source_label", "read_by"), [
    ("it", "Telefonata alla Segreteria", "Informativa privacy letta alla persona da"),
    ("en", "Phone call to the office", "Privacy notice read to the person by"),
])
def test_the_source_and_who_read_the_notice_are_in_the_detail_and_the_export(
        client, segreteria, admin_language, source_label, read_by):
    client.force_login(segreteria)
    in_language(client, "it")
    client.post(NEW, office_data())
    stored = ParticipationRequest.objects.get()
    in_language(client, admin_language)
    detail = client.get(f"{LIST}inspect/{stored.pk}/").content.decode()
    assert source_label in detail
    assert read_by in detail and "Sara Sportello" in detail
    export = client.get(LIST, {"export": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    delimiter = ";" if admin_language == "it" else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert any(source_label in row for row in rows[1:])

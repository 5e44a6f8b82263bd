"""A citizen's request about their own data (issue 15): the form in both languages with
the site's spam protection, bad input answered with localized messages (never a 500),
the confirmation with its reference and due date (one month, GDPR art. 12(3)), the mails
to the person and to the Segreteria, and the Segreteria's list of open requests with
overdue ones marked and "mark as answered"."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from privacy.models import DataSubjectRequest
from privacy.requests import RESPONSE_DAYS, due_date, is_overdue, mark_answered
from tests.admin_helpers import make_segreteria, speaks
from tests.forms_helpers import subject_request_data

pytestmark = pytest.mark.django_db

FORM = {"it": "/it/richiesta-dati-personali/", "en": "/en/data-protection-request/"}
SENT = {"it": "/it/richiesta-dati-personali/inviata/",
        "en": "/en/data-protection-request/sent/"}


@pytest.fixture
def segreteria(django_user_model):
    user = make_segreteria(django_user_model)
    user.language = "en"
    user.save()
    return user


def test_the_form_is_there_in_both_languages(client):
    italian = client.get(FORM["it"]).content.decode()
    english = client.get(FORM["en"]).content.decode()
    assert "I tuoi dati personali: fai una richiesta" in italian
    assert "Your personal data: make a request" in english
    assert 'name="altcha"' in italian and 'name="form_token"' in english
    assert "Ho letto l’informativa sulla privacy." in italian


@pytest.mark.parametrize("language", ["it", "en"])
def test_a_request_is_received_with_its_reference_due_date_and_mails(client, segreteria,
                                                                      language):
    answer = client.post(FORM[language], subject_request_data())
    assert answer.status_code == 302 and answer["Location"] == SENT[language]
    stored = DataSubjectRequest.objects.get()
    year = timezone.localdate().year
    assert stored.reference == f"DP-{year}-{stored.pk:05d}"
    assert stored.due_by == timezone.localdate() + datetime.timedelta(days=30)
    assert stored.language == language and stored.status == "open"
    assert stored.phone == "+390288447502"  # stored as typed_text.phones does
    page = client.get(SENT[language]).content.decode()
    assert stored.reference in page
    assert str(stored.due_by.year) in page
    to_person = [m for m in mail.outbox if m.to == [stored.email]]
    to_staff = [m for m in mail.outbox if m.to == [segreteria.email]]
    assert len(to_person) == 1 and len(to_staff) == 1
    greeting = {"it": "abbiamo ricevuto la tua richiesta", "en": "we received your request"}
    assert greeting[language] in to_person[0].body and stored.reference in to_person[0].body
    # The Segreteria's mail, in the member's language, names the request, not the person.
    assert "answer by" in to_staff[0].subject and stored.reference in to_staff[0].subject
    assert stored.name not in to_staff[0].body and stored.email not in to_staff[0].body


def test_the_confirmation_page_needs_a_request_first(client):
    assert client.get(SENT["it"])["Location"] == FORM["it"]


@pytest.mark.parametrize("language, changes, message", [
    ("it", {"name": "", "kind": ""}, "Inserisci nome e cognome."),
    ("it", {"kind": ""}, "Scegli che cosa chiedi."),
    ("it", {"email": "non-una-mail"}, "Inserisci un indirizzo email valido"),
    ("it", {"email": ""}, "Inserisci il tuo indirizzo email"),
    ("it", {"acknowledgement": None}, "Conferma di aver letto l"),
    ("it", {"message": "x" * 2001}, "Scrivi al massimo 2000 caratteri (ne hai scritti 2001)"),
    ("it", {"request_reference": "Rossi"}, "Inserisci il codice come te lo abbiamo dato"),
    ("it", {"phone": "abc"}, "Inserisci un numero di telefono valido"),
    ("en", {"message": "x" * 2001}, "Write at most 2000 characters (you wrote 2001)"),
    ("en", {"email": "not-an-email"}, "Enter a valid email address, for example"),
    ("en", {"kind": "everything"}, "Select a valid choice"),
])
def test_bad_input_gets_a_localized_message_never_a_500(language, changes, message):
    client = Client(raise_request_exception=False)
    answer = client.post(FORM[language], subject_request_data(**changes))
    assert answer.status_code == 200
    html = answer.content.decode().replace("&#x27;", "'").replace("&#8217;", "’")
    assert message in html, message
    assert not DataSubjectRequest.objects.exists()


def test_a_spam_submission_is_refused_with_a_message():
    client = Client(raise_request_exception=False)
    answer = client.post(FORM["it"], subject_request_data(website="http://spam.example"))
    assert answer.status_code == 200 and not DataSubjectRequest.objects.exists()
    assert "campo che deve restare vuoto" in answer.content.decode()


def test_the_due_date_is_one_month_after_receipt_in_milan():
    late_evening = datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC)  # 1 Feb in Milan
    assert due_date(late_evening) == datetime.date(2026, 2, 1) + datetime.timedelta(
        days=RESPONSE_DAYS)


def make_request(received_days_ago, **fields):
    received = timezone.now() - datetime.timedelta(days=received_days_ago)
    dsr = DataSubjectRequest.objects.create(
        kind="access", name="Paola Neri", email="paola.neri@example.org", language="it",
        received_at=received, due_by=due_date(received), **fields)
    dsr.reference = f"DP-2026-{dsr.pk:05d}"
    dsr.save()
    return dsr


def test_the_segreteria_sees_open_requests_overdue_marked_and_answers_them(client,
                                                                            segreteria):
    overdue = make_request(40)
    recent = make_request(2)
    assert is_overdue(overdue) and not is_overdue(recent)
    client.force_login(segreteria)
    speaks(segreteria, "it")
    html = client.get("/admin/privacy/person/").content.decode()
    assert html.index(overdue.reference) < html.index(recent.reference)  # due first, first
    row = html[html.index(overdue.reference):html.index(recent.reference)]
    assert "scaduta" in row and "subject-request-overdue" in html
    assert "scaduta" not in html[html.index(recent.reference):]
    answered = client.post(f"/admin/privacy/requests/{overdue.pk}/answered/", follow=True)
    assert "segnata come evasa" in answered.content.decode()
    overdue.refresh_from_db()
    assert overdue.status == "answered" and overdue.answered_by == segreteria
    assert f"{overdue.reference}</th>" not in client.get("/admin/privacy/person/").content.decode()
    # Answered twice (another tab): the first answer stays.
    assert not mark_answered(overdue, by=segreteria)

"""Review of issue 13: the office entry form sent twice (the browser's Back, then "Enter
the request" again) enters the request once and answers the second send with the
request already entered (programme/office_requests.py, the one-time entry token)."""

import html
import re

import pytest
from django.core import mail

from programme import office_requests
from programme.models import ParticipationRequest
from programme.office_requests import issue_entry_token, read_entry_token
from tests.test_office_requests import LIST, NEW, in_language, office_data, segreteria

pytestmark = pytest.mark.django_db
__all__ = ["segreteria"]  # the fixture, used by name

ALREADY = {
    "it": "Questo modulo era già stato inviato: ha inserito la richiesta {reference}",
    "en": "This form was already sent: it entered request {reference}",
}


def token_in(page):
    found = re.search(r'name="entry_token" value="([^"]+)"', page)
    assert found, "the form carries no entry token"
    return html.unescape(found.group(1))


@pytest.mark.parametrize("admin_language", ["it", "en"])
def test_the_same_form_sent_twice_enters_one_request_and_links_it(
        client, segreteria, admin_language):
    client.force_login(segreteria)
    in_language(client, admin_language)
    data = office_data()
    first = client.post(NEW, data)
    assert first.status_code == 302
    stored = ParticipationRequest.objects.get()
    mail.outbox.clear()

    again = client.post(NEW, data, follow=True)

    assert again.status_code == 200
    assert ParticipationRequest.objects.get() == stored  # still one
    assert mail.outbox == []  # no second confirmation
    page = again.content.decode()
    assert html.unescape(page).count(
        ALREADY[admin_language].format(reference=stored.reference)) == 1
    assert f'href="{LIST}inspect/{stored.pk}/"' in page  # "Apri MA-…" / "Open MA-…"
    assert {"it": "Apri", "en": "Open"}[admin_language] + f" {stored.reference}" in page
    # What was typed is shown again, under a new token.
    assert 'value="Luigi"' in page
    assert token_in(page) != data["entry_token"]


def test_after_the_refusal_the_form_shown_again_enters_another_person(client, segreteria):
    """Staff who went Back to enter someone else, and corrected the details, can send."""
    client.force_login(segreteria)
    data = office_data()
    client.post(NEW, data)
    refused = client.post(NEW, {**data, "first_name": "Anna", "email": "anna@example.org"})
    assert ParticipationRequest.objects.count() == 1
    sent = client.post(NEW, {**data, "first_name": "Anna", "email": "anna@example.org",
                             "entry_token": token_in(refused.content.decode())})
    assert sent.status_code == 302
    assert sorted(ParticipationRequest.objects.values_list("first_name", flat=True)) == [
        "Anna", "Luigi"]


def test_two_sends_at_the_same_instant_enter_one_request(client, segreteria, monkeypatch):
    """Both sends pass the form's check before either is stored: the unique key decides,
    and the loser is answered as a second send, not with an error page."""
    real = office_requests.request_entered_with
    calls = []

    def not_yet_seen_by_the_second_send(nonce):
        calls.append(nonce)
        return None if len(calls) == 2 else real(nonce)

    monkeypatch.setattr(office_requests, "request_entered_with",
                        not_yet_seen_by_the_second_send)
    client.force_login(segreteria)
    in_language(client, "it")
    data = office_data()
    client.post(NEW, data)
    stored = ParticipationRequest.objects.get()

    again = client.post(NEW, data, follow=True)

    assert again.status_code == 200
    assert len(calls) == 3  # the second send's check, then its lookup after the refusal
    assert ParticipationRequest.objects.get() == stored
    assert ALREADY["it"].format(reference=stored.reference) in html.unescape(
        again.content.decode())


@pytest.mark.parametrize(("admin_language", "token", "message"), [
    ("it", None, "Non è stato possibile verificare il modulo"),
    ("en", "forged", "The form could not be verified"),
    ("en", "x" * 500, "The form could not be verified"),
])
def test_a_form_without_a_genuine_token_is_refused_with_a_message(
        client, segreteria, admin_language, token, message):
    client.force_login(segreteria)
    in_language(client, admin_language)
    response = client.post(NEW, office_data(entry_token=token))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert message in page
    assert not ParticipationRequest.objects.exists()
    assert read_entry_token(token_in(response.content.decode())) is not None


def test_each_display_of_the_form_has_its_own_token(client, segreteria):
    client.force_login(segreteria)
    first, second = (token_in(client.get(NEW).content.decode()) for _ in range(2))
    assert first != second
    assert read_entry_token(first) and read_entry_token(second)
    assert read_entry_token(issue_entry_token()[:-2] + "xx") is None

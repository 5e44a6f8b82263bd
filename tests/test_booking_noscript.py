"""Booking without JavaScript (issue 18: every step works without it): the summary's
"Conferma" is accepted from a browser that runs no script — it posts the marker the
template puts inside <noscript> — with the honeypot and the signed timestamp as always
and, instead of the proof of work, a stricter limit per network
(antispam.forms.SpamProtectedForm.accepts_noscript). Forms that do not opt in still
require the proof of work."""

import time

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.test import Client, override_settings

from booking.models.bookings import Booking
from tests.booking_helpers import booking_page, make_services
from tests.forms_helpers import intake_data
from tests.test_booking_flow import PERSON, _first_slot, _summary_state, _url

pytestmark = pytest.mark.django_db


def _noscript_fields(form_name):
    from antispam.forms import issue_token

    # What a browser without JavaScript sends: no ALTCHA solution, the <noscript> marker.
    return {"form_token": issue_token(form_name, issued_at=time.time() - 60),
            "website": "", "spam_noscript": "1"}


@pytest.fixture
def setup():
    cache.clear()
    interview, _workstation = make_services()
    return interview, booking_page()


def _confirm_without_script(client, page, service, slot, **person):
    state = _summary_state(service, slot, **{**PERSON, **person})
    return client.post(_url(page, "summary"), {**state, "privacy": "on", "confirm": "1",
                                               **_noscript_fields("booking")})


def test_the_summary_carries_the_noscript_marker_only_inside_noscript(setup):
    interview, page = setup
    slot = _first_slot(interview)
    response = Client().post(_url(page, "summary"), _summary_state(interview, slot))
    soup = BeautifulSoup(response.content, "html.parser")
    noscript = soup.select_one(".spam-check noscript")
    # html.parser keeps <noscript>'s content as markup: a browser running scripts reads
    # it as text and never submits the input.
    assert 'name="spam_noscript"' in str(noscript)
    assert "limite" in noscript.get_text()
    assert not soup.select('form > input[name="spam_noscript"]')


@override_settings(SPAM_NOSCRIPT_RATE_LIMIT=2)
def test_a_booking_is_confirmed_without_javascript_within_the_network_limit(setup):
    interview, page = setup
    client = Client()
    slot = _first_slot(interview)
    response = _confirm_without_script(client, page, interview, slot)
    assert response.status_code == 303
    assert Booking.objects.count() == 1
    later = _first_slot(interview, after_days=9)
    response = _confirm_without_script(client, page, interview, later,
                                       email="marco@example.org")
    assert response.status_code == 303
    # The third from the same network within the hour: refused, clearly, nothing stored.
    third = _first_slot(interview, after_days=16)
    response = _confirm_without_script(client, page, interview, third,
                                       email="sara@example.org")
    assert response.status_code == 200
    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    assert "inviato troppe volte dalla tua connessione" in text
    assert Booking.objects.count() == 2


def test_the_honeypot_and_the_timestamp_still_apply_without_javascript(setup):
    interview, page = setup
    slot = _first_slot(interview)
    state = {**_summary_state(interview, slot), "privacy": "on", "confirm": "1"}
    trapped = {**_noscript_fields("booking"), "website": "http://spam.example"}
    assert Client().post(_url(page, "summary"), {**state, **trapped}).status_code == 200
    fresh = {**_noscript_fields("booking")}
    from antispam.forms import issue_token
    fresh["form_token"] = issue_token("booking", issued_at=time.time())
    assert Client().post(_url(page, "summary"), {**state, **fresh}).status_code == 200
    assert not Booking.objects.exists()


def test_a_form_that_does_not_opt_in_still_requires_the_proof_of_work(client):
    from programme.models.participation import ParticipationRequest

    cache.clear()
    data = intake_data()
    data.pop("altcha")
    data["spam_noscript"] = "1"
    response = client.post("/it/partecipa/", data)
    assert not ParticipationRequest.objects.exists()
    assert "Il controllo automatico antispam non è terminato" in " ".join(
        BeautifulSoup(response.content, "html.parser").get_text(" ").split())

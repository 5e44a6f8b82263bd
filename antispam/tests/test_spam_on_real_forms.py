"""The spam checks on the two real public forms (tests/test_spam.py proves each check in
depth on stand-in forms): every kind of refusal re-shows the form with its message, in
the page's language, and stores nothing; a normal submission passes."""

import base64
import html
import json
import time

import pytest
from django.utils import translation
from wagtail.contrib.forms.models import FormSubmission

from antispam.forms import MESSAGES, issue_token
from programme.models import ParticipationRequest
from tests.forms_helpers import contact_data, intake_data

pytestmark = pytest.mark.django_db

FORMS = {
    # form: (URL, language, data maker, stored rows, spam scope)
    "intake": ("/it/partecipa/", "it", intake_data, ParticipationRequest.objects, "intake"),
    "contact": ("/en/contact/", "en", contact_data, FormSubmission.objects, "contact"),
}


def forged_challenge(data):
    payload = json.loads(base64.b64decode(data["altcha"]))
    payload["signature"] = "0" * 64
    return base64.b64encode(json.dumps(payload).encode()).decode()


REFUSALS = {
    "honeypot": lambda data, scope: {"website": "https://spam.example"},
    "too_fast": lambda data, scope: {"form_token": issue_token(scope, issued_at=time.time())},
    "bad_token": lambda data, scope: {"form_token": "forged-token"},
    "challenge_invalid": lambda data, scope: {"altcha": forged_challenge(data)},
    "challenge_missing": lambda data, scope: {"altcha": ""},
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("reason", REFUSALS)
def test_each_refusal_shows_the_form_again_with_its_message(client, form, reason):
    url, lang, make_data, rows, scope = FORMS[form]
    data = make_data()
    data.update(REFUSALS[reason](data, scope))
    response = client.post(url, data)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    with translation.override(lang):
        assert str(MESSAGES[reason]) in page
    assert "<altcha-widget" in page  # a new challenge to solve
    assert rows.count() == 0


@pytest.mark.parametrize("form", FORMS)
def test_a_replayed_submission_is_refused_and_stored_once(client, form):
    url, lang, make_data, rows, _scope = FORMS[form]
    data = make_data()
    client.post(url, data)
    response = client.post(url, data)
    assert response.status_code == 200
    with translation.override(lang):
        assert str(MESSAGES["challenge_replayed"]) in html.unescape(response.content.decode())
    assert rows.count() == 1


@pytest.mark.parametrize("form", FORMS)
def test_over_the_rate_limit_the_answer_is_429_with_the_form(client, settings, form):
    url, _lang, make_data, rows, _scope = FORMS[form]
    settings.SPAM_RATE_LIMIT = 2
    for _ in range(2):
        client.post(url, make_data())
    response = client.post(url, make_data())
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "<form" in response.content.decode()
    assert rows.count() == 2

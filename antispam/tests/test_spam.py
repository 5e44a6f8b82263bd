"""Spam protection (antispam/): honeypot, signed timestamp, ALTCHA, rate limit.

A normal submission passes; each kind of refusal re-shows the form with a localized
message and is logged with a reason, the form's name and a hash of the IP (never the IP).
"""

import base64
import datetime
import html
import json
import logging
import re
import time
from types import SimpleNamespace

import polib
import pytest
from altcha import v1 as altcha_v1
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory
from django.utils import translation
from wagtail.contrib.forms.forms import FormBuilder
from wagtail.contrib.forms.models import AbstractForm

from antispam import altcha
from antispam import forms as spam_forms
from antispam import rate_limit as rate_limits
from antispam.altcha import altcha_hmac_key, create_challenge, verify_challenge
from antispam.forms import (
    MESSAGES,
    SpamProtectedFormPageMixin,
    issue_token,
    protect_form_class,
    read_token,
)
from antispam.rate_limit import client_ip, rate_limit
from antispam.tests.spam_test_urls import FORM_PAGE, ContactTestForm, WebsiteFieldForm

pytestmark = [pytest.mark.django_db, pytest.mark.urls("antispam.tests.spam_test_urls")]

FORM = "test-contact"
URL = "/{lang}/spam-test/contact/"
REMOTE_ADDR = "127.0.0.1"  # the test client's

# The Italian the catalogue (locale/it/LC_MESSAGES/django.po) should hold for these msgids.
ITALIAN = {
    "honeypot": "Non è stato possibile inviare il modulo perché è stato compilato un campo "
    "che deve restare vuoto. Lascialo vuoto e invia di nuovo il modulo.",
    "too_fast": "Il modulo è stato inviato troppo in fretta dopo l'apertura e non abbiamo "
    "potuto distinguerlo da un invio automatico. Attendi qualche secondo e invialo di nuovo.",
    "expired_token": "Il modulo è rimasto aperto a lungo ed è scaduto. Le tue risposte sono "
    "state conservate: invia di nuovo il modulo.",
    "bad_token": "Non è stato possibile verificare questo modulo. Ricarica la pagina e "
    "invialo di nuovo.",
    "challenge_missing": "Il controllo automatico antispam non è terminato. Attendi che "
    "compaia «Verificato» e invia di nuovo il modulo.",
    "challenge_invalid": "Non è stato possibile confermare il controllo automatico antispam. "
    "Attendi che compaia di nuovo «Verificato» e invia di nuovo il modulo.",
    "challenge_expired": "Il controllo automatico antispam è scaduto. Attendi che compaia di "
    "nuovo «Verificato» e invia di nuovo il modulo.",
    "challenge_replayed": "Questo controllo antispam è già stato usato. Attendi che compaia "
    "di nuovo «Verificato» e invia di nuovo il modulo.",
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


# --- Helpers ---------------------------------------------------------------------------------


def encode(data):
    return base64.b64encode(json.dumps(data).encode()).decode()


def solve(challenge):
    """What the widget does in the browser: find the number, send the payload."""
    solution = altcha_v1.solve_challenge(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxnumber"]
    )
    assert solution is not None
    return {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": solution.number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
        "took": int(solution.took * 1000),
    }


def solved_payload(client=None):
    challenge = client.get("/altcha/challenge/").json() if client else create_challenge()
    return encode(solve(challenge))


def old_token(seconds=10, form=FORM):
    return issue_token(form, issued_at=time.time() - seconds)


def form_data(token=None, payload=None, **extra):
    data = {
        "name": "Maria Rossi",
        "message": "Vorrei informazioni sui gruppi.",
        "form_token": old_token() if token is None else token,
        "altcha": solved_payload() if payload is None else payload,
        "website": "",
    }
    data.update(extra)
    return data


def text(response):
    return html.unescape(response.content.decode())


def posted_token(page):
    match = re.search(r'name="form_token" value="([^"]+)"', page)
    assert match, "the form has no token"
    return match.group(1)


def refusals(caplog):
    return [r for r in caplog.records if r.name == "antispam" and r.levelno == logging.WARNING]


def assert_refused(response, reason, caplog, lang="en", form=FORM):
    assert response.status_code == 200
    page = text(response)
    with translation.override(lang):
        assert str(MESSAGES[reason]) in page
    assert 'role="alert"' in page
    assert "<altcha-widget" in page  # shown again, with a new challenge to solve
    assert "sent:" not in page
    records = refusals(caplog)
    assert len(records) == 1
    message = records[0].getMessage()
    assert f"reason={reason}" in message
    assert f"form={form}" in message
    assert re.search(r"ip_hash=[0-9a-f]{16}\b", message)
    assert REMOTE_ADDR not in message  # never the IP itself
    assert "Maria" not in message  # nor what the person wrote


# --- A normal person passes ----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_normal_submission_passes(client, settings, caplog, lang):
    settings.SPAM_MIN_SECONDS = 0  # the person took their time; no sleeping in tests
    page = client.get(URL.format(lang=lang))
    assert page.status_code == 200
    token = posted_token(page.content.decode())
    response = client.post(
        URL.format(lang=lang), form_data(token=token, payload=solved_payload(client))
    )
    assert response.status_code == 200
    # The spam inputs are not form fields: they never reach cleaned_data (stored, mailed).
    assert response.content.decode() == "sent: ['message', 'name']"
    assert refusals(caplog) == []


def test_a_submission_after_the_minimum_time_passes_with_the_default_settings(client):
    assert settings.SPAM_MIN_SECONDS == 3
    response = client.post(URL.format(lang="en"), form_data(token=old_token(seconds=4)))
    assert response.content.decode().startswith("sent:")


def test_the_class_based_view_mixin_lets_a_normal_submission_through(client):
    response = client.post("/en/spam-test/contact-view/", form_data())
    assert response.content.decode() == "sent by the class-based view"


# --- Each refusal ----------------------------------------------------------------------------


def test_a_filled_honeypot_is_refused(client, caplog):
    response = client.post(URL.format(lang="en"), form_data(website="https://spam.example"))
    assert_refused(response, "honeypot", caplog)


def test_a_submission_faster_than_the_minimum_time_is_refused(client, caplog):
    page = client.get(URL.format(lang="en")).content.decode()
    token = posted_token(page)  # issued just now
    response = client.post(URL.format(lang="en"), form_data(token=token))
    assert_refused(response, "too_fast", caplog)
    # Shown again with a new token that keeps the first display time, so the next try
    # (a few seconds later) passes without starting the clock again.
    new_token = posted_token(response.content.decode())
    assert new_token != token
    assert read_token(new_token, FORM) == read_token(token, FORM)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-token",
        old_token()[:-2] + "xx",  # signature altered
        issue_token("another-form", issued_at=time.time() - 10),  # another form's token
        issue_token(FORM, issued_at=time.time() + 3600),  # from the future
    ],
    ids=["missing", "garbage", "altered", "other-form", "future"],
)
def test_a_forged_token_is_refused(client, caplog, token):
    response = client.post(URL.format(lang="en"), form_data(token=token))
    assert_refused(response, "bad_token", caplog)
    # The form shown again carries a genuine, fresh token.
    assert read_token(posted_token(response.content.decode()), FORM) is not None


def test_an_expired_token_is_refused_and_replaced(client, caplog):
    token = old_token(seconds=settings.SPAM_TOKEN_MAX_AGE + 60)
    response = client.post(URL.format(lang="en"), form_data(token=token))
    assert_refused(response, "expired_token", caplog)
    new_issued = read_token(posted_token(response.content.decode()), FORM)
    assert time.time() - new_issued < 60
    assert "Maria Rossi" in text(response)  # the answers are kept


def test_a_missing_challenge_is_refused(client, caplog):
    data = form_data()
    del data["altcha"]
    response = client.post(URL.format(lang="en"), data)
    assert_refused(response, "challenge_missing", caplog)


def _altered(field, value):
    payload = solve(create_challenge())
    payload[field] = value
    return encode(payload)


@pytest.mark.parametrize(
    "payload",
    [
        lambda: _altered("signature", "0" * 64),
        lambda: _altered("number", 100001),
        lambda: _altered("challenge", "f" * 64),
        lambda: _altered("salt", "0123456789abcdef01234567?expires=9999999999&"),
        lambda: _altered("algorithm", "SHA-1"),
        lambda: _altered("number", "12"),
        lambda: "this is not base64!",
        lambda: encode(["a", "list"]),
        lambda: encode(solve(altcha_v1.create_challenge(  # genuine but no expiry
            algorithm="SHA-256", max_number=1000, salt_length=12, hmac_key=altcha_hmac_key(),
            salt="", number=None, expires=None, params=None).to_dict() | {"maxnumber": 1000})),
        lambda: encode(solve(altcha_v1.create_challenge(  # signed with another key
            algorithm="SHA-256", max_number=1000, salt_length=12, hmac_key="not-our-key",
            salt="", number=None, params=None,
            expires=datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=5),
        ).to_dict() | {"maxnumber": 1000})),
    ],
    ids=["signature", "number", "challenge", "salt", "algorithm", "number-type", "not-base64",
         "not-an-object", "no-expiry", "other-key"],
)
def test_a_forged_challenge_is_refused(client, caplog, payload):
    response = client.post(URL.format(lang="en"), form_data(payload=payload()))
    assert_refused(response, "challenge_invalid", caplog)


def test_an_expired_challenge_is_refused(client, caplog):
    past = altcha_v1.create_challenge(
        algorithm="SHA-256", max_number=1000, salt_length=12, hmac_key=altcha_hmac_key(),
        salt="", number=None, params=None,
        expires=datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=5),
    )
    payload = encode(solve(past.to_dict() | {"maxnumber": 1000}))
    response = client.post(URL.format(lang="en"), form_data(payload=payload))
    assert_refused(response, "challenge_expired", caplog)


def test_a_replayed_challenge_is_refused(client, caplog):
    payload = solved_payload(client)
    first = client.post(URL.format(lang="en"), form_data(payload=payload))
    assert first.content.decode().startswith("sent:")
    second = client.post(URL.format(lang="en"), form_data(payload=payload))
    assert_refused(second, "challenge_replayed", caplog)


def test_a_used_solution_is_remembered_until_its_challenge_expires(db):
    from antispam.models import UsedChallenge

    now = time.time()
    assert altcha.consume_challenge("a" * 64, now + 600)
    assert not altcha.consume_challenge("a" * 64, now + 600)  # the second use
    UsedChallenge.objects.filter(signature="a" * 64).update(
        expires_at=datetime.datetime.fromtimestamp(now - 1, datetime.UTC))
    assert altcha.consume_challenge("b" * 64, now + 600)
    # Expired marks are dropped as new ones come: the table does not grow for ever.
    assert list(UsedChallenge.objects.values_list("signature", flat=True)) == ["b" * 64]


def test_one_challenge_cannot_serve_two_forms(client, caplog):
    payload = solved_payload(client)
    assert client.post("/en/spam-test/contact-view/", form_data(payload=payload)).status_code == 200
    response = client.post(URL.format(lang="en"), form_data(payload=payload))
    assert_refused(response, "challenge_replayed", caplog)


@pytest.mark.parametrize("url", [URL.format(lang="en"), "/en/spam-test/contact-view/"])
def test_a_submission_over_the_rate_limit_gets_429_with_the_form(client, settings, caplog, url):
    settings.SPAM_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(url, form_data()).status_code == 200
    response = client.post(url, form_data(name="Giulia Bianchi"))
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= settings.SPAM_RATE_PERIOD
    assert "no-store" in response["Cache-Control"]
    page = text(response)
    minutes = -(-retry_after // 60)
    assert f"Please try again in {minutes} minute" in page
    assert 'value="Giulia Bianchi"' in page  # nothing the person wrote is lost
    assert "<altcha-widget" in page
    assert "sent:" not in page and "sent by" not in page
    (record,) = refusals(caplog)
    assert "reason=rate_limited" in record.getMessage()
    assert "form=test-contact" in record.getMessage()
    assert REMOTE_ADDR not in record.getMessage()
    # Another visitor is not affected.
    other = client.post(url, form_data(), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200


def test_the_rate_limit_is_per_scope_and_counts_attempts():
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.5")
    results = [rate_limit(request, "a", limit=3, period=600) for _ in range(4)]
    assert [bool(r) for r in results] == [False, False, False, True]
    assert results[-1].count == 4
    assert not rate_limit(request, "b", limit=3, period=600)


def test_an_ipv6_visitor_is_limited_by_network_not_by_single_address():
    factory = RequestFactory()
    first = factory.post("/", REMOTE_ADDR="2001:db8:1:2::1")
    second = factory.post("/", REMOTE_ADDR="2001:db8:1:2::ffff")
    assert not rate_limit(first, "v6", limit=1, period=600)
    assert rate_limit(second, "v6", limit=1, period=600)


# --- Language -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_refusal_is_in_the_language_of_the_page(client, caplog, lang):
    response = client.post(URL.format(lang=lang), form_data(website="x"))
    page = text(response)
    assert f'<html lang="{lang}">' in page
    with translation.override(lang):
        expected = str(MESSAGES["honeypot"])
        widget_label = translation.gettext("I'm not a robot")
    assert expected in page
    assert json.dumps(widget_label, ensure_ascii=False)[1:-1] in page  # the widget's strings
    if lang == "en":
        assert "a field that must stay empty was filled in" in page


def test_the_italian_catalogue_translates_the_refusals(client):
    """Skipped until the msgids are in the catalogue; then each must read as below."""
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale/it/LC_MESSAGES/django.po"))
    translated = {entry.msgid for entry in catalogue if entry.translated()}
    if not {str(MESSAGES[reason]) for reason in ITALIAN} & translated:
        pytest.skip("the spam messages are not in locale/it/LC_MESSAGES/django.po yet")
    with translation.override("it"):
        assert {reason: str(MESSAGES[reason]) for reason in ITALIAN} == ITALIAN
        assert rate_limits.rate_limited_message(60).endswith("Riprova tra 1 minuto.")
        assert rate_limits.rate_limited_message(600).endswith("Riprova tra 10 minuti.")
    response = client.post(URL.format(lang="it"), form_data(website="x"))
    assert ITALIAN["honeypot"] in text(response)


# --- What the include renders ---------------------------------------------------------------


def test_the_include_renders_an_accessible_honeypot_a_token_and_the_self_hosted_widget(client):
    page = client.get(URL.format(lang="it")).content.decode()
    trap = re.search(r'<div class="([^"]*)" aria-hidden="true">(.*?)</div>', page, re.S)
    assert trap and "d-none" in trap.group(1).split()
    assert re.search(
        r'<input type="text" name="website" id="id_website" value="" tabindex="-1" '
        r'autocomplete="off">', trap.group(2),
    )
    assert '<label for="id_website">' in trap.group(2)
    assert read_token(posted_token(page), FORM) is not None
    widget = re.search(r"<altcha-widget ([^>]*)></altcha-widget>", page).group(1)
    assert 'name="altcha"' in widget
    assert 'challengeurl="/altcha/challenge/"' in widget
    assert f'workerurl="{settings.STATIC_URL}altcha/worker.js"' in widget
    assert 'auto="onfocus"' in widget and "hidelogo" in widget and "hidefooter" in widget
    strings = json.loads(html.unescape(re.search(r'strings="([^"]*)"', widget).group(1)))
    assert {"label", "verifying", "verified", "error", "expired", "waitAlert"} <= set(strings)
    assert f'<script type="module" src="{settings.STATIC_URL}altcha/altcha.js"></script>' in page
    assert f'href="{settings.STATIC_URL}altcha/altcha.css"' in page
    assert "<noscript>" in page
    # Nothing inline, for `script-src 'self'` and `style-src 'self'`.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "style=" not in page
    # The spam inputs are not fields: as_div renders only the real ones.
    assert page.count('name="website"') == 1 and page.count('name="form_token"') == 1


def test_the_widget_files_are_served_by_the_site():
    for name in ("altcha/altcha.js", "altcha/worker.js", "altcha/altcha.css", "css/spam.css"):
        assert finders.find(name), name
    script = open(finders.find("altcha/altcha.js"), encoding="utf-8").read()
    assert 'customElements.define("altcha-widget"' in script


def test_the_honeypot_never_clashes_with_a_real_field():
    form = WebsiteFieldForm(
        {"website": "https://example.org", "form_token": old_token(form="test-website"),
         "altcha": solved_payload()}
    )
    assert form.honeypot_field_name == "homepage"
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"website": "https://example.org"}


def test_a_form_prefix_is_honoured():
    form = ContactTestForm(
        {"c-name": "A", "c-message": "B", "c-form_token": old_token(), "c-altcha": solved_payload(),
         "c-website": "filled"},
        prefix="c",
    )
    assert not form.is_valid()
    assert form.spam_reason == "honeypot"
    assert form.spam_widget["honeypot_name"] == "c-website"


def test_validating_twice_does_not_spend_the_challenge_twice():
    form = ContactTestForm({"name": "A", "message": "B", "form_token": old_token(),
                            "altcha": solved_payload()})
    assert form.is_valid()
    form.full_clean()
    assert form.is_valid()


# --- The challenge endpoint -----------------------------------------------------------------


def test_the_challenge_endpoint_returns_a_fresh_verifiable_challenge(client):
    response = client.get("/altcha/challenge/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert set(data) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    assert data["algorithm"] == "SHA-256"
    assert data["maxnumber"] == settings.ALTCHA_MAX_NUMBER == 100000
    expires = int(re.search(r"[?&]expires=(\d+)", data["salt"]).group(1))
    assert 0 < expires - time.time() <= settings.ALTCHA_CHALLENGE_EXPIRY
    assert client.get("/altcha/challenge/").json()["challenge"] != data["challenge"]
    assert verify_challenge(encode(solve(data))) is None


def test_the_challenge_endpoint_is_rate_limited(client, settings, caplog):
    settings.ALTCHA_CHALLENGE_RATE_LIMIT = 3
    # One window for the whole test: four requests across a minute's end would be
    # counted in two (conftest's guard watches SPAM_RATE_PERIOD's windows only).
    settings.ALTCHA_CHALLENGE_RATE_PERIOD = 10**9
    for _ in range(3):
        assert client.get("/altcha/challenge/").status_code == 200
    response = client.get("/altcha/challenge/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "reason=rate_limited form=altcha-challenge" in refusals(caplog)[0].getMessage()


def test_the_challenge_endpoint_refuses_post(client):
    assert client.post("/altcha/challenge/").status_code == 405


def test_the_hmac_key_is_derived_from_the_secret_key_unless_set(settings):
    settings.ALTCHA_HMAC_KEY = ""
    derived = altcha_hmac_key()
    assert derived and derived != settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret"
    assert altcha_hmac_key() != derived
    settings.ALTCHA_HMAC_KEY = "set-by-environment"
    assert altcha_hmac_key() == "set-by-environment"


# --- The client's IP behind proxies ---------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy trusted: the header is the client's lie
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the proxy appended the real one
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "", "10.0.0.1"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer entries than proxies: not trusted
        (1, "not-an-ip", "10.0.0.1"),
    ],
)
def test_client_ip_honours_the_trusted_proxy_count(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


# --- Wagtail's form builder -----------------------------------------------------------------


def _wagtail_fields():
    return [
        SimpleNamespace(label="Your message", help_text="", required=True, default_value="",
                        field_type="multiline", clean_name="your_message", choices=""),
        SimpleNamespace(label="Website", help_text="", required=False, default_value="",
                        field_type="url", clean_name="website", choices=""),
    ]


class _FormPageBase:
    """A stand-in for a Wagtail form page model, with Wagtail's own serve and get_form."""

    serve = AbstractForm.serve
    get_form = AbstractForm.get_form
    get_form_parameters = AbstractForm.get_form_parameters

    def __init__(self):
        self.submissions = []

    def get_form_class(self):
        return FormBuilder(_wagtail_fields()).get_form_class()

    def process_form_submission(self, form):
        self.submissions.append(form.cleaned_data)

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        return HttpResponse("thank you")

    def get_context(self, request):
        return {"page": self}

    def get_template(self, request):
        return FORM_PAGE


class ContactPage(SpamProtectedFormPageMixin, _FormPageBase):
    spam_form_name = "test-wagtail"


def _wagtail_post(data, **extra):
    request = RequestFactory().post("/it/contatti/", data, REMOTE_ADDR="192.0.2.4", **extra)
    request.user = SimpleNamespace(is_authenticated=False)
    request._dont_enforce_csrf_checks = True
    return request


def test_a_wagtail_form_page_accepts_a_normal_submission_and_stores_no_spam_field():
    page = ContactPage()
    data = {"your_message": "Ciao", "website": "https://example.org",
            "form_token": old_token(form="test-wagtail"), "altcha": solved_payload()}
    response = page.serve(_wagtail_post(data))
    assert response.content == b"thank you"
    assert page.submissions == [{"your_message": "Ciao", "website": "https://example.org"}]
    assert "no-store" in response["Cache-Control"]


def test_a_wagtail_form_page_refuses_spam_and_rate_limits(settings, caplog):
    settings.SPAM_RATE_LIMIT = 1
    page = ContactPage()
    data = {"your_message": "Ciao", "homepage": "filled",
            "form_token": old_token(form="test-wagtail"), "altcha": solved_payload()}
    with translation.override("en"):
        response = page.serve(_wagtail_post(data))
        response.render()
        assert str(MESSAGES["honeypot"]) in text(response)
        assert page.submissions == []
        limited = page.serve(_wagtail_post(data | {"homepage": ""}))
        limited.render()
    assert limited.status_code == 429 and limited["Retry-After"]
    assert "Please try again in" in text(limited)
    assert [(r.spam_reason, r.spam_form) for r in refusals(caplog)] == [
        ("honeypot", "test-wagtail"), ("rate_limited", "test-wagtail")]
    assert all(r.getMessage().endswith(f"ip_hash={rate_limits.ip_hash(_wagtail_post({}))}")
               for r in refusals(caplog))


def test_protect_form_class_keeps_wagtails_form_arguments():
    form_class = protect_form_class(FormBuilder(_wagtail_fields()).get_form_class(), "x")
    form = form_class(page="a page", user="a user")
    assert form.page == "a page" and form.user == "a user"
    assert form.spam_form_name == "x"
    assert list(form.fields) == ["your_message", "website"]


def test_the_module_documents_the_reasons():
    assert set(spam_forms.REASONS) == {
        "honeypot", "too_fast", "expired_token", "bad_token", "challenge_missing",
        "challenge_invalid", "challenge_expired", "challenge_replayed", "rate_limited"}


def test_the_include_works_from_any_template():
    page = engines["django"].from_string(
        '{% include "antispam/fields.html" %}').render({"form": ContactTestForm()})
    assert "<altcha-widget" in page

"""Sign-up answers an email that has an account as it answers a new one (issue 12): the
same "verify your email" page in each language, one password hash, one queued mail and
no mail sent in the request (accounts/signup.py, AccountAdapter.send_mail).

How long each takes is measured by benchmarks/signup_timing.py, not asserted here.
"""

import re
from html import unescape

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.cache import cache
from django.utils import translation
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db

PASSWORD = "Un-segreto-lungo-2026"
KNOWN = "socia@associazione.example"
NEW = "nuova@associazione.example"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def known_account():
    cache.clear()  # allauth's rate limits
    user = get_user_model().objects.create_user(username="socia", email=KNOWN,
                                                password=PASSWORD)
    EmailAddress.objects.create(user=user, email=KNOWN, verified=True, primary=True)
    yield user
    cache.clear()


def sign_up(client, email, lang):
    response = client.post(f"/{lang}/accounts/signup/",
                           {"email": email, "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def main_text(response, email):
    """The words of the page's <main>, the address replaced by EMAIL."""
    html = response.content.decode()
    main = re.search(r"<main\b.*?</main>", html, re.DOTALL).group(0)
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).replace(email, "EMAIL").split())


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_known_and_a_new_email_see_the_same_page(client, lang):
    pages = {}
    for email in (KNOWN, NEW):
        client.cookies.clear()
        response = sign_up(client, email, lang)
        assert response["Location"] == f"/{lang}/accounts/confirm-email/"
        page = client.get(response["Location"])
        assert page.status_code == 200
        pages[email] = main_text(page, email)
    assert pages[KNOWN] == pages[NEW]
    with translation.override(lang):
        assert translation.gettext("Enter Email Verification Code") in pages[NEW]
    assert get_user_model().objects.filter(email=NEW).count() == 1
    assert get_user_model().objects.filter(email=KNOWN).count() == 1


@pytest.fixture
def hashes(monkeypatch):
    """The passwords the test hasher (MD5, website/settings/test.py) was asked to hash."""
    seen = []
    encode = MD5PasswordHasher.encode

    def spy(self, password, salt):
        seen.append(password)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", spy)
    return seen


@pytest.mark.parametrize("email", [KNOWN, NEW], ids=["known", "new"])
def test_each_sign_up_hashes_the_password_once(client, hashes, email):
    sign_up(client, email, "it")
    assert hashes == [PASSWORD]


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("email", [KNOWN, NEW], ids=["known", "new"])
def test_each_sign_up_queues_one_mail_and_sends_none_in_the_request(
        client, settings, email, lang):
    settings.TASKS = DATABASE_TASKS
    sign_up(client, email, lang)
    assert mail.outbox == []  # the worker sends it
    task = DBTaskResult.objects.get()
    assert task.task_path == "mail.sending.send_email"
    recipients, subject = task.args_kwargs["args"][:2]
    assert recipients == [email]
    with translation.override(lang):
        expected = translation.gettext(
            "Account Already Exists" if email == KNOWN else "Please Confirm Your Email Address")
    assert expected in subject


def test_the_queued_verification_mail_carries_the_code_that_verifies(client):
    # Test settings run tasks at once: the queued mail is in the outbox.
    sign_up(client, NEW, "it")
    [message] = mail.outbox
    assert message.to == [NEW]
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE)
    response = client.post("/it/accounts/confirm-email/", {"code": code.group(1)})
    assert response.status_code == 302
    assert EmailAddress.objects.get(email=NEW).verified

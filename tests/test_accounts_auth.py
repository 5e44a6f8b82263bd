"""Accounts: allauth login, signup, verification by code, password reset, two-factor
authentication, sessions and rate limits, in the site's layout, in both languages; and
who may enter the Wagtail admin (accounts/middleware.py).
"""

import re
import time
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from allauth.usersessions.models import UserSession
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db

PASSWORD = "Un-segreto-lungo-2026"  # noqa: S105
ACTIVATE_TOTP = "/{lang}/accounts/2fa/totp/activate/"
MFA_NEEDED = ("The administration needs two-factor authentication: set up an authenticator "
              "app on your phone to continue.")


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth's rate limits and used TOTP codes live in the (locmem) default cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mfa_required(settings):
    settings.ADMIN_MFA_REQUIRED = True


def make_user(email, groups=()):
    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def staff():
    """Redazione: access to the Wagtail admin through the editorial group."""
    return make_user("redattrice@comune.example", groups=["Redazione"])


@pytest.fixture
def partner():
    """A plain verified account: no access to the admin."""
    return make_user("referente@associazione.example")


def login(client, email, password=PASSWORD, lang="it", next_url=None, **extra):
    url = f"/{lang}/accounts/login/"
    if next_url:
        url += f"?next={next_url}"
    return client.post(url, {"login": email, "password": password}, **extra)


def fresh_totp(secret):
    """The current code, not about to expire (allauth accepts only the current period)."""
    if 30 - time.time() % 30 < 2:
        time.sleep(2.5)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def reauthenticate(client, response, lang="it"):
    """allauth asks for the password again before two-factor settings change."""
    location = urlsplit(response["Location"])
    assert location.path == f"/{lang}/accounts/reauthenticate/"
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302, text(response)[:3000]
    return response


def activate_totp(client, lang="it"):
    response = client.get(ACTIVATE_TOTP.format(lang=lang))
    if response.status_code == 302:
        reauthenticate(client, response, lang)
        response = client.get(ACTIVATE_TOTP.format(lang=lang))
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(ACTIVATE_TOTP.format(lang=lang), {"code": fresh_totp(secret)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return secret, response


def tr(lang, msgid):
    with translation.override(lang):
        return translation.gettext(msgid)


def text(response):
    return unescape(response.content.decode())


# --- HTML checks -------------------------------------------------------------------------


class PageAudit(HTMLParser):
    """What the layout and accessibility checks need from a page."""

    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.inputs = []  # (tag, attrs) of every control a person sees
        self.label_for = set()
        self.ids = []
        self.inline_styles = []
        self.style_blocks = 0
        self.inline_scripts = 0
        self.images_without_alt = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if "style" in attrs:
            self.inline_styles.append((tag, attrs))
        if tag == "style":
            self.style_blocks += 1
        # The one inline script allowed: the import map, by its hash in the policy
        # (home/static_modules.py; tests/test_headers.py checks the hash).
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "importmap":
            self.inline_scripts += 1
        if tag == "img" and "alt" not in attrs:
            self.images_without_alt.append(attrs)
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        if tag in ("input", "select", "textarea"):
            if attrs.get("type") in ("hidden", "submit", "button", "reset", "image"):
                return
            self.inputs.append((tag, attrs))


def audit(response, lang):
    assert response.status_code == 200, response.status_code
    page = PageAudit()
    page.feed(text(response))
    html = text(response)
    assert page.html_lang == lang
    # The site's chrome: skip link, header, language switcher, footer.
    assert tr(lang, "Skip to content") in html
    assert '<header class="it-header-wrapper' in html
    assert 'class="language-switcher"' in html
    assert 'id="footer"' in html
    for tag, attrs in page.inputs:
        assert attrs.get("id"), f"{tag} without id: {attrs}"
        assert attrs["id"] in page.label_for, f"no <label for> for {tag} {attrs}"
    duplicated = {i for i in page.ids if page.ids.count(i) > 1}
    assert not duplicated, f"duplicate ids: {duplicated}"
    # Ready for the strict Content-Security-Policy.
    assert page.inline_styles == []
    assert page.style_blocks == 0
    assert page.inline_scripts == 0
    assert page.images_without_alt == []
    return page


# --- 1. The Wagtail admin's login form takes no password ----------------------------------


def test_admin_login_post_with_the_right_password_logs_nobody_in(client, staff):
    response = client.post(
        "/admin/login/", {"username": staff.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code in (301, 302)
    assert urlsplit(response["Location"]).path == "/it/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert urlsplit(client.get("/admin/")["Location"]).path == "/it/accounts/login/"


# --- 2. Staff: two-factor authentication before the admin ---------------------------------


def test_staff_sets_up_totp_before_entering_the_admin(client, staff, mfa_required):
    response = login(client, staff.email, next_url="/admin/")
    assert response.status_code == 302, text(response)[:3000]
    assert response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(staff.pk)

    # Signed in, but no authenticator yet: sent to set one up, with the way back.
    assert client.get("/admin/").status_code == 302
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == ACTIVATE_TOTP.format(lang="it")
    assert parse_qs(location.query) == {"next": ["/admin/pages/"]}

    # allauth first asks for the password again (it does before any 2FA change), then
    # comes back to the set-up page, which keeps ?next=.
    response = client.get(response["Location"])
    assert response.status_code == 302
    reauth_page = client.get(response["Location"])
    audit(reauth_page, "it")
    # The reason, said once, on the first page shown.
    assert tr("it", MFA_NEEDED) in text(reauth_page)
    response = reauthenticate(client, response)
    location = urlsplit(response["Location"])
    assert location.path == ACTIVATE_TOTP.format(lang="it")
    response = client.get(response["Location"])
    html = text(response)
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in html  # the secret as text, for those who cannot scan
    assert 'role="img"' in html and "<svg" in html and "<?xml" not in html

    wrong = client.post(ACTIVATE_TOTP.format(lang="it"), {"code": "000000"})
    assert wrong.status_code == 200
    assert tr("it", "Incorrect code.") in text(wrong)
    assert not Authenticator.objects.filter(user=staff).exists()

    response = client.post(ACTIVATE_TOTP.format(lang="it"), {"code": fresh_totp(secret)})
    assert response.status_code == 302, text(response)[:3000]
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    # allauth shows the new recovery codes; from there a button leads to the admin.
    codes_page = client.get(response["Location"])
    assert codes_page.status_code == 200
    assert 'href="/admin/pages/"' in text(codes_page)
    assert len(re.findall(r"<code class=\"fs-5\">\d{8}</code>", text(codes_page))) == 10

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/pages/").status_code == 200


def test_staff_with_totp_is_asked_for_the_code_at_sign_in(client, staff, mfa_required):
    login(client, staff.email, next_url="/admin/")
    secret, _response = activate_totp(client)
    client.post("/it/accounts/logout/")
    assert "_auth_user_id" not in client.session

    response = login(client, staff.email, next_url="/admin/")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/it/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    audit(client.get(response["Location"]), "it")

    response = client.post("/it/accounts/2fa/authenticate/", {"code": fresh_totp(secret)})
    assert response.status_code == 302, text(response)[:3000]
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_mfa_rule_can_be_switched_off_for_force_login_tests(client, staff):
    # website/settings/test.py: ADMIN_MFA_REQUIRED = False.
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


# --- 3. Partners: a clear 403, no redirect loop ------------------------------------------


@pytest.mark.parametrize("lang", ["it", "en"])
def test_partner_opening_the_admin_gets_a_localized_403(client, partner, lang, mfa_required):
    assert login(client, partner.email, lang=lang).status_code == 302
    response = client.get("/admin/", follow=True, HTTP_ACCEPT_LANGUAGE=lang)
    assert len(response.redirect_chain) < 3
    assert response.status_code == 403
    html = text(response)
    page = PageAudit()
    page.feed(html)
    assert page.html_lang == lang
    assert tr(lang, "This area is for City and union staff") in html
    assert tr(lang, "Your account is a partner account: go to the partner area.") in html
    assert f'href="/{lang}/partner/"' in html
    assert tr(lang, "Skip to content") in html


def test_partner_gets_403_on_every_admin_page(client, partner):
    client.force_login(partner)
    for url in ("/admin/", "/admin/pages/", "/admin/snippets/"):
        assert client.get(url).status_code == 403


def test_anonymous_admin_visit_still_goes_to_allauth(client, mfa_required):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/it/accounts/login/"


# --- 4. Signup and verification by code ---------------------------------------------------


def sign_up(client, email, lang="it"):
    response = client.post(
        f"/{lang}/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, text(response)[:3000]
    assert response["Location"] == f"/{lang}/accounts/confirm-email/"
    return response


def emailed_code(message):
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE)
    assert match, message.body
    return match.group(1)


def test_signup_then_code_from_the_email_signs_the_user_in(client):
    sign_up(client, "nuovo@associazione.example")
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nuovo@associazione.example"]
    with translation.override("it"):
        assert translation.gettext(
            "Your email verification code is listed below. Please enter it in your open "
            "browser window."
        ) in message.body
    code = emailed_code(message)

    response = client.post("/it/accounts/confirm-email/", {"code": code})
    assert response.status_code == 302, text(response)[:3000]
    user = get_user_model().objects.get(email="nuovo@associazione.example")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified


def test_a_wrong_code_shows_a_clear_error_tied_to_the_field(client):
    sign_up(client, "nuovo@associazione.example")
    response = client.post("/it/accounts/confirm-email/", {"code": "ABCD-EFGH"})
    assert response.status_code == 200
    html = text(response)
    assert tr("it", "Incorrect code.") in html
    assert 'aria-invalid="true"' in html
    assert re.search(r'aria-describedby="[^"]*id_code_errors', html)
    assert 'id="id_code_errors"' in html
    assert "_auth_user_id" not in client.session


# --- 5. Password reset in the page's language -------------------------------------------


@pytest.mark.parametrize("lang", ["it", "en"])
def test_password_reset_mail_in_the_language_of_the_page(client, partner, lang):
    response = client.post(f"/{lang}/accounts/password/reset/", {"email": partner.email})
    assert response.status_code == 302
    assert response["Location"] == f"/{lang}/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    subject = tr(lang, "Password Reset Email")
    assert subject in message.subject
    intro = "You're receiving this email because you or someone else has requested a password"
    if lang == "it":
        assert tr("it", "Password Reset Email") != "Password Reset Email"
        assert intro not in message.body
    else:
        assert intro in message.body
    link = re.search(r"http://testserver(/\S+/password/reset/key/\S+/)", message.body)
    assert link and link.group(1).startswith(f"/{lang}/accounts/")

    # The link works: the page asks for a new password, which then signs in.
    response = client.get(link.group(1), follow=True)
    audit(response, lang)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": "Nuova-password-2026", "password2":
                                      "Nuova-password-2026"})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.check_password("Nuova-password-2026")


# --- 6. Every allauth page in the site's layout ------------------------------------------


ANONYMOUS_PAGES = ["login/", "signup/", "password/reset/", "password/reset/done/"]
SIGNED_IN_PAGES = ["email/", "password/change/", "logout/", "2fa/", "2fa/totp/activate/",
                   "sessions/"]


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_account_pages_use_the_site_layout(client, lang, path):
    audit(client.get(f"/{lang}/accounts/{path}"), lang)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_login_page_labels_and_translation(client, lang):
    response = client.get(f"/{lang}/accounts/login/")
    page = audit(response, lang)
    assert {"id_login", "id_password", "id_remember"} <= page.label_for
    html = text(response)
    assert tr(lang, "Forgot your password?") in html
    assert f'href="/{lang}/accounts/password/reset/"' in html
    if lang == "it":
        assert "Vai ai contenuti" in html
        assert tr("it", "Sign In") != "Sign In"
    # The language switcher leads to the same page in the other language.
    other = "en" if lang == "it" else "it"
    assert f'href="/{other}/accounts/login/"' in html


@pytest.mark.parametrize("lang", ["it", "en"])
def test_code_verification_page_uses_the_site_layout(client, lang):
    sign_up(client, "nuovo@associazione.example", lang=lang)
    page = audit(client.get(f"/{lang}/accounts/confirm-email/"), lang)
    assert "id_code" in page.label_for


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_account_pages_use_the_site_layout(client, partner, lang, path):
    assert login(client, partner.email, lang=lang).status_code == 302
    response = client.get(f"/{lang}/accounts/{path}")
    if path.startswith("2fa/totp/"):
        reauthenticate(client, response, lang)  # allauth asks before any 2FA change
        response = client.get(f"/{lang}/accounts/{path}")
    page = audit(response, lang)
    html = text(response)
    assert 'class="link-list-wrapper"' in html  # the account menu
    if path == "2fa/totp/activate/":
        assert 'role="img"' in html
        assert tr(lang, "QR code to scan with your authenticator app") in html
        assert client.session[SECRET_SESSION_KEY] in html
        assert "id_code" in page.label_for


@pytest.mark.parametrize("lang", ["it", "en"])
def test_recovery_codes_and_mfa_index_use_the_site_layout(client, partner, lang):
    login(client, partner.email, lang=lang)
    activate_totp(client, lang=lang)  # optional for partners, but allowed
    audit(client.get(f"/{lang}/accounts/2fa/recovery-codes/"), lang)
    response = client.get(f"/{lang}/accounts/2fa/")
    audit(response, lang)
    assert tr(lang, "Authentication using an authenticator app is active.") in text(response)


# --- 7. Sessions -------------------------------------------------------------------------


def test_sessions_page_lists_the_sessions_and_ends_the_others(partner):
    other = Client(HTTP_USER_AGENT="Altro browser/1.0")
    client = Client(HTTP_USER_AGENT="Questo browser/2.0")
    assert login(other, partner.email).status_code == 302
    assert login(client, partner.email).status_code == 302
    assert UserSession.objects.filter(user=partner).count() == 2

    response = client.get("/it/accounts/sessions/")
    html = text(response)
    audit(response, "it")
    assert "Altro browser/1.0" in html and "Questo browser/2.0" in html
    assert partner.email in html  # "signed in as <email>", not the made-up username
    assert html.count('class="table-active"') == 1  # the current session, marked
    assert tr("it", "Sign Out Other Sessions") in html

    response = client.post("/it/accounts/sessions/")
    assert response.status_code == 302
    assert UserSession.objects.filter(user=partner).count() == 1
    assert "_auth_user_id" not in other.session
    assert other.get("/it/accounts/sessions/").status_code == 302  # to the login page
    assert client.get("/it/accounts/sessions/").status_code == 200


# --- 8. Rate limits ----------------------------------------------------------------------


def test_failed_logins_from_one_ip_are_refused_after_ten(client, partner):
    refused = tr("it", "Too many failed login attempts. Try again later.")
    wrong = tr("it", "The email address and/or password you specified are not correct.")
    for attempt in range(10):
        response = login(client, f"nessuno{attempt}@example.org", password="sbagliata")
        assert response.status_code == 200
        assert wrong in text(response) and refused not in text(response)
    for _ in range(2):  # the 11th and 12th: refused before the password is even checked
        response = login(client, "altro@example.org", password="sbagliata")
        assert response.status_code == 200
        assert refused in text(response)
    # Even with the right password, from this address, for now.
    response = login(client, partner.email)
    assert refused in text(response)
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert login(Client(REMOTE_ADDR="10.0.0.2"), partner.email).status_code == 302


def test_failed_logins_on_one_account_are_refused_after_five(partner):
    refused = tr("it", "Too many failed login attempts. Try again later.")
    for attempt in range(5):
        client = Client(REMOTE_ADDR=f"10.0.1.{attempt + 1}")
        assert refused not in text(login(client, partner.email, password="sbagliata"))
    client = Client(REMOTE_ADDR="10.0.1.99")
    assert refused in text(login(client, partner.email, password="sbagliata"))

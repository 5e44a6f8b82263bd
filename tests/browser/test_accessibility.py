"""axe-core (npm, pinned in package.json) on every public page type, every account page
and every partner-area page, in both languages: no violation of the WCAG 2.0/2.1 A and AA
rules. The pages run under the site's own Content-Security-Policy.

The intake confirmation and the contact form's "thank you" page are checked on the way by
test_citizen.py (they exist only after a submission), at phone size.
"""

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from tests.browser.helpers import (
    FORMS,
    PASSWORD,
    PUBLIC_PAGES,
    AxeReport,
    login_through_the_form,
    run_axe,
    sign_in,
    verification_code,
)
from tests.partner_helpers import (
    VAT_NUMBERS,
    add_member,
    make_organisation,
    make_user,
    partner_path,
)

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["it", "en"]


def visit(page, url, status=200):
    response = page.goto(url)
    assert response.status == status, f"{url}: HTTP {response.status}"
    return response


def submit(page, form_selector="main form"):
    with page.expect_navigation():
        page.locator(form_selector).locator("button[type=submit]:not([form])").first.click()


# --- Public pages ----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages(web, axe_source, language):
    page = web.new_page()
    axe = AxeReport(axe_source)
    for url in PUBLIC_PAGES[language]:
        visit(page, url, status=404 if "non-esiste" in url or "not-exist" in url else 200)
        axe.check(page)

    # The two forms with their errors shown (sent empty: the browser's own checks are off).
    for url in FORMS[language].values():
        visit(page, url)
        submit(page, "main form.site-form")
        assert page.locator("main .alert-danger, main [role=alert]").count() >= 1, url
        axe.check(page, note="errors")
    axe.assert_clean()


# --- Account pages (django-allauth) --------------------------------------------------------


def fresh_totp(secret):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if 30 - time.time() % 30 < 2:  # not about to expire
        time.sleep(2.5)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.parametrize("language", LANGUAGES)
def test_account_pages(web, axe_source, language):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    accounts = f"/{language}/accounts"
    axe = AxeReport(axe_source)
    page = web.new_page()

    # Signed out.
    for path in ("login/", "signup/", "password/reset/", "inactive/"):
        visit(page, f"{accounts}/{path}")
        axe.check(page)
    visit(page, f"{accounts}/login/")
    page.locator("[name=login]").fill("nessuno@example.org")
    page.locator("[name=password]").fill("not-the-password")
    submit(page)
    axe.check(page, note="errors")

    # Sign up: the page that asks for the emailed code.
    mail.outbox.clear()
    visit(page, f"{accounts}/signup/")
    page.locator("[name=email]").fill(f"nuova-{language}@example.org")
    page.locator("[name=password1]").fill(PASSWORD)
    page.locator("[name=password2]").fill(PASSWORD)
    submit(page)
    page.wait_for_url(f"**{accounts}/confirm-email/")
    assert verification_code(mail.outbox[-1].body)
    axe.check(page)

    # Password reset: request, "sent", and the link from the email.
    user = make_user(f"socia-{language}@example.org")
    context = page.context
    context.clear_cookies()
    mail.outbox.clear()
    visit(page, f"{accounts}/password/reset/")
    page.locator("[name=email]").fill(user.email)
    submit(page)
    page.wait_for_url(f"**{accounts}/password/reset/done/")
    axe.check(page)
    link = re.search(r"https?://\S+/password/reset/key/\S+", mail.outbox[-1].body).group(0)
    visit(page, urlsplit(link).path)
    assert page.locator("[name=password1]").count() == 1
    axe.check(page, note="new password")

    # Signed in (through the form, so allauth counts it as a recent authentication).
    context.clear_cookies()
    login_through_the_form(page, language, user.email)
    for path in ("email/", "password/change/", "2fa/", "sessions/", "logout/"):
        visit(page, f"{accounts}/{path}")
        assert urlsplit(page.url).path == f"{accounts}/{path}", page.url
        axe.check(page)
    # Setting up an authenticator app asks for the password again first.
    visit(page, f"{accounts}/2fa/totp/activate/")
    assert urlsplit(page.url).path == f"{accounts}/reauthenticate/"
    axe.check(page)
    page.locator("[name=password]").fill(PASSWORD)
    submit(page)
    assert urlsplit(page.url).path == f"{accounts}/2fa/totp/activate/"
    axe.check(page)

    # With two-factor authentication on: its pages, and the code asked at sign-in.
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    for path in ("2fa/", "2fa/recovery-codes/", "2fa/totp/deactivate/"):
        visit(page, f"{accounts}/{path}")
        assert urlsplit(page.url).path == f"{accounts}/{path}", page.url
        axe.check(page)
    context.clear_cookies()
    login_through_the_form(page, language, user.email)
    page.wait_for_url(f"**{accounts}/2fa/authenticate/")
    axe.check(page)
    page.locator("[name=code]").fill(fresh_totp(secret))
    submit(page)
    assert "/2fa/" not in page.url

    axe.assert_clean()


# --- Partner area ----------------------------------------------------------------------------


def referral_of(admin, language):
    from tests.forms_helpers import intake_data

    client = Client()
    client.force_login(admin)
    client.post(partner_path(language, "/segnalazioni/nuova/"),
                intake_data(privacy=None, consent="on"))
    from programme.models import ParticipationRequest

    return ParticipationRequest.objects.get(referred_by=admin)


@pytest.mark.parametrize("language", LANGUAGES)
def test_partner_area_pages(web, axe_source, language):
    from accounts.models import Membership
    from accounts.organisations import invite
    from programme.models import Adhesion

    axe = AxeReport(axe_source)

    # An administrator of an approved organisation, with a referral and an invitation.
    organisation, admin = make_organisation()
    referral = referral_of(admin, language)
    invitation = invite(Membership.objects.get(user=admin), "collega@example.org",
                        Membership.Role.REFERRER)
    page = web.new_page()
    sign_in(page.context, admin, web.origin)
    for path in ("/", "/adesione/", "/segnalazioni/", "/segnalazioni/nuova/",
                 f"/segnalazioni/{referral.pk}/", "/membri/", "/organizzazione/"):
        visit(page, partner_path(language, path))
        axe.check(page)
    visit(page, partner_path(language, "/segnalazioni/nuova/"))
    submit(page, "main form.site-form")
    axe.check(page, note="errors")

    # A viewer: the organisation's details, read-only.
    viewer = add_member(organisation, Membership.Role.VIEWER)
    page = web.new_page()
    sign_in(page.context, viewer, web.origin)
    visit(page, partner_path(language, "/organizzazione/"))
    axe.check(page, note="read-only")

    # Someone invited: the invitation.
    colleague = make_user(invitation.email)
    page = web.new_page()
    sign_in(page.context, colleague, web.origin)
    visit(page, partner_path(language, f"/invito/{invitation.token}/"))
    axe.check(page)

    # Someone without an organisation yet: the registration form, and its errors.
    newcomer = make_user("nuovo@example.org")
    page = web.new_page()
    sign_in(page.context, newcomer, web.origin)
    visit(page, partner_path(language, "/"))
    assert urlsplit(page.url).path == partner_path(language, "/organizzazione/nuova/")
    axe.check(page)
    submit(page)
    axe.check(page, note="errors")

    # An organisation that has not joined the protocol: the adhesion form, and the
    # refusal to refer.
    _organisation, outsider = make_organisation(name="Associazione Nuova",
                                                tax_code=VAT_NUMBERS[2], adhesion=None)
    assert not Adhesion.objects.filter(organisation=_organisation).exists()
    page = web.new_page()
    sign_in(page.context, outsider, web.origin)
    visit(page, partner_path(language, "/adesione/"))
    assert page.locator("[name=signatory_name]").count() == 1
    axe.check(page, note="form")
    visit(page, partner_path(language, "/segnalazioni/nuova/"), status=403)
    axe.check(page, note="refused")

    # The dashboard in every state of the adhesion: its status badges are sentences on a
    # coloured background ("Not verified yet: join the protocol..." was 2.39:1).
    visit(page, partner_path(language, "/"))
    axe.check(page, note="adhesion not sent")
    for number, status in ((1, Adhesion.Status.PENDING), (3, Adhesion.Status.REJECTED),
                           (4, Adhesion.Status.WITHDRAWN)):
        _organisation, member = make_organisation(
            name=f"Organizzazione {status.label}", tax_code=VAT_NUMBERS[number],
            adhesion=status)
        page = web.new_page()
        sign_in(page.context, member, web.origin)
        for path in ("/", "/adesione/"):
            visit(page, partner_path(language, path))
            axe.check(page, note=f"adhesion {status.value}")

    # On a 320px phone, where the tables scroll inside their box: the scrolling region
    # can be reached and named (axe's scrollable-region-focusable).
    page = web.new_page(viewport={"width": 320, "height": 800})
    sign_in(page.context, admin, web.origin)
    for path in ("/", "/segnalazioni/", "/membri/"):
        visit(page, partner_path(language, path))
        axe.check(page, note="320px")
    visit(page, f"/{language}/accounts/sessions/")
    axe.check(page, note="320px")

    axe.assert_clean()


# --- The check can fail -------------------------------------------------------------------

BROKEN_PAGE = (Path(__file__).parent / "broken_page.html").read_text()


def test_the_axe_check_fails_on_a_broken_page(web, page, axe_source):
    """tests/browser/broken_page.html, served on the live server's origin by the browser's
    router (the site itself has no such URL): an image without alt text and an input
    without a label."""
    page.route(f"{web.origin}/__broken__/", lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body=BROKEN_PAGE))
    visit(page, "/__broken__/")
    violations = {violation["id"] for violation in run_axe(page, axe_source)}
    assert {"image-alt", "label"} <= violations, violations

    axe = AxeReport(axe_source, record=False)
    axe.check(page)
    with pytest.raises(AssertionError, match="image-alt"):
        axe.assert_clean()

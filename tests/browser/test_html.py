"""Valid HTML: the Nu HTML Checker (npm ``vnu-jar``, pinned in package.json, on the
machine's Java) on the same pages the axe check visits, as the server sends them.

No browser needed: the pages come from Django's test client, and one checker run covers
them all (the JVM takes seconds to start). Skipped, loudly, without Java or vnu.jar.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from tests.browser.conftest import ROOT
from tests.browser.helpers import FORMS, PASSWORD, PUBLIC_PAGES, STATS
from tests.forms_helpers import contact_data, intake_data
from tests.partner_helpers import (
    VAT_NUMBERS,
    add_member,
    make_organisation,
    make_user,
    partner_path,
)

pytestmark = pytest.mark.django_db

ERRORS = r'class="[^"]*alert-danger|role="alert"'
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _pages(language):
    """(label, HTML) of every page and state the check covers, in one language."""
    from accounts.models import Membership
    from accounts.organisations import invite

    pages = []

    def get(client, url, status=200, label=None, **kwargs):
        response = client.get(url, **kwargs)
        assert response.status_code == status, f"{url}: HTTP {response.status_code}"
        pages.append((label or url, response.content.decode()))

    def post(client, url, data, label, expect):
        """POST, follow the redirects, and check the page reached is the one meant."""
        response = client.post(url, data, follow=True)
        html = response.content.decode()
        assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
        assert re.search(expect, html), f"{label}: no {expect!r} in the page"
        pages.append((label, html))

    visitor = Client()
    for url in PUBLIC_PAGES[language]:
        get(visitor, url, status=404 if "non-esiste" in url or "not-exist" in url else 200)
    intake, contact = FORMS[language]["intake"], FORMS[language]["contact"]
    post(visitor, intake, {"first_name": ""}, f"{intake} (errors)", ERRORS)
    post(visitor, contact, {"nome": ""}, f"{contact} (errors)", ERRORS)
    post(visitor, intake, intake_data(), f"{intake}conferma/", r"MA-\d{4}-\d{5}")
    post(visitor, contact, contact_data(), f"{contact} (thank you)", 'role="status"')

    accounts = f"/{language}/accounts"
    for path in ("login/", "signup/", "password/reset/", "password/reset/done/", "inactive/"):
        get(Client(), f"{accounts}/{path}")
    post(Client(), f"{accounts}/login/", {"login": "x@example.org", "password": "x"},
         f"{accounts}/login/ (errors)", ERRORS)
    newcomer = Client()
    post(newcomer, f"{accounts}/signup/", {
        "email": f"nuova-{language}@example.org", "password1": PASSWORD, "password2": PASSWORD,
    }, f"{accounts}/confirm-email/", 'name="code"')

    organisation, admin = make_organisation(tax_code=VAT_NUMBERS[0 if language == "it" else 1],
                                            admin_email=f"admin-{language}@example.org")
    member = Client()
    member.force_login(admin)
    for path in ("email/", "password/change/", "2fa/", "sessions/", "logout/"):
        get(member, f"{accounts}/{path}")
    get(member, f"{accounts}/reauthenticate/")
    post(member, f"{accounts}/reauthenticate/?next={accounts}/2fa/totp/activate/",
         {"password": PASSWORD}, f"{accounts}/2fa/totp/activate/", 'name="code"')

    partner = f"/{language}/partner"
    post(member, partner_path(language, "/segnalazioni/nuova/"),
         intake_data(privacy=None, consent="on"),
         f"{partner}/segnalazioni/<pk>/", r"MA-\d{4}-\d{5}")
    post(member, partner_path(language, "/segnalazioni/nuova/"), {"first_name": ""},
         f"{partner}/segnalazioni/nuova/ (errors)", ERRORS)
    for path in ("/", "/adesione/", "/segnalazioni/", "/segnalazioni/nuova/", "/membri/",
                 "/organizzazione/"):
        get(member, partner_path(language, path))
    invitation = invite(Membership.objects.get(user=admin), f"collega-{language}@example.org",
                        Membership.Role.REFERRER)
    colleague = Client()
    colleague.force_login(make_user(invitation.email))
    get(colleague, partner_path(language, f"/invito/{invitation.token}/"))
    viewer = Client()
    viewer.force_login(add_member(organisation, Membership.Role.VIEWER))
    get(viewer, partner_path(language, "/organizzazione/"),
        label=f"{partner}/organizzazione/ (read-only)")
    lone = Client()
    lone.force_login(make_user(f"solo-{language}@example.org"))
    get(lone, partner_path(language, "/organizzazione/nuova/"))
    post(lone, partner_path(language, "/organizzazione/nuova/"), {"name": ""},
         f"{partner}/organizzazione/nuova/ (errors)", ERRORS)
    _outsider_org, outsider = make_organisation(
        name="Associazione Nuova", tax_code=VAT_NUMBERS[2 if language == "it" else 3],
        adhesion=None, admin_email=f"fuori-{language}@example.org")
    outside = Client()
    outside.force_login(outsider)
    get(outside, partner_path(language, "/adesione/"), label=f"{partner}/adesione/ (form)")
    get(outside, partner_path(language, "/segnalazioni/nuova/"), status=403,
        label=f"{partner}/segnalazioni/nuova/ (refused)")
    mail.outbox.clear()
    return pages


def test_pages_are_valid_html(tmp_path, settings):
    java = shutil.which("java")
    if not java or not VNU_JAR.exists():
        reason = "java not found" if not java else f"{VNU_JAR.relative_to(ROOT)} missing (npm ci)"
        STATS["warnings"].append(f"HTML CHECK SKIPPED: {reason}")
        pytest.skip(f"HTML CHECK SKIPPED: {reason}")
    settings.SPAM_MIN_SECONDS = 0

    # A control: the test-only broken page must come back with errors, which proves the
    # checker ran and its messages are matched to the pages.
    control = Path(__file__).parent / "broken_page.html"
    labels = {control.resolve().as_uri(): "broken page (control)"}
    for language in ("it", "en"):
        for index, (label, html) in enumerate(_pages(language)):
            path = tmp_path / f"{language}-{index:02d}.html"
            path.write_text(html)
            labels[path.resolve().as_uri()] = label
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout",
         *sorted(str(Path(uri.removeprefix("file://"))) for uri in labels)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    messages = json.loads(result.stdout or "{}").get("messages", [])
    problems = []
    control_errors = 0
    for message in messages:
        label = labels.get(_uri(message.get("url", "")), message.get("url"))
        if label == "broken page (control)":
            control_errors += 1
            continue
        problems.append(f"{label}:{message.get('lastLine', '?')}: {message.get('message')}"
                        f"  «{(message.get('extract') or '').strip()[:120]}»")
    assert control_errors, "the checker found nothing wrong with the broken control page"
    STATS["html"].extend(label for label in labels.values() if "control" not in label)
    assert not problems, f"{len(problems)} HTML errors:\n" + "\n".join(problems)


def _uri(url):
    """vnu writes file:/path; Path.as_uri() writes file:///path."""
    return re.sub(r"^file:/+", "file:///", url)

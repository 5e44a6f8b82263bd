"""Valid HTML: the Nu HTML Checker (vnu, the W3C validator) finds no error on any page.

Every public page type in both languages, allauth's public pages, the forms showing
their errors and the pages after a submission, the 404 page, and the partner area's
main pages are rendered by the test client, written to a folder and checked by one run
of `vnu.jar` (npm `vnu-jar`; each start of Java costs seconds). A page with a known
error (a duplicate id) goes into the same run, to prove the checker reports errors.
"""

import json
import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.test import Client

from tests.forms_helpers import contact_data, intake_data
from tests.partner_helpers import make_organisation, partner_path
from tests.test_headers import ACCOUNT_PAGES, PUBLIC_PAGES, SIGNED_IN_ACCOUNT_PAGES, html_of

pytestmark = pytest.mark.django_db

VNU_JAR = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CANARY = "canary-duplicate-id"
CANARY_HTML = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Canary</title>'
    '</head><body><p id="twice">One</p><p id="twice">Two</p></body></html>'
)


def file_name(label):
    """'/it/cerca/?q=Scheibler' -> 'it-cerca-q-Scheibler' (unique, readable)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-") or "root"


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return html_of(response)


def post(client, url, data, status=200, follow=False, refused=False):
    response = client.post(url, data, follow=follow)
    assert response.status_code == status, f"POST {url}: {response.status_code}"
    html = html_of(response)
    if refused:  # the form again, with its error messages
        assert "alert-danger" in html, f"POST {url}: no error shown"
    return html


def public_pages():
    client = Client()
    pages = {url: get(client, url) for url in PUBLIC_PAGES + ACCOUNT_PAGES}
    pages["404"] = get(client, "/it/pagina-che-non-esiste/", status=404)
    pages["404 en"] = get(client, "/en/no-such-page/", status=404)
    pages["403 form without its token"] = post(
        Client(enforce_csrf_checks=True), "/en/apply/", {"first_name": "x"}, status=403)
    pages["413 request too large"] = post(client, "/it/partecipa/", {"note": "x" * 3_000_000},
                                          status=413)
    garbled = client.post("/en/apply/", "first_name=x",
                          content_type="application/x-www-form-urlencoded; charset=latin-1")
    assert garbled.status_code == 400
    pages["400 form in another charset"] = html_of(garbled)
    pages["search without query"] = get(client, "/it/cerca/")
    pages["search without results"] = get(client, "/en/search/?q=zzzzzzzz")
    # The forms showing their errors (POST invalid data), then the pages after sending.
    for url, data in [
        ("/it/partecipa/", intake_data(email="non-un-indirizzo", first_name="", privacy=None)),
        ("/en/apply/", intake_data(email="not-an-address", first_name="", privacy=None)),
        ("/it/contatti/", contact_data(email="x", messaggio="", privacy_acknowledgement=None)),
        ("/en/contact/", contact_data(email="x", messaggio="", privacy_acknowledgement=None)),
        ("/it/accounts/login/", {"login": "nessuno@example.org", "password": "sbagliata"}),
        ("/en/accounts/signup/", {"email": "x", "password1": "a", "password2": "b"}),
    ]:
        pages[f"POST {url} errors"] = post(client, url, data, refused=True)
    for url, data in [
        ("/it/partecipa/", {}),  # empty: refused by the spam check
        ("/it/contatti/", contact_data(website="http://spam.example")),  # honeypot filled
    ]:
        pages[f"POST {url} refused"] = post(client, url, data, refused=True)
    pages["POST /it/partecipa/ sent"] = post(client, "/it/partecipa/", intake_data(), follow=True)
    pages["POST /en/apply/ sent"] = post(client, "/en/apply/", intake_data(), follow=True)
    pages["POST /it/contatti/ sent"] = post(client, "/it/contatti/", contact_data())
    pages["POST /en/contact/ sent"] = post(client, "/en/contact/", contact_data())
    return pages


def partner_pages():
    from programme.models import ParticipationRequest

    _organisation, admin = make_organisation()
    client = Client()
    client.force_login(admin)
    post(client, "/it/partner/segnalazioni/nuova/",
         intake_data(privacy=None, consent="on"), status=302)
    referral = ParticipationRequest.objects.get(source="partner_referral")
    pages = {}
    for language in ("it", "en"):
        for path in ("", "segnalazioni/", "segnalazioni/nuova/", f"segnalazioni/{referral.pk}/",
                     "adesione/", "membri/", "organizzazione/"):
            url = partner_path(language, f"/{path}")
            pages[url] = get(client, url)
        pages[f"POST /{language}/partner/segnalazioni/nuova/ errors"] = post(
            client, partner_path(language, "/segnalazioni/nuova/"),
            intake_data(email="x", first_name="", privacy=None), refused=True)
    # allauth's pages for a signed-in partner: email addresses, password, 2FA, sessions.
    pages |= {url: get(client, url) for url in SIGNED_IN_ACCOUNT_PAGES}
    # The adhesion form itself, shown to an organisation that has not joined yet.
    _organisation, newcomer = make_organisation(
        name="Cooperativa Nuova", tax_code="76543210157", adhesion=None)
    client = Client()
    client.force_login(newcomer)
    for language in ("it", "en"):
        adhesion = partner_path(language, "/adesione/")
        pages[f"{adhesion} form"] = get(client, adhesion)
        pages[f"POST {adhesion} errors"] = post(
            client, adhesion, {"signatory_name": ""}, refused=True)
    return pages


def run_vnu(folder):
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout",
         *sorted(str(path) for path in folder.glob("*.html"))],
        capture_output=True, text=True, timeout=600, check=False,
    )
    try:
        return json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"vnu gave no report (exit {result.returncode}): {result.stderr[:2000]}")


def test_every_page_type_is_valid_html(tmp_path):
    if not shutil.which("java"):
        pytest.skip("NO HTML CHECK: `java` is not installed, so the Nu HTML Checker cannot run "
                    "(apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        pytest.skip(f"NO HTML CHECK: {VNU_JAR} is missing (npm ci installs vnu-jar)")

    pages = public_pages() | partner_pages()
    names = {}
    for label, html in pages.items():
        name = file_name(label)
        assert name not in names, f"{label} and {names[name]} share a file name"
        names[name] = label
        (tmp_path / f"{name}.html").write_text(html, encoding="utf-8")
    (tmp_path / f"{CANARY}.html").write_text(CANARY_HTML, encoding="utf-8")

    errors = {}
    for message in run_vnu(tmp_path):
        name = message.get("url", "").rsplit("/", 1)[-1].removesuffix(".html")
        errors.setdefault(name, []).append(message)

    # The checker ran, over every file, and reports errors when there are some.
    assert [m["message"] for m in errors.pop(CANARY, [])] == ["Duplicate ID “twice”."]
    report = []
    for name, messages in sorted(errors.items()):
        report.append(f"{names.get(name, name)} ({len(messages)} errors):")
        report += [
            f"  line {m.get('lastLine')}: {m.get('message')}  [{m.get('extract', '').strip()}]"
            for m in messages
        ]
    assert not errors, f"{len(errors)} of {len(pages)} pages are not valid HTML:\n" + "\n".join(
        report)

"""Security headers: the Content-Security-Policy and the headers around it, page by page.

The expected policies are written out here, not read from the settings: a change to the
settings has to be a change to this file too. A policy only protects if the pages keep
to it, so the rendered HTML of every page type is scanned for what a strict policy
blocks (inline scripts, event-handler attributes, style attributes and elements).
"""

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

from tests.forms_helpers import contact_data, intake_data
from tests.partner_helpers import make_organisation, make_user
from tests.test_production_settings import (
    production_env,
    project,  # noqa: F401 (a fixture)
    run_manage,
)

pytestmark = pytest.mark.django_db

# Every public page type, in both languages.
PUBLIC_PAGES = [
    "/it/", "/en/",
    "/it/programma/", "/en/programme/",
    "/it/gruppi/", "/en/groups/",
    "/it/notizie/", "/en/news/",
    "/it/notizie/percorsi-di-mutuo-aiuto/", "/en/news/mutual-aid-programmes/",
    "/it/protocollo/", "/en/protocol/",
    "/it/partecipa/", "/en/apply/",
    "/it/contatti/", "/en/contact/",
    "/it/domande-frequenti/", "/en/faq/",
    "/it/privacy/", "/en/privacy-notice/",
    "/it/accessibilita/", "/en/accessibility/",
    "/it/note-legali/", "/en/legal-notes/",
    "/it/cerca/?q=Scheibler", "/en/search/?q=Scheibler",
    "/it/prenota-appuntamento/", "/en/book-an-appointment/",
    "/it/dati-aperti/", "/en/open-data/",
]
# allauth's pages for visitors who are not signed in.
ACCOUNT_PAGES = [
    "/it/accounts/login/", "/en/accounts/login/",
    "/it/accounts/signup/", "/en/accounts/signup/",
    "/it/accounts/password/reset/", "/en/accounts/password/reset/",
]
# The partner area and allauth's pages for a signed-in partner (organisation admin).
PARTNER_PAGES = [
    "/it/partner/", "/en/partner/",
    "/it/partner/segnalazioni/", "/en/partner/referrals/",
    "/it/partner/segnalazioni/nuova/", "/en/partner/referrals/new/",
    "/it/partner/adesione/", "/en/partner/adhesion/",
    "/it/partner/membri/", "/en/partner/members/",
    "/it/partner/organizzazione/", "/en/partner/organisation/",
]
SIGNED_IN_ACCOUNT_PAGES = [
    "/it/accounts/email/", "/en/accounts/email/",
    "/it/accounts/password/change/", "/en/accounts/password/change/",
    "/it/accounts/2fa/", "/en/accounts/2fa/",
    "/it/accounts/sessions/", "/en/accounts/sessions/",
]

# Every public HTML page also allows its import map by hash (public_csp_of).
PUBLIC_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
ADMIN_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
}
DENIED_FEATURES = {"camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"}


def public_csp_of(response):
    """PUBLIC_CSP as a page must receive it: script-src also allows the page's one inline
    script, the import map of its JavaScript modules, by the SHA-256 of its exact text
    (computed here from the page, not read from home.static_modules)."""
    maps = re.findall(r'<script type="importmap">(.*?)</script>', html_of(response), re.S)
    assert len(maps) == 1, "one import map per page"
    digest = base64.b64encode(hashlib.sha256(maps[0].encode()).digest()).decode()
    return {**PUBLIC_CSP, "script-src": [*PUBLIC_CSP["script-src"], f"'sha256-{digest}'"]}


def parse_csp(header):
    """'a b c; d e' -> {"a": ["b", "c"], "d": ["e"]}; a directive twice is an error."""
    policy = {}
    for part in header.split(";"):
        if not part.strip():
            continue
        name, *sources = part.split()
        name = name.lower()
        assert name not in policy, f"directive {name} twice in {header!r}"
        policy[name] = sources
    return policy


def parse_permissions_policy(header):
    """'camera=(), fullscreen=(self)' -> {"camera": [], "fullscreen": ["self"]}."""
    policy = {}
    for item in header.split(","):
        feature, _, allowlist = item.strip().partition("=")
        assert allowlist.startswith("(") and allowlist.endswith(")"), header
        policy[feature] = allowlist[1:-1].split()
    return policy


def html_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def assert_common_headers(response):
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = parse_permissions_policy(response["Permissions-Policy"])
    for feature in DENIED_FEATURES:
        assert permissions.get(feature) == [], f"{feature} not denied: {permissions}"


def assert_no_store(response):
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives, response["Cache-Control"]
    assert "public" not in directives


@pytest.fixture
def partner_client():
    """A partner organisation's admin, signed in, with one referral of their own."""
    _organisation, admin = make_organisation()
    client = Client()
    client.force_login(admin)
    data = intake_data(privacy=None, consent="on")
    assert client.post("/it/partner/segnalazioni/nuova/", data).status_code == 302
    return client


# --- Public pages --------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_PAGES + ACCOUNT_PAGES)
def test_public_pages_send_the_strict_policy_and_the_other_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = parse_csp(response["Content-Security-Policy"])
    assert policy == public_csp_of(response)
    for directive in ("script-src", "default-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
    assert "upgrade-insecure-requests" not in policy  # production only (see below)
    assert response["X-Frame-Options"] == "DENY"
    assert_common_headers(response)


def test_not_found_page_has_the_policy_too(client):
    response = client.get("/it/pagina-che-non-esiste/")
    assert response.status_code == 404
    assert parse_csp(response["Content-Security-Policy"]) == public_csp_of(response)
    assert_common_headers(response)


def test_no_page_loads_the_bootstrap_italia_bundle(client):
    """The bundle's video.js adds an inline <style> that `style-src 'self'` blocks: pages
    load only the library's ES modules they use (static/js/site.js)."""
    for url in ("/it/", "/en/programme/"):
        assert "bootstrap-italia.bundle" not in client.get(url).content.decode()


# --- What a strict policy would block, in the pages themselves ------------------------


class InlineCodeFinder(HTMLParser):
    """Collects what `script-src 'self'` and `style-src 'self'` block in a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        line = self.getpos()[0]
        if tag == "script" and not attributes.get("src"):
            # A data block (JSON-LD) is never run, and CSP does not apply to it. The
            # import map is allowed by its hash alone (public_csp_of).
            if (attributes.get("type") or "").lower() not in ("application/ld+json",
                                                              "importmap"):
                self.problems.append(f"line {line}: inline <script> {attributes}")
        if tag == "style":
            self.problems.append(f"line {line}: <style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"line {line}: style attribute on <{tag}>: {value!r}")
            elif name.startswith("on"):
                self.problems.append(f"line {line}: event handler {name} on <{tag}>")
            elif name in {"href", "src", "action", "formaction"} and (value or "").strip(
            ).lower().startswith("javascript:"):
                self.problems.append(f"line {line}: javascript: URL in {name} on <{tag}>")


def inline_code(html):
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def test_the_scanner_finds_what_csp_blocks():
    html = (
        '<script>alert(1)</script><script type="application/ld+json">{}</script>'
        '<script src="/static/x.js"></script><style>p{}</style><p style="color:red">'
        '<a href="javascript:void(0)" onclick="x()">'
    )
    problems = inline_code(html)
    assert len(problems) == 5, problems


def assert_pages_have_no_inline_code(pages):
    failures = {name: problems for name, html in pages.items() if (problems := inline_code(html))}
    assert not failures, "\n".join(
        f"{name}:\n  " + "\n  ".join(problems) for name, problems in failures.items()
    )


def test_public_and_account_pages_have_no_inline_code(client):
    pages = {}
    for url in PUBLIC_PAGES + ACCOUNT_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = html_of(response)
    pages["404"] = html_of(client.get("/it/pagina-che-non-esiste/"))
    # The forms again, showing their errors, and the pages that follow a submission.
    for url, data in [
        ("/it/partecipa/", intake_data(email="non-un-indirizzo", privacy=None)),
        ("/en/apply/", intake_data(email="not-an-address", privacy=None)),
        ("/it/contatti/", contact_data(email="x", messaggio="")),
        ("/en/contact/", contact_data(email="x", messaggio="")),
        ("/it/accounts/login/", {"login": "nessuno@example.org", "password": "sbagliata"}),
    ]:
        pages[f"POST {url} (errors)"] = html_of(client.post(url, data))
    pages["POST /it/partecipa/ (sent)"] = html_of(
        client.post("/it/partecipa/", intake_data(), follow=True))
    pages["POST /en/contact/ (sent)"] = html_of(client.post("/en/contact/", contact_data()))
    assert_pages_have_no_inline_code(pages)


def test_partner_pages_have_no_inline_code(partner_client):
    from programme.models import ParticipationRequest

    referral = ParticipationRequest.objects.get(source="partner_referral")
    urls = PARTNER_PAGES + SIGNED_IN_ACCOUNT_PAGES + [
        f"/it/partner/segnalazioni/{referral.pk}/", f"/en/partner/referrals/{referral.pk}/",
    ]
    pages = {}
    for url in urls:
        response = partner_client.get(url)
        assert response.status_code == 200, url
        pages[url] = html_of(response)
    pages["POST referral form (errors)"] = html_of(
        partner_client.post("/it/partner/segnalazioni/nuova/", {"first_name": ""}))
    assert_pages_have_no_inline_code(pages)


# --- Partner and account pages: never stored ------------------------------------------


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_account_pages_are_not_stored_by_browsers(client, url):
    response = client.get(url)
    assert_no_store(response)
    assert parse_csp(response["Content-Security-Policy"]) == public_csp_of(response)


def test_partner_and_signed_in_pages_are_not_stored_and_keep_the_policy(partner_client):
    for url in PARTNER_PAGES + SIGNED_IN_ACCOUNT_PAGES:
        response = partner_client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response)
        assert parse_csp(response["Content-Security-Policy"]) == public_csp_of(response), url
        assert response["X-Frame-Options"] == "DENY"
        assert_common_headers(response)


def test_even_a_redirect_from_the_partner_area_is_not_stored(client):
    response = client.get("/en/partner/")  # not signed in: sent to the login page
    assert response.status_code == 302
    assert_no_store(response)


@pytest.mark.parametrize(
    ("path", "stored"),
    [("/it/partner/x/", False), ("/en/accounts/x/", False), ("/it/", True),
     ("/it/notizie/partner/", True), ("/fr/partner/", True)],
)
def test_the_middleware_turns_cacheable_responses_into_no_store(path, stored):
    from website.middleware import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse("ok")
        response["Cache-Control"] = "public, max-age=600"
        return response

    response = SecurityHeadersMiddleware(view)(RequestFactory().get(path))
    if stored:
        assert response["Cache-Control"] == "public, max-age=600"
    else:
        assert_no_store(response)


def test_public_pages_stay_cacheable(client):
    assert "no-store" not in client.get("/it/domande-frequenti/").get("Cache-Control", "")


# --- The Wagtail admin: a looser policy of its own --------------------------------------


def test_admin_has_its_own_policy_and_works(client, demo_editor):
    from wagtail.models import Page

    client.force_login(demo_editor)
    news = Page.objects.get(url_path__endswith="/notizie/percorsi-di-mutuo-aiuto/",
                            locale__language_code="it")
    for url in ("/admin/", "/admin/pages/", f"/admin/pages/{news.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert parse_csp(response["Content-Security-Policy"]) == ADMIN_CSP
        assert response["X-Frame-Options"] == "DENY"
        assert_no_store(response)
        assert_common_headers(response)


def test_admin_page_previews_get_the_admin_policy(client, demo_editor):
    """Wagtail renders a preview by passing a fake request for the page's public URL
    through the middleware, which gives it the public policy: its frame-ancestors 'none'
    would stop the admin's preview panel from showing it. The admin's policy wins."""
    from wagtail.models import Page

    client.force_login(demo_editor)
    page = Page.objects.get(url_path__endswith="/domande-frequenti/",
                            locale__language_code="it")
    response = client.get(f"/admin/pages/{page.pk}/view_draft/")
    assert response.status_code == 200
    assert page.title in html_of(response)
    assert parse_csp(response["Content-Security-Policy"]) == ADMIN_CSP


# --- Production settings --------------------------------------------------------------

PRODUCTION_SETTINGS = [
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_NAME", "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE", "LANGUAGE_COOKIE_NAME", "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY", "LANGUAGE_COOKIE_SAMESITE", "CONTENT_SECURITY_POLICY",
]


@pytest.fixture(scope="module")
def production_values(project, tmp_path_factory):  # noqa: F811 (the imported fixture)
    """The production settings' values, read by `manage.py shell` in a subprocess."""
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {PRODUCTION_SETTINGS!r}}}))"
    )
    tmp_path = tmp_path_factory.mktemp("production")
    result = run_manage(project, production_env(tmp_path), "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_cookies_are_host_only_and_secure(production_values):
    values = production_values
    for kind in ("SESSION", "CSRF", "LANGUAGE"):
        assert values[f"{kind}_COOKIE_NAME"].startswith("__Host-"), kind
        assert values[f"{kind}_COOKIE_SECURE"] is True, kind
        assert values[f"{kind}_COOKIE_SAMESITE"] in {"Lax", "Strict"}, kind
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000


def test_production_settings_emit_hsts_csp_and_host_cookies(production_values):
    """The values above, applied to this process: what a browser receives."""
    user = make_user("operatrice@example.org")
    https = {"HTTP_X_FORWARDED_PROTO": "https"}
    with override_settings(**production_values):
        client = Client()
        assert client.get("/it/contatti/").status_code == 301  # plain HTTP: to HTTPS

        response = client.get("/it/contatti/", **https)
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        policy = parse_csp(response["Content-Security-Policy"])
        assert policy.pop("upgrade-insecure-requests") == []
        assert policy == public_csp_of(response)
        csrf = response.cookies["__Host-csrftoken"]
        assert csrf["secure"] and csrf["path"] == "/" and not csrf["domain"]
        assert "csrftoken" not in response.cookies

        response = client.post("/it/accounts/login/", {
            "login": user.email, "password": "una-password-lunga-1",
        }, **https)
        assert response.status_code == 302
        session = response.cookies["__Host-sessionid"]
        assert session["secure"] and session["httponly"]
        assert session["path"] == "/" and not session["domain"]
        assert session["samesite"] == "Lax"
        assert "sessionid" not in response.cookies


# --- Static files: the document-only headers are not repeated (issue 23) ---------------


@pytest.mark.parametrize(("path", "csp", "permissions"), [
    ("/static/build/css/bootstrap-italia.css", False, False),
    ("/static/build/fonts/titillium-web-400.woff2", False, False),
    ("/static/js/site.js", True, False),  # a script's policy governs it as a worker
    ("/static/altcha/worker.js", True, False),
    ("/static/build/svg/sprite.svg", True, True),  # an SVG opened alone is a document
    ("/static/img/favicon.svg", True, True),
])
def test_static_files_carry_only_the_headers_that_govern_them(client, path, csp, permissions):
    response = client.get(path)
    assert response.status_code == 200
    assert response.has_header("Content-Security-Policy") is csp
    assert response.has_header("Permissions-Policy") is permissions
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_keep_every_header(client):
    response = client.get("/it/")
    assert response.has_header("Content-Security-Policy")
    assert response.has_header("Permissions-Policy")

"""What the browser tests share: the axe run, signing in, the pages each check visits."""

import re
from urllib.parse import urlsplit

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# What the browser run checked, for the summary at the end of the run (conftest.py).
STATS = {"axe": [], "focus stops": [], "screenshots": [], "html": [], "warnings": []}
PASSWORD = "una-password-lunga-1"

# Every public page type, in both languages (the confirmation and the contact form's
# "thank you" page come after a submission: see test_accessibility.py).
PUBLIC_PAGES = {
    "it": [
        "/it/",                                   # HomePage
        "/it/domande-frequenti/",                 # StandardPage (FAQ blocks)
        "/it/privacy/",                           # StandardPage
        "/it/accessibilita/",                     # StandardPage
        "/it/note-legali/",                       # StandardPage
        "/it/programma/",                         # ProgrammePage
        "/it/gruppi/",                            # GroupIndexPage
        "/it/notizie/",                           # NewsIndexPage
        "/it/notizie/percorsi-di-mutuo-aiuto/",   # NewsPage
        "/it/protocollo/",                        # ProtocolPage
        "/it/partecipa/",                         # ParticipationPage (intake form)
        "/it/contatti/",                          # ContactPage (contact form)
        "/it/cerca/?q=gruppi",                    # search results
        "/it/pagina-che-non-esiste/",             # 404
    ],
    "en": [
        "/en/",
        "/en/faq/",
        "/en/privacy-notice/",
        "/en/accessibility/",
        "/en/legal-notes/",
        "/en/programme/",
        "/en/groups/",
        "/en/news/",
        "/en/news/mutual-aid-programmes/",
        "/en/protocol/",
        "/en/apply/",
        "/en/contact/",
        "/en/cerca/?q=groups",
        "/en/page-that-does-not-exist/",
    ],
}

FORMS = {
    "it": {"intake": "/it/partecipa/", "contact": "/it/contatti/"},
    "en": {"intake": "/en/apply/", "contact": "/en/contact/"},
}

# Screenshots: the main pages, at phone and desktop sizes.
MAIN_PAGES = {
    "it": ["/it/", "/it/programma/", "/it/gruppi/", "/it/notizie/", "/it/protocollo/",
           "/it/partecipa/", "/it/contatti/"],
    "en": ["/en/", "/en/programme/", "/en/groups/", "/en/news/", "/en/protocol/",
           "/en/apply/", "/en/contact/"],
}


def run_axe(page, axe_source):
    """axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now: the violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol: a strict Content-Security-Policy,
        # which would block a <script> tag, does not apply.
        page.evaluate(axe_source)
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


def describe_violations(url, violations):
    lines = []
    for violation in violations:
        lines.append(f"{url}: {violation['id']} ({violation['impact']}): {violation['help']}"
                     f" {violation['helpUrl']}")
        for node in violation["nodes"][:8]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}  {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def _path(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class AxeReport:
    """Collects the violations of several pages, so one failure does not hide the rest."""

    def __init__(self, axe_source, record=True):
        self.axe_source = axe_source
        self.record = record  # in the run's summary (not the broken test page)
        self.pages = []
        self.problems = []

    def check(self, page, note=None):
        """axe on the page as it is now; ``note`` names a state ("errors", "menu open")."""
        violations = run_axe(page, self.axe_source)
        url = _path(page.url) + (f" ({note})" if note else "")
        self.pages.append(url)
        if self.record:
            STATS["axe"].append(url)
        if violations:
            self.problems.append(describe_violations(url, violations))
        return violations

    def assert_clean(self):
        assert not self.problems, (
            f"axe found WCAG 2.0/2.1 A/AA violations on {len(self.problems)} of "
            f"{len(self.pages)} pages:\n" + "\n".join(self.problems)
        )


def sign_in(context, user, origin):
    """Give a browser context the session cookie of ``user`` (signed in through Django's
    test client, which shares the live server's database)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": origin,
    }])


def set_password(user, password=PASSWORD):
    user.set_password(password)
    user.save(update_fields=["password"])
    return password


def login_through_the_form(page, language, email, password=PASSWORD, next_url=None):
    """allauth's login page, as a person fills it in."""
    url = f"/{language}/accounts/login/"
    if next_url:
        url += f"?next={next_url}"
    page.goto(url)
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([form])").first.click()


def verification_code(message_body):
    return re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", message_body, re.MULTILINE).group(1)


def tick(form, selector):
    """Bootstrap Italia draws radios and checkboxes on their labels (the input itself is
    hidden under it): tap the label, as a person does."""
    field = form.locator(selector)
    form.locator(f"label[for='{field.get_attribute('id')}']").click()
    assert field.is_checked()


def wait_for_the_anti_spam_check(page):
    """The ALTCHA widget solves its challenge once the form has focus; its hidden field
    then holds the payload the server verifies."""
    page.wait_for_function(
        "() => { const f = document.querySelector('altcha-widget input[name=altcha]');"
        " return f && f.value.length > 0; }", timeout=20_000,
    )

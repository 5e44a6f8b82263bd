"""Browser tests: Playwright for Python driving Debian's chromium against the live server.

- One chromium for the whole session (never downloaded: /usr/bin/chromium), a fresh
  context per test.
- Every request to a host other than the live server is aborted and recorded; a test
  whose page tried one fails at teardown (the site calls no third party).
- The live server needs a transactional database, which Django flushes after each test.
  The demo content the session built (tests/conftest.py) is snapshotted once and put back
  before each browser test (``serialized_rollback``) and after the last one, so the tests
  that run later still see it.
- Without /usr/bin/chromium the browser tests are skipped, with a warning line when they
  are collected and again at the end of the run.
"""

import os
import select
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in the test thread: Django would refuse the
# test's own database queries as "called from an async context" without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _missing_reason():
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} not found (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed in this environment"
    if not AXE_JS.exists():
        return f"{AXE_JS.relative_to(ROOT)} missing (npm ci)"
    return ""


SKIP_REASON = _missing_reason()
WARNING = f"BROWSER TESTS SKIPPED: {SKIP_REASON}" if SKIP_REASON else ""


def pytest_collection_modifyitems(config, items):
    browser_tests = [item for item in items if item.get_closest_marker("browser")]
    if not browser_tests or not SKIP_REASON:
        return
    skip = pytest.mark.skip(reason=WARNING)
    for item in browser_tests:
        item.add_marker(skip)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("")
        reporter.write_sep("!", f"{WARNING} ({len(browser_tests)} tests)", red=True, bold=True)


def pytest_terminal_summary(terminalreporter):
    from tests.browser.helpers import STATS

    for warning in [WARNING, *STATS["warnings"]]:
        if warning:
            terminalreporter.write_sep("!", warning, red=True, bold=True)
    if STATS["html"]:
        terminalreporter.write_line(
            f"Nu HTML Checker: {len(STATS['html'])} pages and states checked")
    if not WARNING and any(STATS[key] for key in ("axe", "focus stops", "screenshots")):
        axe_pages = STATS["axe"]
        terminalreporter.write_sep("-", "browser checks")
        terminalreporter.write_line(
            f"axe-core {_axe_version()} (WCAG 2.0/2.1 A+AA): {len(axe_pages)} page checks, "
            f"{len(set(axe_pages))} distinct pages and states")
        terminalreporter.write_line(
            f"keyboard: {len(STATS['focus stops'])} focus stops checked for a visible focus")
        terminalreporter.write_line(
            f"screenshots: {len(STATS['screenshots'])} written to "
            f"{SCREENSHOTS.relative_to(ROOT)}/")


def _axe_version():
    import json

    package = AXE_JS.parent / "package.json"
    return json.loads(package.read_text())["version"] if package.exists() else "?"


# --- The database: the demo content around every browser test ----------------------------


_state = {}


@pytest.fixture(scope="session")
def demo_snapshot(browser, django_db_setup, django_db_blocker):
    """The session's database (migrations + demo content), serialized once.

    Django's ``serialized_rollback`` restores ``connection._test_serialized_contents``
    before a test, and does not re-run post_migrate at the flush after it; pointing it at
    this snapshot (instead of the migrations-only state Django took when it created the
    test database) brings the demo site back for every browser test.

    Set up after the browser on purpose: while Playwright's event loop runs in this
    thread, Django hands out a different connection object (asgiref's Local switches to
    context-local storage), and that is the one the tests and the flush use.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
    connection._test_serialized_contents = snapshot
    _state.update(snapshot=snapshot, blocker=django_db_blocker)
    return snapshot


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last browser test of a row, put the demo content back: the flush at its
    teardown emptied the database, and the tests that run next expect the demo site."""
    result = yield
    is_browser = item.get_closest_marker("browser") is not None
    next_is_browser = nextitem is not None and nextitem.get_closest_marker("browser")
    if is_browser and nextitem is not None and not next_is_browser and "snapshot" in _state:
        from django.db import connection

        with _state["blocker"].unblock():
            connection.creation.deserialize_db_from_string(_state["snapshot"])
    return result


# --- The live server -------------------------------------------------------------------------


class CountsConnections:
    """A live server that knows whether it still has a connection to answer, so a test's
    teardown can wait for the browser's last requests before the database flush.

    Counted from before ``accept()`` until the connection is shut down: a connection the
    browser opened as its context closed (Chrome's request for /favicon.ico, say) waits in
    the listening socket's backlog, then is parsed before any WSGI code runs; counting only
    inside the WSGI application let the flush start in that gap, on the connection the
    server thread was about to use (CI of stop 36: "couldn't be flushed").
    """

    def __init__(self, *args, **kwargs):
        self.connections_open = 0
        self.count_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def get_request(self):
        with self.count_lock:
            self.connections_open += 1
        try:
            return super().get_request()
        except BaseException:
            self._connection_done()
            raise

    def shutdown_request(self, request):
        try:
            super().shutdown_request(request)
        finally:
            self._connection_done()

    def _connection_done(self):
        with self.count_lock:
            self.connections_open -= 1

    def _idle(self):
        with self.count_lock:
            if self.connections_open:
                return False
        waiting, _, _ = select.select([self.socket], [], [], 0)
        return not waiting  # no connection left in the backlog

    def wait_until_idle(self, timeout=10, quiet=0.05):
        """Return once no connection is being answered or waits to be accepted, twice
        ``quiet`` seconds apart; give up after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._idle():
                time.sleep(quiet)
                if self._idle():
                    return
            else:
                time.sleep(0.02)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, answering one request at a time on SQLite.

    With an in-memory SQLite test database every thread of the live server shares the
    test's one connection; two requests at once (a page and the admin's icons, say) then
    mix their transactions ("no such savepoint"). One request at a time avoids it (Django
    answers "Connection: close", so the browser does not hold the server). PostgreSQL
    gives each thread its own connection: the server stays multi-threaded there.
    ``live_server.in_flight.wait_until_idle()`` waits for the server to be done.
    """
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIServer
    from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
    from pytest_django.live_server_helper import LiveServer

    class CountingServer(CountsConnections, WSGIServer):
        pass

    class CountingThreadedServer(CountsConnections, ThreadedWSGIServer):
        pass

    class OneRequestAtATime(LiveServerThread):
        def _create_server(self, connections_override=None):
            return CountingServer((self.host, self.port), QuietWSGIRequestHandler,
                                  allow_reuse_address=False)

    addr = (request.config.getvalue("liveserver")
            or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
    server = LiveServer(addr, start=False)
    if server.thread.connections_override:
        server.thread.__class__ = OneRequestAtATime  # not started yet
    else:
        server.thread.server_class = CountingThreadedServer
    server.start()
    server.in_flight = server.thread.httpd
    yield server
    server.stop()


# --- The browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source():
    return AXE_JS.read_text()


class OffsiteGuard:
    """Aborts every request that is not for the live server, and remembers it."""

    def __init__(self, origin):
        self.origin = origin
        self.blocked = []

    def __call__(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" == self.origin:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")


class Browser:
    """What a test needs: the live server's address and new pages on it."""

    def __init__(self, browser, live_server):
        self.browser = browser
        self.live_server = live_server
        self.origin = live_server.url.rstrip("/")
        self.contexts = []
        self.guards = []
        self.errors = []
        self.contrast = []

    def new_page(self, viewport=DESKTOP, locale="it-IT", **options):
        context = self.browser.new_context(
            viewport=viewport, locale=locale, base_url=self.origin,
            is_mobile=viewport == PHONE, has_touch=viewport == PHONE,
            service_workers="block", **options,
        )
        context.set_default_timeout(15_000)
        guard = OffsiteGuard(self.origin)
        context.route("**/*", guard)
        self.contexts.append(context)
        self.guards.append(guard)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))
        page.on("load", lambda _page: self._contrast(page))
        return page

    def _contrast(self, page):
        """Every page a journey loads: the contrast of its buttons and links, computed
        in the browser (helpers.contrast_problems). The site's own pages only: Wagtail's
        admin is Wagtail's."""
        from tests.browser.helpers import contrast_problems

        path = urlsplit(page.url).path
        if not page.url.startswith(self.origin) or path.startswith(("/admin/", "/__")):
            return
        try:
            problems = contrast_problems(page)
        except Exception:  # noqa: BLE001 - the page moved on (a redirect, a new submit)
            return
        self.contrast.extend(f"{page.url}: {line}" for line in problems)

    def _console(self, page, message):
        """Errors in the console: a Content-Security-Policy violation, a static file that
        does not load... A page's own 4xx status is the test's business (it checks it)."""
        if message.type != "error":
            return
        own_status = (message.text.startswith("Failed to load resource")
                      and message.location.get("url") == page.url)
        if not own_status:
            self.errors.append(f"{page.url}: console: {message.text}")

    def close(self):
        for context in self.contexts:
            context.close()

    def settle(self):
        """Wait for the server to finish the requests the pages sent, before the test
        itself reads or writes the database the server shares."""
        self.live_server.in_flight.wait_until_idle()

    def offsite_requests(self):
        return [url for guard in self.guards for url in guard.blocked]

    def forget_failures(self):
        """For the test of the guards themselves."""
        for guard in self.guards:
            guard.blocked.clear()
        self.errors.clear()
        self.contrast.clear()


@pytest.fixture
def web(browser, demo_snapshot, live_server):
    """A fresh browser context per test (more with ``web.new_page()``); fails the test
    if a page asked for anything outside the live server, threw a JavaScript error,
    logged an error in the console (a Content-Security-Policy violation, for one) or
    showed a button or link below WCAG's contrast minimum."""
    session = Browser(browser, live_server)
    yield session
    session.close()
    session.settle()  # then the database flush may run
    offsite = session.offsite_requests()
    assert not offsite, "the site tried to reach other hosts:\n" + "\n".join(offsite)
    assert not session.errors, "JavaScript or console errors:\n" + "\n".join(session.errors)
    assert not session.contrast, (
        "buttons or links below WCAG's contrast minimum:\n"
        + "\n".join(dict.fromkeys(session.contrast)))


@pytest.fixture
def page(web):
    """A desktop-sized page in a fresh context."""
    return web.new_page()


@pytest.fixture
def fast_forms(settings):
    """The anti-spam checks, made quick: no minimum fill time, an easy proof of work."""
    settings.SPAM_MIN_SECONDS = 0
    settings.ALTCHA_MAX_NUMBER = 1000


@pytest.fixture(scope="session")
def screenshot_dir():
    """test-artifacts/screenshots/ (ignored by git), emptied once per run."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS

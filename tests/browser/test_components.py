"""Bootstrap Italia's own components, loaded as its ES modules (static/js/site.js,
static/js/page-index.js), used by keyboard in both languages (issue 17, P2):

- the main menu on a phone: Enter opens it, focus moves inside and stays there, Escape
  closes it and gives focus back to its button;
- the service sheet's page index (the model's navscroll): folded on a phone, opened by
  keyboard, an entry chosen with Enter scrolls to its section; on a wide screen the
  current section's entry is marked (.active) as the page scrolls and the progress bar
  grows;
- the same modules served as production serves them (hashed names, their imports
  rewritten by collectstatic): every one loads, nothing 404s, no CSP violation.

axe checks each state; the `web` fixture fails a test on any console error (a CSP
violation, a module that does not load) or JavaScript error.
"""

import mimetypes
import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import AxeReport
from tests.browser.test_keyboard import FOCUS_IS_VISIBLE
from tests.static_helpers import use_collected_static

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["it", "en"]
HOME = {"it": "/it/", "en": "/en/"}
PROGRAMME = {"it": "/it/programma/", "en": "/en/programme/"}
INDEX_TITLE = {"it": "Indice della pagina", "en": "Page index"}

TOGGLER = "button.custom-navbar-toggler"
INDEX_BUTTON = "#page-index-title"
INDEX_LINKS = "[data-element='page-index'] > li > a"
PROGRESS = ".it-navscroll-progressbar"
FOCUS_IN = "(selector) => !!document.activeElement.closest(selector)"


def tab_to(page, selector, limit=25):
    """Tab from where focus is until `selector` has it: reachable by keyboard, with a
    visible focus on the way there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            state = page.evaluate(FOCUS_IS_VISIBLE)
            assert state["onScreen"] and state["differs"], f"{selector}: focus not visible"
            return
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab")


def open_and_close_the_menu_by_keyboard(page, axe=None):
    toggler = page.locator(TOGGLER)
    assert toggler.get_attribute("aria-expanded") == "false"
    tab_to(page, TOGGLER)
    page.keyboard.press("Enter")
    page.locator("#main-menu.expanded").wait_for()
    assert toggler.get_attribute("aria-expanded") == "true"
    # Focus moves into the open menu once it has slid in, and Tab keeps it there.
    page.wait_for_function(FOCUS_IN, arg="#main-menu")
    links = page.locator("#main-menu .nav-link").count()
    for _ in range(links + 2):
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_IN, "#main-menu"), "Tab left the open menu"
    assert page.locator("#main-menu").get_attribute("role") == "dialog"
    if axe:
        axe.check(page, note="menu open")
    page.keyboard.press("Escape")
    page.wait_for_function("(s) => document.activeElement.matches(s)", arg=TOGGLER)
    assert toggler.get_attribute("aria-expanded") == "false"
    assert not page.locator("#main-menu").is_visible()
    if axe:
        axe.check(page, note="menu closed again")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_menu_on_a_phone_by_keyboard(web, axe_source, language):
    page = web.new_page(viewport=PHONE, locale=f"{language}-{language.upper()}")
    axe = AxeReport(axe_source)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(HOME[language])
    page.wait_for_load_state("networkidle")
    # The menu's modules are not part of the first view: fetched when the button is
    # about to be used (static/js/site.js).
    assert not [url for url in requested if "/plugins/" in url]
    axe.check(page)
    open_and_close_the_menu_by_keyboard(page, axe)
    assert [url for url in requested if "navbar-collapsible" in url]
    axe.assert_clean()


def settled(page):
    """The page as a reader scrolls it: loaded, its fonts in place (a font swapped in
    after a scroll moves the sections under the navscroll, which updates on the next
    scroll only)."""
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready.then(() => true)")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_index_on_a_phone_by_keyboard(web, axe_source, language):
    page = web.new_page(viewport=PHONE, locale=f"{language}-{language.upper()}")
    axe = AxeReport(axe_source)
    page.goto(PROGRAMME[language])
    settled(page)
    button = page.locator(INDEX_BUTTON)
    assert button.inner_text().strip().lower() == INDEX_TITLE[language].lower()
    # Folded on a phone, above the text.
    page.wait_for_function("(s) => document.querySelector(s).getAttribute('aria-expanded')"
                           " === 'false'", arg=INDEX_BUTTON)
    assert not page.locator("#page-index-list").is_visible()
    index_box = page.locator(".cmp-navscroll").bounding_box()
    text_box = page.locator(".it-page-sections-container").bounding_box()
    assert index_box["y"] + index_box["height"] <= text_box["y"] + 1
    axe.check(page, note="page index folded")

    tab_to(page, INDEX_BUTTON)
    page.keyboard.press("Enter")
    # Open once its transition is over (Bootstrap's .collapsing): the sections below
    # move down while it grows.
    page.wait_for_function("() => { const list = document.getElementById('page-index-list');"
                           " return list.classList.contains('show')"
                           " && !list.classList.contains('collapsing'); }")
    assert button.get_attribute("aria-expanded") == "true"
    axe.check(page, note="page index open")

    # The third entry, by keyboard: the page scrolls to its section and focus goes there.
    links = page.locator(INDEX_LINKS)
    target = links.nth(2).get_attribute("href")
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == target
    page.keyboard.press("Enter")
    page.wait_for_function("(id) => document.activeElement.id === id", arg=target[1:],
                           timeout=5_000)
    page.wait_for_function(
        "(id) => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= -2 && r.top < innerHeight / 2; }", arg=target[1:])
    page.wait_for_function(
        "(href) => document.querySelector(`[data-element='page-index'] a[href='${href}']`)"
        ".classList.contains('active')", arg=target)
    axe.check(page, note="after choosing an entry")
    axe.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_index_follows_the_reading_on_a_wide_screen(web, axe_source, language):
    page = web.new_page(viewport=DESKTOP, locale=f"{language}-{language.upper()}")
    axe = AxeReport(axe_source)
    page.goto(PROGRAMME[language])
    settled(page)
    assert page.locator("#page-index-list").is_visible(), "open on a wide screen"
    assert page.locator(INDEX_BUTTON).get_attribute("aria-expanded") == "true"
    index_box = page.locator(".cmp-navscroll").bounding_box()
    text_box = page.locator(".it-page-sections-container").bounding_box()
    assert index_box["x"] + index_box["width"] <= text_box["x"], "on the left of the text"
    axe.check(page)

    hrefs = page.eval_on_selector_all(INDEX_LINKS, "(links) => links.map(a => a.hash)")
    widths = []
    for href in hrefs:
        page.evaluate("(id) => window.scrollTo(0, document.getElementById(id)"
                      ".getBoundingClientRect().top + window.scrollY + 1)", href[1:])
        page.wait_for_function(
            "(href) => { const on = [...document.querySelectorAll("
            "\"[data-element='page-index'] a.active\")].map(a => a.hash);"
            " return on.length === 1 && on[0] === href; }", arg=href)
        # Sticky: the index stays in view beside the section being read.
        box = page.locator(".cmp-navscroll").bounding_box()
        assert box["y"] >= -1 and box["y"] < 900, f"the index scrolled away at {href}"
        widths.append(page.eval_on_selector(
            PROGRESS, "(bar) => parseFloat(bar.style.width) || 0"))
    assert widths == sorted(widths) and widths[-1] > widths[0], widths
    assert page.eval_on_selector(PROGRESS, "(bar) => Number(bar.getAttribute('aria-valuenow'))") > 0
    axe.check(page, note="scrolled to the last section")
    axe.assert_clean()


# --- As production serves them ---------------------------------------------------------------


def serve_collected(root, loaded, missing):
    """Answers /static/… from the collected folder only, as whitenoise does in
    production (the live server would look in the source folders instead)."""

    def handler(route):
        path = route.request.url.split("/static/", 1)[1].split("?")[0]
        file = root / path
        if not file.is_file():
            missing.append(path)
            route.fulfill(status=404, body="not collected")
            return
        loaded.append(path)
        kind = "text/javascript" if path.endswith(".js") else (
            mimetypes.guess_type(path)[0] or "application/octet-stream")
        route.fulfill(status=200, body=file.read_bytes(), content_type=kind)

    return handler


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_modules_load_as_production_serves_them(web, settings, language):
    root = use_collected_static(settings)
    loaded, missing = [], []
    page = web.new_page(viewport=PHONE, locale=f"{language}-{language.upper()}")
    page.route("**/static/**", serve_collected(root, loaded, missing))
    page.goto(PROGRAMME[language])
    # The page index folded by its module, the menu opened and closed by its own.
    page.wait_for_function("(s) => document.querySelector(s).getAttribute('aria-expanded')"
                           " === 'false'", arg=INDEX_BUTTON)
    open_and_close_the_menu_by_keyboard(page)
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("(s) => parseFloat(document.querySelector(s).style.width) > 0",
                           arg=PROGRESS)
    assert not missing, f"not found among the collected files: {missing}"
    modules = [path for path in loaded if path.endswith(".js")]
    assert all(re.search(r"\.[0-9a-f]{12}\.js$", path) for path in modules), modules
    names = {path.rsplit("/", 1)[-1].split(".")[0] for path in modules}
    assert {"site", "page-index", "navbar-collapsible", "navscroll", "collapse",
            "on-document-scroll", "tween", "anime", "uuid", "v4"} <= names

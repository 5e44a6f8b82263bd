"""Printing (issue 17): the service sheet, the groups, the protocol and a news page on A4,
in print emulation, show no header, menu, footer, breadcrumb, page index or rating
component, and each link in the content shows where it leads. The service sheet's print
is kept as a PDF and a PNG in test-artifacts/screenshots/ for people to look at.

Also: the legal pages (accessibility statement, privacy notice, legal notes), whose demo
content is long and structured, pass axe in both languages."""

import re

import pytest
from wagtail.rich_text import RichText

from tests.browser.helpers import STATS, AxeReport

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# A4 at 96 CSS pixels per inch: 210 mm wide.
A4 = {"width": 794, "height": 1123}

PRINTED = {
    "service sheet": "/it/programma/",
    "groups": "/it/gruppi/",
    "protocol": "/it/protocollo/",
    "news": "/it/notizie/percorsi-di-mutuo-aiuto/",
}

CHROME = {
    "header": ".it-header-wrapper",
    "menu": '[data-element="main-navigation"]',
    "footer": "footer",
    "skip links": ".skiplinks a",
    "breadcrumb": '[data-element="breadcrumb"]',
    "page index": '[data-element="page-index"], .cmp-navscroll',
    "rating": '[data-element="feedback"], .rating-section',
}

# The links in the content: the href as written, as the browser resolves it, whether it
# is a chip, badge or button (a label, no address printed) and the text its ::after shows.
CONTENT_LINK = """() => {
  const links = [...document.querySelectorAll('main a[href^="/"], main a[href^="http"]')]
    .filter(a => a.offsetParent !== null && a.textContent.trim());
  return links.map(a => ({href: a.getAttribute('href'), absolute: a.href,
                          label: a.matches('.chip, .badge, .btn'),
                          after: getComputedStyle(a, '::after').content}));
}"""

# Elements of the content that reach past the right edge of the printed width.
TOO_WIDE = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.offsetParent !== null
               && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(e => e.tagName + '.' + e.className)"""

# A4's printable width at the print.css margins (210 mm - 2 x 16 mm), in CSS pixels.
PRINTABLE_WIDTH = round((210 - 32) / 25.4 * 96)

DARK_BACKGROUNDS = """() => [...document.querySelectorAll('main *, body')]
  .filter(e => e.offsetParent !== null || e === document.body)
  .map(e => getComputedStyle(e).backgroundColor)
  .filter(c => !['rgba(0, 0, 0, 0)', 'transparent', 'rgb(255, 255, 255)'].includes(c))"""


def add_links_to_the_news():
    """The demo's news has no link in its text: one to another site, one to this one."""
    from programme.models import NewsPage

    news = NewsPage.objects.get(url_path__endswith="/percorsi-di-mutuo-aiuto/")
    index_id = news.get_parent().pk
    news.body.append(("paragraph", RichText(
        '<p>Leggi il <a href="https://www.comune.milano.it/">sito del Comune</a> e le '
        f'<a linktype="page" id="{index_id}">notizie</a>.</p>')))
    news.save_revision().publish()


def visible(page, selector):
    return [selector for element in page.locator(selector).all() if element.is_visible()]


@pytest.mark.parametrize("name", list(PRINTED))
def test_a_page_prints_without_chrome_and_with_its_links(web, screenshot_dir, name):
    page = web.new_page(viewport=A4, reduced_motion="reduce")
    url = PRINTED[name]
    if name == "news":
        add_links_to_the_news()
    assert page.goto(url).status == 200

    # On screen the chrome is there: the print rules apply to paper only.
    for part in ("header", "footer", "breadcrumb"):
        assert visible(page, CHROME[part]), f"{url}: no {part} on screen"

    page.emulate_media(media="print")
    shown = {part: visible(page, selector) for part, selector in CHROME.items()}
    assert not any(shown.values()), f"{url} prints {[p for p, s in shown.items() if s]}"
    assert page.locator("main h1").is_visible()

    links = page.evaluate(CONTENT_LINK)
    assert links, f"{url}: no link left in the printed content"
    for link in links:
        expected = "none" if link["label"] else f'" ({link["absolute"]})"'
        assert link["after"] == expected, f"{url}: {link}"
    assert any(not link["label"] for link in links), url

    page.set_viewport_size({"width": PRINTABLE_WIDTH, "height": A4["height"]})
    assert page.evaluate(TOO_WIDE) == [], f"{url}: wider than the paper"

    assert page.evaluate(DARK_BACKGROUNDS) == [], f"{url}: a background prints"

    if name == "groups":
        assert not page.locator("#find-title").is_visible(), "the filters' heading prints"
    if name == "service sheet":
        assert page.locator('[data-element="service-topic"]').count()
        address = page.locator("main .print-address")
        assert address.is_visible()
        assert re.search(r"https?://\S+/it/partecipa/$", address.inner_text()), \
            address.inner_text()
        page.evaluate("document.fonts.ready")
        pdf = screenshot_dir / "print-service-sheet-a4.pdf"
        page.pdf(path=pdf, format="A4", print_background=True)
        png = screenshot_dir / "print-service-sheet-a4.png"
        page.screenshot(path=png, full_page=True)
        assert pdf.stat().st_size > 10_000 and png.stat().st_size > 10_000
        STATS["screenshots"].extend([pdf.name, png.name])


LEGAL_PAGES = {
    "it": ["/it/accessibilita/", "/it/privacy/", "/it/note-legali/"],
    "en": ["/en/accessibility/", "/en/privacy-notice/", "/en/legal-notes/"],
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_legal_pages_pass_axe(web, axe_source, language):
    page = web.new_page(locale=f"{language}-{language.upper()}")
    axe = AxeReport(axe_source)
    for url in LEGAL_PAGES[language]:
        assert page.goto(url).status == 200, url
        axe.check(page)
    axe.assert_clean()


def test_without_javascript_printed_links_show_their_path(web):
    page = web.new_page(viewport=A4, java_script_enabled=False)
    assert page.goto(PRINTED["service sheet"]).status == 200
    page.emulate_media(media="print")
    links = [link for link in page.evaluate(CONTENT_LINK) if not link["label"]]
    assert links
    for link in links:
        assert link["after"] == f'" ({link["href"]})"', link

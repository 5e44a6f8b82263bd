"""Links told from text, tables that scroll reachable from the keyboard (issue 11, a
tester's review at phone width).

- WCAG 1.4.1 (use of colour): a link in a list of links (the programme page's "On this
  page" index, the partner area's and the account pages' menus) was drawn in the body
  text's colour, rgb(26,26,26), without an underline. Every such link is underlined or
  differs from the text around it by 3:1.
- WCAG 2.1.1 / axe's scrollable-region-focusable: a table wider than a 320px phone
  scrolls inside its `.table-responsive` box; that box takes the keyboard's focus, shows
  it, and is named, so a keyboard user can scroll it and a screen reader says what it is.
"""

import re

import pytest

from tests.browser.conftest import ROOT
from tests.browser.helpers import sign_in
from tests.partner_helpers import make_organisation, partner_path

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["it", "en"]
PROGRAMME = {"it": "/it/programma/", "en": "/en/programme/"}

# For each link: every piece of its text underlined (text-decoration set on the text's
# element or an ancestor up to the link), or the link's colour 3:1 from the main text's.
LINKS_JS = """
(selector) => {
  const luminance = (value) => {
    const p = value.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
  };
  const ratio = (a, b) => {
    const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  const underlined = (link, node) => {
    for (let n = node; n; n = n.parentElement) {
      if (getComputedStyle(n).textDecorationLine.includes('underline')) return true;
      if (n === link) return false;
    }
    return false;
  };
  const text = getComputedStyle(document.querySelector('main') || document.body).color;
  return [...document.querySelectorAll(selector)].filter((a) => a.offsetParent).map((a) => {
    const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
    let all = true;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.textContent.trim() && !underlined(a, node.parentElement)) all = false;
    }
    return {text: a.textContent.trim(), underlined: all,
            ratio: Math.round(ratio(getComputedStyle(a).color, text) * 100) / 100};
  });
}
"""


def _indistinct(page, selector):
    links = page.evaluate(LINKS_JS, selector)
    assert links, f"no link matches {selector} on {page.url}"
    return [f"{page.url}: «{link['text']}» not underlined, {link['ratio']}:1 from the text"
            for link in links if not link["underlined"] and link["ratio"] < 3]


@pytest.mark.parametrize("language", LANGUAGES)
def test_links_in_side_indexes_and_menus_are_told_from_text(web, language):
    page = web.new_page()
    page.goto(PROGRAMME[language])
    problems = _indistinct(page, "main aside .link-list a")

    _organisation, admin = make_organisation()
    page = web.new_page()
    sign_in(page.context, admin, web.origin)
    page.goto(partner_path(language, "/"))
    problems += _indistinct(page, "main .partner-nav .link-list a")
    page.goto(f"/{language}/accounts/email/")
    problems += _indistinct(page, "main .link-list-wrapper .link-list a")
    assert not problems, "links told from text by colour only:\n" + "\n".join(problems)


def test_the_link_check_fails_on_the_programme_page_as_it_was(web):
    """Without the site's rule for lists of links, the side index is as the tester found
    it: body-coloured, not underlined."""
    css = (ROOT / "static" / "css" / "site.css").read_text()
    before = re.sub(r"(\.cmp-navscroll \.link-list-wrapper )?\.link-list a"
                    r"(\[aria-current\]|\.active)? \{[^}]*\}", "", css)
    assert before != css
    page = web.new_page()
    page.route("**/css/site.css", lambda route: route.fulfill(
        status=200, content_type="text/css", body=before))
    page.goto(PROGRAMME["it"])
    assert _indistinct(page, "main aside .link-list a")


@pytest.mark.parametrize("language", LANGUAGES)
def test_tables_that_scroll_on_a_phone_can_be_reached_and_are_named(web, language):
    _organisation, admin = make_organisation(
        admin_email="amministrazione.lunghissima.del.personale@example.org")
    page = web.new_page(viewport={"width": 320, "height": 800})
    sign_in(page.context, admin, web.origin)
    problems = []
    for url in (partner_path(language, "/membri/"), f"/{language}/accounts/sessions/"):
        page.goto(url)
        regions = page.locator(".table-responsive")
        assert regions.count() >= 1, url
        for index in range(regions.count()):
            region = regions.nth(index)
            if region.get_attribute("tabindex") != "0" or region.get_attribute("role") != "region":
                problems.append(f"{url}: table box {index} cannot take the keyboard's focus")
                continue
            if not (region.get_attribute("aria-label") or "").strip():
                problems.append(f"{url}: table box {index} has no name")
            region.focus()
            outline = region.evaluate("(e) => getComputedStyle(e).outlineStyle")
            if page.evaluate("() => document.activeElement.classList.contains("
                             "'table-responsive')") and outline == "none":
                problems.append(f"{url}: table box {index} shows no focus")
        # The members' table is wider than the phone: it scrolls inside its box, which
        # the keyboard reaches.
    page.goto(partner_path(language, "/membri/"))
    wide = page.evaluate("() => [...document.querySelectorAll('.table-responsive')]"
                         ".some((box) => box.scrollWidth > box.clientWidth)")
    assert wide, "the test needs a table wider than a 320px phone"
    assert not problems, "\n".join(problems)

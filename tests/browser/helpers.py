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
        "/it/prenota-appuntamento/",              # BookingPage (its first step)
        "/it/dati-aperti/",                       # OpenDataPage
        "/it/il-programma-in-numeri/",            # OutcomesPage
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
        "/en/book-an-appointment/",
        "/en/open-data/",
        "/en/the-programme-in-numbers/",
        "/en/search/?q=groups",
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


def run_axe(page, axe_source, resolved_contrast=False):
    """axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now: the violations.

    axe reports a colour contrast it cannot decide (text over a background it cannot
    see through, a colour set by a parent rule) as *incomplete*, not as a violation: a
    button with contrast 1:1 passed that way. Each such element is checked again with
    the contrast computed in the browser (`contrast_problems`); what that does not clear
    is returned as a violation too. With ``resolved_contrast`` every incomplete colour
    contrast is a violation, whatever the browser computes (issue 17's acceptance: 0
    unresolved colour-contrast results on its pages and states).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol: a strict Content-Security-Policy,
        # which would block a <script> tag, does not apply.
        page.evaluate(axe_source)
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations', 'incomplete']})",
        WCAG_TAGS,
    )
    violations = result["violations"]
    undecided = []
    for check in result["incomplete"]:
        if check["id"] != "color-contrast":
            continue
        for node in check["nodes"]:
            selector = node["target"][-1] if node["target"] else ""
            problems = contrast_problems(page, selector=selector) if selector else []
            if resolved_contrast:
                reasons = [check["message"] for check in node.get("any", [])]
                problems = [*problems, *(f"axe: {reason}" for reason in reasons)]
                undecided.append({"target": node["target"], "failureSummary": "\n".join(
                    problems or ["axe could not decide the contrast"])})
            elif problems or not selector:
                undecided.append({"target": node["target"], "failureSummary": "\n".join(
                    problems or ["axe could not decide and the element was not found"])})
    if undecided:
        violations = [*violations, {
            "id": "color-contrast (axe: incomplete)", "impact": "serious",
            "help": "Text contrast axe could not decide, computed in the browser",
            "helpUrl": "https://www.w3.org/TR/WCAG21/#contrast-minimum", "nodes": undecided,
        }]
    return violations


# The contrast of what a person reads on a button or a link, computed in the browser:
# the text's colour against the first opaque background up the tree (semi-transparent
# layers blended on the way), with WCAG 2.x's relative luminance and ratio
# (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio): 4.5:1 for normal text, 3:1 for
# large text (24px, or 18.66px bold). A background image or gradient on the way cannot be
# computed: it is reported as such. ``root`` limits the check to one element's subtree.
CONTRAST_JS = """
(args) => {
  const [selector, root] = args;
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  // An icon drawn as a background image beside the text (Bootstrap Italia's alerts):
  // one image, not repeated, placed and sized in px, not under the text's box.
  const iconBeside = (node, style, textBox) => {
    if (/gradient\\(/.test(style.backgroundImage) || style.backgroundRepeat !== 'no-repeat') {
      return false;
    }
    const px = (value) => (/^-?[\\d.]+px$/.test(value) ? parseFloat(value) : NaN);
    const [x, y] = style.backgroundPosition.split(' ').map(px);
    const [width, height] = style.backgroundSize.split(' ').map(px);
    if ([x, y, width, height].some(Number.isNaN)) return false;
    const box = node.getBoundingClientRect();
    const left = box.left + parseFloat(style.borderLeftWidth) + x;
    const top = box.top + parseFloat(style.borderTopWidth) + y;
    return left + width <= textBox.left || textBox.right <= left
      || top + height <= textBox.top || textBox.bottom <= top;
  };
  const background = (element, textBox) => {
    const layers = [];
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage && style.backgroundImage !== 'none'
          && !iconBeside(node, style, textBox)) return null;
      const colour = parse(style.backgroundColor);
      if (colour && colour[3] > 0) {
        layers.push(colour);
        if (colour[3] >= 1) break;
      }
    }
    let result = [255, 255, 255, 1];  // the canvas
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const visible = (element) => {
    if (!element.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
    const box = element.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) return false;
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.clip === 'rect(0px, 0px, 0px, 0px)' || style.clipPath === 'inset(50%)') {
        return false;
      }
    }
    return true;
  };
  const describe = (element) => {
    let text = element.tagName.toLowerCase();
    if (element.id) text += '#' + element.id;
    for (const name of element.classList) text += '.' + name;
    return text;
  };
  const scope = root ? document.querySelector(root) : document;
  const results = [];
  for (const element of scope.querySelectorAll(selector)) {
    if (!visible(element)) continue;
    // Every piece of text inside: a link's icon label or <span> may have its own colour.
    const holders = new Map();  // element -> the box of its own text
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      if (!text.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(text);
      const box = range.getBoundingClientRect();
      const known = holders.get(text.parentElement);
      holders.set(text.parentElement, known ? {
        left: Math.min(known.left, box.left), top: Math.min(known.top, box.top),
        right: Math.max(known.right, box.right), bottom: Math.max(known.bottom, box.bottom),
      } : box);
    }
    for (const [holder, textBox] of holders) {
      if (!visible(holder)) continue;
      const style = getComputedStyle(holder);
      const back = background(holder, textBox);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const entry = {
        element: describe(element), text: holder.textContent.trim().slice(0, 60),
        colour: style.color, background: back ? `rgb(${back.slice(0, 3).map(Math.round)})` : null,
        ratio: null, required: large ? 3 : 4.5,
      };
      if (back) {
        entry.ratio = Math.round(ratio(over(parse(style.color), back), back) * 100) / 100;
      }
      results.push(entry);
    }
  }
  return results;
}
"""
BUTTONS_AND_LINKS = "a[href], button, .btn, input[type=submit], input[type=button], summary"
# Text the site sets on a coloured background of its own: status badges (a sentence on
# the partner dashboard), alerts, callouts, Bootstrap's `bg-*` boxes.
ON_COLOUR = ".badge, .alert, .callout, [class^='bg-'], [class*=' bg-']"
READABLE = f"{BUTTONS_AND_LINKS}, {ON_COLOUR}"


def contrast_problems(page, selector=READABLE, root=None):
    """The visible buttons, links, badges and other text on a coloured background
    (`READABLE`) whose text is below WCAG's contrast minimum, or whose background cannot
    be computed: a list of readable lines."""
    problems = []
    for entry in page.evaluate(CONTRAST_JS, [selector, root]):
        if entry["ratio"] is None:
            problems.append(f"{entry['element']} «{entry['text']}»: {entry['colour']} on a "
                            "background image or gradient: contrast not computable")
        elif entry["ratio"] < entry["required"]:
            problems.append(f"{entry['element']} «{entry['text']}»: {entry['colour']} on "
                            f"{entry['background']}, contrast {entry['ratio']}:1 "
                            f"(needs {entry['required']}:1)")
    return problems


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

    def __init__(self, axe_source, record=True, resolved_contrast=False):
        self.axe_source = axe_source
        self.record = record  # in the run's summary (not the broken test page)
        # Every colour contrast decided by axe itself (`run_axe`).
        self.resolved_contrast = resolved_contrast
        self.pages = []
        self.problems = []

    def check(self, page, note=None):
        """axe on the page as it is now, and the computed contrast of every visible
        button, link and badge (`contrast_problems`); ``note`` names a state ("errors",
        "menu open")."""
        violations = run_axe(page, self.axe_source, resolved_contrast=self.resolved_contrast)
        url = _path(page.url) + (f" ({note})" if note else "")
        self.pages.append(url)
        if self.record:
            STATS["axe"].append(url)
        if violations:
            self.problems.append(describe_violations(url, violations))
        contrast = contrast_problems(page)
        if contrast:
            self.problems.append("\n".join(f"{url}: contrast: {line}" for line in contrast))
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

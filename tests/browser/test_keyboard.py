"""Keyboard only: the intake form is filled in and sent with Tab, Space and Enter (plus
typing, and the arrow keys that choose an option in a drop-down list), and every element
that receives focus on the way shows it."""

import re

import pytest

from programme.models import ParticipationRequest
from tests.browser.helpers import STATS

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The focused element, looking inside shadow roots, described for the test and the report.
FOCUSED = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el || el === document.body) return null;
  return {tag: el.tagName.toLowerCase(), name: el.getAttribute('name') || '',
          type: el.getAttribute('type') || '', id: el.id || '', checked: !!el.checked,
          value: el.value || '', text: (el.innerText || el.value || '').trim().slice(0, 40),
          inWidget: !!el.closest('altcha-widget') || el.getRootNode() !== document};
}"""

# Whether the focused element looks different from its unfocused self. Compares the
# styles that draw a focus indicator on the element and on its labels (Bootstrap Italia
# hides radios and checkboxes and draws them, and their focus ring, on the label and its
# ::before/::after). The element is blurred and focused again to see both states.
FOCUS_IS_VISIBLE = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  const parts = [el, ...(el.labels ? Array.from(el.labels) : [])];
  const props = ['outline-style', 'outline-width', 'outline-color', 'box-shadow',
                 'border-top-color', 'border-bottom-color', 'background-color', 'color',
                 'text-decoration-line'];
  const look = () => parts.flatMap(node => [null, '::before', '::after'].map(pseudo => {
    const style = getComputedStyle(node, pseudo);
    return props.map(p => style.getPropertyValue(p)).join('|');
  })).join('\\n');
  const rects = parts.map(node => node.getBoundingClientRect())
                     .filter(r => r.width > 0 && r.height > 0);
  const onScreen = rects.some(r => r.bottom > 0 && r.top < innerHeight
                                   && r.right > 0 && r.left < innerWidth);
  const focused = look();
  el.blur();
  const unfocused = look();
  el.focus();
  return {onScreen, differs: focused !== unfocused};
}"""


def press(page, key):
    page.keyboard.press(key)
    focused = page.evaluate(FOCUSED)
    if focused is not None:
        state = page.evaluate(FOCUS_IS_VISIBLE)
        assert state["onScreen"], f"after {key}, the focused element is off screen: {focused}"
        assert state["differs"], f"after {key}, focus is not visible on {focused}"
        STATS["focus stops"].append(focused)
    return focused


def test_the_intake_form_with_the_keyboard_only(web, fast_forms):
    page = web.new_page(reduced_motion="reduce")  # no transitions: styles settle at once
    page.goto("/it/partecipa/")

    # The first Tab reaches the skip link; Enter jumps to the content.
    focused = press(page, "Tab")
    assert focused["tag"] == "a" and focused["text"] == "Vai ai contenuti", focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"

    texts = {"first_name": "Giulia", "last_name": "Rossi", "email": "giulia.rossi@example.org",
             "phone": "02 884 47502", "note": "Preferisco il martedì."}
    visited = []
    for _step in range(120):
        focused = press(page, "Tab")
        assert focused is not None, "focus left the page before the form was sent"
        visited.append(focused["name"] or focused["text"] or focused["tag"])
        name, kind = focused["name"], focused["type"]
        if name in texts:
            page.keyboard.type(texts.pop(name))
        elif focused["tag"] == "select" and not focused["value"]:
            page.keyboard.press("ArrowDown")  # the first real option
        elif kind == "radio" and name == "preferred_channel":
            page.keyboard.press("Space")
        elif (name, focused["value"]) in {("privacy", "on"), ("preferred_times", "mornings")} \
                and not focused["checked"]:
            page.keyboard.press("Space")
        elif focused["inWidget"] and kind == "checkbox" and not focused["checked"]:
            page.keyboard.press("Space")  # the anti-spam check, if it has not run yet
        elif focused["tag"] == "button" and kind == "submit":
            page.wait_for_function(
                "() => document.querySelector('altcha-widget input[name=altcha]')?.value")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            break
    else:
        pytest.fail(f"never reached the submit button; focus went through: {visited}")

    assert not texts, f"fields never reached with Tab: {sorted(texts)}"
    page.wait_for_url("**/it/partecipa/conferma/")
    reference = page.locator(".reference-code").inner_text()
    assert re.fullmatch(r"MA-\d{4}-\d{5}", reference)
    stored = ParticipationRequest.objects.get(reference=reference)
    assert stored.first_name == "Giulia"
    assert stored.preferred_channel == "email"
    assert stored.prefers_mornings and not stored.prefers_afternoons
    assert stored.employment_status and stored.situation_since and stored.heard_from
    assert stored.note == "Preferisco il martedì."
    assert stored.privacy_notice_version

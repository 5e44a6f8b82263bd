"""The facilitators' area on a 375 px phone, as a facilitator uses it (issue 20, part
A2b): the meetings list, a meeting's register marked by tapping and saved, a meeting
moved and another cancelled, each with its confirmation; in Italian and English.

Every page and state: axe-core's WCAG 2.0/2.1 A+AA rules with 0 violations (an
undecided colour contrast counts, as in the rest of the suite: helpers.run_axe), the
Nu HTML Checker with 0 errors on the HTML the server sent, no horizontal scroll, and
every button, radio and link of the area at least 44 × 44 CSS px (WCAG 2.5.5's target
size, the minimum the developers' guide asks of touch targets)."""

import datetime
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from facilitation.models import AttendanceRecord
from programme.models import MeetingChange, ParticipationRequest
from tests.browser.conftest import ROOT
from tests.browser.helpers import STATS, AxeReport, sign_in, tick
from tests.facilitation_helpers import daily_group, make_facilitator, not_holiday, seat, today

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SMALL_PHONE = {"width": 375, "height": 812}
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WORDS = {
    "it": {"area": "/it/facilitatori/", "meetings": "incontri",
           "save": "Salva le presenze", "saved": "Presenze salvate",
           "present": "Presente", "absent": "Assente",
           "move": "Registra lo spostamento dell’incontro", "continue": "Continua",
           "yes_move": "Sì, sposta l’incontro", "cancel": "Annulla l’incontro",
           "yes_cancel": "Sì, annulla l’incontro", "errors": "Controlla il modulo"},
    "en": {"area": "/en/facilitators/", "meetings": "meetings",
           "save": "Save attendance", "saved": "Attendance saved",
           "present": "Present", "absent": "Absent",
           "move": "Record that the meeting was moved", "continue": "Continue",
           "yes_move": "Yes, move the meeting", "cancel": "Cancel the meeting",
           "yes_cancel": "Yes, cancel the meeting", "errors": "Please check the form"},
}
# What a finger taps in the area: its buttons (links drawn as buttons, the radios'
# labels) and the links of its own menu.
TARGETS = (".facilitation-area .btn, .facilitation-area button, "
           ".facilitation-area .link-list a")


def layout_problems(page, state):
    """Horizontal scroll and touch targets under 44 × 44 px, as readable lines."""
    problems = []
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > SMALL_PHONE["width"]:
        problems.append(f"{state}: the page is {width} px wide (horizontal scroll)")
    small = page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
        .filter((e) => e.checkVisibility())
        .map((e) => { const b = e.getBoundingClientRect();
                      return [e.textContent.trim().slice(0, 40), b.width, b.height]; })
        .filter(([, w, h]) => w < 44 || h < 44)""", TARGETS)
    problems.extend(f"{state}: «{text}» is {w:.0f} × {h:.0f} px (needs 44 × 44)"
                    for text, w, h in small)
    return problems


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_facilitators_area_on_a_phone(web, axe_source, language, tmp_path):
    words = WORDS[language]
    group = daily_group(0)  # meets every day at midnight: today's meeting has begun
    facilitator = make_facilitator(f"anna-{language}@comune.example.org", [group],
                                   language=language)
    came, missed = seat(group, first="Marta", last="Colombo"), seat(group, first="Luca",
                                                                     last="Bianchi")
    moved_day = not_holiday(today() + datetime.timedelta(days=2))
    cancelled_day = not_holiday(moved_day + datetime.timedelta(days=1))
    new_day = not_holiday(cancelled_day + datetime.timedelta(days=1))

    page = web.new_page(viewport=SMALL_PHONE, locale=f"{language}-IT")
    sign_in(page.context, facilitator, web.origin)
    axe = AxeReport(axe_source)
    served, layout = [], []

    def check(state, response=None):
        """axe and the layout on the page as it is; the server's HTML for the checker."""
        axe.check(page, note=state)
        layout.extend(layout_problems(page, state))
        if response is not None:
            served.append((f"{language}: {state}", response.text()))

    def tap_and_wait(locator):
        with page.expect_navigation() as navigation:
            locator.click()
        return navigation.value

    # The meetings list.
    check("meetings", page.goto(words["area"]))
    assert page.locator("h1").inner_text()
    meeting_links = page.locator("a.facilitation-meeting")
    assert meeting_links.count() >= 3

    # Today's register: tap Present for one, Absent for the other, save.
    today_link = page.locator(
        f"a.facilitation-meeting[href*='/{today():%Y-%m-%d}/0000/']").first
    check("register", tap_and_wait(today_link))
    form = page.locator("form.attendance-form")
    tick(form, f"input[name=p{came.pk}][value=present]")
    tick(form, f"input[name=p{missed.pk}][value=absent]")
    check("register, marked")
    # What was tapped shows: the chosen button filled and ticked, the other not.
    def looks(selector):
        label = form.locator(f"label[for='{form.locator(selector).get_attribute('id')}']")
        return label.evaluate(
            "(l) => [getComputedStyle(l).backgroundColor,"
            " getComputedStyle(l, '::before').content]")
    chosen, other = (looks(f"input[name=p{came.pk}][value=present]"),
                     looks(f"input[name=p{came.pk}][value=absent]"))
    assert chosen[0] != other[0] and "\u2713" in chosen[1] and "\u2713" not in other[1], (
        chosen, other)
    saved = tap_and_wait(form.get_by_role("button", name=words["save"]))
    assert words["saved"] in page.content()
    check("register, saved", saved)
    web.settle()
    marks = dict(AttendanceRecord.objects.values_list("request_id", "present"))
    assert marks == {came.pk: True, missed.pk: False}
    assert ParticipationRequest.objects.get(pk=came.pk).status == "attending"
    assert page.locator(f"input[name=p{came.pk}][value=present]").is_checked()

    # A garbled answer (a radio's value altered): refused whole, said at the top and at
    # the person's name.
    form = page.locator("form.attendance-form")
    radio = form.locator(f"input[name=p{missed.pk}][value=absent]")
    radio_id = radio.get_attribute("id")
    radio.evaluate("(input) => { input.value = 'maybe'; }")
    tick(form, f"#{radio_id}")
    refused = tap_and_wait(form.get_by_role("button", name=words["save"]))
    assert refused.status == 400
    check("register, refused", refused)
    web.settle()
    assert AttendanceRecord.objects.get(request=missed).present is False

    # A coming meeting moved: the form, its errors, the confirmation, done.
    check("coming meeting", page.goto(f"{words['area']}{words['meetings']}/{group.pk}/"
                                      f"{moved_day:%Y-%m-%d}/0000/"))
    check("move", tap_and_wait(page.get_by_role("link", name=words["move"])))
    move_form = page.locator("form.site-form")
    move_form.locator("[name=new_end]").fill("")
    errors = tap_and_wait(move_form.get_by_role("button", name=words["continue"]))
    assert errors.status == 400 and words["errors"] in page.content()
    check("move, errors", errors)
    move_form = page.locator("form.site-form")
    move_form.locator("[name=new_day]").fill(f"{new_day:%Y-%m-%d}")
    move_form.locator("[name=new_start]").fill("18:00")
    move_form.locator("[name=new_end]").fill("19:30")
    confirmation = tap_and_wait(move_form.get_by_role("button", name=words["continue"]))
    check("move, confirmation", confirmation)
    done = tap_and_wait(page.get_by_role("button", name=words["yes_move"]))
    check("meetings, after the move", done)

    # Another coming meeting cancelled, after its confirmation.
    page.goto(f"{words['area']}{words['meetings']}/"
              f"{group.pk}/{cancelled_day:%Y-%m-%d}/0000/")
    check("cancel", tap_and_wait(page.get_by_role("link", name=words["cancel"])))
    done = tap_and_wait(page.get_by_role("button", name=words["yes_cancel"]))
    check("meetings, after the cancellation", done)
    web.settle()
    kinds = sorted(MeetingChange.objects.values_list("kind", flat=True))
    assert kinds == ["cancelled", "moved"], kinds

    # A wrong address inside the area: its own not-found page.
    missing = page.goto(f"{words['area']}{words['meetings']}/"
                        f"{group.pk}/2026-02-30/0000/")
    assert missing.status == 404
    check("not found", missing)

    axe.assert_clean()
    assert not layout, "\n".join(layout)
    problems = html_errors(served, tmp_path)
    assert not problems, f"{len(problems)} HTML errors:\n" + "\n".join(problems)


def html_errors(served, folder):
    """The Nu HTML Checker's errors on the pages the server sent (one JVM for all)."""
    java = shutil.which("java")
    if not java or not VNU_JAR.exists():
        STATS["warnings"].append("HTML CHECK SKIPPED (facilitators' area): no java or vnu.jar")
        return []
    labels = {}
    for index, (label, html) in enumerate(served):
        path = folder / f"{index:02d}.html"
        path.write_text(html)
        labels[str(path.resolve())] = label
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
                             "--stdout", *labels], capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    STATS["html"].extend(labels.values())
    problems = []
    for message in json.loads(result.stdout or "{}").get("messages", []):
        path = str(Path(message.get("url", "").removeprefix("file:")).resolve())
        problems.append(f"{labels.get(path, path)}:{message.get('lastLine', '?')}: "
                        f"{message.get('message')}  «{(message.get('extract') or '')[:120]}»")
    return problems

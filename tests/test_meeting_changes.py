"""Issue 20 (part A1): a facilitator cancels or moves one meeting of a group
(programme.meeting_changes). The change is public at once — groups page, iCalendar feeds,
open data, JSON-LD, the attendance sheet's chooser —, survives any later publication or
revert of the group, renews the cached pages, and the people seated in the group, their
referring partner and the Segreteria are told."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from icalendar import Calendar

from programme import attendance
from programme.meeting_changes import cancel_meeting, move_meeting
from programme.models import (
    CancelledMeeting,
    Group,
    GroupIndexPage,
    MeetingChange,
    MeetingSlot,
    ParticipationRequest,
)
from programme.schedule import MILAN, is_public_holiday, upcoming_meetings
from tests.admin_helpers import make_segreteria, speaks
from tests.partner_helpers import make_organisation

pytestmark = pytest.mark.django_db

PAGE = {"it": "/it/gruppi/", "en": "/en/groups/"}
MEETINGS_DATA = {"it": "/it/dati-aperti/prossimi-incontri.json",
                 "en": "/en/open-data/upcoming-meetings.json"}
FACILITATOR_REASON = {"it": "deciso dal facilitatore del gruppo",
                      "en": "decided by the group's facilitator"}
MOVED = {"it": "spostato a", "en": "moved to"}
TEN, NOON = datetime.time(10, 0), datetime.time(12, 0)


@pytest.fixture
def facilitator(django_user_model):
    return django_user_model.objects.create_user(
        username="facilitatore", email="facilitatore@example.org", password="x" * 12)


@pytest.fixture
def group():
    """The demo's "Ripartire insieme" (Tuesdays 10:00–12:00), meeting, no cancelled date."""
    group = Group.objects.canonical().get(name="Ripartire insieme")
    Group.objects.filter(pk=group.pk).update(status=Group.Status.AUTOMATIC)
    CancelledMeeting.objects.filter(group__translation_key=group.translation_key).delete()
    group.refresh_from_db()
    return group


def slot_of(group):
    return MeetingSlot.objects.filter(group=group).order_by("sort_order", "pk").first()


def meeting_day(group, weeks=1):
    """A date the group's first slot meets, `weeks` weeks ahead or later, no holiday."""
    slot = slot_of(group)
    today = timezone.localdate()
    day = today + datetime.timedelta(days=(slot.weekday - today.weekday()) % 7 + 7 * weeks)
    while is_public_holiday(day):
        day += datetime.timedelta(days=7)
    return day


def last_meeting_day(group):
    """The last date before today the group's first slot met, no holiday (counting back
    from next week's date would land on 8 December when the 15th is the next one held)."""
    slot = slot_of(group)
    today = timezone.localdate()
    day = today - datetime.timedelta(days=(today.weekday() - slot.weekday) % 7 or 7)
    while is_public_holiday(day):
        day -= datetime.timedelta(days=7)
    return day


def meeting_days(group, count):
    """`count` distinct dates the group's first slot meets, from a week ahead."""
    days = [meeting_day(group)]
    while len(days) < count:
        day = days[-1] + datetime.timedelta(days=7)
        while is_public_holiday(day):
            day += datetime.timedelta(days=7)
        days.append(day)
    return days


def aware(day, time):
    return datetime.datetime.combine(day, time, tzinfo=MILAN)


def meetings_of(group, start, days=1):
    [listed] = list(Group.objects.for_listing().filter(pk=group.pk))
    return upcoming_meetings([listed], start, days)


def groups_page(language, client=None):
    response = (client or Client()).get(PAGE[language])
    assert response.status_code == 200
    return response.content.decode()


def meeting_items(html):
    """The "Next meetings" list items: [(css class, text)]."""
    return re.findall(r'<li class="border-bottom py-2( meeting-cancelled)?">(.*?)</li>',
                      html, re.S)


def item_at(html, moment):
    """(cancelled?, text) of the list item of the meeting starting at `moment`."""
    for cancelled, text in meeting_items(html):
        if f'datetime="{moment.isoformat()}"' in text:
            return bool(cancelled), re.sub(r"\s+", " ", text)
    return None


def group_feed(language, group):
    page = GroupIndexPage.objects.get(locale__language_code=language)
    response = Client().get(page.url + page.reverse_subpage("calendar_group", args=[group.pk]))
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def exdates(event):
    values = event.get("EXDATE")
    if values is None:
        return set()
    values = values if isinstance(values, list) else [values]
    return {d.dt for value in values for d in value.dts}


def dataset_rows(language, group):
    rows = Client().get(MEETINGS_DATA[language]).json()["rows"]
    return [r for r in rows if r["group_id"] == str(group.translation_key)]


def json_ld(html):
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block)
    return data["@graph"] if "@graph" in data else [data]


def series_of(nodes, group):
    return next(n for n in nodes if n.get("@type") == "EventSeries"
                and n["@id"].endswith(f"#group-{group.translation_key}"))


# --- Cancelled ---------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["it", "en"])
def test_a_cancelled_meeting_shows_cancelled_with_the_standard_reason(
        group, facilitator, language):
    day = meeting_day(group)
    change = cancel_meeting(group, day, TEN, by=facilitator)
    assert (change.kind, change.changed_by, change.group) == ("cancelled", facilitator, group)
    cancelled, text = item_at(groups_page(language), aware(day, TEN))
    assert cancelled
    assert FACILITATOR_REASON[language] in text.replace("&#x27;", "'")
    assert {"it": "Annullato", "en": "Cancelled"}[language] in text


def test_a_cancelled_meeting_leaves_the_feeds_the_open_data_and_the_json_ld(
        group, facilitator):
    day = meeting_day(group)
    cancel_meeting(group, day, TEN, by=facilitator)
    for language in ("it", "en"):
        [event] = group_feed(language, group).walk("VEVENT")
        assert aware(day, TEN) in exdates(event)
        row = next(r for r in dataset_rows(language, group) if r["date"] == day.isoformat())
        assert row["status"] == "cancelled"
        assert row["cancellation_reason"] == FACILITATOR_REASON[language]
        nodes = json_ld(groups_page(language))
        assert not [n for n in nodes if n.get("@type") == "Event"
                    and n["startDate"] == aware(day, TEN).isoformat()]
        [schedule] = series_of(nodes, group)["eventSchedule"]
        assert day.isoformat() in schedule["exceptDate"]
    # The other meetings are still there.
    assert any(r["status"] == "scheduled" for r in dataset_rows("it", group))


def test_cancelling_twice_returns_the_same_change_and_tells_no_one_again(
        group, facilitator, django_capture_on_commit_callbacks):
    day = meeting_day(group)
    make_person(group, 1, "it")
    with django_capture_on_commit_callbacks(execute=True):
        first = cancel_meeting(group, day, TEN, by=facilitator)
    sent = len(mail.outbox)
    assert sent == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = cancel_meeting(group, day, TEN, by=facilitator)
    assert again.pk == first.pk
    assert len(mail.outbox) == sent
    assert MeetingChange.objects.filter(group=group).count() == 1


# --- Moved -------------------------------------------------------------------------------

def test_a_moved_meeting_is_shown_at_its_new_time_everywhere(
        client, group, facilitator, django_user_model):
    day = meeting_day(group)
    new_day = day + datetime.timedelta(days=2)
    while is_public_holiday(new_day):
        new_day += datetime.timedelta(days=1)
    new_start, new_end = datetime.time(16, 30), datetime.time(18, 0)
    move_meeting(group, day, TEN, new_day=new_day, new_start=new_start, new_end=new_end,
                 by=facilitator)
    old, new = aware(day, TEN), aware(new_day, new_start)
    for language in ("it", "en"):
        html = groups_page(language)
        cancelled, text = item_at(html, old)
        assert cancelled and MOVED[language] in text and "16:30–18:00" in text
        cancelled, text = item_at(html, new)
        assert not cancelled and "18:00" in text
        nodes = json_ld(html)
        [event] = [n for n in nodes if n.get("@type") == "Event"
                   and n["startDate"] == new.isoformat()]
        assert event["endDate"] == aware(new_day, new_end).isoformat()
        assert not [n for n in nodes if n.get("@type") == "Event"
                    and n["startDate"] == old.isoformat()]
        calendar = group_feed(language, group)
        weekly, one_off = sorted(calendar.walk("VEVENT"), key=lambda e: "RRULE" not in e)
        assert old in exdates(weekly)
        assert one_off["DTSTART"].dt == new and one_off["DTEND"].dt == aware(new_day, new_end)
        assert "RRULE" not in one_off
        rows = dataset_rows(language, group)
        moved = next(r for r in rows if r["date"] == new_day.isoformat())
        assert moved["status"] == "scheduled"
        assert moved["starts_at"] == new.isoformat()
        original = next(r for r in rows if r["date"] == day.isoformat())
        assert original["status"] == "cancelled"
    # The attendance sheet's chooser offers the new date, and its sheet opens.
    segreteria = make_segreteria(django_user_model)
    client.force_login(segreteria)
    speaks(segreteria, "it")
    chooser = client.get(f"/admin/group-seats/{group.pk}/attendance/").content.decode()
    assert f"/admin/group-seats/{group.pk}/attendance/{new_day:%Y-%m-%d}/" in chooser
    listed = Group.objects.for_listing().get(pk=group.pk)
    [meeting] = attendance.meetings_on(listed, new_day, timezone.localdate())
    assert meeting.start == new


def test_a_meeting_moved_within_its_day_has_a_sheet_at_the_new_time(group, facilitator):
    day = meeting_day(group)
    move_meeting(group, day, TEN, new_day=day, new_start=datetime.time(14, 0),
                 new_end=datetime.time(16, 0), by=facilitator)
    listed = Group.objects.for_listing().get(pk=group.pk)
    [meeting] = attendance.meetings_on(listed, day, timezone.localdate())
    assert meeting.start == aware(day, datetime.time(14, 0))


def test_a_moved_meeting_is_moved_again_or_cancelled_by_its_new_time(group, facilitator):
    day = meeting_day(group)
    new_day = day + datetime.timedelta(days=1)
    first = move_meeting(group, day, TEN, new_day=new_day, new_start=TEN, new_end=NOON,
                         by=facilitator)
    again = move_meeting(group, new_day, TEN, new_day=new_day, new_start=NOON,
                         new_end=datetime.time(13, 0), by=facilitator)
    assert again.pk == first.pk and again.new_start == NOON
    held = [m for m in meetings_of(group, day, 3) if not m.cancelled]
    assert [m.start for m in held] == [aware(new_day, NOON)]
    cancelled = cancel_meeting(group, new_day, NOON, by=facilitator)
    assert cancelled.pk == first.pk and cancelled.kind == "cancelled"
    assert not [m for m in meetings_of(group, day, 3) if not m.cancelled]
    # The old time names no meeting of its own any more: a clear message.
    with pytest.raises(ValidationError):
        cancel_meeting(group, new_day, TEN, by=facilitator)


# --- Outside the workflow ---------------------------------------------------------------

def test_a_change_survives_a_later_publication_and_a_revert_of_the_group(
        group, facilitator):
    day, other = meeting_days(group, 2)
    older = group.save_revision()
    cancel_meeting(group, day, TEN, by=facilitator)
    move_meeting(group, other, TEN, new_day=other, new_start=NOON,
                 new_end=datetime.time(14, 0), by=facilitator)
    group.refresh_from_db()
    group.description = "Una descrizione nuova"
    group.save_revision().publish()
    older.publish()  # a revert: the revision saved before the changes
    group = Group.objects.get(pk=group.pk)
    assert group.description != "Una descrizione nuova"
    assert MeetingChange.objects.filter(group=group).count() == 2
    meetings = {m.start: m for m in meetings_of(group, day, 15)}
    assert meetings[aware(day, TEN)].cancelled
    assert meetings[aware(other, TEN)].cancelled
    assert not meetings[aware(other, NOON)].cancelled


def test_a_translation_is_read_as_its_canonical_group(group, facilitator):
    english = Group.objects.filter(translation_key=group.translation_key,
                                   locale__language_code="en").first()
    if english is None:
        pytest.skip("the demo group has no English translation")
    change = cancel_meeting(english, meeting_day(group), TEN, by=facilitator)
    assert change.group_id == group.pk


# --- Refused -----------------------------------------------------------------------------

def _refusals(group):
    day = meeting_day(group)
    past = last_meeting_day(group)
    far = day + datetime.timedelta(days=400)
    return {
        "no meeting then": lambda by: cancel_meeting(
            group, day + datetime.timedelta(days=1), TEN, by=by),
        "not at that time": lambda by: cancel_meeting(group, day, NOON, by=by),
        "past": lambda by: cancel_meeting(group, past, TEN, by=by),
        "ends before it starts": lambda by: move_meeting(
            group, day, TEN, new_day=day, new_start=NOON, new_end=TEN, by=by),
        "new day past": lambda by: move_meeting(
            group, day, TEN, new_day=past, new_start=TEN, new_end=NOON, by=by),
        "more than a year ahead": lambda by: move_meeting(
            group, day, TEN, new_day=far, new_start=TEN, new_end=NOON, by=by),
        "the same time": lambda by: move_meeting(
            group, day, TEN, new_day=day, new_start=TEN, new_end=NOON, by=by),
        "onto another meeting": lambda by: move_meeting(
            group, day, TEN, new_day=meeting_days(group, 2)[1], new_start=TEN,
            new_end=NOON, by=by),
    }


EXPECTED = {
    "no meeting then": ("non si riunisce", "does not meet"),
    "not at that time": ("non si riunisce", "does not meet"),
    "past": ("passato", "past"),
    "ends before it starts": ("successiva", "end after"),
    "new day past": ("passato", "past"),
    "more than a year ahead": ("più di un anno", "more than a year"),
    "the same time": ("già a quell", "already at that time"),
    "onto another meeting": ("si riunisce già", "already meets"),
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_changes_are_refused_with_a_localized_message_and_nothing_saved(
        group, facilitator, case):
    for language, expected in zip(("it", "en"), EXPECTED[case], strict=True):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            _refusals(group)[case](facilitator)
        assert expected in refused.value.messages[0], refused.value.messages
    assert not MeetingChange.objects.exists()


def test_an_editors_cancelled_date_is_refused_with_its_reason(group, facilitator):
    day = meeting_day(group)
    CancelledMeeting.objects.create(group=group, date=day, reason="sala chiusa",
                                    locale=group.locale)
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        cancel_meeting(group, day, TEN, by=facilitator)
    assert "già annullato" in refused.value.messages[0]
    assert "sala chiusa" in refused.value.messages[0]


def test_a_moved_meetings_old_time_is_refused_pointing_at_the_new_one(group, facilitator):
    day = meeting_day(group)
    move_meeting(group, day, TEN, new_day=day, new_start=NOON, new_end=datetime.time(14, 0),
                 by=facilitator)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        move_meeting(group, day, TEN, new_day=day, new_start=datetime.time(15, 0),
                     new_end=datetime.time(16, 0), by=facilitator)
    assert "was moved to" in refused.value.messages[0]
    assert "12:00" in refused.value.messages[0]


# --- Caches ------------------------------------------------------------------------------

def test_a_cached_page_feed_and_dataset_show_the_change_at_once(
        settings, group, facilitator, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 300
    day = meeting_day(group)
    client = Client()
    for _ in range(2):  # the second answer comes from the page cache
        assert item_at(groups_page("it", client), aware(day, TEN))[0] is False
        rows = client.get(MEETINGS_DATA["en"]).json()["rows"]
    assert any(r["date"] == day.isoformat() and r["status"] == "scheduled" for r in rows)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_meeting(group, day, TEN, by=facilitator)
    assert item_at(groups_page("it", client), aware(day, TEN))[0] is True
    rows = client.get(MEETINGS_DATA["en"]).json()["rows"]
    assert any(r["date"] == day.isoformat() and r["status"] == "cancelled" for r in rows)


# --- People told -------------------------------------------------------------------------

def make_person(group, n, language, *, email=True, status="assigned", **extra):
    return ParticipationRequest.objects.create(
        first_name=f"Persona{n}", last_name="Prova",
        email=f"p{n}@example.org" if email else "", phone=f"+39333550{n:04d}",
        preferred_channel="email" if email else "phone", employment_status="unemployed",
        situation_since="2026-01-01", heard_from="flyer", privacy_notice_version="t",
        privacy_acknowledged_at="2026-01-01T00:00Z", language=language, status=status,
        group=group, reference=f"MA-2026-9{n:04d}", **extra)


def test_people_partners_and_the_segreteria_are_told_in_their_language(
        group, facilitator, django_user_model, django_capture_on_commit_callbacks):
    segreteria = make_segreteria(django_user_model)
    organisation, referrer = make_organisation()
    italian = make_person(group, 1, "it")
    english = make_person(group, 2, "en", status="attending")
    phone_only = make_person(group, 3, "it", email=False)
    referred = make_person(group, 4, "it", organisation=organisation, referred_by=referrer,
                           source="partner")
    make_person(group, 5, "it", status="waiting")  # not seated: not told
    day = meeting_day(group)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_meeting(group, day, TEN, by=facilitator)

    def to(address):
        return [m for m in mail.outbox if address in m.to]

    [it_mail] = to(italian.email)
    assert "Annullato, data:" in it_mail.body and FACILITATOR_REASON["it"] in it_mail.body
    [en_mail] = to(english.email)
    assert "Cancelled, date:" in en_mail.body and FACILITATOR_REASON["en"] in en_mail.body
    assert len(to(referred.email)) == 1
    [notice] = to(organisation.email)
    assert referred.reference in notice.subject
    assert "Persona4" not in notice.body and referred.email not in notice.body
    [phone] = to(segreteria.email)
    assert phone_only.reference in phone.body and "Persona3" not in phone.body
    assert not to("p5@example.org")
    assert len(mail.outbox) == 3 + 1 + 1


def test_a_move_is_told_as_the_old_date_cancelled_and_the_new_one_added(
        group, facilitator, django_capture_on_commit_callbacks):
    person = make_person(group, 1, "en")
    day = meeting_day(group)
    new_day = day + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        move_meeting(group, day, TEN, new_day=new_day, new_start=datetime.time(16, 0),
                     new_end=datetime.time(18, 0), by=facilitator)
    [message] = mail.outbox
    assert message.to == [person.email]
    assert "Cancelled, date:" in message.body and "moved to" in message.body
    assert "New meeting, date:" in message.body and "16:00–18:00" in message.body


# --- Queries -----------------------------------------------------------------------------

def _queries(client, url):
    # Warm, as in tests/test_query_bounds.py: twice, as the first visit remembers the
    # route and the second the routed page (pagecache.routing).
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_public_reads_do_not_grow_with_the_number_of_changes(group, facilitator):
    page = GroupIndexPage.objects.get(locale__language_code="it")
    urls = [PAGE["it"], PAGE["en"], page.url + page.reverse_subpage("calendar_all"),
            MEETINGS_DATA["it"], "/it/dati-aperti/gruppi.json"]
    client = Client()
    first, *days = meeting_days(group, 7)
    cancel_meeting(group, first, TEN, by=facilitator)
    before = {url: _queries(client, url) for url in urls}
    for n, day in enumerate(days):
        if n % 2:
            cancel_meeting(group, day, TEN, by=facilitator)
        else:
            move_meeting(group, day, TEN, new_day=day + datetime.timedelta(days=1),
                         new_start=TEN, new_end=NOON, by=facilitator)
    for other in Group.objects.canonical().exclude(pk=group.pk)[:4]:
        slot = slot_of(other)
        if slot is None or other.status == Group.Status.PAUSED:
            continue
        day = timezone.localdate() + datetime.timedelta(
            days=(slot.weekday - timezone.localdate().weekday()) % 7 + 14)
        if not is_public_holiday(day):
            cancel_meeting(other, day, slot.start, by=facilitator)
    assert MeetingChange.objects.count() >= 7
    after = {url: _queries(client, url) for url in urls}
    assert before == after

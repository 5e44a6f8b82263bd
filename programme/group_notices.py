"""Telling the people of a group that its meetings changed: a new time, a cancelled or an
added meeting, another venue.

When an editor's change to a group becomes public (programme/group_notice_signals.py
compares the schedule before and after the save), each person assigned to the group or
attending it gets one mail in their language; the organisation that referred them gets
the closed-loop notice, as for a new status (participation.notify_referrer); the people
who gave no email address are listed, by reference only, to the Segreteria, who phone
them. Nothing is sent when nothing a person would notice changed (a new description, a
reworded reason).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import TRIAGE_GROUP
from home.contact import absolute_url
from home.models import office_contacts
from mail.sending import queue_email
from readable.dates import local_date

from .assignment import groups_page_url
from .models.groups import CancelledMeeting, Group
from .models.participation import ParticipationRequest
from .models.venues import Venue
from .schedule import (
    MILAN,
    facilitator_reason,
    is_public_holiday,
    meeting_dates,
    public_holidays,
)
from .seats import SEATED

# How far ahead a change is looked for (days): the meetings people plan around. A change
# further ahead is told when the group's schedule is next changed, or by the office.
NOTICE_HORIZON_DAYS = 90
# Changed meetings a mail lists one by one; beyond them it says how many more.
LISTED_CHANGES = 8
# The next meetings a mail lists after the changes.
LISTED_NEXT_MEETINGS = 3


@dataclass(frozen=True)
class WeeklySlot:
    """A weekly meeting as stored (programme.models.MeetingSlot): weekday 0 = Monday,
    naive local times in Milan, validity dates included (None: no limit)."""

    weekday: int
    start: datetime.time
    end: datetime.time
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None

    def is_valid_on(self, day):
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_until is None or day <= self.valid_until))


@dataclass(frozen=True)
class GroupSchedule:
    """What of a group decides when and where its people meet: its weekly slots, its
    cancelled dates (date -> the cancellation's translation key, so its reason can be read
    in any language), the public holidays it meets on all the same, and its venue."""

    slots: tuple = ()
    cancelled: dict = field(default_factory=dict)
    opened_holidays: frozenset = frozenset()
    venue_id: int | None = None
    # The facilitators' changes to single meetings (programme.models.MeetingChange):
    # FacilitatorChange tuples.
    changes: tuple = ()


@dataclass(frozen=True)
class FacilitatorChange:
    """A facilitator's change to the meeting of `date` at `start` (local time): cancelled
    (`new_date` None) or held on `new_date` from `new_start` to `new_end`."""

    date: datetime.date
    start: datetime.time
    new_date: datetime.date | None = None
    new_start: datetime.time | None = None
    new_end: datetime.time | None = None


def read_schedule(group_id):
    """The schedule of the group `group_id` as the database holds it now, or None when
    there is no such group. Five queries."""
    venue_id = Group.objects.filter(pk=group_id).values_list("venue_id", flat=True).first()
    if venue_id is None:
        return None
    group = Group(pk=group_id)
    return GroupSchedule(
        slots=tuple(WeeklySlot(s.weekday, s.start, s.end, s.valid_from, s.valid_until)
                    for s in group.slots.order_by("sort_order", "pk")),
        cancelled={c.date: c.translation_key for c in group.cancelled_meetings.all()},
        opened_holidays=frozenset(group.holiday_meetings.values_list("date", flat=True)),
        venue_id=venue_id,
        changes=tuple(
            FacilitatorChange(c.date, c.start, c.new_date if c.is_moved else None,
                              c.new_start if c.is_moved else None,
                              c.new_end if c.is_moved else None)
            for c in group.meeting_changes.order_by("date", "start", "pk")),
    )


def _held_times(schedule, start, days):
    """{date: sorted tuple of (start, end) local times} of the meetings `schedule` holds
    in [start, start + days): cancelled dates and unopened public holidays left out, the
    facilitators' changes applied (a cancelled or moved meeting left out, a moved one
    added at its new time)."""
    end = start + datetime.timedelta(days=days)
    closed = set(schedule.cancelled) | (
        set(public_holidays(start, end)) - schedule.opened_holidays)
    held = {}
    for slot in schedule.slots:
        for day in meeting_dates(slot, start, days):
            if day not in closed:
                held.setdefault(day, set()).add((slot.start, slot.end))
    for change in schedule.changes:
        times = held.get(change.date, set())
        times -= {t for t in times if t[0] == change.start}
    for change in schedule.changes:
        if change.new_date is not None and start <= change.new_date < end:
            held.setdefault(change.new_date, set()).add((change.new_start, change.new_end))
    return {day: tuple(sorted(times)) for day, times in held.items() if times}


@dataclass(frozen=True)
class ScheduleChange:
    """One change people notice. `kind`: "cancelled" (a meeting no longer held; with the
    cancellation's translation key when an editor cancelled the date, `public_holiday`
    when the date is a holiday the group no longer opens), "moved" (held at other times),
    "added" (a new meeting), "venue" (the group meets elsewhere: `date` is None).
    `before`/`after`: tuples of (start, end) local times in Milan. `onwards`: a "moved"
    that holds for every meeting from `date` to the end of the horizon (a new time)."""

    kind: str
    date: datetime.date | None = None
    before: tuple = ()
    after: tuple = ()
    cancellation_key: object = None
    public_holiday: bool = False
    onwards: bool = False
    # A facilitator cancelled the meeting, or moved it (`moved_to`: its new date).
    by_facilitator: bool = False
    moved_to: datetime.date | None = None


def _new_times_onwards(changes, last_day):
    """`changes` with each run of meetings moved alike up to `last_day` (the last meeting
    of the horizon) told once, as from its first date onwards: a new weekly time is one
    line, not one per week."""
    runs = {}
    for change in changes:
        if change.kind == "moved":
            runs.setdefault((change.before, change.after), []).append(change)
    standing = {key: run for key, run in runs.items()
                if len(run) > 1 and run[-1].date == last_day}
    result = []
    for change in changes:
        run = standing.get((change.before, change.after)) if change.kind == "moved" else None
        if run is None:
            result.append(change)
        elif change is run[0]:
            result.append(ScheduleChange("moved", change.date, change.before, change.after,
                                         onwards=True))
    return result


def schedule_changes(before, after, now=None, days=NOTICE_HORIZON_DAYS):
    """What changed for the people between two GroupSchedules: a list of ScheduleChange,
    the venue first, then the meetings from `now` (aware; default now) for `days` days in
    date order. Meetings already begun are left alone. Empty when nothing changed that a
    person would notice."""
    now = timezone.localtime(now or timezone.now(), MILAN)
    today = now.date()

    def upcoming(times, day):
        return tuple(t for t in times if day > today or t[0] > now.time())

    held_before = _held_times(before, today, days)
    held_after = _held_times(after, today, days)
    changes = []
    if before.venue_id != after.venue_id:
        changes.append(ScheduleChange("venue"))
    for day in sorted(set(held_before) | set(held_after)):
        old = upcoming(held_before.get(day, ()), day)
        new = upcoming(held_after.get(day, ()), day)
        if old == new:
            continue
        if not new:
            key = after.cancelled.get(day)
            facilitator = next((c for c in after.changes if c.date == day), None)
            changes.append(ScheduleChange(
                "cancelled", day, before=old, cancellation_key=key,
                public_holiday=key is None and facilitator is None and is_public_holiday(day),
                by_facilitator=key is None and facilitator is not None,
                moved_to=facilitator.new_date if key is None and facilitator else None))
        elif not old:
            changes.append(ScheduleChange("added", day, after=new))
        else:
            changes.append(ScheduleChange("moved", day, before=old, after=new))
    return _new_times_onwards(changes, max(held_after, default=None))


def next_meetings(schedule, now=None, count=LISTED_NEXT_MEETINGS):
    """The first `count` meetings `schedule` holds after `now`: [(date, (start, end))]."""
    now = timezone.localtime(now or timezone.now(), MILAN)
    held = _held_times(schedule, now.date(), NOTICE_HORIZON_DAYS)
    meetings = [(day, times) for day in sorted(held) for times in held[day]
                if day > now.date() or times[0] > now.time()]
    return meetings[:count]


def _times(times):
    return ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in times)


def _in_language(model, original, language):
    """`original` (a live translatable row) in `language` when its translation is live,
    else itself: a translation not yet approved is not shown to anyone."""
    return (model.objects.filter(translation_key=original.translation_key, live=True,
                                 locale__language_code=language).first() or original)


def _supported(language):
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def change_lines(changes, language):
    """The changes as a mail lists them, in `language`: [{"kind", "date", "onwards", "times",
    "old_times": "18:00–20:00" strings, "reason": the editor's reason in `language` when
    translated, else in the original's; "public holiday" for a holiday}]. One query for
    the reasons."""
    keys = [c.cancellation_key for c in changes if c.cancellation_key]
    reasons = {}
    if keys:
        for cancelled in CancelledMeeting.objects.filter(
                translation_key__in=keys, group__live=True).select_related("locale"):
            if (cancelled.translation_key not in reasons
                    or cancelled.locale.language_code == language):
                reasons[cancelled.translation_key] = cancelled.reason
    with translation.override(language):
        holiday = _("public holiday")
        by_facilitator = facilitator_reason()
        moved = {c.moved_to: _("moved to %(date)s") % {"date": local_date(c.moved_to)}
                 for c in changes if c.moved_to}

    def reason(change):
        if change.public_holiday:
            return holiday
        if change.moved_to:
            return moved[change.moved_to]
        if change.by_facilitator:
            return by_facilitator
        return reasons.get(change.cancellation_key, "")

    return [{
        "kind": change.kind, "date": change.date, "onwards": change.onwards,
        "times": _times(change.after), "old_times": _times(change.before),
        "reason": reason(change),
    } for change in changes if change.kind != "venue"]


def notice_context(group, changes, after, language, now=None):
    """What the mails about `changes` say, in `language`: {"group" and "venue" (texts in
    that language when translated), "venue_changed", "changes" (change_lines, at most
    LISTED_CHANGES), "more" (how many more), "next_meetings" [(date, "18:00–20:00")],
    "groups_url"}."""
    lines = change_lines(changes, language)
    return {
        "group": _in_language(Group, group, language),
        "venue": _in_language(Venue, group.venue, language),
        "venue_changed": any(c.kind == "venue" for c in changes),
        "changes": lines[:LISTED_CHANGES],
        "more": max(len(lines) - LISTED_CHANGES, 0),
        "next_meetings": [(day, _times([times])) for day, times in next_meetings(after, now)],
        "groups_url": groups_page_url(language),
    }


def _referral_recipients(referral):
    """Who hears of a referral and in which language: as participation.notify_referrer."""
    referrer = referral.referred_by
    recipients = {referral.organisation.email}
    if referrer is not None and referrer.is_active:
        recipients.add(referrer.email)
    return sorted(recipients), _supported(referrer.language if referrer else "")


def notify_schedule_change(group_id, before, now=None):
    """Tell the people of the group `group_id` what changed since `before` (the
    GroupSchedule read before the change; the database now holds the change).

    Queues one mail per person assigned to the group or attending it who has an email
    address, in their language; the closed-loop notice to each referring organisation
    (reference and the group's changes only); and, when some people have no email
    address, a mail to each Segreteria member listing their references to phone them.
    Returns {"people": mails to people, "partners": notices, "to_phone": [references]};
    all zero and empty when nothing a person would notice changed.
    """
    after = read_schedule(group_id)
    outcome = {"people": 0, "partners": 0, "to_phone": []}
    if after is None:
        return outcome
    changes = schedule_changes(before, after, now)
    if not changes:
        return outcome
    group = Group.objects.select_related("venue").get(pk=group_id)
    people = list(ParticipationRequest.objects.filter(group_id=group_id, status__in=SEATED)
                  .select_related("organisation", "referred_by").order_by("pk"))
    contexts = {}

    def context(language):
        if language not in contexts:
            contexts[language] = notice_context(group, changes, after, language, now)
        return contexts[language]

    for person in people:
        if person.email:
            language = _supported(person.language)
            queue_email(person.email, "programme/email/group_changed",
                        {"request": person, **context(language), **office_contacts(language)},
                        language)
            outcome["people"] += 1
        else:
            outcome["to_phone"].append(person)
        if person.organisation_id:
            recipients, language = _referral_recipients(person)
            with translation.override(language):
                url = absolute_url(reverse("partner:referral_detail", args=[person.pk]))
            queue_email(recipients, "programme/email/referral_group_changed",
                        {"referral": person, "referral_url": url, **context(language)},
                        language)
            outcome["partners"] += 1
    if outcome["to_phone"]:
        _ask_segreteria_to_phone(outcome["to_phone"], context)
    outcome["to_phone"] = [person.reference for person in outcome["to_phone"]]
    return outcome


def _ask_segreteria_to_phone(people, context):
    """Mail each active Segreteria member, in their language, the references of `people`
    (no email address) with links to them in the admin: no name or number in the mail."""
    links = [{"reference": person.reference, "url": absolute_url(
        reverse("participation_requests:inspect", args=[person.pk]))} for person in people]
    members = (get_user_model().objects.filter(groups__name=TRIAGE_GROUP, is_active=True)
               .exclude(email="").distinct().order_by("pk"))
    for member in members:
        language = _supported(member.language)
        queue_email(member.email, "programme/email/group_changed_to_phone",
                    {"to_phone": links, **context(language)}, language)

"""When groups meet: weekly schedules turned into dated meetings, in Milan's local time."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from wagtail.models import Locale

# The holidays are part of what a schedule means: importable from here too.
from .public_holidays import is_public_holiday, public_holidays  # noqa: F401

MILAN = ZoneInfo("Europe/Rome")


def skipped_dates(group, start, end):
    """The dates in [start, end) the group does not meet although its slots say so:
    its cancelled dates, and the public holidays it has not opened. A set of dates.
    Reads the group's prefetched `cancelled_meetings` and `holiday_meetings`."""
    opened = {h.date for h in group.holiday_meetings.all()}
    skipped = {c.date for c in group.cancelled_meetings.all() if start <= c.date < end}
    return skipped | (set(public_holidays(start, end)) - opened)


@dataclass(frozen=True)
class Meeting:
    """One dated meeting of a group. A cancelled one (`cancelled`) is listed all the
    same, with its `reason` in the active language when translated, else in the
    language `reason_language` names ("" when it is the page's)."""

    group: object
    date: datetime.date
    start: datetime.datetime  # aware, Europe/Rome
    end: datetime.datetime
    cancelled: bool = False
    reason: str = ""
    reason_language: str = ""
    # Cancelled because it is a public holiday the group has not opened (no editor
    # cancelled it: it was never announced).
    public_holiday: bool = False
    # A facilitator's change (programme.meeting_changes): this occurrence cancelled or
    # moved by them (`moved_to`: where it went, aware), or a one-off meeting held instead
    # of the weekly one of `moved_from` (a date).
    by_facilitator: bool = False
    moved_to: datetime.datetime | None = None
    moved_from: datetime.date | None = None

    @property
    def venue(self):
        return self.group.venue


def meeting_dates(slot, start, days):
    """Dates of a weekly slot in [start, start + days), within the slot's validity
    (`valid_from`/`valid_until`, both included; None is no limit)."""
    offset = (slot.weekday - start.weekday()) % 7
    day = start + datetime.timedelta(days=offset)
    end = start + datetime.timedelta(days=days)
    while day < end:
        if slot.is_valid_on(day):
            yield day
        day += datetime.timedelta(days=7)


def first_meeting_date(slot, since):
    """The slot's first date on or after `since` within its validity, or None when it
    has ended by then. Dates of a slot fall on its weekday (0 = Monday)."""
    if slot.valid_from and slot.valid_from > since:
        since = slot.valid_from
    day = since + datetime.timedelta(days=(slot.weekday - since.weekday()) % 7)
    if slot.valid_until and day > slot.valid_until:
        return None
    return day


def slots_in_force(group, today):
    """The group's slots (prefetched) that have not ended by `today` (a date): the
    current schedule and those starting later, in their order."""
    return [slot for slot in group.slots.all()
            if slot.valid_until is None or slot.valid_until >= today]


def meeting_changes(group):
    """The facilitators' changes to `group`'s meetings (programme.models.MeetingChange),
    from the prefetched `meeting_changes` (GroupQuerySet.for_listing and the other
    listings prefetch them): {(date, start time): change}."""
    if group.pk is None:  # a group not saved yet (a preview) has no changes
        return {}
    return {(c.date, c.start): c for c in group.meeting_changes.all()}


def moved_reason(change):
    """The reason a moved meeting's old date shows, in the active language: «spostato a
    giovedì 3 dicembre 2026, 18:00–20:00»."""
    from django.utils import dateformat

    from readable.dates import local_date

    return _("moved to %(day)s %(date)s, %(start)s–%(end)s") % {
        "day": dateformat.format(change.new_date, "l"), "date": local_date(change.new_date),
        "start": f"{change.new_start:%H:%M}", "end": f"{change.new_end:%H:%M}"}


def facilitator_reason():
    """The standard reason of a facilitator's cancellation, in the active language."""
    return _("decided by the group's facilitator")


def _changed_fields(change):
    """The Meeting fields of a weekly occurrence a facilitator cancelled or moved."""
    if change.is_moved:
        return {"cancelled": True, "by_facilitator": True, "reason": moved_reason(change),
                "moved_to": datetime.datetime.combine(change.new_date, change.new_start,
                                                      tzinfo=MILAN)}
    return {"cancelled": True, "by_facilitator": True, "reason": facilitator_reason()}


def _moved_meetings(group, changes, start, end):
    """The one-off meetings `changes` (moved ones) hold in [start, end)."""
    return [
        Meeting(group=group, date=c.new_date,
                start=datetime.datetime.combine(c.new_date, c.new_start, tzinfo=MILAN),
                end=datetime.datetime.combine(c.new_date, c.new_end, tzinfo=MILAN),
                by_facilitator=True, moved_from=c.date)
        for c in changes.values() if c.is_moved and start <= c.new_date < end]


def _cancellation_reason(group, cancelled):
    """`cancelled`'s reason in the active language and the language it is in ("" when it
    is the active one): the group's translation's copy when `with_translated_texts` found
    one, else the original's, in the default language."""
    translated = getattr(group, "cancelled_texts", {}).get(cancelled.translation_key)
    if translated is not None or not hasattr(group, "cancelled_texts"):
        return (translated or cancelled).reason, ""
    return cancelled.reason, group.original_language


def upcoming_meetings(groups, start, days):
    """Every meeting of `groups` from `start` for `days` days, in time order.

    Paused groups do not meet. A slot meets only within its validity dates. Cancelled
    dates and public holidays (unless the group opened them) are listed as cancelled
    (`Meeting.cancelled`), a cancelled date with its reason, so people see the group
    does not meet that week. A meeting a facilitator cancelled or moved
    (programme.meeting_changes) is listed as cancelled too, with a standard reason
    (`by_facilitator`; a moved one says where it went, `moved_to`), and a moved one is
    listed again at its new time (`moved_from`). Uses only what `groups` already holds
    (slots, cancelled dates, opened holidays, meeting changes and, from
    `with_translated_texts`, the translated reasons prefetched): no queries of its own.
    """
    end = start + datetime.timedelta(days=days)
    meetings = []
    for group in groups:
        if group.status == group.Status.PAUSED:
            continue
        skipped = skipped_dates(group, start, end)
        cancellations = {c.date: c for c in group.cancelled_meetings.all()}
        changes = meeting_changes(group)
        for slot in group.slots.all():
            for day in meeting_dates(slot, start, days):
                fields = {}
                if day in skipped:
                    if day in cancellations:
                        reason, language = _cancellation_reason(group, cancellations[day])
                    else:
                        reason, language = str(_("public holiday")), ""
                    fields = {"cancelled": True, "reason": reason, "reason_language": language,
                              "public_holiday": day not in cancellations}
                elif (day, slot.start) in changes:
                    fields = _changed_fields(changes[(day, slot.start)])
                meetings.append(
                    Meeting(
                        group=group,
                        date=day,
                        start=datetime.datetime.combine(day, slot.start, tzinfo=MILAN),
                        end=datetime.datetime.combine(day, slot.end, tzinfo=MILAN),
                        **fields,
                    )
                )
        meetings.extend(_moved_meetings(group, changes, start, end))
    meetings.sort(key=lambda m: (m.start, str(m.group)))
    return meetings


def with_translated_texts(groups, *, reasons=False, locale=None):
    """The canonical groups, each given `.text` and `.venue_text`: their versions in the
    active language when translated and published, else the originals. With `reasons` (for the lists
    that show cancelled dates), also `.cancelled_texts`, their cancelled dates in the
    active language by translation key, and `.original_language`, the language of the
    originals. Two queries at most, three with `reasons`. `locale`: the active Locale
    when the caller has it (languages.versions.active_locale, cached), else one query
    more to find it."""
    from programme.models.groups import CancelledMeeting, Group
    from programme.models.venues import Venue

    groups = list(groups)
    locale = locale or Locale.get_active()
    group_texts, venue_texts, cancelled_texts = {}, {}, {}
    translated = bool(groups) and locale.pk != groups[0].locale_id
    reasons = reasons and translated
    if translated:
        group_texts = {
            g.translation_key: g
            for g in Group.objects.filter(
                locale=locale, live=True,
                translation_key__in=[g.translation_key for g in groups],
            )
        }
        venue_texts = {
            v.translation_key: v
            for v in Venue.objects.filter(
                locale=locale, live=True,
                translation_key__in={g.venue.translation_key for g in groups},
            )
        }
        keys = [c.translation_key for g in groups for c in g.cancelled_meetings.all()]
        if reasons and keys:
            cancelled_texts = {
                c.translation_key: c
                for c in CancelledMeeting.objects.filter(
                    locale=locale, group__live=True, translation_key__in=keys)
            }
    for group in groups:
        group.text = group_texts.get(group.translation_key, group)
        group.venue_text = venue_texts.get(group.venue.translation_key, group.venue)
        if reasons:
            group.cancelled_texts = cancelled_texts
            group.original_language = settings.LANGUAGE_CODE
    return groups

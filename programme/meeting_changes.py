"""A facilitator's changes to one meeting of a group: cancelled, or moved to another
date or time (issue 20).

Unlike an editor's cancelled dates (part of the group's revisions, published through
the workflow), these take effect at once: the public page, the feeds and the open data
stop showing a cancelled meeting and show a moved one at its new time. They are stored
apart from the group's revisions (programme.models.MeetingChange, a plain foreign key to
the canonical group), so no later publication or revert of the group undoes them.

A meeting is named by its date and its start time, local time in Milan, as the groups
page shows it: a weekly meeting, or a one-off meeting a facilitator moved (named by its
new date and time). One change per weekly meeting: cancelling a moved meeting, or moving
it again, updates its change; cancelling a cancelled meeting returns its change as it
is. The people seated in the group, the referring partners and the Segreteria are told
by programme.group_notices once the transaction commits; the cached public pages and
open data are renewed by pagecache (MeetingChange is one of its WATCHED_MODELS).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from readable.dates import local_date

from .group_notices import notify_schedule_change, read_schedule
from .models.groups import SCHEDULE_PREFETCH, Group
from .models.meeting_changes import MeetingChange
from .schedule import MILAN, upcoming_meetings

# A meeting may be changed, and moved to a date, up to a year ahead (as the attendance
# sheet is printed up to a year ahead: programme.attendance.SHEET_HORIZON_DAYS).
HORIZON_DAYS = 366


def _when(day, start):
    """«giovedì 3 dicembre 2026, 18:00» in the active language."""
    return f"{dateformat.format(day, 'l')} {local_date(day)}, {start:%H:%M}"


def _locked_group(group):
    """The canonical row of `group` (any of its translations), locked for the change's
    transaction, with what its meetings need prefetched. Raises ValidationError when
    the group does not exist any more."""
    canonical = (Group.objects.canonical().select_for_update()
                 .filter(translation_key=group.translation_key).first())
    if canonical is None:
        raise ValidationError(_("This group no longer exists."))
    return (Group.objects.filter(pk=canonical.pk).select_related("venue")
            .prefetch_related(*SCHEDULE_PREFETCH).get())


def _check_future(day, start, now, *, moved=False):
    """Refuse a meeting (or a new time, `moved`) that has begun or is over a year ahead."""
    today = now.date()
    when = _when(day, start)
    if datetime.datetime.combine(day, start, tzinfo=MILAN) <= now:
        if moved:
            raise ValidationError(_("%(when)s is past: choose a later date and time for the "
                                    "meeting.") % {"when": when})
        raise ValidationError(_("The meeting of %(when)s is past or has begun: it can no "
                                "longer be changed.") % {"when": when})
    if day > today + datetime.timedelta(days=HORIZON_DAYS):
        raise ValidationError(_("%(when)s is more than a year ahead: choose a nearer "
                                "date.") % {"when": when})


def _meeting_at(group, day, start):
    """The meeting of `group` on `day` at `start` and the change that stands behind it
    (a MeetingChange, or None for a weekly meeting as the schedule holds it). Raises
    ValidationError when there is none, when editors cancelled it (or it is a public
    holiday), or when a facilitator moved it (it is changed at its new time)."""
    meetings = [m for m in upcoming_meetings([group], day, 1) if m.start.time() == start]
    changes = list(group.meeting_changes.all())
    held = next((m for m in meetings if not m.cancelled), None)
    if held is not None:
        if held.moved_from is None:
            return held, None
        return held, next(c for c in changes if c.is_moved and c.new_date == day
                          and c.new_start == start)
    when = _when(day, start)
    if not meetings:
        raise ValidationError(_("The group does not meet on %(when)s: choose one of its "
                                "meetings.") % {"when": when})
    meeting = meetings[0]
    if meeting.moved_to is not None:
        raise ValidationError(_(
            "The meeting of %(when)s was moved to %(new)s: change it at its new date.")
            % {"when": when, "new": _when(meeting.moved_to.date(), meeting.moved_to.time())})
    if meeting.by_facilitator:
        return meeting, next(c for c in changes if c.date == day and c.start == start)
    raise ValidationError(_("The meeting of %(when)s is already cancelled (%(reason)s).")
                          % {"when": when, "reason": meeting.reason})


def _told_after_commit(group_id, before):
    # robust: a failure to queue the mails is logged; the change stays saved.
    transaction.on_commit(lambda: notify_schedule_change(group_id, before), robust=True)


def cancel_meeting(group, day, start, *, by, now=None):
    """Cancel `group`'s meeting on `day` (a date) at `start` (a time, local).

    `group` is the canonical group (a translation is read as its original). `by`: the
    user who cancels (a facilitator, or staff). `now`: an aware datetime (default now).
    Raises ValidationError (localized) when the group does not meet then, the meeting is
    cancelled by editors, moved by a facilitator (cancel it at its new time) or has
    begun. Cancelling a meeting cancelled already returns its change unchanged, and tells
    no one again. Returns the stored change (programme.models.MeetingChange)."""
    now = timezone.localtime(now or timezone.now(), MILAN)
    with transaction.atomic():
        group = _locked_group(group)
        _check_future(day, start, now)
        meeting, change = _meeting_at(group, day, start)
        if change is not None and not change.is_moved:
            return change  # already cancelled: nothing changes, nobody is told again
        before = read_schedule(group.pk)
        if change is None:
            change = MeetingChange(group=group, date=day, start=start)
        change.kind = MeetingChange.Kind.CANCELLED
        change.new_date = change.new_start = change.new_end = None
        change.changed_by, change.changed_at = by, now
        change.save()
        _told_after_commit(group.pk, before)
    return change


def move_meeting(group, day, start, *, new_day, new_start, new_end, by, now=None):
    """Move `group`'s meeting of `day` at `start` to `new_day` from `new_start` to
    `new_end` (local times). Raises ValidationError (localized) for a meeting that does
    not exist, a past one, or a new time that ends before it starts. Returns the stored
    change.

    Also refused: a new time that has begun or is more than a year ahead (HORIZON_DAYS),
    the same time as the meeting has, or the start of another meeting of the group. A
    meeting moved already (named by its new date and time) is moved again; a meeting a
    facilitator cancelled is held again at the new time. `by`, `now`: as cancel_meeting."""
    now = timezone.localtime(now or timezone.now(), MILAN)
    if new_end <= new_start:
        raise ValidationError(_("The meeting must end after it starts."))
    with transaction.atomic():
        group = _locked_group(group)
        _check_future(day, start, now)
        _check_future(new_day, new_start, now, moved=True)
        meeting, change = _meeting_at(group, day, start)
        if (not meeting.cancelled and (new_day, new_start, new_end)
                == (meeting.date, meeting.start.time(), meeting.end.time())):
            raise ValidationError(_("The meeting is already at that time: choose another "
                                    "date or time."))
        clash = [m for m in upcoming_meetings([group], new_day, 1)
                 if not m.cancelled and m.start.time() == new_start and m is not meeting
                 and (m.date, m.start) != (meeting.date, meeting.start)]
        if clash:
            raise ValidationError(_("The group already meets on %(when)s: choose another "
                                    "date or time.") % {"when": _when(new_day, new_start)})
        before = read_schedule(group.pk)
        if change is None:
            change = MeetingChange(group=group, date=day, start=start)
        change.kind = MeetingChange.Kind.MOVED
        change.new_date, change.new_start, change.new_end = new_day, new_start, new_end
        change.changed_by, change.changed_at = by, now
        change.save()
        _told_after_commit(group.pk, before)
    return change

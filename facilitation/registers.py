"""A facilitator's meetings and their registers (issue 20: "Facilitators").

Who is a facilitator: a member of the auth group FACILITATOR_GROUP (accounts.roles),
made by the Segreteria (facilitation.facilitators). They see the meetings of the groups
they are linked to (FacilitatorAssignment) and, for each, the people holding a seat in
the group (programme.seats.SEATED), names only: no phone, email, notes or reference
(GDPR art. 5(1)(c), data minimisation; the same rule as the printed sheet,
programme.attendance).

What a mark does: the first "present" of a person assigned to the group moves their
request to *attending* through programme.participation.change_status, so the history,
the seats and the referring partner's closed-loop notice work as for a staff change
(the partner sees the status, never the register). "Absent" changes no status. A
path is closed as *completed* by staff in the triage screen, not here.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_facilitator
from programme.attendance import long_date, today_in_milan
from programme.models.groups import Group
from programme.models.participation import ParticipationRequest
from programme.participation import change_status
from programme.schedule import upcoming_meetings, with_translated_texts
from programme.seats import SEATED

from .models import AttendanceRecord

Status = ParticipationRequest.Status

# The area lists the meetings of the last PAST_DAYS days (a register may be filled in
# after the meeting, from the office) and of the next AHEAD_DAYS days.
PAST_DAYS = 14
AHEAD_DAYS = 14
# A register may be corrected up to this many days after its meeting; older meetings
# are the Segreteria's (the address is refused with a clear message).
EDITABLE_DAYS = 60


def groups_of(user):
    """The canonical groups `user` facilitates, with their slots, dates and venue
    prefetched and their texts in the active language (schedule.with_translated_texts),
    by name. A fixed number of queries whatever the number of groups."""
    if not is_facilitator(user):
        return []
    groups = (Group.objects.for_listing()
              .filter(facilitator_assignments__user=user).distinct())
    return with_translated_texts(groups, reasons=True)


def group_of(user, pk):
    """The canonical group `pk` if `user` facilitates it, else None (the caller answers
    404: another group's existence is not told)."""
    if not isinstance(pk, int) or not 0 < pk <= 2**31 - 1 or not is_facilitator(user):
        return None
    group = (Group.objects.for_listing()
             .filter(pk=pk, facilitator_assignments__user=user).first())
    if group is None:
        return None
    [group] = with_translated_texts([group], reasons=True)
    return group


def meetings_of(groups, today):
    """The meetings of `groups` from PAST_DAYS days before `today` (a date) to
    AHEAD_DAYS days after it, cancelled ones included (flagged), in time order:
    {"past": […], "today": […], "coming": […]}, lists of programme.schedule.Meeting.
    No query (groups from groups_of)."""
    start = today - datetime.timedelta(days=PAST_DAYS)
    meetings = upcoming_meetings(groups, start, PAST_DAYS + AHEAD_DAYS + 1)
    return {
        "past": [m for m in meetings if m.date < today][::-1],  # the latest first
        "today": [m for m in meetings if m.date == today],
        "coming": [m for m in meetings if m.date > today],
    }


def find_meeting(group, day, start):
    """`group`'s meeting on `day` (a date) starting at `start` (a time, Milan), or None.
    A cancelled one is returned too (flagged `cancelled`)."""
    for meeting in upcoming_meetings([group], day, 1):
        if meeting.start.time().replace(tzinfo=None) == start:
            return meeting
    return None


def people_at(group):
    """The people holding a seat in `group` now (assigned or attending), by last name
    then first name: ParticipationRequest rows with only their names and status read.
    One query."""
    return list(
        ParticipationRequest.objects.filter(
            group__translation_key=group.translation_key, status__in=SEATED)
        .order_by("last_name", "first_name", "pk")
        .only("first_name", "last_name", "status", "group_id"))


def marks_of(group, meeting):
    """{request id: True (present) | False (absent)} already recorded for `meeting`."""
    return dict(AttendanceRecord.objects.filter(
        group=group, date=meeting.date, start=meeting.start.time().replace(tzinfo=None))
        .values_list("request_id", "present"))


def check_can_mark(meeting, now=None):
    """Raise ValidationError (localized, for the facilitator) when `meeting`'s register
    cannot be filled in: cancelled, not started yet, or more than EDITABLE_DAYS old."""
    now = now or timezone.now()
    when = long_date(meeting.date)
    if meeting.cancelled:
        raise ValidationError(_("The meeting of %(date)s is cancelled: there is no "
                                "attendance to mark.") % {"date": when})
    if meeting.start > now:
        raise ValidationError(_("The meeting of %(date)s has not started yet: attendance "
                                "is marked once it has begun.") % {"date": when})
    if meeting.date < today_in_milan() - datetime.timedelta(days=EDITABLE_DAYS):
        raise ValidationError(_("The meeting of %(date)s is more than %(days)s days "
                                "old: ask the Segreteria to correct its attendance.")
                              % {"date": when, "days": EDITABLE_DAYS})


def record_attendance(group, meeting, marks, *, by, now=None):
    """Record `marks` ({request id: bool present}) for `meeting` of `group`, by the
    facilitator `by`, in one transaction; a mark already recorded is replaced (who and
    when are the last change's).

    Only people seated in the group now may be marked; an id of anyone else is refused
    whole (ValidationError, nothing saved). The first "present" of an ASSIGNED person
    moves their request to ATTENDING (participation.change_status, by `by`), which
    records the step and notifies the referring partner. Returns the number of people
    moved to attending. Raises ValidationError as check_can_mark does.
    """
    check_can_mark(meeting, now)
    start = meeting.start.time().replace(tzinfo=None)
    with transaction.atomic():
        seated = {person.pk: person for person in people_at(group)}
        if not set(marks) <= set(seated):
            raise ValidationError(_("The list of people changed while you were marking: "
                                    "check the list again and save."))
        moved = 0
        for pk, present in marks.items():
            AttendanceRecord.objects.update_or_create(
                request_id=pk, group=group, date=meeting.date, start=start,
                defaults={"present": bool(present), "recorded_by": by})
            if present and seated[pk].status == Status.ASSIGNED:
                change_status(seated[pk], Status.ATTENDING, by=by)
                moved += 1
    return moved


"""The facilitators' area, made for a phone and working without JavaScript: their
groups' meetings, each meeting's register, and a meeting moved or cancelled.

Views are thin: the rules are in facilitation.registers and in
programme.meeting_changes (cancel_meeting, move_meeting). Every page is private and
never stored (never_cache): it names people."""

import datetime
import re
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.middleware import has_totp
from accounts.roles import is_facilitator
from programme import meeting_changes
from programme.attendance import long_date, today_in_milan

from . import registers
from .forms import AttendanceForm, MoveMeetingForm

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"([01][0-9]|2[0-3])([0-5][0-9])")
# The area's address a facilitator asked for while sent to set up two-factor
# authentication: allauth's set-up ignores `next`, so the recovery codes page, its last
# step, offers a button back to it (templates/mfa/recovery_codes/index.html), as
# accounts.middleware.ADMIN_NEXT_SESSION_KEY does for the admin.
NEXT_SESSION_KEY = "facilitation_mfa_next"
# The years an address's date may name: no programme meeting lies outside them.
_YEARS = (2000, 2100)


def facilitator_required(view):
    """A signed-in facilitator (accounts.roles.is_facilitator) with an authenticator app
    when ADMIN_MFA_REQUIRED (the staff's rule, accounts.middleware): without one they
    are sent to allauth's TOTP set-up, `next` back here. Anonymous visitors go to the
    sign-in page; anyone else gets the 403 page. Never stored by a browser or proxy."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_facilitator(request.user):
            raise PermissionDenied
        if getattr(settings, "ADMIN_MFA_REQUIRED", True) and not has_totp(request.user):
            messages.info(request, _("The facilitators' area needs two-factor "
                                     "authentication: set up an authenticator app on your "
                                     "phone to continue."))
            next_url = request.get_full_path() if request.method == "GET" else reverse(
                "facilitation:home")
            request.session[NEXT_SESSION_KEY] = next_url
            return HttpResponseRedirect(
                f"{reverse('mfa_activate_totp')}?{urlencode({'next': next_url})}")
        request.session.pop(NEXT_SESSION_KEY, None)
        try:
            return view(request, *args, **kwargs)
        except Http404:
            # An address that is no meeting of theirs (mistyped, another group's, a group
            # unlinked meanwhile): said in the area's words, with the way back; whether
            # another group meets then is not told.
            return render(request, "facilitation/not_found.html", status=404)

    return never_cache(login_required(wrapper))


def _meeting_or_404(request, pk, day, time):
    """(group, meeting) for the address's group `pk`, `day` (YYYY-MM-DD) and `time`
    (HHMM), when the facilitator runs the group and it meets then; else 404."""
    match = _TIME.fullmatch(time)
    if not _DAY.fullmatch(day) or not match:
        raise Http404
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:  # 2026-02-30
        raise Http404 from None
    if not _YEARS[0] <= date.year <= _YEARS[1]:  # 9999-12-31 would overflow a date range
        raise Http404
    group = registers.group_of(request.user, pk)
    if group is None:
        raise Http404
    meeting = registers.find_meeting(
        group, date, datetime.time(int(match.group(1)), int(match.group(2))))
    if meeting is None:
        raise Http404
    return group, meeting


def meeting_args(meeting):
    return [meeting.group.pk, f"{meeting.date:%Y-%m-%d}", f"{meeting.start:%H%M}"]


@facilitator_required
def home(request):
    today = today_in_milan()
    groups = registers.groups_of(request.user)
    return render(request, "facilitation/home.html", {
        "groups": groups, "group_names": [group.text.name for group in groups],
        "meetings": registers.meetings_of(groups, today),
        "past_days": registers.PAST_DAYS, "ahead_days": registers.AHEAD_DAYS,
    })


@facilitator_required
def meeting(request, pk, day, time):
    group, found = _meeting_or_404(request, pk, day, time)
    people = registers.people_at(group)
    error = None
    try:
        registers.check_can_mark(found)
    except ValidationError as refusal:
        error = refusal.messages[0]
    form = AttendanceForm(request.POST or None, people=people,
                          initial=AttendanceForm.initial_from(registers.marks_of(group, found)))
    if request.method == "POST" and error is None and form.is_valid():
        try:
            registers.record_attendance(group, found, form.marks(), by=request.user)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("facilitation:meeting", *meeting_args(found))
    status = 400 if request.method == "POST" else 200
    return render(request, "facilitation/meeting.html", {
        "group": group, "meeting": found, "day": long_date(found.date), "form": form,
        # programme.meeting_changes refuses a meeting that has begun: offered only before.
        "refusal": error,
        "can_change": not found.cancelled and found.start > timezone.now(),
        "args": meeting_args(found),
    }, status=status)


@facilitator_required
def cancel(request, pk, day, time):
    """GET: the confirmation; POST: the meeting cancelled (A1's cancel_meeting)."""
    group, found = _meeting_or_404(request, pk, day, time)
    error = None
    if request.method == "POST":
        try:
            meeting_changes.cancel_meeting(group, found.date, found.start.time().replace(
                tzinfo=None), by=request.user)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, _("The meeting of %(date)s is cancelled: it no longer "
                                        "appears on the public pages.")
                             % {"date": long_date(found.date)})
            return redirect("facilitation:home")
    return render(request, "facilitation/cancel.html", {
        "group": group, "meeting": found, "day": long_date(found.date), "error": error,
        "args": meeting_args(found),
    }, status=400 if error else 200)


@facilitator_required
def move(request, pk, day, time):
    """GET: the form; POST: its confirmation (the new time shown); POST with `confirm`:
    the meeting moved (A1's move_meeting)."""
    group, found = _meeting_or_404(request, pk, day, time)
    form = MoveMeetingForm(request.POST or None, initial={
        "new_day": found.date, "new_start": found.start.time().replace(tzinfo=None),
        "new_end": found.end.time().replace(tzinfo=None)})
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm"):
            try:
                meeting_changes.move_meeting(
                    group, found.date, found.start.time().replace(tzinfo=None),
                    by=request.user, **form.cleaned_data)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(request, _("The meeting is moved to %(date)s, %(start)s: the "
                                            "public pages show the new time.") % {
                    "date": long_date(form.cleaned_data["new_day"]),
                    "start": f"{form.cleaned_data['new_start']:%H:%M}"})
                return redirect("facilitation:home")
        else:
            confirming = True
    status = 400 if request.method == "POST" and not confirming else 200
    return render(request, "facilitation/move.html", {
        "group": group, "meeting": found, "day": long_date(found.date), "form": form,
        "confirming": confirming,
        "new_day": long_date(form.cleaned_data["new_day"]) if confirming else "",
        "args": meeting_args(found),
    }, status=status)

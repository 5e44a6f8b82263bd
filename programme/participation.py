"""The rules of participation requests: how they arrive, how staff move them along, and
who may see them."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import is_triage_staff
from home.contact import absolute_url
from home.models import office_contacts
from mail.sending import queue_email

from .assignment import notify_assigned
from .models.groups import Group
from .models.participation import ParticipationRequest, StatusChange
from .seats import SEATED, count_seats_taken, public_pages_changed

Status = ParticipationRequest.Status

# Where a request may go from each status. Final statuses go nowhere (a mistake is put
# right with correct_status). Staff often place a person on the first call, so a new
# request may be assigned directly, without passing through "contacted".
TRANSITIONS = {
    Status.NEW: {Status.CONTACTED, Status.ASSIGNED, Status.WAITING_LIST,
                 Status.NOT_ELIGIBLE, Status.WITHDRAWN, Status.UNREACHABLE},
    Status.CONTACTED: {Status.ASSIGNED, Status.WAITING_LIST, Status.NOT_ELIGIBLE,
                       Status.WITHDRAWN, Status.UNREACHABLE},
    Status.ASSIGNED: {Status.ATTENDING, Status.WAITING_LIST, Status.WITHDRAWN,
                      Status.UNREACHABLE},
    Status.ATTENDING: {Status.COMPLETED, Status.WITHDRAWN},
    Status.WAITING_LIST: {Status.CONTACTED, Status.ASSIGNED, Status.WITHDRAWN,
                          Status.UNREACHABLE},
    Status.UNREACHABLE: {Status.CONTACTED, Status.ASSIGNED, Status.WAITING_LIST,
                         Status.WITHDRAWN},
    Status.COMPLETED: set(),
    Status.NOT_ELIGIBLE: set(),
    Status.WITHDRAWN: set(),
    Status.MERGED: set(),  # the same person's other request carries on (duplicates.py)
}



# A waiting list is a group's list (programme.waiting_list): a full group is the usual one.
WAITING_GROUP_REQUIRED = gettext_lazy(
    "Choose the group whose waiting list this person joins (a full group can be chosen).")


def reference_for(request_obj):
    """A code a person can read over the phone: MA-<year>-<5 digits>."""
    return f"MA-{timezone.localtime(request_obj.created_at):%Y}-{request_obj.pk:05d}"


def submit_request(*, data, language, source=ParticipationRequest.Source.SELF,
                   organisation=None, referred_by=None, entered_by=None):
    """Store a request and queue its confirmation email, in one transaction.

    `data` is a validated form's cleaned data; `source` is decided by the caller (the
    public form always passes "self"), never by what was posted. `entered_by` is the
    Segreteria member who entered the request of a person who phoned or came to the
    office (source "phone" or "desk") and read them the privacy notice: recorded as
    `privacy_read_by` and as the author of the first step of the history.
    """
    with transaction.atomic():
        request_obj = ParticipationRequest.objects.create(
            **data,
            language=language,
            source=source,
            organisation=organisation,
            referred_by=referred_by,
            privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
            privacy_acknowledged_at=timezone.now(),
            privacy_read_by=entered_by,
        )
        request_obj.reference = reference_for(request_obj)
        request_obj.save(update_fields=["reference"])
        StatusChange.objects.create(request=request_obj, to_status=Status.NEW,
                                    changed_by=referred_by or entered_by)
        if request_obj.email:
            queue_email(request_obj.email, "programme/email/participation_received",
                        {"request": request_obj, **office_contacts(language)}, language)
    return request_obj


def seats_taken(group):
    return count_seats_taken(group)


def _check_published(group):
    """A group's time and place reach people only once Approvazione published them:
    raises ValidationError (a message for staff) for a draft group."""
    if not group.live or not group.venue.live:
        raise ValidationError(
            _("The group “%(group)s” is not published yet: people can join it once it is "
              "approved and published.") % {"group": group.name})


def _take_seat(group):
    """Lock `group`'s row and check it can take one more person; the lock holds until
    the caller's transaction ends, so two clerks assigning at once cannot overfill it.

    Raises ValidationError (a message for staff) when the Segreteria closed or paused the
    group or its seats are taken.
    """
    group = Group.objects.select_for_update().get(pk=group.pk)
    _check_published(group)
    if group.status != Group.Status.AUTOMATIC:
        raise ValidationError(
            _("The group “%(group)s” is not taking new participants (%(status)s): "
              "choose another group or the waiting list.")
            % {"group": group.name, "status": group.get_status_display()}
        )
    if count_seats_taken(group) >= group.capacity:
        raise ValidationError(
            _("The group “%(group)s” is full: choose another group or the waiting "
              "list.") % {"group": group.name}
        )
    return group


def _move(current, new_status, *, by, note, group, is_correction):
    """Set `current` (locked) to `new_status`, taking a seat when it needs one, and record
    the step in its history."""
    previous_group_id = current.group_id
    seat_before = current.group_id if current.status in SEATED else None
    if new_status in SEATED and not (current.status in SEATED and group is None):
        if group is None and current.status == Status.WAITING_LIST:
            group = current.group  # the seat they waited for
        if group is None:
            raise ValidationError(_("Choose the group to assign this person to."))
        if current.status not in SEATED or current.group_id != group.pk:
            group = _take_seat(group)
        current.group = group
    elif new_status == Status.WAITING_LIST:
        # The list is a group's list: the entry keeps the group (programme.waiting_list).
        current.group = group or current.group
        if current.group is None:
            raise ValidationError(WAITING_GROUP_REQUIRED)
        if group is not None:
            _check_published(current.group)
    elif new_status not in SEATED:
        current.group = None
    if new_status != Status.WAITING_LIST:
        current.waiting_since = None
    elif current.status != Status.WAITING_LIST or current.waiting_since is None:
        current.waiting_since = timezone.now()  # in line from now; kept while it stays
    previous = current.status
    current.status = new_status
    current.save(update_fields=["status", "group", "waiting_since", "updated_at"])
    if seat_before != (current.group_id if new_status in SEATED else None):
        public_pages_changed()
    StatusChange.objects.create(request=current, from_status=previous,
                                to_status=new_status, group=current.group,
                                note=note, changed_by=by, is_correction=is_correction)
    if current.organisation_id:
        notify_referrer(current)
    if new_status == Status.ASSIGNED and (previous != Status.ASSIGNED
                                          or current.group_id != previous_group_id):
        notify_assigned(current)  # when, where, what to bring: in the person's language


def change_status(request_obj, new_status, *, by, note="", group=None):
    """Move a request to `new_status`, recording who, when and why.

    The waiting list takes a `group` (the one the person waits for; usually a full one)
    and dates the entry (`waiting_since`); leaving the list clears the date. From the
    waiting list, an assignment without `group` takes a seat in the group waited for.

    Raises ValidationError with a message staff can act on when the move is not allowed
    (TRANSITIONS), a group is missing, or the group cannot take one more person.
    """
    new_status = Status(new_status)
    with transaction.atomic():
        current = ParticipationRequest.objects.select_for_update().get(pk=request_obj.pk)
        if new_status not in TRANSITIONS[Status(current.status)]:
            raise ValidationError(
                _("A request that is “%(current)s” cannot become “%(new)s”.")
                % {"current": current.get_status_display(), "new": new_status.label}
            )
        if (new_status == Status.ASSIGNED and group is None
                and current.status != Status.WAITING_LIST):
            raise ValidationError(_("Choose the group to assign this person to."))
        if new_status == Status.WAITING_LIST and group is None:
            raise ValidationError(WAITING_GROUP_REQUIRED)
        _move(current, new_status, by=by, note=note, group=group, is_correction=False)
    request_obj.refresh_from_db()
    return request_obj


def correct_status(request_obj, new_status, *, by, reason, group=None):
    """Put right a status set by mistake: any status may replace any other, the `reason`
    (required, at most 1,000 characters) is recorded in the history as a correction.

    A seat is still taken only if the group has one (a correction never overfills a
    group); a correction to a seated status or to the waiting list keeps the current
    group unless `group` is given. Raises ValidationError with a message for staff.
    """
    new_status = Status(new_status)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the status is being corrected."))
    if new_status == Status.MERGED:
        raise ValidationError(_("To merge two requests of the same person, use “Merge” on "
                                "the request: it says which request is kept."))
    with transaction.atomic():
        current = ParticipationRequest.objects.select_for_update().get(pk=request_obj.pk)
        if new_status == current.status and (group is None or group.pk == current.group_id):
            raise ValidationError(
                _("The request is already “%(status)s”.") % {"status": new_status.label})
        if current.status == Status.MERGED:
            # Merged by mistake: the request stands on its own again (its history keeps
            # the merge and this correction).
            current.merged_into = None
            current.save(update_fields=["merged_into"])
        _move(current, new_status, by=by, note=reason, group=group, is_correction=True)
    request_obj.refresh_from_db()
    return request_obj


def notify_referrer(referral):
    """Close the loop: the referring organisation learns the new status (the reference
    and the status only: the person's details stay out of the mail)."""
    referrer = referral.referred_by
    recipients = {referral.organisation.email}
    if referrer is not None and referrer.is_active:
        recipients.add(referrer.email)
    language = referrer.language if referrer else settings.LANGUAGE_CODE
    with translation.override(language):
        url = absolute_url(reverse("partner:referral_detail", args=[referral.pk]))
    queue_email(sorted(recipients), "programme/email/referral_status",
                {"referral": referral, "referral_url": url}, language)


def can_triage(user):
    return is_triage_staff(user)


def new_requests():
    """Requests nobody has handled yet (status "new"), newest first."""
    return ParticipationRequest.objects.filter(status=Status.NEW).order_by("-created_at")


def waiting_cutoff_day(today=None):
    """The last day (Milan's date) whose new requests have waited too long: those
    received more than settings.TRIAGE_WAITING_DAYS whole days before `today`.

    A day, not an instant, so that the dashboard's count and the list filtered "received
    up to" this day show the same requests.
    """
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.TRIAGE_WAITING_DAYS + 1)


def requests_waiting_too_long(today=None):
    """New requests received on or before `waiting_cutoff_day`, oldest first."""
    cutoff = waiting_cutoff_day(today)
    start_of_next_day = timezone.make_aware(
        datetime.datetime.combine(cutoff + datetime.timedelta(days=1), datetime.time.min))
    return new_requests().filter(created_at__lt=start_of_next_day).order_by("created_at")


def requests_visible_to(user):
    if can_triage(user):
        return ParticipationRequest.objects.all()
    return ParticipationRequest.objects.none()


# How much of a search the database is asked: a few words of a name, one number.
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 5
PHONE_SEARCH_MIN_DIGITS = 3
# What a phone number may be written with: "+39 333 550 0123", "(02) 884-47502", "0039…".
_PHONE_SPELLING = re.compile(r"\+?[\d\s().\-/]+")


def phone_search_digits(text):
    """The digits to look for in stored phones (E.164, "+393335500123",
    typed_text/phones.py), or "" when `text` is not a phone number as people write one.

    "333 5500" -> "3335500"; "+39 333 5500" -> "393335500"; "0039 333" -> "39333".
    """
    text = text.strip()
    if not _PHONE_SPELLING.fullmatch(text):
        return ""
    digits = re.sub(r"\D", "", text)
    if not text.startswith("+") and digits.startswith("00"):
        digits = digits[2:]  # the international prefix as dialled in Italy
    return digits if len(digits) >= PHONE_SEARCH_MIN_DIGITS else ""


def search_requests(queryset, text):
    """Requests of `queryset` that `text` finds: every word of it in the first name, last
    name, email or reference (so "colombo marta" finds Marta Colombo), or `text` as a
    phone number in any spelling (`phone_search_digits`). At most SEARCH_MAX_LENGTH
    characters and SEARCH_MAX_WORDS words are used: one bounded query."""
    text = (text or "").strip()[:SEARCH_MAX_LENGTH]
    if not text:
        return queryset
    by_words = Q()
    for word in text.split()[:SEARCH_MAX_WORDS]:
        by_words &= (Q(first_name__icontains=word) | Q(last_name__icontains=word)
                     | Q(email__icontains=word) | Q(reference__icontains=word))
    found = by_words | Q(reference__iexact=text)
    digits = phone_search_digits(text)
    if digits:
        found |= Q(phone__contains=digits)
    return queryset.filter(found)

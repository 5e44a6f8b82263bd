"""The rules of participation requests: how they arrive, how staff move them along, and
who may see them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import is_triage_staff
from home.contact import absolute_url, office_contacts
from home.mail import queue_email

from .models import Group, ParticipationRequest, StatusChange

Status = ParticipationRequest.Status

# Where a request may go from each status. Final statuses go nowhere.
TRANSITIONS = {
    Status.NEW: {Status.CONTACTED, Status.WAITING_LIST, Status.NOT_ELIGIBLE,
                 Status.WITHDRAWN, Status.UNREACHABLE},
    Status.CONTACTED: {Status.ASSIGNED, Status.WAITING_LIST, Status.NOT_ELIGIBLE,
                       Status.WITHDRAWN, Status.UNREACHABLE},
    Status.ASSIGNED: {Status.ATTENDING, Status.WAITING_LIST, Status.WITHDRAWN,
                      Status.UNREACHABLE},
    Status.ATTENDING: {Status.COMPLETED, Status.WITHDRAWN},
    Status.WAITING_LIST: {Status.CONTACTED, Status.ASSIGNED, Status.WITHDRAWN,
                          Status.UNREACHABLE},
    Status.UNREACHABLE: {Status.CONTACTED, Status.WITHDRAWN},
    Status.COMPLETED: set(),
    Status.NOT_ELIGIBLE: set(),
    Status.WITHDRAWN: set(),
}
# Statuses that hold a place in a group.
SEATED = {Status.ASSIGNED, Status.ATTENDING}



def reference_for(request_obj):
    """A code a person can read over the phone: MA-<year>-<5 digits>."""
    return f"MA-{timezone.localtime(request_obj.created_at):%Y}-{request_obj.pk:05d}"


def submit_request(*, data, language, source=ParticipationRequest.Source.SELF,
                   organisation=None, referred_by=None):
    """Store a request and queue its confirmation email, in one transaction.

    `data` is a validated form's cleaned data; `source` is decided by the caller (the
    public form always passes "self"), never by what was posted.
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
        )
        request_obj.reference = reference_for(request_obj)
        request_obj.save(update_fields=["reference"])
        StatusChange.objects.create(request=request_obj, to_status=Status.NEW,
                                    changed_by=referred_by)
        if request_obj.email:
            queue_email(request_obj.email, "programme/email/participation_received",
                        {"request": request_obj, **office_contacts(language)}, language)
    return request_obj


def seats_taken(group):
    return ParticipationRequest.objects.filter(group=group, status__in=SEATED).count()


def change_status(request_obj, new_status, *, by, note="", group=None):
    """Move a request to `new_status`, recording who, when and why.

    Raises ValidationError with a message staff can act on when the move is not allowed
    or the group cannot take one more person.
    """
    new_status = Status(new_status)
    with transaction.atomic():
        current = ParticipationRequest.objects.select_for_update().get(pk=request_obj.pk)
        if new_status not in TRANSITIONS[Status(current.status)]:
            raise ValidationError(
                _("A request that is “%(current)s” cannot become “%(new)s”.")
                % {"current": current.get_status_display(), "new": new_status.label}
            )
        if new_status == Status.ASSIGNED:
            if group is None:
                raise ValidationError(_("Choose the group to assign this person to."))
            group = Group.objects.select_for_update().get(pk=group.pk)
            if group.status != Group.Status.OPEN:
                raise ValidationError(
                    _("The group “%(group)s” is not taking new participants (%(status)s): "
                      "choose another group or the waiting list.")
                    % {"group": group.name, "status": group.get_status_display()}
                )
            if seats_taken(group) >= group.capacity:
                raise ValidationError(
                    _("The group “%(group)s” is full: choose another group or the waiting "
                      "list.") % {"group": group.name}
                )
            current.group = group
        elif new_status not in SEATED:
            current.group = None
        previous = current.status
        current.status = new_status
        current.save(update_fields=["status", "group", "updated_at"])
        StatusChange.objects.create(request=current, from_status=previous,
                                    to_status=new_status, group=current.group,
                                    note=note, changed_by=by)
        if current.organisation_id:
            notify_referrer(current)
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


def search_requests(queryset, text):
    text = (text or "").strip()[:100]
    if not text:
        return queryset
    return queryset.filter(
        Q(reference__iexact=text) | Q(first_name__icontains=text)
        | Q(last_name__icontains=text) | Q(email__icontains=text)
    )

"""Joining the protocol: an organisation asks, staff decide, the organisation may leave."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from accounts.models import Membership
from accounts.organisations import require_role
from home.contact import absolute_url
from mail.sending import queue_email

from .adhesion_mail import notify_organisation
from .models.adhesions import Adhesion
from .models.pages import ProtocolPage

Status = Adhesion.Status


def current_protocol():
    """The protocol organisations sign today: the live original of the protocol page."""
    return (
        ProtocolPage.objects.live().filter(locale__language_code=settings.LANGUAGE_CODE)
        .order_by("-signed_on").first()
    )


def awaiting_decision():
    """Adhesions sent and not yet approved or rejected, oldest first."""
    return (Adhesion.objects.filter(status=Status.PENDING).select_related("organisation")
            .order_by("submitted_at"))


def current_adhesion(organisation):
    """The adhesion that counts now: pending or approved, else the latest one."""
    adhesions = list(organisation.adhesions.order_by("-submitted_at")[:5])
    live = [a for a in adhesions if a.status in (Status.PENDING, Status.APPROVED)]
    return live[0] if live else (adhesions[0] if adhesions else None)


def can_refer(organisation):
    return organisation.adhesions.filter(status=Status.APPROVED).exists()


class ProtocolVersionChanged(ValidationError):
    """The partner read one version and another is now current: `current` is its number."""

    def __init__(self, current):
        self.current = current
        super().__init__(
            _("A new version of the protocol, %(version)s, was published while you were "
              "reading it. Read version %(version)s, then send the adhesion again: nothing "
              "you wrote is lost.") % {"version": current}, code="version_changed")


def submit(membership, *, signatory_name, signatory_role, declares_authority,
           accepted_version=None, publish_contact_details=False):
    """Send `membership`'s organisation's adhesion to the protocol's current version.

    `accepted_version`: the number of the version the partner was shown (the form carries
    it); if another is current now, ProtocolVersionChanged is raised and nothing is saved.
    None skips the check (callers that show no version). `publish_contact_details`: the
    organisation's consent to publish its website, email and phone (see
    `set_contact_consent`). Other refusals: ValidationError
    with code "authority", "pending" or "approved"; PermissionDenied for a non-admin.
    """
    from .protocol_versions import current_version

    require_role(membership, Membership.Role.ADMIN)
    if not declares_authority:
        raise ValidationError(_("Confirm that the signatory may sign for the organisation."),
                              code="authority")
    organisation = membership.organisation
    existing = organisation.adhesions.filter(status__in=[Status.PENDING, Status.APPROVED])
    if existing.filter(status=Status.PENDING).exists():
        raise ValidationError(_("Your adhesion is already being reviewed: you will receive an "
                                "email when staff decide."), code="pending")
    if existing.exists():
        raise ValidationError(_("Your organisation has already joined the protocol."),
                              code="approved")
    protocol = current_protocol()
    try:
        with transaction.atomic():
            if protocol is not None:
                # Publishing writes the page's row: holding it, the version read here is
                # the one in force until this adhesion is saved (and the publication's
                # notice, which follows, sees this adhesion).
                Page.objects.select_for_update().filter(pk=protocol.pk).first()
            version = current_version(protocol) if protocol else None
            number = version.number if version else ""
            if accepted_version is not None and accepted_version != number:
                raise ProtocolVersionChanged(number)
            adhesion = Adhesion.objects.create(
                organisation=organisation, submitted_by=membership.user,
                protocol_version=number, told_of_version=number,
                signatory_name=signatory_name, signatory_role=signatory_role,
                declares_authority=True,
                publish_contact_details=bool(publish_contact_details),
            )
            notify_organisation(adhesion, "submitted")
            queue_email(settings.STAFF_NOTIFICATION_EMAILS, "programme/email/adhesion_to_review",
                        {"adhesion": adhesion, "organisation": organisation,
                         "adhesion_url": absolute_url(reverse("adhesions:inspect",
                                                              args=[adhesion.pk]))},
                        settings.LANGUAGE_CODE)
    except IntegrityError as error:  # two admins submitting at the same moment
        raise ValidationError(_("Your adhesion is already being reviewed."),
                              code="pending") from error
    return adhesion


def _decide(adhesion, by, status, reason=""):
    with transaction.atomic():
        adhesion = Adhesion.objects.select_for_update().get(pk=adhesion.pk)
        if adhesion.status != Status.PENDING:
            raise ValidationError(_("Only a pending adhesion can be approved or rejected."),
                                  code="state")
        adhesion.status = status
        adhesion.decided_at = timezone.now()
        adhesion.decided_by = by
        adhesion.rejection_reason = reason
        adhesion.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
        notify_organisation(adhesion, status)
    return adhesion


def approve(adhesion, *, by):
    return _decide(adhesion, by, Status.APPROVED)


def reject(adhesion, *, by, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the organisation the reason for the rejection."),
                              code="reason")
    return _decide(adhesion, by, Status.REJECTED, reason)


def withdraw(membership, adhesion):
    require_role(membership, Membership.Role.ADMIN)
    if adhesion.organisation_id != membership.organisation_id:
        raise ValidationError(_("This adhesion is not your organisation's."), code="other")
    with transaction.atomic():
        adhesion = Adhesion.objects.select_for_update().get(pk=adhesion.pk)
        if adhesion.status != Status.APPROVED:
            raise ValidationError(_("Only an approved adhesion can be withdrawn."),
                                  code="state")
        adhesion.status = Status.WITHDRAWN
        adhesion.withdrawn_at = timezone.now()
        adhesion.withdrawn_by = membership.user
        adhesion.save(update_fields=["status", "withdrawn_at", "withdrawn_by"])
        notify_organisation(adhesion, "withdrawn", user=membership.user)
    return adhesion


def set_contact_consent(membership, adhesion, consent):
    """Record whether `membership`'s organisation lets its website, email and phone be
    published (the open data's HSDS organization and datasets, the protocol page's list);
    its name and kind are published anyway while it adheres, its people never.

    Only the organisation's admin decides (PermissionDenied otherwise), on its own
    pending or approved adhesion (ValidationError "other" or "state"): a rejected or
    withdrawn adhesion publishes nothing, so its consent has nothing to govern. Saving
    the adhesion clears the cached public pages (pagecache.invalidation.WATCHED_MODELS).
    Returns the adhesion."""
    require_role(membership, Membership.Role.ADMIN)
    if adhesion.organisation_id != membership.organisation_id:
        raise ValidationError(_("This adhesion is not your organisation's."), code="other")
    with transaction.atomic():
        adhesion = Adhesion.objects.select_for_update().get(pk=adhesion.pk)
        if adhesion.status not in (Status.PENDING, Status.APPROVED):
            raise ValidationError(_("Only a pending or approved adhesion has contact details "
                                    "to publish."), code="state")
        adhesion.publish_contact_details = bool(consent)
        adhesion.save(update_fields=["publish_contact_details"])
    return adhesion


def referral_standing(adhesion):
    """Whether the organisation may refer people, as its current adhesion (see
    `current_adhesion`; None when it never sent one) makes it: one of "verified",
    "not-sent", "pending", "rejected", "withdrawn". Only an approved adhesion lets an
    organisation refer (`can_refer`); the partner dashboard words each state."""
    if adhesion is None:
        return "not-sent"
    return {
        Status.APPROVED: "verified",
        Status.PENDING: "pending",
        Status.REJECTED: "rejected",
        Status.WITHDRAWN: "withdrawn",
    }[adhesion.status]

"""Partner organisations and their people: who belongs where, with which role."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.it import codicefiscale, iva

from .models import TAX_CODE_TAKEN, Invitation, Membership, Organisation

INVITATION_LIFETIME = datetime.timedelta(days=7)
Role = Membership.Role


# How long a typed code may be: a 16-character codice fiscale copied from a document
# with spaces, dots or dashes between its parts (the stored form is compact, 16 at most).
TAX_CODE_INPUT_LENGTH = 32


def compact_tax_code(value):
    """`value` without spaces, dots, dashes or an `IT` prefix, in capitals (python-stdnum's
    `it.iva.compact`, which also drops the prefix): "it 1234567 015 7" -> "12345670157"."""
    return iva.compact("".join((value or "").split()).replace(".", ""))


def normalise_tax_code(value):
    """An Italian partita IVA (11 digits) or codice fiscale (16 characters), validated by
    its check digit, in its compact form (`compact_tax_code`); else a ValidationError that
    says what to fix. python-stdnum's `is_valid` ignores separators: validating alone
    would store "1234567-0157" and "12345670157" as two organisations."""
    compact = compact_tax_code(value)
    if iva.is_valid(compact) or (len(compact) == 16 and codicefiscale.is_valid(compact)):
        return compact
    raise ValidationError(
        _("This is not a valid tax code or VAT number: check the digits (11 for a VAT "
          "number, 16 characters for a codice fiscale)."),
        code="invalid_tax_code",
    )


def membership_of(user):
    if not user.is_authenticated:
        return None
    try:
        return Membership.objects.select_related("organisation").get(user=user)
    except Membership.DoesNotExist:
        return None


def create_organisation(user, **fields):
    """Register an organisation; the user who registers it becomes its administrator."""
    if membership_of(user) is not None:
        raise ValidationError(_("You already belong to an organisation."), code="member")
    fields["tax_code"] = normalise_tax_code(fields.get("tax_code"))
    if Organisation.objects.filter(tax_code=fields["tax_code"]).exists():
        raise ValidationError(TAX_CODE_TAKEN, code="duplicate")
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(**fields)
            Membership.objects.create(user=user, organisation=organisation, role=Role.ADMIN)
    except IntegrityError as error:  # a concurrent registration of the same tax code
        raise ValidationError(TAX_CODE_TAKEN, code="duplicate") from error
    return organisation


def require_role(membership, *roles):
    if membership is None or membership.role not in roles:
        raise PermissionDenied


def invite(membership, email, role):
    """An admin invites a colleague; the invitation works once, for a week."""
    require_role(membership, Role.ADMIN)
    email = email.strip().lower()
    organisation = membership.organisation
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError(_("This person is already a member."), code="member")
    if organisation.invitations.pending().filter(email__iexact=email).exists():
        raise ValidationError(_("This person already has a pending invitation."),
                              code="pending")
    return Invitation.objects.create(
        organisation=organisation, email=email, role=role, invited_by=membership.user,
        token=secrets.token_urlsafe(32), expires_at=timezone.now() + INVITATION_LIFETIME,
    )


def revoke(membership, invitation):
    require_role(membership, Role.ADMIN)
    if invitation.organisation_id != membership.organisation_id:
        raise PermissionDenied
    if invitation.state != "pending":
        raise ValidationError(_("Only a pending invitation can be revoked."), code="state")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def invitation_problem(invitation):
    """Why an invitation cannot be used, in words for the person holding it; or None."""
    if invitation is None:
        return _("This invitation link is not valid.")
    return {
        "accepted": _("This invitation has already been used."),
        "revoked": _("This invitation was withdrawn by the organisation."),
        "expired": _("This invitation has expired: ask the organisation for a new one."),
    }.get(invitation.state)


def accept(invitation, user):
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError(problem, code="invalid_invitation")
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to another email address. Sign in with %(email)s.")
            % {"email": invitation.email}, code="other_email")
    if membership_of(user) is not None:
        raise ValidationError(_("You already belong to an organisation."), code="member")
    with transaction.atomic():
        membership = Membership.objects.create(
            user=user, organisation=invitation.organisation, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership

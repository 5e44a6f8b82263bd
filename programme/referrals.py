"""Partners referring people, and the closed loop that tells them what happened next."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation

from .adhesions import can_refer
from .models.participation import ParticipationRequest
from .participation import submit_request

REFERRING_ROLES = (Membership.Role.ADMIN, Membership.Role.REFERRER)


class NotAllowedToRefer(PermissionDenied):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def referral_refusal(membership):
    """Why this member may not refer anyone now, in words for them; or None."""
    if membership.role not in REFERRING_ROLES:
        return _("Your role lets you read referrals but not make them: ask your "
                 "organisation's administrator.")
    if not can_refer(membership.organisation):
        return _("Your organisation can refer people once its adhesion to the protocol is "
                 "approved.")
    return None


def referral_source(organisation):
    """The source a referral by `organisation` carries: "trade union" for a union (the
    protocol's second channel, e.g. the Camera del Lavoro), else "partner referral". It
    says which organisation referred the person, nothing about the person: no union
    membership is asked or recorded (the referral form has no such field)."""
    if organisation.kind == Organisation.Kind.TRADE_UNION:
        return ParticipationRequest.Source.TRADE_UNION
    return ParticipationRequest.Source.PARTNER_REFERRAL


def refer(membership, data, language):
    refusal = referral_refusal(membership)
    if refusal:
        raise NotAllowedToRefer(refusal)
    return submit_request(
        data=data, language=language, source=referral_source(membership.organisation),
        organisation=membership.organisation, referred_by=membership.user,
    )


def referrals_of(membership):
    """The referrals one organisation may see: its own, never another's."""
    return (
        ParticipationRequest.objects.filter(organisation=membership.organisation)
        .select_related("referred_by", "group")
        .order_by("-created_at")
    )

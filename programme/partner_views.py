"""Partner area: the dashboard, the adhesion to the protocol and the referrals."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import partner_required
from accounts.models import Membership

from . import adhesions
from .forms import AdhesionForm, ContactConsentForm, ReferralForm
from .models.participation import ParticipationRequest
from .protocol_versions import current_version, version_pdf_address
from .referrals import NotAllowedToRefer, refer, referral_refusal, referrals_of


@partner_required
def dashboard(request):
    membership = request.membership
    organisation = membership.organisation
    counts = dict(
        referrals_of(membership).order_by().values_list("status").annotate(n=Count("pk"))
    )
    by_status = [
        (label, counts[value]) for value, label in ParticipationRequest.Status.choices
        if counts.get(value)
    ]
    adhesion = adhesions.current_adhesion(organisation)
    return render(request, "programme/partner/dashboard.html", {
        "membership": membership,
        "organisation": organisation,
        "adhesion": adhesion,
        "standing": adhesions.referral_standing(adhesion),
        "can_refer": referral_refusal(membership) is None,
        "by_status": by_status,
        "recent": referrals_of(membership)[:5],
        "member_count": organisation.memberships.count(),
        "pending_invitations": organisation.invitations.pending().count(),
    })


@partner_required
def adhesion(request):
    membership = request.membership
    current = adhesions.current_adhesion(membership.organisation)
    is_admin = membership.role == Membership.Role.ADMIN
    form = AdhesionForm(request.POST or None) if is_admin else None
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                # None (a post made without the form) is checked against nothing.
                adhesions.submit(membership, **form.cleaned_data,
                                 accepted_version=request.POST.get("protocol_version"))
            except ValidationError as error:
                # A new version went live since the form was shown: the form comes back
                # with what was typed and the new version to read (read below, after).
                form.add_error(None, error)
            else:
                messages.success(request, _("Adhesion sent: staff will review it and you will "
                                            "receive an email."))
                return redirect("partner:dashboard")
    protocol = adhesions.current_protocol()
    version = current_version(protocol) if protocol else None
    version_pdf_url = (version_pdf_address(protocol.localized.specific, version)
                       if version else "")
    consent_form = None
    if is_admin and current is not None and current.status in (
            adhesions.Status.PENDING, adhesions.Status.APPROVED):
        consent_form = ContactConsentForm(
            initial={"publish_contact_details": current.publish_contact_details})
    return render(request, "programme/partner/adhesion.html", {
        "membership": membership, "adhesion": current, "protocol": protocol, "form": form,
        "is_admin": is_admin, "version": version, "version_pdf_url": version_pdf_url,
        "consent_form": consent_form,
    })


@require_POST
@partner_required
def adhesion_contact_consent(request):
    current = adhesions.current_adhesion(request.membership.organisation)
    if current is None:
        raise Http404
    form = ContactConsentForm(request.POST)
    # A lone boolean is always valid: an unticked box is a withdrawn consent.
    form.is_valid()
    consent = form.cleaned_data.get("publish_contact_details", False)
    try:
        adhesions.set_contact_consent(request.membership, current, consent)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _(
            "Saved: your organisation's website, email and phone are published in the open "
            "data and on the protocol page.") if consent else _(
            "Saved: your organisation's website, email and phone are no longer published; "
            "its name and kind stay listed."))
    return redirect("partner:adhesion")


@require_POST
@partner_required
def adhesion_withdraw(request):
    current = adhesions.current_adhesion(request.membership.organisation)
    if current is None:
        raise Http404
    try:
        adhesions.withdraw(request.membership, current)
    except PermissionDenied:
        raise
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Your organisation has left the protocol."))
    return redirect("partner:adhesion")


@partner_required
def referral_list(request):
    referrals = referrals_of(request.membership)
    status = request.GET.get("status")
    if status in ParticipationRequest.Status.values:
        referrals = referrals.filter(status=status)
    return render(request, "programme/partner/referral_list.html", {
        "membership": request.membership,
        "referrals": referrals[:200],
        "statuses": ParticipationRequest.Status.choices,
        "current_status": status,
        "can_refer": referral_refusal(request.membership) is None,
    })


@partner_required
def referral_detail(request, pk):
    # Another organisation's referral does not exist, as far as this member can tell.
    referral = referrals_of(request.membership).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return render(request, "programme/partner/referral_detail.html", {
        "membership": request.membership,
        "referral": referral,
        "history": referral.history.select_related("group").order_by("changed_at", "pk"),
    })


@partner_required
def referral_create(request):
    refusal = referral_refusal(request.membership)
    if refusal:
        return render(request, "programme/partner/refusal.html",
                      {"membership": request.membership, "message": refusal}, status=403)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = refer(request.membership, form.request_data(), get_language())
        except NotAllowedToRefer as error:
            return render(request, "programme/partner/refusal.html",
                          {"membership": request.membership, "message": error.message},
                          status=403)
        messages.success(request, _("Referral sent. Reference code: %(reference)s.")
                         % {"reference": referral.reference})
        return redirect("partner:referral_detail", referral.pk)
    return render(request, "programme/partner/referral_form.html",
                  {"membership": request.membership, "form": form})

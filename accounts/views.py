"""Partner area: the organisation, its members and their invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mail.links import site_url
from mail.sending import queue_email

from .decorators import facilitator_refused, partner_required
from .forms import InvitationForm, OrganisationForm
from .models import Invitation, Membership
from .organisations import (
    accept,
    create_organisation,
    invitation_problem,
    invite,
    membership_of,
    revoke,
)

DASHBOARD = "partner:dashboard"


@never_cache
@login_required
def organisation_create(request):
    refused = facilitator_refused(request)
    if refused is not None:
        return refused
    if membership_of(request.user) is not None:
        return redirect(DASHBOARD)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create_organisation(request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your organisation is registered. Next step: join the "
                                        "protocol."))
            return redirect(DASHBOARD)
    return render(request, "accounts/organisation_form.html", {"form": form})


@partner_required
def organisation_edit(request):
    membership = request.membership
    if membership.role != Membership.Role.ADMIN:
        return render(request, "accounts/organisation_detail.html",
                      {"organisation": membership.organisation}, status=200)
    form = OrganisationForm(request.POST or None, instance=membership.organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Organisation details saved."))
        return redirect(DASHBOARD)
    return render(request, "accounts/organisation_form.html", {"form": form, "editing": True})


@partner_required
def members(request):
    membership = request.membership
    organisation = membership.organisation
    is_admin = membership.role == Membership.Role.ADMIN
    if request.method == "POST" and not is_admin:
        raise PermissionDenied
    form = InvitationForm(request.POST or None) if is_admin else None
    if request.method == "POST" and is_admin and form.is_valid():
        try:
            invitation = invite(membership, form.cleaned_data["email"], form.cleaned_data["role"])
        except ValidationError as error:
            form.add_error("email", error)
        else:
            url = site_url(reverse("accounts:invitation_accept", args=[invitation.token]))
            queue_email(invitation.email, "accounts/email/invitation",
                        {"invitation": invitation, "url": url}, request.LANGUAGE_CODE)
            messages.success(request, _("Invitation sent to %(email)s.")
                             % {"email": invitation.email})
            return redirect("accounts:members")
    return render(request, "accounts/members.html", {
        "organisation": organisation,
        "is_admin": is_admin,
        "members": organisation.memberships.select_related("user").order_by("created_at"),
        "invitations": organisation.invitations.order_by("-created_at")[:50] if is_admin else [],
        "form": form,
    })


@require_POST
@partner_required
def invitation_revoke(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk,
                                   organisation=request.membership.organisation)
    try:
        revoke(request.membership, invitation)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Invitation revoked."))
    return redirect("accounts:members")


@never_cache
def invitation_accept(request, token):
    invitation = Invitation.objects.select_related("organisation").filter(token=token).first()
    problem = invitation_problem(invitation)
    if problem or not request.user.is_authenticated:
        return render(request, "accounts/invitation.html",
                      {"invitation": invitation, "problem": problem},
                      status=410 if problem else 200)
    refused = facilitator_refused(request)
    if refused is not None:
        return refused
    if request.method == "POST":
        try:
            accept(invitation, request.user)
        except ValidationError as error:
            return render(request, "accounts/invitation.html",
                          {"invitation": invitation, "problem": error.messages[0]}, status=409)
        messages.success(request, _("Welcome to %(organisation)s.")
                         % {"organisation": invitation.organisation.name})
        return redirect(DASHBOARD)
    return render(request, "accounts/invitation.html", {"invitation": invitation})

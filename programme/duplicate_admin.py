"""A request's possible duplicates on its triage screen: "Unisci" (merge) and "Non è la
stessa persona" (not the same person). The rules are in duplicates.py."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from typed_text.parameters import AsciiKeyChoiceField

from .duplicates import (
    HOLDS_A_PLACE,
    mark_not_duplicates,
    matching_reasons,
    merge_requests,
    possible_duplicates,
)
from .models.participation import ParticipationRequest
from .participation import can_triage, requests_visible_to


def duplicates_context(participation):
    """What the request screen shows of `participation`'s duplicates: those possible
    (with what they share and the two buttons' addresses), the request it was merged
    into, and those merged into it. A few queries whatever the history."""

    def link(row):
        return reverse("participation_requests:inspect", args=[row.pk])

    return {
        "possible_duplicates": [
            {"item": other, "url": link(other),
             "reasons": ", ".join(matching_reasons(participation, other))}
            for other in possible_duplicates(participation).select_related("group")],
        "merge_url": reverse("participation_requests:merge", args=[participation.pk]),
        "not_duplicate_url": reverse("participation_requests:not_duplicate",
                                     args=[participation.pk]),
        "merged_into": ({"item": participation.merged_into,
                         "url": link(participation.merged_into)}
                        if participation.merged_into_id else None),
        "merged_requests": [{"item": row, "url": link(row)}
                            for row in participation.merged_requests.order_by("pk")],
    }


class OtherRequestForm(forms.Form):
    other = AsciiKeyChoiceField(
        queryset=ParticipationRequest.objects.all(),
        error_messages={
            "required": gettext_lazy("Choose the other request."),
            "invalid_choice": gettext_lazy("That request is not there any more."),
        })

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = requests_visible_to(user)


def _other(request, pk):
    if not can_triage(request.user):
        raise PermissionDenied
    participation = get_object_or_404(requests_visible_to(request.user), pk=pk)
    form = OtherRequestForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return participation, None
    return participation, form.cleaned_data["other"]


@require_POST
def merge_view(request, pk):
    """Merge the posted `other` request into this one (pk), which stays."""
    keep, duplicate = _other(request, pk)
    if duplicate is not None:
        held = (duplicate.get_status_display(), duplicate.group, duplicate.status)
        try:
            copied = merge_requests(keep, duplicate, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            text = _("%(reference)s was merged into this request; its history is kept.") % {
                "reference": duplicate.reference}
            if copied:
                text += " " + _("Copied from it: %(fields)s.") % {"fields": ", ".join(
                    str(ParticipationRequest._meta.get_field(name).verbose_name)
                    for name in copied)}
            status_label, group, status = held
            if group is not None and status in HOLDS_A_PLACE:
                if keep.group_id == group.pk and keep.status == status:
                    text += " " + _("Its place passes to this request: %(status)s, group "
                                    "“%(group)s”.") % {"status": status_label, "group": group}
                else:
                    text += " " + _("Its place in “%(group)s” (%(status)s) is freed: this "
                                    "request keeps its own.") % {"status": status_label,
                                                                 "group": group}
            messages.success(request, text)
    return redirect("participation_requests:inspect", pk)


@require_POST
def not_duplicate_view(request, pk):
    participation, other = _other(request, pk)
    if other is not None:
        try:
            mark_not_duplicates(participation, other, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Recorded: %(reference)s is not the same person.")
                             % {"reference": other.reference})
    return redirect("participation_requests:inspect", pk)

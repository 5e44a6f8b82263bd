"""Triage of participation requests in the Wagtail admin, for the Segreteria only."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Locale

from home.dates import local_datetime, month_year
from home.display import EMPTY, ReadableInspectMixin, display_value, person_name, phone_link
from home.exports import SafeSpreadsheetExportMixin

from .admin_policies import ReadOnlyPolicy
from .models import Group, ParticipationRequest, Venue
from .participation import TRANSITIONS, can_triage, change_status


def triage_staff_q():
    from django.db.models import Q

    from accounts.roles import TRIAGE_GROUP

    return Q(is_superuser=True) | Q(groups__name=TRIAGE_GROUP)


class TriagePermissionPolicy(ReadOnlyPolicy):
    """Segreteria and superusers read requests; nobody adds, edits or deletes them here."""

    allowed = staticmethod(can_triage)
    allowed_users = staticmethod(triage_staff_q)


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"), error_messages={"required": _("Choose the new status.")})
    group = forms.ModelChoiceField(
        label=_("Group"), required=False, queryset=Group.objects.none(), empty_label=EMPTY,
        help_text=_("Required when assigning to a group."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, participation, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[ParticipationRequest.Status(participation.status)]
        # No status is pre-selected: staff choose one.
        self.fields["status"].choices = [("", _("Choose…"))] + [
            (value, label) for value, label in ParticipationRequest.Status.choices
            if value in allowed
        ]
        self.fields["group"].queryset = Group.objects.canonical().select_related("venue")


def _canonical_venues(request):
    return Venue.objects.filter(locale=Locale.get_default()).order_by("name")


def _canonical_groups(request):
    return Group.objects.canonical().order_by("name")


class ParticipationRequestFilterSet(WagtailFilterSet):
    """Requests point at the original (Italian) venue and group rows: only those are
    offered, once each; "received" is a range of days, not one instant."""

    preferred_venue = django_filters.ModelChoiceFilter(
        label=_("Preferred venue"), queryset=_canonical_venues, empty_label=_("All"))
    group = django_filters.ModelChoiceFilter(label=_("Group"), queryset=_canonical_groups,
                                             empty_label=_("All"))
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Received"), widget=DateRangePickerWidget)

    class Meta:
        model = ParticipationRequest
        fields = ["status", "source", "preferred_venue", "group", "created_at"]


class TriageIndexView(SafeSpreadsheetExportMixin, IndexView):
    month_year_fields = ["situation_since"]  # "since": a month and year, as the person gave it


class TriageInspectView(ReadableInspectMixin, InspectView):
    template_name = "programme/triage/inspect.html"

    def get_situation_since_display_value(self):
        return month_year(self.object.situation_since)

    def get_phone_display_value(self):
        return phone_link(self.object.phone)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = [
            {
                "when": local_datetime(change.changed_at),
                "who": person_name(change.changed_by),
                "change": (f"{change.get_from_status_display()} → " if change.from_status
                           else "") + change.get_to_status_display(),
                "group": display_value(change.group),
                "note": change.note or EMPTY,
            }
            for change in self.object.history.select_related("changed_by", "group")
        ]
        if TRANSITIONS[ParticipationRequest.Status(self.object.status)]:
            context["status_form"] = StatusChangeForm(participation=self.object)
            context["status_url"] = reverse("participation_requests:status",
                                            args=[self.object.pk])
        return context


@require_POST
def status_change_view(request, pk):
    if not can_triage(request.user):
        raise PermissionDenied
    participation = get_object_or_404(ParticipationRequest, pk=pk)
    form = StatusChangeForm(request.POST, participation=participation)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            change_status(participation, form.cleaned_data["status"], by=request.user,
                          note=form.cleaned_data["note"], group=form.cleaned_data["group"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Status updated."))
    return redirect("participation_requests:inspect", pk)


class ParticipationRequestViewSet(ModelViewSet):
    model = ParticipationRequest
    name = "participation_requests"
    icon = "form"
    menu_label = _("Requests")  # short enough for the menu; the screen says the rest
    menu_order = 150
    add_to_admin_menu = True
    inspect_view_enabled = True
    index_view_class = TriageIndexView
    inspect_view_class = TriageInspectView
    list_display = ["reference", Column("full_name", label=_("Full name")), "status", "source",
                    "preferred_venue", "group", "created_at"]
    filterset_class = ParticipationRequestFilterSet
    search_fields = ["reference", "first_name", "last_name", "email"]
    search_backend_name = None  # plain database search: these rows are not indexed
    list_export = ["reference", "created_at", "status", "source", "first_name", "last_name",
                   "email", "phone", "preferred_channel", "employment_status",
                   "situation_since", "preferred_venue", "prefers_mornings",
                   "prefers_afternoons", "heard_from", "note", "group", "language",
                   "organisation"]
    export_filename = "richieste-di-partecipazione"
    inspect_view_fields_exclude = ["id"]
    copy_view_enabled = False
    # Requests are never edited here: staff change their status (status_change_view).
    form_fields = ["note"]

    @property
    def permission_policy(self):
        return TriagePermissionPolicy(self.model)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/status/", status_change_view, name="status"),
        ]

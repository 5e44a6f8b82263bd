"""Triage of participation requests in the Wagtail admin, for the Segreteria only."""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Locale

from exports.spreadsheets import SafeSpreadsheetExportMixin
from readable.dates import local_datetime, month_year
from readable.display import EMPTY, ReadableInspectMixin, display_value, person_name, phone_link
from typed_text.parameters import AsciiKeyChoiceField

from .admin_actions import act_and_report
from .admin_policies import ReadOnlyPolicy
from .duplicate_admin import duplicates_context, merge_view, not_duplicate_view
from .models.groups import Group
from .models.participation import ParticipationRequest
from .models.venues import Venue
from .office_requests import OfficeRequestCreateView
from .participation import (
    TRANSITIONS,
    can_triage,
    change_status,
    correct_status,
    search_requests,
)
from .seats import group_choice_label, with_seats
from .triage_bulk import SelectionIndexMixin
from .waiting_list import waiting_position


def triage_staff_q():
    from django.db.models import Q

    from accounts.roles import TRIAGE_GROUP

    return Q(is_superuser=True) | Q(groups__name=TRIAGE_GROUP)


class TriagePermissionPolicy(ReadOnlyPolicy):
    """Segreteria and superusers read requests and enter those of people who phone or
    come to the office (office_requests.py); nobody edits or deletes them here."""

    allowed = staticmethod(can_triage)
    allowed_users = staticmethod(triage_staff_q)

    def user_has_permission(self, user, action):
        return action in {"view", "add"} and can_triage(user)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            {"view"} if set(actions) & {"view", "add"} else set())


class GroupWithSeatsField(AsciiKeyChoiceField):
    """Every group, labelled with its places left or "full": a full group is the one to
    choose for its waiting list, and assigning to it is refused with a message
    (participation._take_seat)."""

    def label_from_instance(self, obj):
        return group_choice_label(obj)


def groups_with_seats():
    """The original published groups with their seats taken, for the triage screens (one
    query): a draft's time and place are not approved yet, nobody is told them."""
    return with_seats(Group.objects.canonical().published()).order_by("name")


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"), error_messages={"required": _("Choose the new status.")})
    group = GroupWithSeatsField(
        label=_("Group"), required=False, queryset=Group.objects.none(), empty_label=EMPTY,
        help_text=_("Required when assigning to a group or putting on its waiting list "
                    "(a full group can be chosen for its waiting list)."),
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
        self.fields["group"].queryset = groups_with_seats()
        if participation.status == ParticipationRequest.Status.WAITING_LIST:
            self.fields["group"].initial = participation.group_id  # the group waited for


class StatusCorrectionForm(forms.Form):
    """Put right a status set by mistake: any status, with a reason."""

    status = forms.ChoiceField(
        label=_("Correct status"), error_messages={"required": _("Choose the new status.")})
    group = GroupWithSeatsField(
        label=_("Group"), required=False, queryset=Group.objects.none(), empty_label=EMPTY,
        help_text=_("Only when the correct status is in a group or on its waiting list; "
                    "empty keeps the current group."),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the status is being corrected.")},
    )

    def __init__(self, *args, participation, **kwargs):
        super().__init__(*args, prefix="correction", **kwargs)
        # Merging has its own action ("Unisci"), which says into which request.
        self.fields["status"].choices = [("", _("Choose…"))] + [
            choice for choice in ParticipationRequest.Status.choices
            if choice[0] != ParticipationRequest.Status.MERGED]
        self.fields["group"].queryset = groups_with_seats()


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


class TriageIndexView(SelectionIndexMixin, SafeSpreadsheetExportMixin, IndexView):
    month_year_fields = ["situation_since"]  # "since": a month and year, as the person gave it
    add_item_label = _("Enter a request (phone or office)")

    def get_base_queryset(self):
        # The columns show each row's venue and group: read with the rows, not one
        # query per row (issue 16: 18 queries became 45 with a page of requests).
        return super().get_base_queryset().select_related("preferred_venue", "group")

    def search_queryset(self, queryset):
        # Staff type a name surname-first or a phone as the person said it: the rule
        # lives in participation.search_requests, not in Wagtail's one-phrase match.
        if not self.is_searching:
            return queryset
        return search_requests(queryset, self.search_query)


class TriageInspectView(ReadableInspectMixin, InspectView):
    template_name = "programme/triage/inspect.html"
    # Wagtail's "Inspect" reads «Controlla: MA-…» in Italian: the screen is the request.
    page_title = _("Participation request")

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
                "change": (f"{change.get_from_status_display()} → "
                           if change.from_status not in ("", change.to_status)
                           else "") + change.get_to_status_display(),
                "correction": change.is_correction,
                "group": display_value(change.group),
                "note": change.note or EMPTY,
            }
            for change in self.object.history.select_related("changed_by", "group")
        ]
        if TRANSITIONS[ParticipationRequest.Status(self.object.status)]:
            context["status_form"] = StatusChangeForm(participation=self.object)
            context["status_url"] = reverse("participation_requests:status",
                                            args=[self.object.pk])
        context["waiting_position"] = waiting_position(self.object)
        context.update(duplicates_context(self.object))
        context["correction_form"] = StatusCorrectionForm(participation=self.object)
        context["correction_url"] = reverse("participation_requests:correct_status",
                                            args=[self.object.pk])
        return context


@require_POST
def correct_status_view(request, pk):
    if not can_triage(request.user):
        raise PermissionDenied
    participation = get_object_or_404(ParticipationRequest, pk=pk)
    return act_and_report(
        request, StatusCorrectionForm(request.POST, participation=participation),
        lambda data: correct_status(participation, data["status"], by=request.user,
                                    reason=data["reason"], group=data["group"]),
        _("Status updated."), reverse("participation_requests:inspect", args=[pk]))


@require_POST
def status_change_view(request, pk):
    if not can_triage(request.user):
        raise PermissionDenied
    participation = get_object_or_404(ParticipationRequest, pk=pk)
    return act_and_report(
        request, StatusChangeForm(request.POST, participation=participation),
        lambda data: change_status(participation, data["status"], by=request.user,
                                   note=data["note"], group=data["group"]),
        _("Status updated."), reverse("participation_requests:inspect", args=[pk]))


class ParticipationRequestViewSet(ModelViewSet):
    model = ParticipationRequest
    name = "participation_requests"
    icon = "form"
    menu_label = _("Requests")  # short enough for the menu; the screen says the rest
    menu_order = 150
    add_to_admin_menu = True
    inspect_view_enabled = True
    index_view_class = TriageIndexView
    add_view_class = OfficeRequestCreateView
    inspect_view_class = TriageInspectView
    list_display = ["reference", Column("full_name", label=_("Full name")), "status", "source",
                    "preferred_venue", "group", "created_at"]
    filterset_class = ParticipationRequestFilterSet
    search_fields = ["reference", "first_name", "last_name", "email"]
    search_backend_name = None  # plain database search: these rows are not indexed
    list_export = ["reference", "created_at", "status", "source", "first_name", "last_name",
                   "email", "phone", "preferred_channel", "employment_status",
                   "situation_since", "preferred_venue", "preferred_group",
                   "prefers_mornings",
                   "prefers_afternoons", "heard_from", "note", "group", "language",
                   "organisation"]
    export_filename = _("participation-requests")  # the file's name, in the reader's language
    # The duplicate bookkeeping is shown as links on the request (programme.duplicates).
    # The matching keys are the name and email again, folded for comparison.
    inspect_view_fields_exclude = ["id", "not_duplicates", "merged_into", "waiting_since",
                                   "email_key", "first_key", "last_key"]
    copy_view_enabled = False
    # Requests are never edited here: staff change their status (status_change_view).
    form_fields = ["note"]

    @property
    def permission_policy(self):
        return TriagePermissionPolicy(self.model)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/status/", status_change_view, name="status"),
            path("<int:pk>/correct-status/", correct_status_view, name="correct_status"),
            path("<int:pk>/merge/", merge_view, name="merge"),
            path("<int:pk>/not-duplicate/", not_duplicate_view, name="not_duplicate"),
        ]

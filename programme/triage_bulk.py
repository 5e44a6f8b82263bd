"""The triage list's selection: check several requests, then change their status, assign
them to a group or export them (Wagtail's bulk actions, `register_bulk_action`).

Wagtail 7.4 offers bulk actions on pages, images, documents, users and snippets; a
ModelViewSet listing has the same machinery but not the checkbox column and the footer,
so `SelectionIndexMixin` adds them. The rules are in bulk_triage.py.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column
from wagtail.admin.views.bulk_action import BulkAction

from readable.display import EMPTY
from typed_text.parameters import AsciiKeyChoiceField, is_ascii_number

from .bulk_triage import assign_requests, bulk_targets, change_requests
from .duplicates import with_duplicate_flag
from .models.groups import Group
from .models.participation import ParticipationRequest
from .participation import can_triage, requests_visible_to
from .seats import group_choice_label, with_seats

# The checkbox's accessible description: the reference of its row.
OBJ_TYPE = "request"


def selected_ids(values):
    """The request ids of a selection (`?id=3&id=5`): ASCII numbers only, others dropped."""
    return [int(value) for value in values if is_ascii_number(value)]


class DuplicateFlagColumn(Column):
    """"Possible duplicate" written out in the row (never a colour alone)."""

    cell_template_name = "programme/triage/duplicate_flag_cell.html"


class SelectionIndexMixin:
    """For the triage IndexView: a checkbox on each row and the bulk actions' footer; the
    "possible duplicate" flag (one query for the page: duplicates.with_duplicate_flag);
    `?id=…` narrows the list, and its export, to a selection."""

    template_name = "programme/triage/index.html"

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if not getattr(self, "is_export", False):
            # A column of the screen, not of the file: an export of the whole list need
            # not pay its subquery per row (issue 16).
            queryset = with_duplicate_flag(queryset)
        ids = self.request.GET.getlist("id")
        if ids:
            queryset = queryset.filter(pk__in=selected_ids(ids))
        return queryset

    @cached_property
    def columns(self):
        columns = list(super().columns)
        names = [column.name for column in columns]
        at = names.index("full_name") + 1 if "full_name" in names else len(columns)
        columns.insert(at, DuplicateFlagColumn(
            "possible_duplicate", label=_("Duplicates"), sort_key=None))
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type=OBJ_TYPE), *columns]

    def _get_title_column(self, *args, **kwargs):
        return super()._get_title_column(
            *args, **kwargs, get_title_id=lambda instance: f"{OBJ_TYPE}_{instance.pk}_title")


class TriageBulkAction(BulkAction):
    """A bulk action on participation requests, for the Segreteria only."""

    models = [ParticipationRequest]
    template_name = "programme/triage/bulk_confirm.html"
    action_button_text = _("Apply")

    def dispatch(self, request, *args, **kwargs):
        if not can_triage(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_actionable_objects(self):
        # One query whatever the selection; the listing offers no "select every page"
        # (id=all): a selection is what was checked, ids as ASCII numbers only.
        ids = selected_ids(self.request.GET.getlist("id"))
        items = list(requests_visible_to(self.request.user).filter(pk__in=ids)
                     .select_related("group").order_by("-created_at"))
        if not items:
            raise Http404
        return items, {"items_with_no_access": []}

    def object_context(self, obj):
        return {"item": obj, "group": obj.group.name if obj.group_id else EMPTY,
                "inspect_url": reverse("participation_requests:inspect", args=[obj.pk])}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(action=self, action_button_text=self.action_button_text,
                       no_action_button_text=_("Cancel"), header_icon="form",
                       count=len(context["items"]))
        return context

    def form_valid(self, form):
        objects, _no_access = self.get_actionable_objects()
        try:
            changed = self.run(objects, form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, ngettext(
            "%(count)d request changed.", "%(count)d requests changed.", changed)
            % {"count": changed})
        return redirect(self.next_url)

    def run(self, objects, data):
        raise NotImplementedError


class GroupChoiceField(AsciiKeyChoiceField):
    """The groups with their places left ("Gruppo del giovedì — 3 posti liberi")."""

    def label_from_instance(self, obj):
        return group_choice_label(obj)


def _groups():
    return with_seats(Group.objects.canonical().published()).order_by("name")


class BulkStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"),
                               error_messages={"required": _("Choose the new status.")})
    group = GroupChoiceField(
        label=_("Group"), required=False, queryset=Group.objects.none(), empty_label=EMPTY,
        help_text=_("For the waiting list: the group the people wait for."))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Choose…"))] + [
            (status.value, status.label) for status in bulk_targets()]
        self.fields["group"].queryset = _groups()


class BulkAssignForm(forms.Form):
    group = GroupChoiceField(
        label=_("Group"), queryset=Group.objects.none(), empty_label=_("Choose…"),
        error_messages={"required": _("Choose the group to assign these people to.")})
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = _groups()


@hooks.register("register_bulk_action")
class ChangeStatusBulkAction(TriageBulkAction):
    display_name = _("Change status")
    action_type = "change_status"
    aria_label = _("Change the status of the selected requests")
    action_priority = 10
    form_class = BulkStatusForm
    action_button_text = _("Change status")

    def run(self, objects, data):
        return change_requests(objects, data["status"], by=self.request.user,
                               note=data["note"], group=data["group"])


@hooks.register("register_bulk_action")
class AssignBulkAction(TriageBulkAction):
    display_name = _("Assign to a group")
    action_type = "assign"
    aria_label = _("Assign the selected requests to a group")
    action_priority = 20
    form_class = BulkAssignForm
    action_button_text = _("Assign to the group")

    def run(self, objects, data):
        return assign_requests(objects, data["group"], by=self.request.user,
                               note=data["note"])


@hooks.register("register_bulk_action")
class ExportBulkAction(TriageBulkAction):
    """The selection as CSV or XLSX: links to the list's own export narrowed to the
    selected ids, so the file is the list's (exports.spreadsheets)."""

    display_name = _("Export")
    action_type = "export"
    aria_label = _("Export the selected requests")
    action_priority = 30
    template_name = "programme/triage/bulk_export.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ids = [("id", entry["item"].pk) for entry in context["items"]]
        listing = reverse("participation_requests:index")
        context["export_urls"] = [
            (label, f"{listing}?{urlencode([('export', fmt), *ids])}")
            for fmt, label in (("csv", _("Download CSV")), ("xlsx", _("Download XLSX")))]
        return context

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)

"""Admin › "Groups and seats": each group's seats and public status, for the Segreteria,
who may close, pause or reopen a group here (programme.seats.set_group_status)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .models.groups import Group
from .participation import can_triage
from .seats import set_group_status
from .waiting_list import seat_offers, waiting_without_group, with_waiting_counts


class GroupStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Group.Status.choices)


class GroupSeatsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "programme/triage/group_seats.html"
    page_title = gettext_lazy("Groups and seats")
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not can_triage(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        groups = list(with_waiting_counts(Group.objects.canonical()).order_by("name"))
        rows = [
            {"group": group, "form": GroupStatusForm(
                initial={"status": group.status}, prefix=f"group-{group.pk}")}
            for group in groups
        ]
        return super().get_context_data(
            rows=rows, offers=seat_offers(groups),
            waiting_without_group=waiting_without_group().count(), **kwargs)

    def post(self, request, pk=None):
        if pk is None:
            return redirect("group_seats")
        group = get_object_or_404(Group.objects.canonical(), pk=pk)
        form = GroupStatusForm(request.POST, prefix=f"group-{group.pk}")
        if not form.is_valid():
            messages.error(request, gettext_lazy("Choose one of the statuses offered."))
        else:
            try:
                set_group_status(group, form.cleaned_data["status"])
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, gettext_lazy("Status of “%(group)s” updated.")
                                 % {"group": group.name})
        return redirect("group_seats")

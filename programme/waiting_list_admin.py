"""Admin › "Groups and seats" › a group's waiting list, and the "Assegna" button of a seat
offered to the first person waiting (programme.waiting_list), for the Segreteria."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from readable.dates import local_datetime

from .models.groups import Group
from .models.participation import ParticipationRequest
from .participation import can_triage
from .waiting_list import (
    accept_offer,
    days_waited,
    offered_seats,
    waiting_list,
    with_waiting_counts,
)


def waited_label(days):
    """"12 giorni" / "oggi": how long a person has been on the list, for staff."""
    if days is None:
        return "—"
    if days == 0:
        return _("since today")
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


class WaitingListView(WagtailAdminTemplateMixin, TemplateView):
    """The people waiting for one group, first in line first, with the seats offered."""

    template_name = "programme/triage/waiting_list.html"
    page_title = pgettext_lazy("admin screen", "Waiting list")
    header_icon = "list-ol"

    def dispatch(self, request, *args, **kwargs):
        if not can_triage(request.user):
            raise PermissionDenied
        self.group = get_object_or_404(
            with_waiting_counts(Group.objects.canonical()), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.group.name

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse("group_seats"), "label": _("Groups and seats")},
                {"url": "", "label": self.get_page_title(), "sublabel": self.group.name}]

    def get_context_data(self, **kwargs):
        offered = offered_seats(self.group)
        rows = [
            {
                "position": position,
                "participation": participation,
                "since": local_datetime(participation.waiting_since),
                "waited": waited_label(days_waited(participation.waiting_since)),
                "offered": position <= offered,
            }
            for position, participation in enumerate(waiting_list(self.group), start=1)
        ]
        return super().get_context_data(group=self.group, rows=rows, offered=offered,
                                        **kwargs)


@require_POST
def accept_offer_view(request, pk):
    """Assign request `pk` to the group whose seat it was offered; back to `next` (an
    admin address of this site) or to "Groups and seats"."""
    if not can_triage(request.user):
        raise PermissionDenied
    participation = get_object_or_404(ParticipationRequest, pk=pk)
    try:
        accept_offer(participation, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(reference)s is assigned to “%(group)s”.") % {
            "reference": participation.reference, "group": participation.group.name})
    target = request.POST.get("next", "")
    if not (target.startswith("/admin/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure())):
        target = reverse("group_seats")
    return redirect(target)

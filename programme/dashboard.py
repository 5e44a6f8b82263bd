"""Panels of the admin dashboard for the Segreteria: what waits for them today.

Each panel shows how many items there are, the first few (bounded queries: a count and
at most `SHOWN` rows), and links to the list filtered to exactly those items.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.admin.ui.components import Component

from readable.dates import local_datetime

from . import adhesions, participation
from .adhesion_admin import can_decide

SHOWN = 5


class DashboardPanel(Component):
    template_name = "programme/dashboard/panel.html"
    order = 50

    def get_queryset(self):
        raise NotImplementedError

    def get_heading(self):
        raise NotImplementedError

    def get_summary(self, count):
        raise NotImplementedError

    def get_list_url(self):
        raise NotImplementedError

    def get_row(self, item):
        raise NotImplementedError

    def get_context_data(self, parent_context):
        queryset = self.get_queryset()
        count = queryset.count()
        return {
            "panel_id": self.name,
            "heading": self.get_heading(),
            "summary": self.get_summary(count),
            "rows": [self.get_row(item) for item in queryset[:SHOWN]] if count else [],
            "columns": self.columns,
            "list_url": self.get_list_url(),
            "count": count,
        }


class RequestsPanel(DashboardPanel):
    @property
    def columns(self):
        return [_("Reference"), _("Full name"), _("Received")]

    def get_row(self, item):
        return {
            "url": reverse("participation_requests:inspect", args=[item.pk]),
            "cells": [item.reference, item.full_name, local_datetime(item.created_at)],
        }


class NewRequestsPanel(RequestsPanel):
    name = "new_requests"
    order = 40

    def get_queryset(self):
        return participation.new_requests()

    def get_heading(self):
        return _("New requests")

    def get_summary(self, count):
        if not count:
            return _("No request is waiting to be handled.")
        return ngettext("%(count)s request has not been handled yet.",
                        "%(count)s requests have not been handled yet.", count) % {
            "count": count}

    def get_list_url(self):
        return reverse("participation_requests:index") + "?" + urlencode({"status": "new"})


class RequestsWaitingTooLongPanel(RequestsPanel):
    name = "requests_waiting_too_long"
    order = 41

    def get_queryset(self):
        return participation.requests_waiting_too_long()

    def get_heading(self):
        days = settings.TRIAGE_WAITING_DAYS
        return ngettext("Waiting for more than %(days)s day",
                        "Waiting for more than %(days)s days", days) % {"days": days}

    def get_summary(self, count):
        if not count:
            return _("No new request has waited that long.")
        return ngettext("%(count)s request is still new: contact the person.",
                        "%(count)s requests are still new: contact the people.", count) % {
            "count": count}

    def get_list_url(self):
        cutoff = participation.waiting_cutoff_day()
        return reverse("participation_requests:index") + "?" + urlencode(
            {"status": "new", "created_at_to": cutoff.isoformat()})


class UnassignedRequestsPanel(RequestsPanel):
    name = "unassigned_requests"
    order = 42

    def get_queryset(self):
        from .triage_alerts import unassigned_requests

        return unassigned_requests()

    def get_heading(self):
        return _("Contacted, without a group")

    def get_summary(self, count):
        if not count:
            return _("Every contacted person has a group or another status.")
        return ngettext("%(count)s person was contacted and waits for a group.",
                        "%(count)s people were contacted and wait for a group.", count) % {
            "count": count}

    def get_list_url(self):
        return reverse("participation_requests:index") + "?" + urlencode(
            {"status": "contacted"})


class SeatOffersPanel(Component):
    """Free seats offered to the first people on the waiting lists, each with "Assegna"
    (programme.waiting_list): two queries, at most SHOWN offers listed."""

    name = "seat_offers"
    order = 39  # a freed seat is offered before anything else waits
    template_name = "programme/dashboard/seat_offers.html"

    def get_context_data(self, parent_context):
        from .waiting_list import seat_offers

        offers = seat_offers()
        count = len(offers)
        if count:
            summary = ngettext(
                "%(count)s free seat is offered to the first person waiting for it.",
                "%(count)s free seats are offered to the first people waiting for them.",
                count) % {"count": count}
        else:
            summary = _("No free seat is waiting to be offered.")
        return {"panel_id": self.name, "heading": _("Free seats to offer"),
                "summary": summary, "offers": offers[:SHOWN], "count": count,
                "list_url": reverse("group_seats"), "next_url": reverse("wagtailadmin_home")}


class AdhesionsAwaitingDecisionPanel(DashboardPanel):
    name = "adhesions_awaiting_decision"
    order = 43

    @property
    def columns(self):
        return [_("Organisation"), _("Signatory"), _("Submitted")]

    def get_queryset(self):
        return adhesions.awaiting_decision()

    def get_heading(self):
        return _("Adhesions awaiting a decision")

    def get_summary(self, count):
        if not count:
            return _("No adhesion is waiting for a decision.")
        return ngettext("%(count)s adhesion is waiting for a decision.",
                        "%(count)s adhesions are waiting for a decision.", count) % {
            "count": count}

    def get_list_url(self):
        return reverse("adhesions:index") + "?" + urlencode({"status": "pending"})

    def get_row(self, item):
        return {
            "url": reverse("adhesions:inspect", args=[item.pk]),
            "cells": [item.organisation.name, item.signatory_name,
                      local_datetime(item.submitted_at)],
        }


def panels_for(user):
    """The panels this user may see: requests for those who triage (programme.participation
    .can_triage), adhesions for those who decide on them."""
    panels = []
    if participation.can_triage(user):
        panels += [SeatOffersPanel(), NewRequestsPanel(), RequestsWaitingTooLongPanel(),
                   UnassignedRequestsPanel()]
    if can_decide(user):
        panels.append(AdhesionsAwaitingDecisionPanel())
    return panels

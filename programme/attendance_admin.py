"""Admin › "Groups and seats" › a group's attendance sheet, for the Segreteria (and
superusers): choose one of the group's next meetings, then print an A4 sheet with the
people seated in the group (programme.attendance)."""

import datetime
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from . import attendance
from .participation import can_triage

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Primary keys are 32-bit integers on PostgreSQL: a larger number is no group.
_MAX_PK = 2**31 - 1


def _forbidden(request):
    """The site's 403 page. Raising PermissionDenied would not do: Wagtail's admin turns
    it into a redirect to the dashboard, and the sheet's address must say 403."""
    from home.views import permission_denied

    return permission_denied(request, PermissionDenied())


def _group_or_404(pk):
    group = attendance.group_for_sheet(pk) if 0 < pk <= _MAX_PK else None
    if group is None:
        raise Http404
    return group


def _parse_day(value):
    """`value` from the address as a date, or None ("2026-12-03" only)."""
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


class AttendanceDatesView(WagtailAdminTemplateMixin, TemplateView):
    """The group's next meetings, each with a link to its sheet."""

    template_name = "programme/attendance/choose_date.html"
    page_title = gettext_lazy("Attendance sheet")
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        if not can_triage(request.user):
            return _forbidden(request)
        self.group = _group_or_404(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.group.text.name

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse("group_seats"), "label": _("Groups and seats")},
                {"url": "", "label": self.get_page_title(), "sublabel": self.group.text.name}]

    def get_context_data(self, **kwargs):
        today = attendance.today_in_milan()
        meetings = attendance.sheet_meetings(self.group, today)
        return super().get_context_data(
            group=self.group, meetings=meetings, horizon_weeks=attendance.CHOOSER_HORIZON_DAYS // 7,
            **kwargs)


@require_GET
def attendance_sheet(request, pk, day):
    """The printable sheet of group `pk`'s meeting on `day` (YYYY-MM-DD). A date that is
    not a meeting of the group answers the chooser with the reason (HTTP 400)."""
    if not can_triage(request.user):
        return _forbidden(request)
    group = _group_or_404(pk)
    date = _parse_day(day)
    try:
        if date is None:
            raise ValidationError(_("The address does not give a date. Choose one of "
                                    "the dates offered."))
        meetings = attendance.meetings_on(group, date, attendance.today_in_milan())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        response = AttendanceDatesView.as_view()(request, pk=pk)
        response.status_code = 400
        return response
    people = attendance.attendees(group)
    return render(request, "programme/attendance/sheet.html", {
        "group": group,
        "venue": group.venue_text,
        "day": attendance.long_date(date),
        "meetings": meetings,
        "people": people,
        "walk_in_rows": range(len(people) + 1, len(people) + 1 + attendance.WALK_IN_ROWS),
        "back_url": reverse("attendance_dates", args=[group.pk]),
    })

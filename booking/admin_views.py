"""Admin › "Prenotazioni" for the Segreteria: the calendar (day and week), what staff
record on a booking (attended, no-show, cancelled with a reason), the day's list as a
spreadsheet, the opening rules and closures, and the screen that lists the bookings a
closure or a rule change touched before anyone is told.

The calendar and its actions are the Segreteria's (accounts.roles.is_triage_staff); rules
and closures follow the model permissions the data migration gives the Segreteria.
"""

import datetime
import re
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views import generic
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.viewsets.model import ModelViewSet

from accounts.roles import is_triage_staff
from exports.spreadsheets import SafeSpreadsheetExportMixin
from programme.models.venues import Venue
from typed_text.phones import readable_phone

from . import bookings as booking_rules
from . import calendar_admin
from .admin_forms import CancelForm, ClosureForm, OpeningRuleForm, canonical_services
from .models.bookings import BookableService, Booking, Closure, OpeningRule

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MAX_PK = 2**31 - 1
BAD_DATE = gettext_lazy("The address does not give a valid date (it should read like "
                        "2026-12-03): today is shown instead.")


def _forbidden(request):
    """The site's 403 page (Wagtail would turn PermissionDenied into a redirect)."""
    from home.views import permission_denied

    return permission_denied(request, PermissionDenied())


# The calendar's days: a week's view adds and subtracts days, so a date at the ends of
# Python's range (0001-01-01, 9999-12-31) would overflow; nobody books outside these.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_day(value):
    """`value` ("2026-12-03") as a date between FIRST_YEAR and LAST_YEAR, or None for
    anything else."""
    if not value or not _ISO_DATE.fullmatch(value):
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def _pk(value):
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= _MAX_PK else None


def calendar_url(service=None, day=None, view="day"):
    query = {}
    if service is not None:
        query["venue"] = service.venue_id
        query["service"] = service.pk
    if day is not None:
        query["day"] = day.isoformat()
    query["view"] = view
    return f"{reverse('booking_calendar')}?{urlencode(query)}"


class CalendarView(WagtailAdminTemplateMixin, TemplateView):
    """?venue=<pk>&service=<pk>&day=YYYY-MM-DD&view=day|week (defaults: the first venue
    and service, today in Milan, the day view). A date that is no date shows today with
    a message (HTTP 400)."""

    template_name = "booking/admin/calendar.html"
    page_title = gettext_lazy("Booking calendar")
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not is_triage_staff(request.user):
            return _forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.bad_input = False
        raw_day = request.GET.get("day")
        self.day = parse_day(raw_day) if raw_day else calendar_admin.today_in_milan()
        if self.day is None:
            self.bad_input = True
            messages.error(request, BAD_DATE)
            self.day = calendar_admin.today_in_milan()
        self.view = "week" if request.GET.get("view") == "week" else "day"
        self.services = list(canonical_services())
        self.venues = list({s.venue_id: s.venue for s in self.services}.values())
        venue_pk = _pk(request.GET.get("venue"))
        service_pk = _pk(request.GET.get("service"))
        in_venue = [s for s in self.services if venue_pk is None or s.venue_id == venue_pk]
        in_venue = in_venue or self.services
        chosen = [s for s in in_venue if s.pk == service_pk]
        self.service = (chosen or in_venue or [None])[0]
        response = super().get(request, *args, **kwargs)
        if self.bad_input:
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        service, day = self.service, self.day
        if self.view == "week":
            first, count, step = calendar_admin.week_start(day), 7, 7
        else:
            first, count, step = day, 1, 1
        days = calendar_admin.calendar_days(service, first, count) if service else []
        for calendar_day in days:
            calendar_day.day_url = calendar_url(service, calendar_day.day, "day")
        delta = datetime.timedelta(days=step)
        return super().get_context_data(
            services=self.services, venues=self.venues, service=service,
            venue=service.venue if service else None, day=day, view=self.view,
            days=days, first_day=first, last_day=first + datetime.timedelta(days=count - 1),
            previous_url=calendar_url(service, first - delta, self.view) if service else "",
            next_url=calendar_url(service, first + delta, self.view) if service else "",
            today_url=calendar_url(service, calendar_admin.today_in_milan(), self.view)
            if service else "",
            day_url=calendar_url(service, day, "day") if service else "",
            week_url=calendar_url(service, day, "week") if service else "",
            back=calendar_url(service, day, self.view) if service else "",
            cancel_form=CancelForm(), now=timezone.now(), **kwargs)


def _booking_or_404(pk):
    booking = (Booking.objects.select_related("service").filter(pk=pk).first()
               if 0 < pk <= _MAX_PK else None)
    if booking is None:
        raise Http404
    return booking


def _back(request, booking):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(calendar_url(
        booking.service, timezone.localtime(booking.starts_at,
                                            calendar_admin.programme_timezone()).date()))


class BookingActionView(View):
    """POST only: "Presente", "Assente" (once the slot has started; either corrects the
    other) and "Annulla" (with a reason; the person is told by mail). Every refusal is a
    message on the calendar."""

    http_method_names = ["post"]
    action = None  # "attended", "no_show" or "cancel"

    def post(self, request, pk):
        if not is_triage_staff(request.user):
            return _forbidden(request)
        booking = _booking_or_404(pk)
        if booking.status == Booking.Status.CANCELLED:
            messages.error(request, _("Booking %(reference)s is already cancelled.")
                           % {"reference": booking})
            return _back(request, booking)
        try:
            if self.action == "cancel":
                form = CancelForm(request.POST)
                if not form.is_valid():
                    for error in form.errors.get("reason", []):
                        messages.error(request, error)
                    return _back(request, booking)
                booking_rules.cancel(booking, by=request.user,
                                     reason=form.cleaned_data["reason"])
                if booking.email:
                    done = _("Booking %(reference)s cancelled: %(name)s is told by mail.")
                else:
                    done = _("Booking %(reference)s cancelled. %(name)s gave no email: "
                             "call them at %(phone)s.")
            else:
                if booking.starts_at > timezone.now():
                    messages.error(request, _(
                        "The appointment %(reference)s has not started yet: mark who came "
                        "once it starts.") % {"reference": booking})
                    return _back(request, booking)
                if self.action == "attended":
                    booking_rules.mark_attended(booking, by=request.user)
                    done = _("%(name)s (%(reference)s) marked as present.")
                else:
                    booking_rules.mark_no_show(booking, by=request.user)
                    done = _("%(name)s (%(reference)s) marked as absent.")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return _back(request, booking)
        messages.success(request, done % {
            "reference": booking, "name": f"{booking.first_name} {booking.last_name}",
            "phone": readable_phone(booking.phone)})
        return _back(request, booking)


class DayExportView(SafeSpreadsheetExportMixin, SpreadsheetExportMixin, View):
    """The day's list of a service as CSV or XLSX (?service=<pk>&day=YYYY-MM-DD&
    export=csv|xlsx), written like every other export (exports.spreadsheets)."""

    model = Booking
    list_export = ["starts_at", "reference", "first_name", "last_name", "phone", "email",
                   "reason", "details", "status"]
    export_headings = {"starts_at": gettext_lazy("Time")}

    def dispatch(self, request, *args, **kwargs):
        if not is_triage_staff(request.user):
            return _forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        day = parse_day(request.GET.get("day"))
        service = next((s for s in canonical_services()
                        if s.pk == _pk(request.GET.get("service"))), None)
        if day is None or service is None or not self.is_export:
            messages.error(request, _("Choose a service and a day from the calendar to "
                                      "export its list."))
            return redirect(calendar_url(service, day) if service else
                            reverse("booking_calendar"))
        self.day, self.service = day, service
        return self.as_spreadsheet(calendar_admin.bookings_of_day(service, day),
                                   request.GET["export"])

    def get_filename(self):
        stem = _("bookings")  # outside the f-string, where xgettext finds it
        return f"{stem}-{self.day.isoformat()}"

    def get_heading(self, queryset, field):
        if field in self.export_headings:
            return str(self.export_headings[field])
        return capfirst(str(Booking._meta.get_field(field).verbose_name))


# --- What a closure or a rule change touched -------------------------------------------


def affected_url(*, service=None, venue=None, closure=None):
    query = {}
    if closure is not None:
        query["closure"] = closure.pk
    elif service is not None:
        query["service"] = service.pk
    elif venue is not None:
        query["venue"] = venue.pk
    return f"{reverse('booking_affected')}?{urlencode(query)}"


def affected_by_closure(closure):
    if closure.service_id:
        return booking_rules.affected_bookings(service=closure.service)
    return booking_rules.affected_bookings(venue=closure.venue)


def cancellation_reason(booking, reason, closure):
    """The reason a person reads: the closure's own English reason for a person who
    booked in English, when staff kept the prefilled Italian one."""
    if (closure is not None and closure.reason_en and reason == closure.reason
            and booking.language != "it"):
        return closure.reason_en
    return reason


class AffectedBookingsView(WagtailAdminTemplateMixin, TemplateView):
    """?closure=<pk> | ?service=<pk> | ?venue=<pk>: the upcoming confirmed bookings the
    current rules and closures no longer offer, with "Avvisa e annulla" (a reason,
    prefilled from the closure's) and "Mantieni" (they stay, flagged on the calendar)."""

    template_name = "booking/admin/affected.html"
    page_title = gettext_lazy("Bookings no longer within the opening hours")
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not is_triage_staff(request.user):
            return _forbidden(request)
        self.closure = self.service = self.venue = None
        if "closure" in request.GET:
            self.closure = Closure.objects.select_related("venue", "service").filter(
                pk=_pk(request.GET["closure"]) or 0).first()
            if self.closure is None:
                raise Http404
        elif "service" in request.GET:
            self.service = BookableService.objects.filter(
                pk=_pk(request.GET["service"]) or 0).first()
            if self.service is None:
                raise Http404
        elif "venue" in request.GET:
            self.venue = Venue.objects.filter(pk=_pk(request.GET["venue"]) or 0).first()
            if self.venue is None:
                raise Http404
        else:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def affected(self):
        if self.closure is not None:
            found = affected_by_closure(self.closure)
        else:
            found = booking_rules.affected_bookings(service=self.service, venue=self.venue)
        return list(found)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("bookings", self.affected())
        if "form" not in kwargs:
            initial = {"reason": self.closure.reason} if self.closure else {}
            kwargs["form"] = CancelForm(initial=initial)
        return super().get_context_data(closure=self.closure, **kwargs)

    def post(self, request):
        bookings = self.affected()
        if "keep" in request.POST:
            messages.success(request, ngettext(
                "%(count)d booking kept: it stays on the calendar, marked outside the "
                "opening hours.",
                "%(count)d bookings kept: they stay on the calendar, marked outside the "
                "opening hours.", len(bookings)) % {"count": len(bookings)})
            return redirect(reverse("booking_calendar"))
        form = CancelForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form,
                                                                 bookings=bookings),
                                           status=400)
        chosen = {_pk(value) for value in request.POST.getlist("booking")}
        cancelled, to_phone = [], []
        for booking in bookings:
            if booking.pk not in chosen:
                continue  # listed after the screen was shown: staff have not seen it
            with transaction.atomic():
                booking_rules.cancel(booking, by=request.user, reason=cancellation_reason(
                    booking, form.cleaned_data["reason"], self.closure))
            cancelled.append(booking)
            if not booking.email:
                to_phone.append(booking)
        messages.success(request, ngettext(
            "%(count)d booking cancelled; the people with an email are told by mail.",
            "%(count)d bookings cancelled; the people with an email are told by mail.",
            len(cancelled)) % {"count": len(cancelled)})
        return self.render_to_response(self.get_context_data(
            bookings=self.affected(), cancelled=cancelled, to_phone=to_phone))


# --- Opening rules and closures ---------------------------------------------------------


class _AffectedAfterSaveMixin:
    def affected_redirect(self, obj):
        return None

    def get_success_url(self):
        return self.affected_redirect(self.object) or super().get_success_url()


class RuleAffectedMixin(_AffectedAfterSaveMixin):
    def affected_redirect(self, rule):
        if list(booking_rules.affected_bookings(service=rule.service)):
            return affected_url(service=rule.service)
        return None


class ClosureAffectedMixin(_AffectedAfterSaveMixin):
    def affected_redirect(self, closure):
        if list(affected_by_closure(closure)):
            return affected_url(closure=closure)
        return None


class RuleCreateView(RuleAffectedMixin, generic.CreateView):
    pass


class RuleEditView(RuleAffectedMixin, generic.EditView):
    pass


class RuleDeleteView(generic.DeleteView):
    def form_valid(self, form):
        service = self.object.service
        response = super().form_valid(form)
        if list(booking_rules.affected_bookings(service=service)):
            return redirect(affected_url(service=service))
        return response


class ClosureCreateView(ClosureAffectedMixin, generic.CreateView):
    pass


class ClosureEditView(ClosureAffectedMixin, generic.EditView):
    pass


class OpeningRuleViewSet(ModelViewSet):
    model = OpeningRule
    form_fields = ["service", "weekdays", "opens", "closes", "slot_minutes", "places",
                   "valid_from", "valid_until", "open_on_public_holidays"]
    icon = "time"
    menu_label = gettext_lazy("Opening rules")
    name = "booking_rules"
    url_prefix = "booking/rules"
    add_to_admin_menu = False
    list_display = ["service", "opens", "closes", "slot_minutes", "places", "valid_from",
                    "valid_until"]
    add_view_class = RuleCreateView
    edit_view_class = RuleEditView
    delete_view_class = RuleDeleteView

    def get_form_class(self, for_update=False):
        return OpeningRuleForm

    def get_queryset(self, request):
        return OpeningRule.objects.select_related("service")


class ClosureViewSet(ModelViewSet):
    model = Closure
    form_fields = ["venue", "service", "first_day", "last_day", "reason", "reason_en"]
    icon = "warning"
    menu_label = gettext_lazy("Closures")
    name = "booking_closures"
    url_prefix = "booking/closures"
    add_to_admin_menu = False
    list_display = ["venue", "service", "first_day", "last_day", "reason"]
    add_view_class = ClosureCreateView
    edit_view_class = ClosureEditView

    def get_form_class(self, for_update=False):
        return ClosureForm

    def get_queryset(self, request):
        return Closure.objects.select_related("venue", "service")

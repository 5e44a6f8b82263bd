"""The pages a person's signed link opens, without an account: the booking, moving it to
another time, cancelling it, and its .ics file (routes "manage", "move", "cancel", "ics"
of BookingPage).

Every answer carries a person's data, so none is kept: `Cache-Control: private,
no-store` (the page cache never stores it, pagecache.middleware) and `Referrer-Policy:
same-origin` (the token is in the path: a link to another site must not carry it; not
no-referrer, with which Chromium sends `Origin: null` and Django's CSRF check refuses the
move and cancel forms). A link that was altered, that names an appointment already over
or a cancelled booking gets a page saying so and whom to call, never a 500.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Locale

from booking import availability, bookings, links
from booking.calendar_file import booking_calendar
from booking.models.bookings import Booking
from home.models import office_contacts
from readable.dates import milan_time


def private(response):
    """`response` kept by no cache and sending its address to no other site (it holds
    a person's data and the link's token is in its address)."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["Referrer-Policy"] = "same-origin"
    return response


def in_language(obj):
    """The live translation of a translatable row (a service, a venue) in the active
    language, else the row itself."""
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return obj
    if obj.locale_id == locale.pk:
        return obj
    translation = obj.get_translation_or_none(locale)
    if translation is None or getattr(translation, "live", True) is False:
        return obj
    return translation


def route_url(page, name, token):
    """The address of route `name` of `page` for the link's `token` (a path)."""
    return page.url + page.reverse_subpage(name, kwargs={"token": token})


def _render(request, page, template, context, status=200):
    context = {"page": page, "self": page, **context}
    return private(TemplateResponse(request, template, context, status=status))


def link_problem(request, page, problem):
    """The page a link that does not work opens: `problem` is "invalid" (404),
    "expired" or "cancelled" (410)."""
    status = 404 if problem == "invalid" else 410
    return _render(request, page, "booking/manage/link_problem.html", {
        "problem": problem,
        "booking_page_url": page.url,
        **office_contacts(get_language() or "it"),
    }, status=status)


def _open(request, page, token):
    """(booking, None) for a working link, else (None, the page that says why)."""
    try:
        booking = links.booking_from_token(token)
    except links.LinkInvalid:
        return None, link_problem(request, page, "invalid")
    except links.LinkExpired as expired:
        named = getattr(expired, "booking", None)
        cancelled = named is not None and named.status == Booking.Status.CANCELLED
        return None, link_problem(request, page, "cancelled" if cancelled else "expired")
    if booking.status == Booking.Status.CANCELLED:
        return None, link_problem(request, page, "cancelled")
    if booking.status != Booking.Status.CONFIRMED or booking.ends_at <= timezone.now():
        return None, link_problem(request, page, "expired")
    return booking, None


def _booking_context(page, booking, token):
    service = in_language(booking.service)
    return {
        "booking": booking,
        "service": service,
        "venue": in_language(booking.service.venue),
        "starts_at": milan_time(booking.starts_at),
        "ends_at": milan_time(booking.ends_at),
        "manage_url": route_url(page, "manage", token),
        "move_url": route_url(page, "move", token),
        "cancel_url": route_url(page, "cancel", token),
        "ics_url": route_url(page, "ics", token),
    }


def manage(request, page, token):
    """The booking: reference, service, venue and address, day and time in Milan,
    reason; "Sposta", "Annulla la prenotazione" and the .ics file."""
    booking, problem = _open(request, page, token)
    if problem:
        return problem
    return _render(request, page, "booking/manage/booking.html",
                   _booking_context(page, booking, token))


def _month(value, today):
    """The first day of the month `value` ("2026-12") names, else of `today`'s month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if len(value) == 7 and value.isascii():
            return datetime.date(year, month, 1)
    except (ValueError, TypeError):
        pass
    return today.replace(day=1)


def _day(value):
    try:
        if value and len(value) == 10 and value.isascii():
            return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    return None


def _shift(month, months):
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def move_choices(booking, month, day):
    """What the move page offers: the month's days with free places and, for `day`, its
    free times (the booking's own slot left out)."""
    service = booking.service
    days = availability.month_availability(service, month.year, month.month)
    slots = []
    if day is not None:
        slots = [slot for slot in availability.slots_of_day(service, day)
                 if slot.free > 0 and slot.starts_at != booking.starts_at]
    return {
        "month": month,
        "previous_month": _shift(month, -1),
        "next_month": _shift(month, 1),
        "days": days,
        "day": day,
        "slots": [{"slot": slot, "token": availability.slot_token(slot.starts_at),
                   "starts_at": milan_time(slot.starts_at)} for slot in slots],
    }


def move(request, page, token):
    """Another time for the same service: a month's days, a day's free times, then POST
    `slot` (availability.slot_token). Moved: back to the booking with a message; the
    place taken meanwhile: the day's free times again, saying so."""
    booking, problem = _open(request, page, token)
    if problem:
        return problem
    source = request.POST if request.method == "POST" else request.GET
    day = _day(source.get("day"))
    # The booking's own month first: most people move within it.
    month = day.replace(day=1) if day else _month(source.get("month"),
                                                  milan_time(booking.starts_at).date())
    error, outcome = "", ""
    if request.method == "POST":
        starts_at = availability.parse_slot_token(request.POST.get("slot", ""))
        if starts_at is None:
            error = _("Choose one of the free times.")
        else:
            day = day or milan_time(starts_at).date()
            month = day.replace(day=1)
            try:
                bookings.move(booking, starts_at)
            except bookings.SlotFull as full:
                error, outcome = " ".join(full.messages), "full"
            except ValidationError as refused:
                error, outcome = " ".join(refused.messages), "unavailable"
            else:
                messages.success(request, _("Your booking has been moved. We have sent "
                                            "you an email with the new time.")
                                 if booking.email else _("Your booking has been moved."))
                return private(redirect(route_url(page, "manage", token)))
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    context = _booking_context(page, booking, token)
    context.update(move_choices(booking, month, day))
    context.update({"error": error, "outcome": outcome})
    return _render(request, page, "booking/manage/move.html", context,
                   status=409 if outcome == "full" else 200)


def cancel(request, page, token):
    """GET asks to confirm; POST cancels (the place is free again) and says so."""
    booking, problem = _open(request, page, token)
    if problem:
        return problem
    context = _booking_context(page, booking, token)
    if request.method == "POST":
        bookings.cancel(booking)
        return _render(request, page, "booking/manage/cancelled.html", context)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return _render(request, page, "booking/manage/cancel.html", context)


def calendar_file(request, page, token):
    """The booking as an iCalendar file (one VEVENT) for calendar apps."""
    booking, problem = _open(request, page, token)
    if problem:
        return problem
    context = _booking_context(page, booking, token)
    calendar = booking_calendar(
        booking, service=context["service"], venue=context["venue"],
        host=request.get_host(),
        manage_url=request.build_absolute_uri(context["manage_url"]))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    name = f"{booking.reference or 'appuntamento'}.ics"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Language"] = get_language()
    return private(response)

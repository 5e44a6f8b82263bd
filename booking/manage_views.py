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

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from booking import availability, bookings, calendar_steps, links
from booking.calendar_file import booking_calendar
from booking.models.bookings import Booking
from booking.notices import in_language
from home.models import office_contacts
from readable.dates import milan_time


def private(response):
    """`response` kept by no cache and sending its address to no other site (it holds
    a person's data and the link's token is in its address)."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["Referrer-Policy"] = "same-origin"
    return response


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
        named = expired.booking
        cancelled = named is not None and named.status == Booking.Status.CANCELLED
        return None, link_problem(request, page, "cancelled" if cancelled else "expired")
    if booking.status != Booking.Status.CONFIRMED:  # attended or missed: it is over
        return None, link_problem(request, page, "expired")
    return booking, None


def has_started(booking, now=None):
    """True once the appointment's start has passed: it can no longer be moved or
    cancelled by its link (the office marks it attended or missed), though the link
    shows it until it ends."""
    return booking.starts_at <= (now or timezone.now())


def _booking_context(page, booking, token):
    service = in_language(booking.service)
    return {
        "started": has_started(booking),
        "booking": booking,
        "service": service,
        "venue": in_language(service.venue),
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
    context = _booking_context(page, booking, token)
    if context["started"]:
        context.update(office_contacts(get_language() or "it"))
    return _render(request, page, "booking/manage/booking.html", context)


def move_choices(booking, month, day, *, now=None):
    """What the move page offers: calendar_steps.month_view of the service (`month` a
    first of month or None: the booking's month, else the first with a free day), and
    for `day` (a date inside the bookable window, or None) its free times, the booking's
    own slot left out, as {"slot", "token", "starts_at" (Milan)}, with "no_time_message"
    when it has none."""
    now = now or timezone.now()
    service = booking.service
    opening = milan_time(booking.starts_at).date().replace(day=1)
    view = calendar_steps.month_view(service, month, now=now, opening=opening)
    slots, offered = [], []
    if day is not None:
        offered = availability.slots_of_day(service, day, now=now)
        slots = [slot for slot in offered
                 if slot.free > 0 and slot.starts_at != booking.starts_at]
    return {
        **view,
        "day": day,
        "day_value": day.isoformat() if day else "",
        "no_time_message": (calendar_steps.no_time_message(view, day,
                                                           offered=bool(offered))
                            if day is not None and not slots else ""),
        "slots": [{"slot": slot, "token": availability.slot_token(slot.starts_at),
                   "starts_at": milan_time(slot.starts_at)} for slot in slots],
    }


def _started(request, page, booking, token):
    """The booking's page saying it can no longer be moved or cancelled (409)."""
    context = _booking_context(page, booking, token)
    context.update(office_contacts(get_language() or "it"))
    return _render(request, page, "booking/manage/booking.html", context, status=409)


def move(request, page, token):
    """Another time for the same service: a month's days, a day's free times, then POST
    `slot` (availability.slot_token). Moved: back to the booking with a message; the
    place taken meanwhile: the day's free times again, saying so."""
    booking, problem = _open(request, page, token)
    if problem:
        return problem
    if has_started(booking):
        return _started(request, page, booking, token)
    source = request.POST if request.method == "POST" else request.GET
    window = availability.bookable_window(booking.service)
    error, outcome = "", ""
    asked = calendar_steps.parse_day(source.get("day"))
    day = calendar_steps.day_in_window(asked, window)
    if asked is not None and day is None:
        error = calendar_steps.outside_window_message(window[1])
    month = day.replace(day=1) if day else calendar_steps.parse_month(source.get("month"))
    if request.method == "POST":
        starts_at = availability.parse_slot_token(request.POST.get("slot", ""))
        if starts_at is None:
            error = _("Choose one of the free times.")
        else:
            day = calendar_steps.day_in_window(milan_time(starts_at).date(), window) or day
            month = day.replace(day=1) if day else month
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
    context.update({"error": error, "outcome": outcome,
                    "month_link": context["move_url"] + "?"})
    return _render(request, page, "booking/manage/move.html", context,
                   status=409 if outcome == "full" else 200)


def cancel(request, page, token):
    """GET asks to confirm; POST cancels (the place is free again) and says so."""
    booking, problem = _open(request, page, token)
    if problem:
        return problem
    if has_started(booking):
        return _started(request, page, booking, token)
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

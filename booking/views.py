"""The citizens' steps of "Prenotazione appuntamento" (the Designers Italia model's
appuntamento-01…06): Luogo, Data e orario, Dettagli appuntamento, Richiedente,
Riepilogo, then the confirmation. Called by BookingPage's routes (booking/models/booking_page.py).

State without a server session: steps 1–2 (service, month, day, slot) travel in GET
parameters; from step 3 on, what the person typed travels in hidden fields of POSTed
forms, never in an address. Every step validates again all it receives, so an altered
value gets the step's own message, never a 500. A "Modifica" of the summary posts
everything back to that step, which carries the rest on in hidden fields.

No step is served from the page cache (live availability, a person's data): every
response says never-cache, which pagecache.middleware respects.
"""


from django.conf import settings
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, gettext_noop, ngettext, pgettext_lazy
from django.utils.translation import gettext as _

from antispam.rate_limit import rate_limit, too_many_requests
from languages.versions import active_locale, default_locale
from readable.dates import programme_timezone
from typed_text.parameters import is_ascii_number

from . import availability, calendar_steps, links
from .bookings import LimitReached, SlotFull, SlotUnavailable, book
from .forms import (
    APPLICANT_FIELDS,
    CARRIED_FIELDS,
    DETAILS_FIELDS,
    ApplicantForm,
    ConfirmForm,
    DetailsForm,
)
from .models.bookings import BookableService
from .notices import in_language

FULL_MESSAGE = gettext_noop(
    "The place you chose has just been taken: choose another time.")
STEPS = [
    ("place", pgettext_lazy("booking step", "Place")),
    ("date", pgettext_lazy("booking step", "Date and time")),
    ("details", pgettext_lazy("booking step", "Appointment details")),
    ("applicant", pgettext_lazy("booking step", "Applicant")),
    ("summary", pgettext_lazy("booking step", "Summary")),
]


# --- What can be booked ----------------------------------------------------------------


def bookable_services():
    """[(venue, [service, …])]: the services open for booking, in the active language
    (a service not translated yet in its default-language version), grouped by venue in
    the services' order. Two queries (three in a translated language)."""
    default, active = default_locale(), active_locale()
    canonical = list(BookableService.objects.filter(locale=default, is_bookable=True)
                     .select_related("venue").order_by("sort_order", "name", "pk"))
    translated = {}
    if active.pk != default.pk and canonical:
        translated = {
            service.translation_key: service for service in
            BookableService.objects.filter(
                locale=active, translation_key__in=[s.translation_key for s in canonical])
            .select_related("venue")
        }
    groups = {}
    for service in canonical:
        shown = translated.get(service.translation_key, service)
        groups.setdefault(shown.venue.pk, (shown.venue, []))[1].append(shown)
    return list(groups.values())


def service_from(value):
    """The bookable service whose pk (in the page's language) is `value`, or None."""
    if not isinstance(value, str) or not is_ascii_number(value):
        return None
    for _venue, services in bookable_services():
        for service in services:
            if str(service.pk) == value:
                return service
    return None


# Kept under their old names: the month view and its labels live in calendar_steps,
# shared with the signed link's move page.
day_label = calendar_steps.day_label
free_places_label = calendar_steps.free_places_label


def _slot_label(slot):
    zone = programme_timezone()
    start = slot.starts_at.astimezone(zone)
    end = slot.ends_at.astimezone(zone)
    return ngettext("%(start)s–%(end)s (%(count)s free place)",
                    "%(start)s–%(end)s (%(count)s free places)", slot.free) % {
        "start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "count": slot.free}


# --- Rendering ---------------------------------------------------------------------------


def _step_list(current):
    names = [name for name, _title in STEPS]
    index = names.index(current)
    return [{"name": name, "title": title, "active": i == index, "completed": i < index}
            for i, (name, title) in enumerate(STEPS)]


def _render(request, page, template, step, context, status=200):
    number = [name for name, _title in STEPS].index(step) + 1
    response = TemplateResponse(request, template, {
        "page": page, "step": step, "step_number": number, "step_total": len(STEPS),
        "step_title": dict(STEPS)[step], "steps": _step_list(step),
        "urls": _urls(page), **context,
    }, status=status)
    # Live availability and a person's data: never from the page cache or a browser's.
    add_never_cache_headers(response)
    return response


def _urls(page):
    base = page.url or ""
    return {name: base + (page.reverse_subpage(name) if name != "place" else "")
            for name, _title in STEPS}


def _carried(data, shown=()):
    """[(name, value)] of the carried fields the step does not show itself: hidden."""
    if data is None:
        return []
    return [(name, data.get(name, "")) for name in CARRIED_FIELDS
            if name not in shown and name in data]


# --- Step 1: Luogo -----------------------------------------------------------------------


def choose_place(request, page, *, error="", data=None, status=200):
    data = data if data is not None else (request.POST if request.method == "POST"
                                          else request.GET)
    chosen = data.get("service", "")
    carried = _carried(data) if request.method == "POST" else []
    return _render(request, page, "booking/place.html", "place", {
        "venues": bookable_services(), "chosen": chosen, "error": error,
        "carried": carried,
    }, status=status)


# --- Step 2: Data e orario ---------------------------------------------------------------


def choose_date(request, page, *, service=None, day=None, message="", outcome="",
                data=None, status=200):
    """Step 2: the month's days with free places, then the chosen day's free times.
    Also what a step after it shows when the slot chosen is no longer free (`message`,
    `outcome` "full" for the page the bench and the concurrency test read)."""
    now = timezone.now()
    if data is None:
        data = request.POST if request.method == "POST" else request.GET
    service = service or service_from(data.get("service"))
    if service is None:
        return choose_place(request, page, data=data, error=_(
            "Choose one of the services listed."))
    month = calendar_steps.parse_month(data.get("month"))
    if day is None:
        day = calendar_steps.parse_day(data.get("day"))
    window = availability.bookable_window(service, now)
    if day is not None and calendar_steps.day_in_window(day, window) is None:
        if not message:
            message = calendar_steps.outside_window_message(window[1])
        day = None
    if day is not None:
        month = day.replace(day=1)
    view = calendar_steps.month_view(service, month, now=now)
    slots = []
    if day is not None:
        offered = availability.slots_of_day(service, day, now=now)
        slots = [{"value": availability.slot_token(slot.starts_at),
                  "label": _slot_label(slot)}
                 for slot in offered if slot.free > 0]
        if not slots and not message:
            message = calendar_steps.no_time_message(view, day, offered=bool(offered))
    carrying = request.method == "POST"
    return _render(request, page, "booking/date.html", "date", {
        "service": service, "venue": service.venue, "day": day,
        "day_value": day.isoformat() if day else "",
        "day_label": day_label(day) if day else "", "slots": slots,
        "chosen_slot": data.get("slot", ""), "message": message, "outcome": outcome,
        "carrying": carrying, "carried": _carried(data) if carrying else [],
        "back_place_url": f"{_urls(page)['place']}?service={service.pk}",
        "next_url": _urls(page)["summary" if data.get("first_name") else "details"],
        "month_link": f"{_urls(page)['date']}?service={service.pk}&",
        **view,
    }, status=status)


def _chosen_slot(request, page, data):
    """(service, slot, None), or (None, None, response): step 1 or 2 again with a
    message when the service or the slot received is not (or no longer) bookable."""
    service = service_from(data.get("service"))
    if service is None:
        return None, None, choose_place(request, page, data=data, error=_(
            "Choose one of the services listed."))
    starts_at = availability.parse_slot_token(data.get("slot"))
    slot = availability.find_slot(service, starts_at) if starts_at else None
    if slot is None or slot.free < 1:
        day = starts_at.astimezone(programme_timezone()).date() if starts_at else None
        outcome = ""
        if slot is not None:  # offered, but someone took the last place meanwhile
            message, outcome = _(FULL_MESSAGE), "full"
        elif starts_at:
            message = _("The time you chose is not available any more: choose another one.")
        else:
            message = _("Choose a day and a time.")
        return None, None, choose_date(request, page, service=service, day=day,
                                       message=message, outcome=outcome, data=data)
    return service, slot, None


def _slot_context(service, slot):
    zone = programme_timezone()
    return {"service": service, "venue": service.venue, "slot": slot,
            "slot_value": availability.slot_token(slot.starts_at),
            "starts_at": slot.starts_at.astimezone(zone),
            "ends_at": slot.ends_at.astimezone(zone),
            "day_value": slot.starts_at.astimezone(zone).date().isoformat()}


# --- Step 3: Dettagli appuntamento -------------------------------------------------------


def appointment_details(request, page, *, form=None, service=None, slot=None, data=None):
    data = data if data is not None else (request.POST if request.method == "POST"
                                          else request.GET)
    if service is None:
        service, slot, response = _chosen_slot(request, page, data)
        if response is not None:
            return response
    if form is None:
        initial = {name: data.get(name, "") for name in DETAILS_FIELDS}
        form = DetailsForm(service=service, initial=initial if request.method == "POST"
                           else None)
    carried = _carried(data, DETAILS_FIELDS) if request.method == "POST" else []
    context = _slot_context(service, slot)
    # "Indietro" posts what was typed back to step 2 (the chosen day's times).
    return _render(request, page, "booking/details.html", "details", {
        "form": form, "carried": carried, "back_action": _urls(page)["date"],
        "back_name": "day", "back_value": context["day_value"], **context})


# --- Step 4: Richiedente -----------------------------------------------------------------


def _details_or_step(request, page, service, slot):
    details = DetailsForm(request.POST, service=service)
    if not details.is_valid():
        return None, appointment_details(request, page, form=details, service=service,
                                         slot=slot, data=request.POST)
    return details, None


def applicant(request, page, *, form=None):
    if request.method != "POST":
        return redirect(_urls(page)["place"])
    service, slot, response = _chosen_slot(request, page, request.POST)
    if response is not None:
        return response
    details, response = _details_or_step(request, page, service, slot)
    if response is not None:
        return response
    if form is None:
        form = ApplicantForm(initial={name: request.POST.get(name, "")
                                      for name in APPLICANT_FIELDS})
    return _render(request, page, "booking/applicant.html", "applicant", {
        "form": form, "carried": _carried(request.POST, APPLICANT_FIELDS),
        "details": details.cleaned_data, **_slot_context(service, slot),
        "back_action": _urls(page)["details"]})


# --- Step 5: Riepilogo -------------------------------------------------------------------


def _summary(request, page, service, slot, details, person, form, *, message="",
             outcome="", status=200):
    return _render(request, page, "booking/summary.html", "summary", {
        "form": form, "details": details.cleaned_data, "person": person.cleaned_data,
        "carried": _carried(request.POST), "message": message, "outcome": outcome,
        "confirm_label": _("Confirm"),
        **_slot_context(service, slot)}, status=status)


def summary(request, page):
    if request.method != "POST":
        return redirect(_urls(page)["place"])
    service, slot, response = _chosen_slot(request, page, request.POST)
    if response is not None:
        return response
    details, response = _details_or_step(request, page, service, slot)
    if response is not None:
        return response
    person = ApplicantForm(request.POST)
    if not person.is_valid():
        return applicant(request, page, form=person)
    if "confirm" not in request.POST:
        return _summary(request, page, service, slot, details, person,
                        ConfirmForm(request=request))
    form = ConfirmForm(request.POST, request=request)
    limited = rate_limit(request, form.spam_form_name)
    if limited:
        form.refuse_rate_limited(limited)
        return too_many_requests(
            _summary(request, page, service, slot, details, person, form), limited)
    if not form.is_valid():
        return _summary(request, page, service, slot, details, person, form)
    try:
        booking = book(service=service, starts_at=slot.starts_at,
                       data={**details.cleaned_data, **person.cleaned_data},
                       language=get_language())
    except SlotFull as error:
        day = slot.starts_at.astimezone(programme_timezone()).date()
        return choose_date(request, page, service=service, day=day,
                           message=" ".join(error.messages), outcome="full",
                           data=request.POST)
    except SlotUnavailable as error:
        day = slot.starts_at.astimezone(programme_timezone()).date()
        return choose_date(request, page, service=service, day=day,
                           message=" ".join(error.messages), data=request.POST)
    except LimitReached as error:
        return _summary(request, page, service, slot, details, person,
                        ConfirmForm(request=request), outcome="limit",
                        message=" ".join(error.messages))
    url = (page.url or "") + page.reverse_subpage(
        "confirmation", kwargs={"token": links.booking_token(booking)})
    return redirect_see_other(url)


def redirect_see_other(url):
    response = redirect(url)
    response.status_code = 303
    return response


# --- Confirmation ------------------------------------------------------------------------


def confirmation(request, page, token):
    """"Prenotazione confermata": the reference, the time, the place, what to bring, the
    calendar file, and the rating component. Reached by the signed token only."""
    try:
        booking = links.booking_from_token(token)
    except (links.LinkInvalid, links.LinkExpired):
        return _render(request, page, "booking/confirmation.html", "summary",
                       {"booking": None}, status=404)
    service = in_language(booking.service)
    zone = programme_timezone()
    return _render(request, page, "booking/confirmation.html", "summary", {
        "booking": booking, "service": service, "venue": service.venue,
        "starts_at": booking.starts_at.astimezone(zone),
        "ends_at": booking.ends_at.astimezone(zone),
        "calendar_url": (page.url or "") + page.reverse_subpage(
            "ics", kwargs={"token": token}),
        "manage_url": (page.url or "") + page.reverse_subpage(
            "manage", kwargs={"token": token}),
        "privacy_notice_version": settings.PRIVACY_NOTICE_VERSION,
    })

"""The rules of a booking: taking a place, the weekly limit, moving, cancelling, and what
staff record afterwards.

Every change of status is a BookingEvent (who, when, what), and Booking is in the
audit trail (django-auditlog, booking/apps.py).

Concurrency: each function runs in one transaction. On SQLite the project's
`transaction_mode` IMMEDIATE makes the transaction take the write lock at its start and
the busy timeout (20 s) queues concurrent bookers behind it, so nobody sees "database is
locked" (stack notes, "SQLite as a real default"); on PostgreSQL the service row is
locked (select_for_update) so that two bookings of one person cannot both pass the
weekly limit. The place itself is guarded by the database's unique constraint
`booking_place_taken` in either case.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext, gettext_lazy, ngettext
from wagtail.models import Locale

from home.models import office_contacts
from readable.dates import local_date, programme_timezone
from typed_text.phones import normalise_phone

from . import availability, notices, reminders
from .models.bookings import BookableService, Booking, BookingEvent


class SlotFull(ValidationError):
    """The chosen slot has no place left (someone took the last one meanwhile). The
    message is for the person: "Il posto scelto è stato appena prenotato: scegli un
    altro orario."""


class SlotUnavailable(ValidationError):
    """The chosen slot is no longer offered (closed, moved, in the past)."""


class LimitReached(ValidationError):
    """The person (same email or phone) already holds `service.bookings_per_week`
    upcoming bookings of this service in that week; the message says so and when."""


# Literals inside gettext_lazy so that makemessages finds them; each is rendered in the
# person's language (the booking's, not the request's) by _in.
SLOT_FULL = gettext_lazy("The place you chose has just been taken: choose another time.")
SLOT_UNAVAILABLE = gettext_lazy("The time you chose can no longer be booked: choose "
                                "another time.")
NO_CONTACT = gettext_lazy("Give an email address or a phone number.")
SAME_SLOT = gettext_lazy("Your booking is already at this time.")


def _in(language, message):
    """`message` (a lazy translation) as text in `language` (default: the site's)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return str(message)


def _slot_full(language):
    return SlotFull(_in(language, SLOT_FULL), code="slot_full")


def _slot_unavailable(language):
    return SlotUnavailable(_in(language, SLOT_UNAVAILABLE), code="slot_unavailable")


def normalised_contacts(email, phone):
    """(email, phone) as bookings store and compare them: the email stripped and in
    lower case, the phone in E.164 ("+390288447502"; kept as typed when it is no phone
    number — the form refuses those before). Either may be ""."""
    email = (email or "").strip().lower()
    phone = (phone or "").strip()
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValidationError:
            pass
    return email, phone


def iso_week(starts_at):
    """(monday, sunday): the dates of the ISO week (Monday to Sunday, in Milan) of the
    aware datetime `starts_at`."""
    day = timezone.localtime(starts_at, programme_timezone()).date()
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def _week_bounds(monday):
    zone = programme_timezone()
    start = datetime.datetime.combine(monday, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(monday + datetime.timedelta(days=7), datetime.time(),
                                    tzinfo=zone)
    return start, end


def bookings_in_week(canonical, starts_at, email, phone, *, exclude=None):
    """The confirmed bookings of `canonical` in the ISO week (Milan) of `starts_at` held
    by the same email (any case) or phone (normalised) — what the weekly limit counts."""
    email, phone = normalised_contacts(email, phone)
    person = Q()
    if email:
        person |= Q(email__iexact=email)
    if phone:
        person |= Q(phone=phone)
    if not person:
        return Booking.objects.none()
    start, end = _week_bounds(iso_week(starts_at)[0])
    rows = Booking.objects.filter(person, service=canonical,
                                  status=Booking.Status.CONFIRMED,
                                  starts_at__gte=start, starts_at__lt=end)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return rows


def _limit_reached(canonical, starts_at, held, language, email):
    """The LimitReached for a person holding `held` bookings in starts_at's week: the
    fact, then what to do — the link of the confirmation mail, or, for a person who gave
    no email and so got none, the Segreteria's phone."""
    monday, sunday = iso_week(starts_at)
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        first = dateformat.format(monday, "j F" if monday.year == sunday.year else "j F Y")
        limit = canonical.bookings_per_week
        fact = ngettext(
            "You already have a booking for “%(service)s” in the week from %(first)s to "
            "%(last)s: you may have at most %(limit)s a week.",
            "You already have %(count)s bookings for “%(service)s” in the week from "
            "%(first)s to %(last)s: you may have at most %(limit)s a week.", held) % {
                "count": held, "service": notices.in_language(canonical, language).name,
                "first": first, "last": local_date(sunday), "limit": limit}
        phone = office_contacts(language).get("office_phone")
        if email:
            advice = gettext("To move or cancel a booking, use the link in its "
                             "confirmation email.")
        elif phone:
            advice = gettext("You gave no email address: to move or cancel your booking, "
                             "call the Segreteria on %(phone)s.") % {"phone": phone}
        else:
            advice = gettext("You gave no email address: to move or cancel your booking, "
                             "call the Segreteria.")
    return LimitReached(f"{fact} {advice}", code="limit_reached")


def _check_limit(canonical, starts_at, email, phone, language, *, exclude=None):
    held = bookings_in_week(canonical, starts_at, email, phone, exclude=exclude).count()
    if held >= canonical.bookings_per_week:
        raise _limit_reached(canonical, starts_at, held, language, email)


def _is_place_taken(error):
    text = str(error)
    # PostgreSQL names the constraint; SQLite names its columns.
    return "booking_place_taken" in text or (
        "UNIQUE" in text and "booking_booking.place" in text)


def _take_place(booking, slot, taken):
    """Save `booking` in the lowest place of `slot` not in `taken`, each attempt in a
    savepoint; a place someone else took meanwhile (the constraint refuses it) makes it
    try the next. Returns True when saved, False when every place is taken."""
    for place in range(1, slot.places + 1):
        if place in taken:
            continue
        booking.place = place
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError as error:
            if not _is_place_taken(error):
                raise
            if booking._state.adding:
                booking.pk = None
            continue
        return True
    return False


def _places_taken(canonical, starts_at, exclude=None):
    rows = Booking.objects.filter(service=canonical, starts_at=starts_at).exclude(
        status=Booking.Status.CANCELLED)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return set(rows.values_list("place", flat=True))


def _lock_service(canonical):
    # Serialises bookings of one service on PostgreSQL (the weekly limit's count and the
    # insert in one step); on SQLite the IMMEDIATE transaction already does.
    BookableService.objects.select_for_update().filter(pk=canonical.pk).first()


def _record(booking, kind, by=None, note=""):
    return BookingEvent.objects.create(booking=booking, kind=kind,
                                       by=by if getattr(by, "is_authenticated", False) else None,
                                       note=note[:200])


def _queue_notices(booking, kind):
    # In the booking's own transaction, like the intake form's confirmation: the queue is
    # in the same database, so a booking is never stored without its mail and reminder,
    # nor a mail queued for a booking that was rolled back.
    notices.notify(booking, kind)
    if kind in ("confirmed", "moved"):
        reminders.schedule_reminder(booking)


def book(*, service, starts_at, data, language, now=None):
    """Take a place in `service`'s slot starting at `starts_at` for the person in
    `data` (cleaned form data: reason, details, first_name, last_name, email, phone) and
    queue the confirmation mail (in `language`) and the reminder. Returns the Booking,
    with its reference ("PA-<year>-<5 digits>", the year it was made, in Milan).

    Raises SlotFull, SlotUnavailable or LimitReached (ValidationErrors with a message
    for the person). Never oversells: the place is chosen among 1..places and the
    database's unique constraint settles two people choosing the same one at once (the
    loser tries the next free place, and gets SlotFull when none is left).

    The privacy notice acknowledged is settings.PRIVACY_NOTICE_VERSION, at `now`."""
    now = now or timezone.now()
    canonical = service.canonical()
    email, phone = normalised_contacts(data.get("email"), data.get("phone"))
    if not email and not phone:
        # The database refuses it too (booking_email_or_phone): say it before.
        raise ValidationError(_in(language, NO_CONTACT), code="no_contact")
    with transaction.atomic():
        _lock_service(canonical)
        slot = availability.find_slot(canonical, starts_at, now=now)
        if slot is None:
            raise _slot_unavailable(language)
        if slot.free <= 0:
            raise _slot_full(language)
        _check_limit(canonical, slot.starts_at, email, phone, language)
        booking = Booking(
            service=canonical, starts_at=slot.starts_at, ends_at=slot.ends_at,
            reason=(data.get("reason") or "")[:120], details=(data.get("details") or "")[:200],
            first_name=data.get("first_name") or "", last_name=data.get("last_name") or "",
            email=email, phone=phone, language=language or settings.LANGUAGE_CODE,
            privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
            privacy_acknowledged_at=now)
        if not _take_place(booking, slot, _places_taken(canonical, slot.starts_at)):
            raise _slot_full(language)
        year = timezone.localtime(now, programme_timezone()).year
        booking.reference = f"PA-{year}-{booking.pk:05d}"
        booking.save(update_fields=["reference"])
        _record(booking, "booked")
        _queue_notices(booking, "confirmed")
    return booking


def _locked(booking):
    return Booking.objects.select_for_update().select_related("service").get(pk=booking.pk)


def _must_be_confirmed(booking, language=None):
    if booking.status != booking.Status.CONFIRMED:
        with translation.override(language or booking.language):
            message = gettext("This booking is no longer active: it is %(status)s.") % {
                "status": str(booking.get_status_display()).lower()}
        raise ValidationError(message, code="not_active")


def move(booking, starts_at, *, by=None, now=None):
    """Move `booking` to the slot starting at `starts_at` of the same service, keeping
    its reference and link; the person gets a mail ("moved") and a new reminder (the old
    one does not send: it names the old start). `by`: the staff member, None when the
    person moved it. Raises SlotFull/SlotUnavailable/LimitReached, or ValidationError
    when the booking is not confirmed or the slot is the one it holds. Returns the
    booking, updated."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(booking)
        language = current.language
        _must_be_confirmed(current)
        canonical = current.service
        _lock_service(canonical)
        slot = availability.find_slot(canonical, starts_at, now=now)
        if slot is None:
            raise _slot_unavailable(language)
        if slot.starts_at == current.starts_at:
            raise ValidationError(_in(language, SAME_SLOT), code="same_slot")
        taken = _places_taken(canonical, slot.starts_at, exclude=current)
        if len(taken) >= slot.places:
            raise _slot_full(language)
        _check_limit(canonical, slot.starts_at, current.email, current.phone, language,
                     exclude=current)
        old = current.starts_at
        current.starts_at, current.ends_at = slot.starts_at, slot.ends_at
        current.reminder_sent_at = None
        if not _take_place(current, slot, taken):
            raise _slot_full(language)
        _record(current, "moved", by, note=f"{old.isoformat()} → {slot.starts_at.isoformat()}")
        _queue_notices(current, "moved")
    booking.refresh_from_db()
    return booking


def cancel(booking, *, by=None, reason="", now=None):
    """Cancel `booking` (its place is free again). `by`: the staff member, None when the
    person cancelled; staff give a `reason` and the person is told by mail (kind
    "cancelled", with `by_staff`). Raises ValidationError when it is not confirmed or
    staff give no reason. Returns the booking, updated."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        current = _locked(booking)
        staff = by is not None and getattr(by, "is_authenticated", False)
        _must_be_confirmed(current, language=None if not staff else translation.get_language())
        if staff and not reason:
            raise ValidationError(gettext("Give the reason: the person reads it in the "
                                          "cancellation email."), code="reason_required")
        current.status = current.Status.CANCELLED
        current.cancelled_at = now
        current.cancelled_by = by if staff else None
        current.cancellation_reason = reason[:200]
        current.save(update_fields=["status", "cancelled_at", "cancelled_by",
                                    "cancellation_reason", "updated_at"])
        _record(current, "cancelled", by, note=reason)
        _queue_notices(current, "cancelled")
    booking.refresh_from_db()
    return booking


# What staff may record on a booking in each status: a confirmed booking becomes
# attended or no-show; a mis-tap between those two is corrected (the event keeps who
# corrected it and when). A cancelled one is never marked.
MARKABLE_FROM = {
    Booking.Status.ATTENDED: (Booking.Status.CONFIRMED, Booking.Status.NO_SHOW),
    Booking.Status.NO_SHOW: (Booking.Status.CONFIRMED, Booking.Status.ATTENDED),
}


def can_mark(booking, status):
    """Whether staff may mark `booking` (its current status) as `status` ("attended" or
    "no_show"): from confirmed, or as a correction from the other of the two. The time
    (the slot must have started) is checked by mark_attended/mark_no_show."""
    return booking.status in MARKABLE_FROM.get(status, ())


def is_correction(booking, status):
    """Whether marking `booking` as `status` corrects an earlier mark (attended ↔
    no-show) rather than recording the first one."""
    return can_mark(booking, status) and booking.status != booking.Status.CONFIRMED


def _mark(booking, status, by, now):
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(booking)
        if current.status == status:
            raise ValidationError(
                gettext("This booking is already marked as %(status)s.")
                % {"status": str(current.get_status_display()).lower()}, code="same_mark")
        if not can_mark(current, status):
            raise ValidationError(
                gettext("This booking is %(status)s: it cannot be marked.")
                % {"status": str(current.get_status_display()).lower()}, code="not_active")
        if current.starts_at > now:
            raise ValidationError(
                gettext("The appointment has not started yet: mark it from its start "
                        "time."), code="not_started")
        note = f"{current.status} → {status}" if is_correction(current, status) else ""
        current.status = status
        current.save(update_fields=["status", "updated_at"])
        _record(current, status, by, note=note)
    booking.refresh_from_db()
    return booking


def mark_attended(booking, *, by, now=None):
    """Record that the person came (staff `by`): a confirmed booking whose slot has
    started (`now`, default the current time), or a correction of a booking marked
    no-show (the BookingEvent's note reads "no_show → attended"). Else a ValidationError
    in the active language. Returns the booking, updated."""
    return _mark(booking, booking.Status.ATTENDED, by, now)


def mark_no_show(booking, *, by, now=None):
    """Record that the person did not come (staff `by`); the same conditions as
    mark_attended, the correction being from attended."""
    return _mark(booking, booking.Status.NO_SHOW, by, now)


def affected_bookings(service=None, venue=None, *, now=None):
    """Upcoming confirmed bookings (of `service`, or of every service of `venue`) whose
    slot the current rules and closures no longer offer — a closed day, a removed or
    changed rule, or a place number above the slot's places now: what a closure or a
    rule change touched. Staff choose to notify and cancel them (cancel(..., by=staff)).
    Returns a QuerySet of Booking ordered by start. Queries: 1 + 4 per service."""
    if service is None and venue is None:
        raise TypeError("affected_bookings needs a service or a venue")
    now = now or timezone.now()
    if service is not None:
        services = [service.canonical()]
    else:
        services = list(BookableService.objects.filter(
            venue__translation_key=venue.translation_key, locale=Locale.get_default()))
    zone = programme_timezone()
    affected = []
    for canonical in services:
        upcoming = list(Booking.objects.filter(service=canonical, starts_at__gte=now,
                                               status=Booking.Status.CONFIRMED))
        if not upcoming:
            continue
        first = min(timezone.localtime(row.starts_at, zone).date() for row in upcoming)
        last = max(timezone.localtime(row.starts_at, zone).date() for row in upcoming)
        offered = availability.offered_starts(canonical, first, last)
        for row in upcoming:
            slot = offered.get(row.starts_at.astimezone(datetime.UTC))
            if slot is None or row.place > slot.places:
                affected.append(row.pk)
    return Booking.objects.filter(pk__in=affected).order_by("starts_at", "place")

"""The rules of a booking: taking a place, the weekly limit, moving, cancelling, and what
staff record afterwards.

STUB: signatures fixed by the lead; helper A implements them (remove this line).
"""

from django.core.exceptions import ValidationError


class SlotFull(ValidationError):
    """The chosen slot has no place left (someone took the last one meanwhile). The
    message is for the person: "Il posto scelto è stato appena prenotato: scegli un
    altro orario."""


class SlotUnavailable(ValidationError):
    """The chosen slot is no longer offered (closed, moved, in the past)."""


class LimitReached(ValidationError):
    """The person (same email or phone) already holds `service.bookings_per_week`
    upcoming bookings of this service in that week; the message says so and when."""


def book(*, service, starts_at, data, language):
    """Take a place in `service`'s slot starting at `starts_at` for the person in
    `data` (cleaned form data: reason, details, first_name, last_name, email, phone) and
    queue the confirmation mail (in `language`) and the reminder. Returns the Booking,
    with its reference ("PA-<year>-<5 digits>").

    Raises SlotFull, SlotUnavailable or LimitReached (ValidationErrors with a message
    for the person). Never oversells: the place is chosen among 1..places and the
    database's unique constraint settles two people choosing the same one at once (the
    loser tries the next free place, and gets SlotFull when none is left)."""
    raise NotImplementedError


def move(booking, starts_at):
    """Move `booking` to the slot starting at `starts_at` of the same service, keeping
    its reference and link; the person gets a mail. Raises SlotFull/SlotUnavailable."""
    raise NotImplementedError


def cancel(booking, *, by=None, reason=""):
    """Cancel `booking` (its place is free again). `by`: the staff member, None when the
    person cancelled; staff give a `reason` and the person is told by mail."""
    raise NotImplementedError


def mark_attended(booking, *, by):
    raise NotImplementedError


def mark_no_show(booking, *, by):
    raise NotImplementedError


def affected_bookings(service=None, venue=None, *, now=None):
    """Upcoming confirmed bookings (of `service`, or of every service of `venue`) whose
    slot the current rules and closures no longer offer: what a closure or a rule
    change touched. Staff choose to notify and cancel them (cancel(..., by=staff))."""
    raise NotImplementedError

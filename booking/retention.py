"""How long a booking keeps the person's data, and what a person's data request finds,
exports and erases among bookings (GDPR arts. 5(1)(e), 15, 17, 20).

privacy/ runs these without importing booking: `anonymise_bookings` is listed in
settings.RETENTION_EXTRA_RULES (privacy.retention.purge runs it daily) and this module in
settings.PRIVACY_EXTRA_SUBJECT_SOURCES (privacy.subjects: KIND, LABEL, find, references,
erase).

An anonymised booking keeps what the programme's statistics need — reference, service,
times, place, status, reason, language, dates — and loses everything that tells who the
person was: names become PLACEHOLDER, the email ANONYMOUS_EMAIL (the row must keep an
email or a phone: `booking_email_or_phone`), phone, details and the staff's cancellation
reason are blanked, and the signed link's key is renewed so no old link names it.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from booking.models.bookings import Booking, new_access_key

# The same stand-ins as privacy.retention's (which booking may not import): a name
# nobody has and an address on a domain that never receives mail (RFC 2606).
PLACEHOLDER = "—"
ANONYMOUS_EMAIL = "anonymised@example.invalid"
BATCH_SIZE = 500

KIND = "bookings"
LABEL = gettext_lazy("Bookings of appointments")


def _anonymise_ids(ids, now):
    # One statement per batch; each row gets a key of its own so that no two anonymised
    # bookings share a link key (a shared key would be guessable).
    count = Booking.objects.filter(pk__in=ids).update(
        first_name=PLACEHOLDER, last_name=PLACEHOLDER, email=ANONYMOUS_EMAIL, phone="",
        details="", cancellation_reason="", anonymised_at=now)
    for pk in ids:
        Booking.objects.filter(pk=pk).update(access_key=new_access_key())
    return count


def anonymise(queryset, now=None):
    """Anonymise the bookings of `queryset` not anonymised yet, BATCH_SIZE at a time,
    each batch in its own transaction. `now` (aware datetime, default the current time)
    is recorded as `anonymised_at`. Returns the number anonymised; running it again
    changes nothing."""
    now = now or timezone.now()
    queryset = queryset.filter(anonymised_at__isnull=True).order_by("pk")
    total, last = 0, None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        ids = list(page.values_list("pk", flat=True)[:BATCH_SIZE])
        if not ids:
            return total
        with transaction.atomic():
            total += _anonymise_ids(ids, now)
        last = ids[-1]


def anonymise_bookings(now):
    """The retention rule: bookings whose appointment ended more than
    RETENTION_BOOKING_DAYS (setting, default 90) before `now` (aware datetime), whatever
    their status, are anonymised. Returns {"deleted": 0, "anonymised": n}."""
    cutoff = now - datetime.timedelta(days=settings.RETENTION_BOOKING_DAYS)
    expired = Booking.objects.filter(ends_at__lt=cutoff)
    return {"deleted": 0, "anonymised": anonymise(expired, now)}


anonymise_bookings.kind = KIND
anonymise_bookings.label = gettext_lazy("Bookings of appointments ended long ago")


# --- A person's data (privacy.subjects) --------------------------------------------------


def find(emails, phones, references):
    """The bookings of the person with one of `emails` (lower case), `phones` (+39…) or
    `references` (PA-2026-00042), oldest first; anonymised ones hold nobody's contact
    and are found by reference only. One query."""
    contacts = Q(pk__in=[])
    for email in emails:
        contacts |= Q(email__iexact=email)
    if phones:
        contacts |= Q(phone__in=phones)
    match = contacts & Q(anonymised_at__isnull=True)
    refs = {ref for ref in references if ref.startswith("PA-")}
    if refs:
        match |= Q(reference__in=refs)
    return list(Booking.objects.filter(match).select_related("service")
                .order_by("created_at", "pk"))


def references(items):
    """The references of `items` (bookings): the mails about them name these."""
    return {booking.reference for booking in items if booking.reference}


def erase(items, now):
    """Erasure (GDPR art. 17): the bookings `items` anonymised at once, whatever their
    age; an upcoming one is cancelled too, so its place is free again. Returns the number
    of bookings anonymised."""
    ids = [booking.pk for booking in items]
    Booking.objects.filter(pk__in=ids, status=Booking.Status.CONFIRMED,
                           starts_at__gt=now).update(
        status=Booking.Status.CANCELLED, cancelled_at=now)
    return anonymise(Booking.objects.filter(pk__in=ids), now)

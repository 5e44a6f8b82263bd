"""The mails a booking sends the person: confirmed, moved, cancelled, reminder.

Queued (mail.sending.queue_email) in the booking's language, rendered from
templates/booking/email/<kind>_subject.txt and _body.txt. A booking with no email gets
no mail: a person who gave only a phone number is called by the Segreteria.
"""

from django.utils import timezone, translation

from home.models import office_contacts
from mail.sending import queue_email
from readable.dates import programme_timezone

from . import links

KINDS = ("confirmed", "moved", "cancelled", "reminder")


def service_in(service, language):
    """`service` (any translation) in `language`, else its canonical one."""
    from wagtail.models import Locale

    canonical = service.canonical()
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return canonical
    if service.locale_id == locale.pk:
        return service
    return canonical.get_translation_or_none(locale) or canonical


def venue_in(venue, language):
    """`venue` (a programme.Venue) in `language`, else as it is."""
    from wagtail.models import Locale

    locale = Locale.objects.filter(language_code=language).first()
    if locale is None or venue.locale_id == locale.pk:
        return venue
    return venue.get_translation_or_none(locale) or venue


def mail_context(booking):
    """What a booking's mail says: {"booking", "service" and "venue" (in
    booking.language), "starts_at", "ends_at" (aware, Milan), "manage_url",
    "calendar_url" (absolute), "by_staff" (bool: staff cancelled it),
    "cancellation_reason", plus home.models.office_contacts(booking.language)
    ("office_phone", "contact_url")}."""
    language = booking.language
    zone = programme_timezone()
    with translation.override(language):
        service = service_in(booking.service, language)
        venue = venue_in(service.venue, language)
        context = {
            "booking": booking,
            "service": service,
            "venue": venue,
            "starts_at": timezone.localtime(booking.starts_at, zone),
            "ends_at": timezone.localtime(booking.ends_at, zone),
            "manage_url": links.manage_url(booking),
            "calendar_url": links.calendar_url(booking),
            "by_staff": booking.cancelled_by_id is not None,
            "cancellation_reason": booking.cancellation_reason,
        }
        context.update(office_contacts(language))
    return context


def notify(booking, kind):
    """Queue the mail of `kind` (one of KINDS) to the person, in booking.language.
    Returns the queued task result, or None when the booking has no email."""
    if kind not in KINDS:
        raise ValueError(f"unknown booking mail {kind!r}")
    if not booking.email:
        return None
    return queue_email(booking.email, f"booking/email/{kind}", mail_context(booking),
                       booking.language)

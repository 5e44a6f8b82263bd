"""The mails a booking sends the person: confirmed, moved, cancelled, reminder.

Queued (mail.sending.queue_email) in the booking's language, rendered from
templates/booking/email/<kind>_subject.txt and _body.txt. A booking with no email gets
no mail: a person who gave only a phone number is called by the Segreteria.
"""

from django.utils import timezone, translation
from wagtail.models import Locale

from home.models import office_contacts
from mail.links import page_site_url
from mail.sending import queue_email
from readable.dates import programme_timezone

from . import links

KINDS = ("confirmed", "moved", "cancelled", "reminder")


def in_language(row, language=None):
    """`row` (a translatable row: a BookableService, a programme.Venue; any of its
    translations) as shown in `language` ("it", "en"; default: the active language):
    its live translation in that language, else its canonical (default-language)
    version, else `row` itself. The one rule the booking's pages and mails follow."""
    try:
        locale = (Locale.objects.filter(language_code=language).first() if language
                  else Locale.get_active())
    except Locale.DoesNotExist:
        locale = None
    canonical = row.canonical() if hasattr(row, "canonical") else row
    if locale is None:
        return canonical
    if row.locale_id == locale.pk:
        return row
    translation = row.get_translation_or_none(locale)
    if translation is None or getattr(translation, "live", True) is False:
        return canonical
    return translation


def booking_page_url(language):
    """The absolute address of the live BookingPage in `language` (else the default
    language's), or "" when none is live."""
    page = links.booking_page(language)
    return page_site_url(page) if page is not None else ""


def mail_context(booking):
    """What a booking's mail says: {"booking", "service" and "venue" (in
    booking.language), "starts_at", "ends_at" (aware, Milan), "manage_url",
    "calendar_url", "booking_url" (the BookingPage, to book again; all three absolute
    or ""), "by_staff" (bool: staff cancelled it),
    "cancellation_reason", plus home.models.office_contacts(booking.language)
    ("office_phone", "contact_url")}."""
    language = booking.language
    zone = programme_timezone()
    with translation.override(language):
        service = in_language(booking.service, language)
        venue = in_language(service.venue, language)
        context = {
            "booking": booking,
            "service": service,
            "venue": venue,
            "starts_at": timezone.localtime(booking.starts_at, zone),
            "ends_at": timezone.localtime(booking.ends_at, zone),
            "manage_url": links.manage_url(booking),
            "calendar_url": links.calendar_url(booking),
            "booking_url": booking_page_url(language),
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

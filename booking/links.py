"""The signed link a person gets by mail to view, move or cancel their booking without an
account.

The token is signed with the site's SECRET_KEY (django.core.signing, salt
"booking.manage") and carries the booking's id and its random `access_key`: changing a
character breaks the signature, and a token made for a booking that was later erased or
re-keyed names no booking any more. It stops working once the appointment has ended or
was cancelled (LinkExpired), so an old mail gives no access to a person's data.
"""

from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from wagtail.models import Locale, Page

from mail.links import page_site_url

from .models.bookings import Booking

SALT = "booking.manage"
# Longer than any token we make ([id, 22-character key] signed): junk is refused before
# it is parsed.
MAX_TOKEN_LENGTH = 200


class LinkInvalid(Exception):
    """The link was altered or is not a link of ours."""


class LinkExpired(Exception):
    """The appointment is over (or was cancelled): the link no longer works. `booking`:
    the booking the link names, so the page can say which of the two it is."""

    def __init__(self, *args, booking=None):
        super().__init__(*args)
        self.booking = booking


def booking_token(booking):
    """An opaque URL-safe token naming `booking` (django.core.signing, salt
    "booking.manage", with the booking's access_key so a token cannot be forged)."""
    # Wagtail serves page paths of [A-Za-z0-9_-] only (wagtail.urls): the signer's ":"
    # separators become "_", put back by _unpacked (the timestamp, base62, has no "_").
    return signing.dumps([booking.pk, booking.access_key], salt=SALT).replace(":", "_")


SIGNATURE_LENGTH = 43  # base64 of a SHA-256 digest, unpadded


def _unpacked(token):
    """The signer's form ("payload:timestamp:signature") of a booking_token."""
    if ":" in token or len(token) < SIGNATURE_LENGTH + 3:
        return token
    rest, signature = token[:-SIGNATURE_LENGTH - 1], token[-SIGNATURE_LENGTH:]
    payload, _sep, timestamp = rest.rpartition("_")
    return f"{payload}:{timestamp}:{signature}"


def booking_from_token(token, *, now=None):
    """The Booking the token names (its service selected). Raises LinkInvalid
    (tampered, unknown, junk of any kind) or LinkExpired (the appointment has ended —
    `ends_at` <= `now`, default the current time — or the booking was cancelled)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise LinkInvalid
    try:
        pk, key = signing.loads(_unpacked(token), salt=SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise LinkInvalid from None
    if not isinstance(pk, int) or not isinstance(key, str):
        raise LinkInvalid
    booking = Booking.objects.select_related("service").filter(pk=pk).first()
    if booking is None or not constant_time_compare(booking.access_key, key):
        raise LinkInvalid
    now = now or timezone.now()
    if booking.status == Booking.Status.CANCELLED or booking.ends_at <= now:
        raise LinkExpired(booking=booking)
    return booking


def booking_page(language):
    """The live BookingPage in `language`, else the one of the default language, else
    None.

    Found by its content type, not its class: the page's routes import the views, which
    book and mail through this module, so importing the page here would close an import
    circle (tests/test_architecture.py)."""
    pages = list(Page.objects.live().filter(
        content_type__app_label="booking", content_type__model="bookingpage",
    ).select_related("locale").specific())
    return (next((page for page in pages if page.locale.language_code == language), None)
            or next((page for page in pages if page.locale_id == Locale.get_default().pk),
                    None)
            or (pages[0] if pages else None))


def _route_url(booking, route):
    page = booking_page(booking.language)
    if page is None:
        return ""
    base = page_site_url(page)
    if not base:
        return ""
    return base.rstrip("/") + "/" + page.reverse_subpage(
        route, kwargs={"token": booking_token(booking)}).lstrip("/")


def manage_url(booking):
    """The absolute address (on settings.WAGTAILADMIN_BASE_URL) of `booking`'s page on
    the live BookingPage of booking.language: view, move, cancel. "" when no booking
    page is live."""
    return _route_url(booking, "manage")


def calendar_url(booking):
    """The absolute address of `booking`'s .ics file (route "ics"), as manage_url."""
    return _route_url(booking, "ics")

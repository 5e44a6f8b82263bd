"""`{% load booking_links %}{% booking_page_url as url %}`: the address of the live
"Prenotazione appuntamento" page in the active language, for the pages that link to it
without importing booking (the service sheet's "Prenota appuntamento" button, the
footer's link): "" when there is none, and then they show no link.

Kept in pagecache's data cache, the footer of every page asks for it: once found, until
that page (or a translation of it) changes — publishing an article elsewhere keeps it —;
while there is none, until any page changes (one may have been published).
"""

from django import template
from django.utils.translation import get_language
from wagtail.models import Locale

from pagecache.data import cached
from pagecache.tags import PAGES, page_tag

register = template.Library()


def live_booking_page(language):
    """(relative URL, page id) of the live BookingPage in `language` (a code), or
    ("", None)."""
    from booking.models.booking_page import BookingPage

    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return "", None
    page = BookingPage.objects.live().filter(locale=locale).first()
    return ((page.get_url() or ""), page.pk) if page is not None else ("", None)


def live_booking_page_url(language):
    """The relative URL of the live BookingPage in `language` (a code), or ""."""
    return live_booking_page(language)[0]


def _tags(found):
    _url, page_id = found
    return (page_tag(page_id),) if page_id is not None else (PAGES,)


@register.simple_tag(takes_context=True)
def booking_page_url(context):
    request = context.get("request")
    language = get_language()
    return cached(request, ("booking-page", language),
                  lambda: live_booking_page(language), tags=_tags)[0]

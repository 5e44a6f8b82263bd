"""`{% load booking_links %}{% booking_page_url as url %}`: the address of the live
"Prenotazione appuntamento" page in the active language, for the pages that link to it
without importing booking (the service sheet's "Prenota appuntamento" button, the
footer's link): "" when there is none, and then they show no link.

Kept in pagecache's data cache under PAGES, which any page published, unpublished, moved
or deleted renews (pagecache.invalidation): the footer of every page asks for it.
"""

from django import template
from django.utils.translation import get_language
from wagtail.models import Locale

from pagecache.data import cached

register = template.Library()


def live_booking_page_url(language):
    """The relative URL of the live BookingPage in `language` (a code), or ""."""
    from booking.models.booking_page import BookingPage

    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return ""
    page = BookingPage.objects.live().filter(locale=locale).first()
    return (page.get_url() or "") if page is not None else ""


@register.simple_tag(takes_context=True)
def booking_page_url(context):
    request = context.get("request")
    language = get_language()
    return cached(request, ("booking-page-url", language),
                  lambda: live_booking_page_url(language))

"""schema.org descriptions (JSON-LD) of the programme's pages.

Registered with seo.metadata; the `seo_tags` template library imports this module through
`autodiscover_modules("seo")`, so the home app never imports the programme app.
"""

from home.models import ContactDetails
from languages.versions import localized_pages
from pagecache.data import cached
from seo.metadata import (
    description,
    og_image,
    organisation,
    page_url,
    publisher,
    register,
    web_page,
)

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MEETINGS_LISTED = 10
SERVED_AREA = {"@type": "City", "name": "Milano"}


def _weekdays(first, last):
    first, last = int(first), int(last)
    span = (last - first) % 7
    return [f"https://schema.org/{DAYS[(first + offset) % 7]}" for offset in range(span + 1)]


def place(venue, page, request):
    """A venue as a schema.org Place; its @id is its card on `page`."""
    node = {
        "@type": "Place",
        "@id": f"{page_url(page, request)}#{venue.anchor}",
        "name": venue.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": venue.street_address,
            "postalCode": venue.postal_code,
            "addressLocality": venue.city,
            "addressCountry": "IT",
        },
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": float(venue.latitude),
            "longitude": float(venue.longitude),
        },
        "hasMap": venue.openstreetmap_url,
    }
    hours = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": _weekdays(block.value["first_day"], block.value["last_day"]),
            "opens": block.value["opens"].strftime("%H:%M"),
            "closes": block.value["closes"].strftime("%H:%M"),
        }
        for block in venue.opening_hours
    ]
    if hours:
        node["openingHoursSpecification"] = hours
    if venue.accessibility_notes:
        node["accessibilityFeature"] = venue.accessibility_notes
    return node


def _founding_signatories(page, request=None):
    """The protocol's founding signatories' organisations, in `page`'s language when
    translated (found once, then from the cache)."""
    from programme.models.pages import ProtocolPage

    def compute():
        protocols = ProtocolPage.objects.live()
        protocol = protocols.filter(locale_id=page.locale_id).first() or protocols.first()
        return [s.organisation for s in protocol.signatories.all()] if protocol else []

    return cached(request, ("founding-signatories", page.locale_id), compute)


@register("programme.ProgrammePage")
def programme_page(page, context):
    request = context.get("request")
    venues = context.get("venues")
    if venues is None:
        venues = page.venues()
    places = [place(venue, page, request) for venue in venues]
    channel = {"@type": "ServiceChannel", "availableLanguage": ["it", "en"]}
    if page.intake_page_id:
        intake = localized_pages(request, [page.intake_page_id]).get(page.intake_page_id)
        if intake is not None:
            channel["serviceUrl"] = page_url(intake, request)
    contact = ContactDetails.for_request(request)
    if contact:
        channel["servicePhone"] = {
            "@type": "ContactPoint",
            "telephone": ContactDetails.tel_href(contact.phone_primary).removeprefix("tel:"),
            "email": contact.email,
            "contactType": contact.office_name,
        }
    if places:
        channel["serviceLocation"] = [{"@id": node["@id"]} for node in places]
    service = {
        "@type": "GovernmentService",
        "name": page.title,
        "description": description(page),
        "url": page_url(page, request),
        "inLanguage": page.locale.language_code,
        "provider": [organisation(name) for name in _founding_signatories(page, request)],
        "areaServed": SERVED_AREA,
        "availableChannel": channel,
        "isAccessibleForFree": True,
    }
    return [service, *places]


@register("programme.GroupIndexPage")
def group_index_page(page, context):
    request = context.get("request")
    places = {venue.anchor: place(venue, page, request) for venue in context.get("venues", [])}
    events = []
    # A date an editor cancelled stays an event, marked cancelled (schema.org's
    # EventCancelled); a public holiday the group skips was never announced.
    meetings = [m for m in context.get("meetings", []) if not m.public_holiday]
    for meeting in meetings[:MEETINGS_LISTED]:
        group = getattr(meeting.group, "text", meeting.group)
        venue = getattr(meeting.group, "venue_text", meeting.venue)
        location = places.get(venue.anchor) or place(venue, page, request)
        events.append(
            {
                "@type": "Event",
                "name": group.name,
                "description": group.description,
                "startDate": meeting.start.isoformat(),
                "endDate": meeting.end.isoformat(),
                "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
                "eventStatus": "https://schema.org/EventCancelled" if meeting.cancelled
                else "https://schema.org/EventScheduled",
                "location": location,
                "inLanguage": meeting.group.language,
                "isAccessibleForFree": True,
                "organizer": publisher(page, request),
                "url": page_url(page, request),
                # The group's seats (programme.seats): none left when full, closed or paused.
                "maximumAttendeeCapacity": meeting.group.capacity,
                "remainingAttendeeCapacity": (
                    meeting.group.seats_left if meeting.group.is_open else 0),
            }
        )
    return [web_page(page, context), *places.values(), *events]


@register("programme.NewsPage")
def news_page(page, context):
    request = context.get("request")
    url = page_url(page, request)
    article = {
        "@type": "NewsArticle",
        "headline": page.title,
        "description": page.summary,
        "datePublished": page.date.isoformat(),
        "inLanguage": page.locale.language_code,
        "url": url,
        "mainEntityOfPage": url,
        "publisher": publisher(page, request),
        "author": publisher(page, request),
    }
    if page.last_published_at:
        article["dateModified"] = page.last_published_at.isoformat()
    image = og_image(page, request)
    if image:
        article["image"] = [image["url"]]
    return article


@register("programme.ProtocolPage")
def protocol_page(page, context):
    return [
        {"@type": "Organization", "name": signatory.organisation}
        for signatory in page.signatories.all()
    ] or [web_page(page, context)]

"""schema.org descriptions (JSON-LD) of the programme's pages.

Registered with seo.metadata; the `seo_tags` template library imports this module through
`autodiscover_modules("seo")`, so the home app never imports the programme app.
"""

import datetime

from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext

from home.models import ContactDetails
from languages.versions import localized_pages
from pagecache.data import cached
from programme.schedule import meeting_changes, meeting_dates, skipped_dates
from seo.metadata import (
    DESCRIPTION_LENGTH,
    description,
    og_image,
    organisation,
    page_url,
    plain_text,
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
    # schema.org's accessibilityFeature belongs to CreativeWork, not Place (the vendored
    # vocabulary says so): a venue's access is one of its features, like its equipment.
    features = [_feature(block.value, True) for block in venue.facilities]
    if venue.accessibility_notes:
        features.append(_feature(gettext("Accessibility"), venue.accessibility_notes))
    if features:
        node["amenityFeature"] = features
    return node


def _feature(name, value):
    return {"@type": "LocationFeatureSpecification", "name": name, "value": value}


def _founding_signatories(page, request=None):
    """The protocol's founding signatories' organisations, in `page`'s language when
    translated (found once, then from the cache)."""
    from programme.models.pages import ProtocolPage

    def compute():
        protocols = ProtocolPage.objects.live()
        protocol = protocols.filter(locale_id=page.locale_id).first() or protocols.first()
        return [s.organisation for s in protocol.signatories.all()] if protocol else []

    return cached(request, ("founding-signatories", page.locale_id), compute)


def _provider_and_operators(names):
    """The programme is a service of the City (the founding signatory whose name says
    "Comune", else the first), operated with the others (the Camera del Lavoro): schema.org's
    provider and serviceOperator. {} without signatories."""
    if not names:
        return {}
    city = next((name for name in names if "Comune" in name), names[0])
    shape = {"provider": {**organisation(city), "@type": "GovernmentOrganization"}}
    operators = [organisation(name) for name in names if name != city]
    if operators:
        shape["serviceOperator"] = operators
    return shape


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
        **_provider_and_operators(_founding_signatories(page, request)),
        "serviceType": page.get_category_display(),
        "areaServed": SERVED_AREA,
        "availableChannel": channel,
        # Free of charge: a Service has no isAccessibleForFree (CreativeWork, Event, Place).
        "offers": {"@type": "Offer", "price": 0, "priceCurrency": "EUR"},
    }
    for_whom = plain_text(page.for_whom)
    if for_whom:
        # The model's "A chi è rivolto" section, in the page's language.
        service["audience"] = {"@type": "Audience",
                               "audienceType": Truncator(for_whom).chars(DESCRIPTION_LENGTH)}
    return [service, *places]


def group_id(group, page, request):
    """The @id of a group's series on the groups page: the same in both languages but
    for the page's address (the group's stored translation key, not a database id)."""
    return f"{page_url(page, request)}#group-{group.translation_key}"


def _schedule(slot, skipped, start, days, changed=()):
    """A weekly slot as a schema.org Schedule, with the dates in [start, start + days)
    it would meet but does not (`skipped`: cancelled dates and unopened holidays;
    `changed`: the (date, start) of meetings a facilitator cancelled or moved, whose new
    time is an Event of its own) as exceptDate."""
    schedule = {
        "@type": "Schedule",
        "byDay": f"https://schema.org/{DAYS[slot.weekday]}",
        "repeatFrequency": "P1W",
        "startTime": slot.start.strftime("%H:%M:%S"),
        "endTime": slot.end.strftime("%H:%M:%S"),
        # Local times: a meeting at 18:00 stays at 18:00 across daylight saving.
        "scheduleTimezone": "Europe/Rome",
    }
    if slot.valid_from:
        schedule["startDate"] = slot.valid_from.isoformat()
    if slot.valid_until:
        schedule["endDate"] = slot.valid_until.isoformat()
    excepted = [day.isoformat() for day in meeting_dates(slot, start, days)
                if day in skipped or (day, slot.start) in changed]
    if excepted:
        schedule["exceptDate"] = excepted
    return schedule


def group_series(group, location, page, request, today):
    """A group listed on the groups page as a schema.org EventSeries (an Event: the
    meetings listed are its subevents): one Schedule per slot in force, the dates it
    skips in the weeks the page shows in exceptDate. `group` is a canonical row as the
    page's context gives it (`.text`, `.slots_shown`, cancelled and opened holiday dates
    prefetched): no queries."""
    days = 7 * page.weeks_ahead
    skipped = skipped_dates(group, today, today + datetime.timedelta(days=days))
    text = getattr(group, "text", group)
    return {
        "@type": "EventSeries",
        "@id": group_id(group, page, request),
        "name": text.name,
        "description": text.description,
        "url": page_url(page, request),
        "inLanguage": group.language,
        "location": location,
        "organizer": publisher(page, request),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        # A paused group meets again once it restarts, on no date said yet.
        "eventStatus": "https://schema.org/EventPostponed"
        if group.status == group.Status.PAUSED else "https://schema.org/EventScheduled",
        "isAccessibleForFree": True,
        "maximumAttendeeCapacity": group.capacity,
        "remainingAttendeeCapacity": group.seats_left if group.is_open else 0,
        "eventSchedule": [_schedule(slot, skipped, today, days, meeting_changes(group))
                          for slot in getattr(group, "slots_shown", group.slots.all())],
    }


def _place_reference(node):
    """A Place as an event names it: its @id (the full node, with its hours and
    equipment, is in the same graph), name and address, which readers that do not follow
    @id still need; the whole node in each of ten events made the groups page 10 KB
    heavier."""
    return {key: node[key] for key in ("@type", "@id", "name", "address") if key in node}


@register("programme.GroupIndexPage")
def group_index_page(page, context):
    request = context.get("request")
    today = context.get("today") or timezone.localdate()
    places = {venue.anchor: place(venue, page, request) for venue in context.get("venues", [])}

    def location(group):
        venue = getattr(group, "venue_text", group.venue)
        return places.get(venue.anchor) or place(venue, page, request)

    series = [group_series(group, {"@id": location(group)["@id"]}, page, request, today)
              for group in context.get("groups", [])]
    events = []
    # A date the group does not meet (an editor cancelled it, or a public holiday it has
    # not opened) is no event: its series lists it in exceptDate (issue 19).
    meetings = [m for m in context.get("meetings", []) if not m.cancelled]
    for meeting in meetings[:MEETINGS_LISTED]:
        group = getattr(meeting.group, "text", meeting.group)
        events.append(
            {
                "@type": "Event",
                "name": group.name,
                "description": group.description,
                "startDate": meeting.start.isoformat(),
                "endDate": meeting.end.isoformat(),
                "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
                "eventStatus": "https://schema.org/EventScheduled",
                "location": _place_reference(location(meeting.group)),
                "inLanguage": meeting.group.language,
                "isAccessibleForFree": True,
                "organizer": publisher(page, request),
                "url": page_url(page, request),
                "superEvent": {"@id": group_id(meeting.group, page, request)},
                # The group's seats (programme.seats): none left when full, closed or paused.
                "maximumAttendeeCapacity": meeting.group.capacity,
                "remainingAttendeeCapacity": (
                    meeting.group.seats_left if meeting.group.is_open else 0),
            }
        )
    return [web_page(page, context), *places.values(), *series, *events]


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

"""The programme's data as HSDS 3.0 records (Open Referral's Human Services Data
Specification, tag v3.0): plain functions of what `sources` reads, a Locale and the site's
absolute base URL; none reads the request. Every record validates against the vendored
compiled schemas (opendata.validation).

What maps where, and why:
- organizations: the protocol's founding signatories (the City of Milan, the Camera del
  Lavoro; id = the ProtocolSignatory's translation_key) and each adhering organisation
  (id = Organisation.public_id): name and kind always, website, email and phone only
  with the adhesion's `publish_contact_details` (what the organisation agreed to);
- a program: "Mutuo Aiuto Lavoro", of the City, grouping the services below;
- services: the programme (its sheet, ProgrammePage; a service of the City) and EACH
  GROUP: a group has its own name, description, meeting language, status and way in,
  which HSDS puts on a service; a schedule carries none of them;
- locations: the venues (physical, with address, accessibility, transport and opening
  hours as schedules); a group at its venue is a service_at_location;
- schedules: a group's weekly meetings (MeetingSlot: freq WEEKLY, byday, opens_at /
  closes_at local "HH:MM", valid_from / valid_to, dtstart) and a venue's opening hours.
  HSDS's `timezone` is one fixed UTC offset: it cannot say Europe/Rome's daylight saving
  time, so it gives today's offset and `notes` says so and points to the group's
  iCalendar feed (`schedule_link`), which carries the real time zone, the cancelled
  dates and the holidays (HSDS 3.0 has no exception dates).
- Group status: open, full and closed groups are "active" (the group meets: the people
  in it are served), and `alert` says a full or closed group takes nobody new now; a
  referrer reads it before sending someone. A paused group is "temporarily closed"
  (it does not meet). The seats left are in `alert` too while the group is open.

Identifiers: opendata.identifiers (stored UUIDs, uuid5 for sub-records).
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organisation
from opendata import sources
from opendata.identifiers import record_id, sub_id
from programme.models.group_statuses import PublicStatus
from programme.schedule import MILAN
from programme.service_categories import ServiceStatus

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# The site's languages, in the order of its settings: ISO 639-1 codes.
SITE_LANGUAGES = ("it", "en")


def _language_names():
    return {"it": _("Italian"), "en": _("English")}


@dataclasses.dataclass
class Context:
    """What one answer reads, once (sources.*), and how it speaks: `locale` (the texts'
    language), `base` (the site's absolute URL, no trailing slash), `today` (Milan)."""

    locale: object
    base: str
    today: datetime.date
    groups: list
    venues: list
    programme: object
    signatories: list
    adhesions: list
    contact: object
    group_index: object
    protocol_modified: datetime.datetime | None


def gather(locale, base):
    """Read what the HSDS answers show, in `locale`, for a site at `base`
    ("https://example.org"). A bounded number of queries whatever the data's size."""
    signatories = sources.founding_signatories(locale)
    return Context(
        locale=locale, base=base.rstrip("/"), today=sources.today(),
        groups=sources.published_groups(locale), venues=sources.published_venues(locale),
        programme=sources.programme_page(locale), signatories=signatories,
        adhesions=sources.adhering_organisations(), contact=sources.contact_details(locale),
        group_index=sources.group_index_page(locale),
        protocol_modified=signatories[0].page.last_published_at if signatories else None,
    )


@dataclasses.dataclass
class Entry:
    """A record of a list before it is built: what filters and pages need (`id`,
    `modified`, `search_text`, `organization_id`), and `build(full)` giving the record (the
    list's shape, or the fully nested one when `full`)."""

    id: str
    modified: datetime.datetime | None
    search_text: str
    organization_id: str | None
    build: Callable


def _absolute(ctx, url):
    if not url:
        return None
    return url if url.startswith("http") else ctx.base + url


def _iso(when):
    return when.isoformat() if when else None


def _clean(record):
    """The record without empty values: HSDS fields are optional, and null or "" would
    break their types and formats (uri, email)."""
    return {key: value for key, value in record.items() if value not in (None, "", [])}


def _searchable(*texts):
    return " ".join(text for text in texts if text).casefold()


# Organizations ---------------------------------------------------------------------

def city_id(ctx):
    """The City of Milan's organization id: the first founding signatory whose name says
    "Comune", else the first; None without signatories."""
    city = next((s for s in ctx.signatories if "comune" in s.organisation.casefold()),
                ctx.signatories[0] if ctx.signatories else None)
    return record_id(city.translation_key) if city else None


def _office_phones(ctx, parent, **links):
    contact = ctx.contact
    if contact is None:
        return []
    numbers = [contact.phone_primary, contact.phone_secondary]
    return [_clean({"id": sub_id(parent, f"phone/{number}"), **links, "number": phone,
                    "type": "voice", "description": contact.office_name})
            for number, phone in enumerate(numbers, start=1) if phone]


def _office_contacts(ctx, parent, **links):
    contact = ctx.contact
    if contact is None:
        return []
    contact_id = sub_id(parent, "contact/office")
    return [_clean({
        "id": contact_id, **links, "name": contact.office_name, "email": contact.email,
        "phones": _office_phones(ctx, contact_id, contact_id=contact_id),
    })]


def _program(ctx):
    """The programme as an HSDS program of the City, or None without a programme sheet."""
    page = ctx.programme
    if page is None:
        return None
    return _clean({"id": sub_id(page.translation_key, "program"),
                   "organization_id": city_id(ctx), "name": page.title,
                   "description": page.introduction or page.title})


def _signatory(ctx, signatory, full):
    org_id = record_id(signatory.translation_key)
    record = {"id": org_id, "name": signatory.organisation,
              "description": _("Founding signatory of the “Mutuo Aiuto Lavoro” protocol.")}
    if full:
        record["services"] = []
        if org_id == city_id(ctx):
            record["contacts"] = _office_contacts(ctx, org_id, organization_id=org_id)
            record["phones"] = _office_phones(ctx, org_id, organization_id=org_id)
            program = _program(ctx)
            record["programs"] = [program] if program else []
            record["services"] = [_service_summary(entry) for entry in service_entries(ctx)]
    return _clean(record)


def _adhering(adhesion, full):
    organisation = adhesion.organisation
    org_id = record_id(organisation.public_id)
    kind = Organisation.Kind(organisation.kind).label if organisation.kind in \
        Organisation.Kind.values else organisation.kind
    record = {"id": org_id, "name": organisation.name,
              "description": _("%(kind)s adhering to the “Mutuo Aiuto Lavoro” protocol.")
              % {"kind": kind}}
    # Only what the organisation agreed to publish when it joined (or later).
    if adhesion.publish_contact_details:
        record["website"] = organisation.website
        record["email"] = organisation.email
        if full and organisation.phone:
            record["phones"] = [{"id": sub_id(org_id, "phone"), "organization_id": org_id,
                                 "number": organisation.phone, "type": "voice"}]
    if full:
        record["services"] = []
    return _clean(record)


def organization_entries(ctx):
    """The organizations: the founding signatories (the protocol page's order), then the
    adhering organisations (oldest adhesion first). Modified: the protocol page's last
    publication, an adhesion's decision."""
    entries = [Entry(record_id(s.translation_key), ctx.protocol_modified,
                     _searchable(s.organisation), None,
                     lambda full, s=s: _signatory(ctx, s, full))
               for s in ctx.signatories]
    entries += [Entry(record_id(a.organisation.public_id), a.decided_at,
                      _searchable(a.organisation.name), None,
                      lambda full, a=a: _adhering(a, full))
                for a in ctx.adhesions]
    return entries


def _organization_summary(ctx):
    """The City's organization as a service_list item carries it (one-to-one fields)."""
    city = next((e for e in organization_entries(ctx) if e.id == city_id(ctx)), None)
    return city.build(False) if city else None


# Locations -------------------------------------------------------------------------

def _offset_hours(ctx):
    """Europe/Rome's UTC offset today, in hours (1 in winter, 2 in summer)."""
    noon = datetime.datetime.combine(ctx.today, datetime.time(12), tzinfo=MILAN)
    return int(noon.utcoffset().total_seconds() // 3600)


def _timezone_note(ctx, link=None):
    note = _("Times are Milan's local time (Europe/Rome): UTC+1 in winter, UTC+2 in summer "
             "(daylight saving time). The HSDS timezone is a single UTC offset and cannot "
             "say this; it gives today's, UTC+%(offset)s.") % {"offset": _offset_hours(ctx)}
    if link:
        note += " " + _("The iCalendar feed at schedule_link has the exact times, the "
                        "cancelled dates and the holidays.")
    return note


def _opening_schedules(ctx, venue):
    location_id = record_id(venue.translation_key)
    schedules = []
    for block in venue.opening_hours:
        if block.block_type != "hours":
            continue
        value = block.value
        first, last = int(value["first_day"]), int(value["last_day"])
        days = [BYDAY[(first + step) % 7] for step in range((last - first) % 7 + 1)]
        schedules.append({
            # The StreamField block's id is stored with the venue: stable.
            "id": sub_id(venue.translation_key, f"opening_hours/{block.id}"),
            "location_id": location_id, "freq": "WEEKLY", "byday": ",".join(days),
            "opens_at": value["opens"].strftime("%H:%M"),
            "closes_at": value["closes"].strftime("%H:%M"),
            "timezone": _offset_hours(ctx), "notes": _timezone_note(ctx),
        })
    return schedules


def location(ctx, venue, full=True):
    """A venue (a canonical row with `.text` in the answer's language) as an HSDS
    location: physical, with its address (state_province "MI", region "Lombardia",
    country "IT"), accessibility, public transport and opening hours."""
    text = getattr(venue, "text", venue)
    location_id = record_id(venue.translation_key)
    record = {
        "id": location_id, "location_type": "physical", "name": text.name,
        "transportation": text.public_transport,
        "latitude": float(venue.latitude), "longitude": float(venue.longitude),
    }
    if full:
        record["addresses"] = [{
            "id": sub_id(venue.translation_key, "address"), "location_id": location_id,
            "address_1": venue.street_address, "city": venue.city,
            "state_province": "MI", "region": "Lombardia",
            "postal_code": venue.postal_code, "country": "IT", "address_type": "physical",
        }]
        if text.accessibility_notes:
            record["accessibility"] = [{
                "id": sub_id(venue.translation_key, "accessibility"),
                "location_id": location_id, "description": text.accessibility_notes}]
        record["schedules"] = _opening_schedules(ctx, venue)
    return _clean(record)


def location_entries(ctx):
    """The published venues by name. Modified: their last publication."""
    return [Entry(record_id(v.translation_key), v.last_published_at,
                  _searchable(v.name, v.text.name, v.street_address), None,
                  lambda full, v=v: location(ctx, v, full))
            for v in ctx.venues]


# Services --------------------------------------------------------------------------

def _feed_url(ctx, group):
    index = ctx.group_index
    if index is None:
        return None
    return _absolute(ctx, index.url + index.reverse_subpage("calendar_group",
                                                             args=[group.pk]))


def _first_meeting(slot, since):
    day = since + datetime.timedelta(days=(slot.weekday - since.weekday()) % 7)
    return day


def group_schedules(ctx, group):
    """A group's weekly meetings as HSDS schedules of its service at its venue."""
    key = group.translation_key
    link = _feed_url(ctx, group)
    since_published = timezone.localtime(group.first_published_at).date() \
        if group.first_published_at else ctx.today
    schedules = []
    for slot in group.slots.all():
        schedules.append(_clean({
            # Stored with the weekly meeting: kept when its day or time changes.
            "id": record_id(slot.public_id),
            "service_id": record_id(key),
            "location_id": record_id(group.venue.translation_key),
            "service_at_location_id": sub_id(key, "service_at_location"),
            "freq": "WEEKLY", "byday": BYDAY[slot.weekday],
            "opens_at": slot.start.strftime("%H:%M"), "closes_at": slot.end.strftime("%H:%M"),
            "valid_from": slot.valid_from.isoformat() if slot.valid_from else None,
            "valid_to": slot.valid_until.isoformat() if slot.valid_until else None,
            "dtstart": _first_meeting(slot, slot.valid_from or since_published).isoformat(),
            "timezone": _offset_hours(ctx),
            "description": _("Every %(day)s from %(start)s to %(end)s.") % {
                "day": slot.get_weekday_display(), "start": f"{slot.start:%H:%M}",
                "end": f"{slot.end:%H:%M}"},
            "notes": _timezone_note(ctx, link),
            "schedule_link": link, "attending_type": "in_person",
        }))
    return schedules


def _group_status(group):
    public = group.public_status
    if public == PublicStatus.PAUSED:
        return "temporarily closed", _("Paused: the group does not meet for now.")
    if public == PublicStatus.FULL:
        return "active", _("Full: every seat is taken; the group takes nobody new now.")
    if public == PublicStatus.CLOSED:
        return "active", _("Not taking new participants.")
    left = group.seats_left
    return "active", ngettext("Open to new participants: %(seats)d seat free.",
                              "Open to new participants: %(seats)d seats free.",
                              left) % {"seats": left}


def _language_record(parent, code, **links):
    return {"id": sub_id(parent, f"language/{code}"), **links, "code": code,
            "name": _language_names()[code]}


def _service_at_location(ctx, group, full, with_service=True):
    key = group.translation_key
    record = {"id": sub_id(key, "service_at_location"), "service_id": record_id(key),
              "location_id": record_id(group.venue.translation_key),
              "location": location(ctx, _venue_with_text(group), full)}
    if full:
        record["schedules"] = group_schedules(ctx, group)
    if with_service:
        record["service"] = group_service(ctx, group, full=False)
    return _clean(record)


def _venue_with_text(group):
    venue = group.venue
    venue.text = group.venue_text
    return venue


def group_service(ctx, group, full=True):
    """A group as an HSDS service of the City, in the programme's program: the list's
    shape (one-to-one fields, organization, program) or, `full`, with its languages (the
    meetings' language), schedules and service_at_location."""
    key = group.translation_key
    status, alert = _group_status(group)
    program = _program(ctx)
    index_url = _absolute(ctx, ctx.group_index.url) if ctx.group_index else None
    record = {
        "id": record_id(key), "organization_id": city_id(ctx),
        "program_id": program["id"] if program else None,
        "name": group.text.name, "description": group.text.description,
        "url": index_url, "status": status, "alert": alert,
        "application_process": _("Ask to join a group with the form on the groups page."),
        "last_modified": _iso(group.last_published_at),
        "organization": _organization_summary(ctx), "program": program,
    }
    if full:
        record["languages"] = [_language_record(key, group.language,
                                                service_id=record_id(key))]
        record["schedules"] = group_schedules(ctx, group)
        record["service_at_locations"] = [_service_at_location(ctx, group, True,
                                                               with_service=False)]
        record["contacts"] = _office_contacts(ctx, key, service_id=record_id(key))
    return _clean(record)


def programme_service(ctx, full=True):
    """The programme (its sheet) as an HSDS service of the City: both languages, the
    office's contacts and phones, every venue as a place it is offered."""
    page = ctx.programme
    key = page.translation_key
    active = page.service_status == ServiceStatus.ACTIVE
    program = _program(ctx)
    record = {
        "id": record_id(key), "organization_id": city_id(ctx), "program_id": program["id"],
        "name": page.title, "description": page.introduction,
        "url": _absolute(ctx, page.get_url()),
        "email": ctx.contact.email if ctx.contact else None,
        "status": "active" if active else "inactive",
        "alert": None if active else page.status_reason,
        "last_modified": _iso(page.last_published_at),
        "organization": _organization_summary(ctx), "program": program,
    }
    if full:
        record["languages"] = [_language_record(key, code, service_id=record_id(key))
                               for code in SITE_LANGUAGES]
        record["contacts"] = _office_contacts(ctx, key, service_id=record_id(key))
        record["phones"] = _office_phones(ctx, key, service_id=record_id(key))
    return _clean(record)


def service_entries(ctx):
    """The services: the programme first, then the groups by name. Modified: the last
    publication of the sheet or the group."""
    city = city_id(ctx)
    entries = []
    if ctx.programme is not None:
        page = ctx.programme
        entries.append(Entry(record_id(page.translation_key), page.last_published_at,
                             _searchable(page.title, page.introduction), city,
                             lambda full: programme_service(ctx, full)))
    entries += [Entry(record_id(g.translation_key), g.last_published_at,
                      _searchable(g.name, g.description, g.text.name, g.text.description),
                      city, lambda full, g=g: group_service(ctx, g, full))
                for g in ctx.groups]
    return entries


def _service_summary(entry):
    record = entry.build(False)
    return {key: record[key] for key in ("id", "name", "status", "description")
            if key in record}


def service_at_location_entries(ctx):
    """Each group at its venue, by group name. Modified: the group's last publication."""
    city = city_id(ctx)
    return [Entry(sub_id(g.translation_key, "service_at_location"), g.last_published_at,
                  _searchable(g.name, g.description, g.text.name, g.text.description,
                              g.venue.name, g.venue_text.name), city,
                  lambda full, g=g: _service_at_location(ctx, g, full))
            for g in ctx.groups]

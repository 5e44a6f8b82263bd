"""schema.org (issue 19): every JSON-LD block of every public page type, in both
languages, is made of the vocabulary's own words (checked against the vendored
schema.org 30.0 release by opendata.vocabulary); the groups page describes each group's
weekly schedule with the dates it skips; a venue is a Place with its hours and
equipment; the programme sheet is a GovernmentService in the model's shape."""

import datetime
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.models import Locale

from opendata.vocabulary import problems
from programme.models import CancelledMeeting, Group, MeetingSlot, Venue
from tests.test_headers import PUBLIC_PAGES

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
GROUPS = {"it": "/it/gruppi/", "en": "/en/groups/"}
PROGRAMME = {"it": "/it/programma/", "en": "/en/programme/"}


def json_ld_blocks(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return [json.loads(block) for block in JSON_LD.findall(response.content.decode())]


def nodes_of(client, url):
    nodes = []
    for block in json_ld_blocks(client, url):
        nodes += block.get("@graph", [block])
    return nodes


def of_type(nodes, schema_type):
    return [node for node in nodes if node.get("@type") == schema_type]


def open_data_pages():
    """The Open data page in each language, once the site has one."""
    from opendata.models import OpenDataPage

    return [page.url for page in OpenDataPage.objects.live()]


# --- Every page's JSON-LD is schema.org ---------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_json_ld_block_of_every_public_page_is_valid_schema_org(client, url):
    for block in json_ld_blocks(client, url):
        assert problems(block) == [], (url, "\n".join(problems(block)))


def test_the_open_data_page_json_ld_is_valid_schema_org_too(client):
    for url in open_data_pages():
        for block in json_ld_blocks(client, url):
            assert problems(block) == [], url


def test_the_pages_that_describe_something_have_json_ld(client):
    described = [url for url in PUBLIC_PAGES if json_ld_blocks(client, url)]
    assert {*GROUPS.values(), *PROGRAMME.values(), "/it/", "/en/"} <= set(described)


# --- The checker refuses what schema.org does not say ---------------------------------------


EVENT = {
    "@context": "https://schema.org",
    "@type": "Event",
    "name": "Ripartire insieme",
    "startDate": "2026-12-03T18:00:00+01:00",
    "eventStatus": "https://schema.org/EventScheduled",
    "location": {"@type": "Place", "name": "Villa Scheibler",
                 "address": {"@type": "PostalAddress", "addressCountry": "IT"}},
    "superEvent": {"@id": "https://example.org/gruppi/#group-1"},
    "eventSchedule": {"@type": "Schedule", "byDay": "https://schema.org/Thursday",
                      "repeatFrequency": "P1W", "startTime": "18:00:00",
                      "exceptDate": ["2026-12-24"], "scheduleTimezone": "Europe/Rome"},
}


def test_the_checker_accepts_a_well_made_event():
    assert problems(EVENT) == []
    assert problems({"@context": "https://schema.org", "@graph": [EVENT, EVENT]}) == []


def test_the_checker_refuses_an_unknown_type():
    (problem,) = problems({**EVENT, "@type": "Meetup"})
    assert "unknown type 'Meetup'" in problem


def test_the_checker_refuses_an_unknown_property():
    (problem,) = problems({**EVENT, "meetingRoom": "Sala 1"})
    assert "unknown property 'meetingRoom'" in problem


def test_the_checker_refuses_a_property_on_a_type_it_does_not_belong_to():
    place = {"@type": "Place", "name": "Villa", "accessibilityFeature": "step-free"}
    (problem,) = problems({**EVENT, "location": place})
    assert "'accessibilityFeature' is not a property of Place" in problem
    assert problem.startswith("$.location")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("organizer", {"@type": "Place", "name": "Villa"}, "organizer expects"),
        ("startDate", "3 dicembre 2026", "startDate expects"),
        ("startDate", "2026-12-03T18:00:00", "startDate expects"),  # no offset
        ("eventStatus", "https://schema.org/Monday", "eventStatus expects EventStatusType"),
        ("maximumAttendeeCapacity", "dodici", "maximumAttendeeCapacity expects"),
        ("isAccessibleForFree", "yes", "isAccessibleForFree expects"),
    ],
)
def test_the_checker_refuses_a_value_out_of_the_property_range(field, value, expected):
    (problem,) = problems({**EVENT, field: value})
    assert expected in problem


def test_the_checker_reads_the_schedule_data_types_by_shape():
    schedule = dict(EVENT["eventSchedule"])
    assert problems({**EVENT, "eventSchedule": {**schedule, "repeatFrequency": "weekly"}}) == []
    for field, value in [("exceptDate", "24/12/2026"), ("startTime", "6 pm"),
                         ("byDay", {"@type": "Place"})]:
        assert problems({**EVENT, "eventSchedule": {**schedule, field: value}}), field


# --- The groups page: series, schedules and the dates skipped ------------------------------


MONDAY = 0
TUESDAY_BEFORE_SANT_AMBROGIO = datetime.date(2026, 12, 1)
SANT_AMBROGIO = datetime.date(2026, 12, 7)  # Milan's patron: a public holiday, a Monday


@pytest.fixture
def monday_group(monkeypatch):
    """A group meeting on Mondays, seen on 1 December 2026: its first Monday is Sant'
    Ambrogio (a holiday it has not opened), its second one cancelled by an editor."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: (
        TUESDAY_BEFORE_SANT_AMBROGIO))
    venue = Venue.objects.get(locale=Locale.get_default(), name__startswith="Villa Scheibler")
    group = Group(locale=Locale.get_default(), name="Aaa del lunedì",
                  description="Ci vediamo il lunedì.", venue=venue)
    group.slots = [MeetingSlot(weekday=MONDAY, start=datetime.time(18),
                               end=datetime.time(19, 30))]
    group.save()
    cancelled = SANT_AMBROGIO + datetime.timedelta(days=7)
    CancelledMeeting.objects.create(group=group, date=cancelled, reason="Sede chiusa")
    return group, cancelled


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_cancelled_meeting_and_a_holiday_leave_the_events_for_except_date(
        client, monday_group, lang):
    group, cancelled = monday_group
    nodes = nodes_of(client, GROUPS[lang])
    (series,) = [n for n in of_type(nodes, "EventSeries") if n["name"] == group.name]
    events = of_type(nodes, "Event")
    starts = {event["startDate"][:10] for event in events if event["name"] == group.name}
    assert SANT_AMBROGIO.isoformat() not in starts
    assert cancelled.isoformat() not in starts
    # Not cut off: the listed events reach past both dates.
    assert max(event["startDate"][:10] for event in events) > cancelled.isoformat()
    (schedule,) = series["eventSchedule"]
    assert schedule["exceptDate"] == [SANT_AMBROGIO.isoformat(), cancelled.isoformat()]
    assert schedule["byDay"] == "https://schema.org/Monday"
    assert (schedule["startTime"], schedule["endTime"]) == ("18:00:00", "19:30:00")
    assert schedule["repeatFrequency"] == "P1W"
    assert schedule["scheduleTimezone"] == "Europe/Rome"
    assert all(event["eventStatus"] == "https://schema.org/EventScheduled" for event in events)
    assert problems(json_ld_blocks(client, GROUPS[lang])[0]) == []


def test_each_group_listed_is_a_series_at_its_venue_and_each_meeting_one_of_its_events(
        client):
    nodes = nodes_of(client, GROUPS["en"])
    (venue,) = of_type(nodes, "Place")
    series = of_type(nodes, "EventSeries")
    assert {s["name"] for s in series} >= {"Starting again together", "First job"}
    keys = {str(g.translation_key) for g in Group.objects.published()}
    for each in series:
        assert each["@id"].rsplit("#group-", 1)[1] in keys  # the stored UUID, not a pk
        assert each["location"] == {"@id": venue["@id"]}
        assert each["organizer"]["@type"] == "Organization"
        assert each["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
        assert each["eventSchedule"]
    ids = {s["@id"] for s in series}
    for event in of_type(nodes, "Event"):
        assert event["superEvent"]["@id"] in ids
        assert event["location"]["address"]["@type"] == "PostalAddress"
        assert datetime.datetime.fromisoformat(event["startDate"]).utcoffset() is not None


def test_a_slot_in_force_gives_its_validity_dates(client):
    group = Group.objects.get(locale=Locale.get_default(), name="Ripartire insieme")
    group.slots = [MeetingSlot(weekday=MONDAY, start=datetime.time(18), end=datetime.time(20),
                               valid_from=datetime.date(2026, 1, 5),
                               valid_until=datetime.date(2099, 12, 28))]
    group.save()
    (series,) = [n for n in of_type(nodes_of(client, GROUPS["it"]), "EventSeries")
                 if n["name"] == "Ripartire insieme"]
    (schedule,) = series["eventSchedule"]
    assert (schedule["startDate"], schedule["endDate"]) == ("2026-01-05", "2099-12-28")


# --- Venues ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "features"),
    [
        (PROGRAMME["it"], ["10 postazioni informatiche", "Fotocopiatrice",
                           "Giornali e offerte di lavoro"]),
        (GROUPS["en"], ["10 computer workstations", "Photocopier",
                        "Newspapers and job listings"]),
    ],
)
def test_a_venue_is_a_place_with_its_hours_equipment_and_access(client, url, features):
    (venue,) = of_type(nodes_of(client, url), "Place")
    (hours,) = venue["openingHoursSpecification"]
    assert (hours["opens"], hours["closes"]) == ("09:00", "18:00")
    amenities = {f["name"]: f["value"] for f in venue["amenityFeature"]}
    assert all(f["@type"] == "LocationFeatureSpecification" for f in venue["amenityFeature"])
    for feature in features:
        assert amenities[feature] is True
    access = amenities["Accessibilità" if url.startswith("/it/") else "Accessibility"]
    assert "gradini" in access or "Step-free" in access
    assert "accessibilityFeature" not in venue  # a CreativeWork's property, not a Place's
    assert venue["geo"]["@type"] == "GeoCoordinates"
    assert venue["hasMap"].startswith("https://www.openstreetmap.org/")


# --- The programme sheet ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_programme_is_a_government_service_of_the_city_operated_with_the_union(
        client, lang):
    (service,) = of_type(nodes_of(client, PROGRAMME[lang]), "GovernmentService")
    assert service["provider"]["@type"] == "GovernmentOrganization"
    city = {"it": "Comune di Milano", "en": "City of Milan"}[lang]
    assert service["provider"]["name"].startswith(city)
    (operator,) = service["serviceOperator"]
    assert operator["@type"] == "Organization"
    assert "Camera del Lavoro" in operator["name"]
    assert service["areaServed"] == {"@type": "City", "name": "Milano"}
    assert service["audience"]["@type"] == "Audience" and service["audience"]["audienceType"]
    assert service["serviceType"] == {"it": "Vita lavorativa", "en": "Work life"}[lang]
    assert service["offers"]["price"] == 0
    channel = service["availableChannel"]
    assert channel["@type"] == "ServiceChannel"
    assert channel["serviceUrl"].startswith("http")
    assert channel["serviceLocation"]


# --- manage.py validate_open_data -------------------------------------------------------------


def test_validate_open_data_checks_every_page_and_finds_nothing_wrong():
    out = io.StringIO()
    call_command("validate_open_data", stdout=out)
    text = out.getvalue()
    for url in ("/it/gruppi/", "/en/programme/", "/api/hsds/services?lang=en"):
        assert f"ok   {url}" in text
    assert "FAIL" not in text


def test_validate_open_data_fails_on_a_problem(monkeypatch):
    from programme import seo

    out = io.StringIO()
    monkeypatch.setattr(seo, "SERVED_AREA", {"@type": "Town", "name": "Milano"})
    with pytest.raises(CommandError):
        call_command("validate_open_data", stdout=out)
    assert "unknown type 'Town'" in out.getvalue()

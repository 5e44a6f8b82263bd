"""The groups page and its iCalendar feeds (programme.calendar), on the demo content.

Demo groups (all at Villa Scheibler): "Ripartire insieme" (Tuesday 10:00–12:00),
"Cassa integrazione: parliamone" (Thursday 14:30–16:30) and "Primo lavoro" (Monday
15:00–17:00 and Friday 10:00–11:30). Dates are computed from `timezone.localdate()`,
or passed to the plain functions of programme.calendar: no clock is frozen.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from icalendar import Calendar
from wagtail.models import Locale

from programme.calendar import (
    build_calendar,
    excluded_dates,
    first_occurrence,
    local_datetime,
    series_anchor,
)
from programme.demo import GROUPS
from programme.models import CancelledMeeting, Group, GroupIndexPage, MeetingSlot, Venue
from programme.schedule import is_public_holiday

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
UTC = datetime.UTC
PAGE = {"it": "/it/gruppi/", "en": "/en/groups/"}
# Group names by language, in the demo's order.
NAMES = {"it": [g[0] for g in GROUPS], "en": [g[1] for g in GROUPS]}
SLOT_COUNT = sum(len(g[5]) for g in GROUPS)
VENUE_NAME = "Villa Scheibler – Quarto Oggiaro"


def demo_group(italian_name):
    return Group.objects.for_listing().get(name=italian_name)


def index_page(lang):
    return GroupIndexPage.objects.get(locale__language_code=lang)


def feed_url(lang, group=None):
    """The feed's address as the page links it (the routes' names, not their paths)."""
    page = index_page(lang)
    if group is None:
        return page.url + page.reverse_subpage("calendar_all")
    return page.url + page.reverse_subpage("calendar_group", args=[group.pk])


def get_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response, Calendar.from_ical(response.content)


def events(calendar):
    return calendar.walk("VEVENT")


def summaries(calendar):
    return sorted(str(e["SUMMARY"]) for e in events(calendar))


def exdates(event):
    """The EXDATE values of `event` as aware datetimes, checking each carries TZID."""
    values = event.get("EXDATE", [])
    if not isinstance(values, list):
        values = [values]
    result = []
    for value in values:
        assert value.params.get("TZID") == "Europe/Rome"
        result.extend(d.dt for d in value.dts)
    return result


def occurrences(event, until):
    """Expand the event's RRULE from its parsed DTSTART, without its EXDATEs."""
    start = event["DTSTART"].dt
    rule = event["RRULE"].to_ical().decode()
    return list(rrulestr(rule, dtstart=start).between(start, until, inc=True))


def meetings_section(html):
    match = re.search(r'id="meetings-title".*?</section>', html, re.S)
    assert match, "the Next meetings section is missing"
    return match.group(0)


def group_cards(html):
    """{group name: card html} from the groups section of the page, with white space
    collapsed as a browser shows it."""
    section = re.search(r'id="groups-title".*?</section>', html, re.S).group(0)
    cards = {}
    for chunk in section.split('<div class="col-12 col-lg-6 mb-4">')[1:]:
        name = re.search(r'<h3 class="card-title h5"[^>]*>(.*?)</h3>', chunk).group(1)
        cards[name] = re.sub(r"\s+", " ", chunk)
    return cards


def make_group(name, weekday, start, end, **fields):
    venue = Venue.objects.get(locale=Locale.get_default(), name=VENUE_NAME)
    group = Group(
        locale=Locale.get_default(), name=name, description=f"About {name}.", venue=venue,
        **fields,
    )
    group.slots = [MeetingSlot(weekday=weekday, start=start, end=end)]
    group.save()
    return group


# --- The plain date functions ---------------------------------------------------------


def test_series_starts_with_the_first_meeting_on_or_after_a_week_ago():
    thursday = datetime.date(2026, 11, 26)
    assert series_anchor(thursday) == datetime.date(2026, 11, 19)
    # Tuesday after Thursday 19th; Thursday on the anchor itself.
    assert first_occurrence(1, series_anchor(thursday)) == datetime.date(2026, 11, 24)
    assert first_occurrence(3, series_anchor(thursday)) == datetime.date(2026, 11, 19)
    assert first_occurrence(2, series_anchor(thursday)) == datetime.date(2026, 11, 25)


def test_only_cancelled_dates_on_the_slots_weekday_from_the_start_become_exceptions():
    slot = MeetingSlot(weekday=1, start=datetime.time(10), end=datetime.time(12))
    cancelled = [
        datetime.date(2026, 12, 15),  # Tuesday
        datetime.date(2026, 12, 1),  # Tuesday
        datetime.date(2026, 12, 3),  # Thursday: another slot's day
        datetime.date(2026, 11, 10),  # Tuesday before the series starts
    ]
    assert excluded_dates(slot, cancelled, since=datetime.date(2026, 11, 24)) == [
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 15),
    ]


def test_local_datetime_is_wall_time_in_milan_in_summer_and_winter():
    assert local_datetime(datetime.date(2026, 7, 7), datetime.time(18)).astimezone(UTC).hour == 16
    assert local_datetime(datetime.date(2026, 12, 1), datetime.time(18)).astimezone(UTC).hour == 17


# --- The feeds --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["it", "en"])
def test_all_groups_feed_has_one_event_per_slot_in_the_active_language(client, lang):
    response, calendar = get_feed(client, feed_url(lang))
    name = {"it": "gruppi.ics", "en": "groups.ics"}[lang]
    assert response["Content-Disposition"] == f'inline; filename="{name}"'
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    assert calendar["X-WR-CALNAME"] == ("Mutuo Aiuto Lavoro" if lang == "it"
                                        else "Mutual Aid for Work")
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]

    expected = sorted(name for g, name in zip(GROUPS, NAMES[lang], strict=True)
                      for _slot in g[5])
    assert len(events(calendar)) == SLOT_COUNT
    assert summaries(calendar) == expected
    today = timezone.localdate()
    for event in events(calendar):
        assert event["DTSTART"].params["TZID"] == "Europe/Rome"
        assert event["DTEND"].params["TZID"] == "Europe/Rome"
        assert event["DTSTAMP"].dt.tzinfo is not None
        assert event["RRULE"]["FREQ"] == ["WEEKLY"]
        start = event["DTSTART"].dt
        assert series_anchor(today) <= start.date() < series_anchor(today) + datetime.timedelta(7)
        assert start.date().weekday() == ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].index(
            event["RRULE"]["BYDAY"][0])
        assert "Villa Scheibler" in event["LOCATION"] and "via Felice Orsini 21" in event[
            "LOCATION"]
        assert event["GEO"].latitude == pytest.approx(45.51785)
        assert event["GEO"].longitude == pytest.approx(9.13868)
        assert event["DESCRIPTION"]


@pytest.mark.parametrize("lang", ["it", "en"])
def test_single_group_feed_has_that_groups_slots_only(client, lang):
    group = demo_group("Primo lavoro")
    response, calendar = get_feed(client, feed_url(lang, group))
    name = {"it": "gruppo", "en": "group"}[lang]
    assert response["Content-Disposition"] == f'inline; filename="{name}-{group.pk}.ics"'
    name = {"it": "Primo lavoro", "en": "First job"}[lang]
    assert summaries(calendar) == [name, name]
    assert name in str(calendar["X-WR-CALNAME"])
    assert sorted(e["RRULE"]["BYDAY"][0] for e in events(calendar)) == ["FR", "MO"]
    starts = sorted((e["RRULE"]["BYDAY"][0], e["DTSTART"].dt.time(), e["DTEND"].dt.time())
                    for e in events(calendar))
    assert starts == [("FR", datetime.time(10), datetime.time(11, 30)),
                      ("MO", datetime.time(15), datetime.time(17))]
    description = {"it": "Per chi non ha mai avuto un lavoro", "en": "For people who have never"}
    assert all(str(e["DESCRIPTION"]).startswith(description[lang]) for e in events(calendar))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]


def test_event_uids_are_unique_and_the_same_in_both_languages(client):
    _r, italian = get_feed(client, feed_url("it"))
    _r, english = get_feed(client, feed_url("en"))
    uids = [str(e["UID"]) for e in events(italian)]
    assert len(set(uids)) == SLOT_COUNT
    assert sorted(uids) == sorted(str(e["UID"]) for e in events(english))


@pytest.mark.parametrize("lang", ["it", "en"])
def test_feed_for_a_missing_group_is_404(client, lang):
    group = demo_group("Primo lavoro")
    get_feed(client, feed_url(lang, group))  # the same route answers for a real group
    missing = Group(pk=Group.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000)
    response = client.get(feed_url(lang, missing))
    assert response.status_code == 404


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_groups_page_links_to_feeds_that_work(client, lang):
    html = client.get(PAGE[lang]).content.decode()
    links = [href for href in re.findall(r'<a href="([^"]+)"', html)
             if href.startswith(PAGE[lang]) and href != PAGE[lang]]
    feeds = {feed_url(lang)} | {feed_url(lang, g) for g in Group.objects.for_listing()}
    assert feeds <= set(links)
    for url in feeds:
        get_feed(client, url)


@pytest.mark.parametrize(("lang", "form", "label"), [
    ("it", "/it/partecipa/", "Chiedi di partecipare a un gruppo"),
    ("en", "/en/apply/", "Apply to join a group"),
])
def test_the_groups_page_leads_to_the_application_form_in_its_language(
    client, lang, form, label
):
    html = client.get(PAGE[lang]).content.decode()
    assert f'<a class="btn btn-primary" href="{form}">{label}</a>' in html
    assert client.get(form).status_code == 200


def test_feed_is_deterministic_for_a_given_day_and_stamp():
    groups = list(Group.objects.for_listing())
    kwargs = {"today": datetime.date(2026, 3, 2),
              "stamp": datetime.datetime(2026, 3, 2, 8, tzinfo=UTC)}
    with translation.override("it"):
        first = build_calendar(groups, **kwargs).to_ical()
        second = build_calendar(list(Group.objects.for_listing()), **kwargs).to_ical()
    assert first == second
    assert b"DTSTART;TZID=Europe/Rome:20260224T100000" in first  # Tuesday on/after Feb 23


def test_feed_queries_do_not_grow_with_the_number_of_groups(client):
    url = feed_url("en")
    # Warm per-process caches (site root paths, locales): twice, as the first visit
    # remembers the route and the second the routed page (pagecache.routing).
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as demo:
        client.get(url)
    for n in range(4):
        group = make_group(f"Extra {n}", n, datetime.time(9), datetime.time(10))
        CancelledMeeting.objects.create(group=group, date=datetime.date(2027, 1, 4))
    with CaptureQueriesContext(connection) as more:
        _r, calendar = get_feed(client, url)
    assert len(events(calendar)) == SLOT_COUNT + 4
    assert len(more) == len(demo), [q["sql"] for q in more]


# --- Daylight saving time ---------------------------------------------------------------


def test_tuesday_evening_meeting_stays_at_18_local_after_the_october_dst_change():
    group = make_group("Gruppo del martedì sera", 1, datetime.time(18), datetime.time(20))
    with translation.override("it"):
        ical = build_calendar(
            [Group.objects.for_listing().get(pk=group.pk)],
            today=datetime.date(2026, 10, 1),  # summer time; the clocks go back on Oct 25
        ).to_ical()
    assert b"DTSTART;TZID=Europe/Rome:20260929T180000" in ical
    assert b"RRULE:FREQ=WEEKLY;BYDAY=TU" in ical

    (event,) = events(Calendar.from_ical(ical))
    assert event["DTSTART"].params["TZID"] == "Europe/Rome"
    found = {o.date(): o for o in occurrences(event, datetime.datetime(2026, 12, 1, tzinfo=UTC))}
    before, after = found[datetime.date(2026, 10, 20)], found[datetime.date(2026, 11, 3)]
    assert before.astimezone(ROME).time() == datetime.time(18)
    assert before.astimezone(UTC).time() == datetime.time(16)
    assert after.astimezone(ROME).time() == datetime.time(18)
    assert after.astimezone(UTC).time() == datetime.time(17)


def test_served_feed_keeps_18_local_through_both_dst_changes_of_the_coming_year(client):
    group = make_group("Gruppo del martedì sera", 1, datetime.time(18), datetime.time(20))
    _r, calendar = get_feed(client, feed_url("en", group))
    (event,) = events(calendar)
    assert event["DTSTART"].params["TZID"] == "Europe/Rome"
    until = datetime.datetime.combine(timezone.localdate() + datetime.timedelta(400),
                                      datetime.time(), tzinfo=UTC)
    found = occurrences(event, until)
    assert len(found) >= 52
    assert {o.astimezone(ROME).time() for o in found} == {datetime.time(18)}
    # A year of Tuesdays crosses both changes: CET (17:00 UTC) and CEST (16:00 UTC).
    assert {o.astimezone(UTC).hour for o in found} == {16, 17}


# --- Cancelled dates and paused groups ------------------------------------------------


def test_cancelled_date_leaves_the_page_and_becomes_an_exdate(client):
    group = demo_group("Ripartire insieme")  # Tuesday 10:00–12:00
    slot = group.slots.get()
    # Two meetings a week apart, neither on a public holiday (those are skipped anyway).
    day = first_occurrence(slot.weekday, timezone.localdate())
    while is_public_holiday(day) or is_public_holiday(day + datetime.timedelta(days=7)):
        day += datetime.timedelta(days=7)
    following = day + datetime.timedelta(days=7)
    stamp = f'datetime="{local_datetime(day, slot.start).isoformat()}"'
    next_stamp = f'datetime="{local_datetime(following, slot.start).isoformat()}"'

    def cancellations(event):
        return [d for d in exdates(event) if not is_public_holiday(d.date())]

    html = client.get(PAGE["it"]).content.decode()
    assert stamp in meetings_section(html)
    _r, calendar = get_feed(client, feed_url("it", group))
    assert cancellations(events(calendar)[0]) == []

    CancelledMeeting.objects.create(group=group, date=day, reason="Festa")

    for lang in ("it", "en"):
        section = meetings_section(client.get(PAGE[lang]).content.decode())
        # The date stays listed, marked cancelled (tests/test_schedule_dates.py).
        (item,) = [i for i in re.findall(r"<li.*?</li>", section, re.S) if stamp in i]
        assert "meeting-cancelled" in item
        assert next_stamp in section  # only that date goes
        for url in (feed_url(lang, group), feed_url(lang)):
            _r, calendar = get_feed(client, url)
            (event,) = [e for e in events(calendar)
                        if e["SUMMARY"] in ("Ripartire insieme", "Starting again together")]
            assert cancellations(event) == [local_datetime(day, slot.start)]
            assert {d.astimezone(ROME).time() for d in exdates(event)} == {
                event["DTSTART"].dt.time()}
            assert day not in {o.date() for o in occurrences(
                event, local_datetime(following, slot.end)) if o not in exdates(event)}
            assert following in {o.date() for o in occurrences(
                event, local_datetime(following, slot.end))}


def test_paused_group_has_no_meetings_and_no_events(client):
    group = demo_group("Cassa integrazione: parliamone")
    html = client.get(PAGE["it"]).content.decode()
    assert "Cassa integrazione: parliamone" in meetings_section(html)

    group.status = Group.Status.PAUSED
    group.save()

    for lang, name, paused in [("it", "Cassa integrazione: parliamone", "In pausa"),
                               ("en", "Wage support: let&#x27;s talk about it", "Paused")]:
        html = client.get(PAGE[lang]).content.decode()
        assert name not in meetings_section(html)
        assert paused in group_cards(html)[name]  # still listed, marked paused
        _r, calendar = get_feed(client, feed_url(lang))
        assert len(events(calendar)) == SLOT_COUNT - 1
        assert not any(str(e["SUMMARY"]).startswith(("Cassa", "Wage")) for e in events(calendar))
        _r, calendar = get_feed(client, feed_url(lang, group))
        assert events(calendar) == []
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]


# --- The groups page ------------------------------------------------------------------

CARDS = {
    "it": {
        "Ripartire insieme": ["Martedì 10:00–12:00"],
        "Cassa integrazione: parliamone": ["Giovedì 14:30–16:30"],
        "Primo lavoro": ["Lunedì 15:00–17:00", "Venerdì 10:00–11:30"],
    },
    "en": {
        "Starting again together": ["Tuesday 10:00–12:00"],
        "Wage support: let&#x27;s talk about it": ["Thursday 14:30–16:30"],
        "First job": ["Monday 15:00–17:00", "Friday 10:00–11:30"],
    },
}
STATUS = {"it": "Aperto a nuovi partecipanti", "en": "Open to new participants"}


@pytest.mark.parametrize("lang", ["it", "en"])
def test_groups_page_shows_each_groups_name_schedule_venue_and_status(client, lang):
    response = client.get(PAGE[lang])
    assert response.status_code == 200
    html = response.content.decode()
    cards = group_cards(html)
    assert sorted(cards) == sorted(CARDS[lang])
    for name, schedule in CARDS[lang].items():
        card = cards[name]
        for slot in schedule:
            assert slot in card, (name, slot)
        assert VENUE_NAME in card
        assert STATUS[lang] in card
    # Each group's next meeting is listed under its translated name.
    section = meetings_section(html)
    for name in CARDS[lang]:
        assert name in section
    other = "en" if lang == "it" else "it"
    for name in CARDS[other]:
        if name not in CARDS[lang]:
            assert name not in html


def test_public_holidays_are_excluded_until_the_end_of_next_year_only(client):
    """Each EXDATE is most of an event's size and cost: ten years of them made the
    all-groups feed 322 KB with 300 groups (issue 16). A subscribed calendar refreshes
    the feed long before next year ends."""
    _response, calendar = get_feed(client, feed_url("it"))
    this_year = timezone.localdate().year
    years = {day.year for event in events(calendar) for day in exdates(event)}
    assert years and max(years) <= this_year + 1

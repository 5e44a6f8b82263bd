"""The outcome figures (outcomes.figures) against a hand count on a small seeded dataset.

Every figure is checked cell by cell; the months are Milan's (a request received at
23:30 on 28 February in Milan is February's, at 00:30 on 1 April April's); merged
requests are not counted; anonymising every request changes no figure.
"""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from wagtail.models import Locale

from accounts.models import Organisation
from facilitation.models import AttendanceRecord
from outcomes import figures
from outcomes.figures import OutcomeFilters
from outcomes.tables import Kind
from privacy.retention import anonymise_requests
from programme.models.groups import Group
from programme.models.participation import ParticipationRequest, StatusChange
from programme.models.venues import Venue

MILAN = ZoneInfo("Europe/Rome")
Status = ParticipationRequest.Status
Source = ParticipationRequest.Source
serial = itertools.count(1)
PERIOD = OutcomeFilters(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 3, 31))


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=MILAN)


def make_request(received, status, *, group=None, source=Source.SELF, organisation=None,
                 venue=None, changes=()):
    """A request received at `received` (aware), with `changes`: (days after, from, to)."""
    n = next(serial)
    request = ParticipationRequest.objects.create(
        first_name=f"Persona{n}", last_name="Prova", email=f"esito{n}@example.org",
        phone=f"+3933355{n:05d}", preferred_channel="email",
        employment_status="unemployed", situation_since="2024-01-01", heard_from="flyer",
        privacy_notice_version="t", privacy_acknowledged_at=received, language="it",
        status=status, group=group, source=source, organisation=organisation,
        preferred_venue=venue, reference=f"MA-2025-7{n:04d}")
    ParticipationRequest.objects.filter(pk=request.pk).update(created_at=received)
    for days, from_status, to_status in changes:
        change = StatusChange.objects.create(request=request, from_status=from_status,
                                             to_status=to_status, group=group)
        StatusChange.objects.filter(pk=change.pk).update(
            changed_at=received + datetime.timedelta(days=days))
    return request


def mark(request, group, day, present):
    AttendanceRecord.objects.create(request=request, group=group, date=day,
                                    start=datetime.time(15), present=present)


@pytest.fixture
def seeded(db):
    italian = Locale.get_default()
    venue = Venue.objects.create(locale=italian, name="Sede degli esiti",
                                 street_address="via Esiti 1", postal_code="20100",
                                 city="Milano", latitude="45.46", longitude="9.19")
    first = Group.objects.create(locale=italian, name="Aaa esiti uno", description="Uno.",
                                 venue=venue, facilitators="Anna", capacity=10)
    second = Group.objects.create(locale=italian, name="Aaa esiti due", description="Due.",
                                  venue=venue, facilitators="Anna", capacity=5)
    partner = Organisation.objects.create(name="Associazione Esiti",
                                          kind=Organisation.Kind.ASSOCIATION,
                                          tax_code="97000000001", email="a@example.org")
    union = Organisation.objects.create(name="Camera del Lavoro Esiti",
                                        kind=Organisation.Kind.TRADE_UNION,
                                        tax_code="97000000002", email="u@example.org")
    r1 = make_request(at(2025, 1, 10), Status.ATTENDING, group=first, changes=[
        (2, Status.NEW, Status.CONTACTED), (5, Status.CONTACTED, Status.ASSIGNED),
        (10, Status.ASSIGNED, Status.ATTENDING)])
    r2 = make_request(at(2025, 1, 20), Status.COMPLETED, group=first,
                      source=Source.PARTNER_REFERRAL, organisation=partner, changes=[
                          (1, Status.NEW, Status.ASSIGNED), (3, Status.ASSIGNED,
                                                            Status.ATTENDING),
                          (44, Status.ATTENDING, Status.COMPLETED)])  # 5 March
    r3 = make_request(at(2025, 2, 3), Status.WAITING_LIST, group=second,
                      source=Source.TRADE_UNION, organisation=union,
                      changes=[(4, Status.NEW, Status.WAITING_LIST)])
    # 23:30 on 28 February in Milan is 22:30 UTC: February's.
    make_request(at(2025, 2, 28, 23, 30), Status.NEW, source=Source.JOB_SERVICE, venue=venue)
    make_request(at(2025, 3, 31, 23, 30), Status.CONTACTED, venue=venue,
                 changes=[(0.5, Status.NEW, Status.CONTACTED)])
    # 00:30 on 1 April in Milan is still 31 March in UTC: April's, outside the period.
    make_request(at(2025, 4, 1, 0, 30), Status.NEW, venue=venue)
    # Merged into another request: the same person twice, not counted.
    make_request(at(2025, 1, 15), Status.MERGED, group=second,
                 changes=[(1, Status.NEW, Status.MERGED)])
    r8 = make_request(at(2025, 2, 10), Status.ASSIGNED, group=second,
                      source=Source.PARTNER_REFERRAL, organisation=partner, changes=[
                          (2, Status.NEW, Status.CONTACTED),
                          (6, Status.CONTACTED, Status.ASSIGNED)])
    make_request(at(2025, 3, 2), Status.NOT_ELIGIBLE, source=Source.PARTNER_REFERRAL,
                 organisation=partner, venue=venue,
                 changes=[(1.5, Status.NEW, Status.NOT_ELIGIBLE)])
    # Elsewhere: another venue's group, left out by the venue filter.
    other_group = Group.objects.canonical().exclude(venue=venue).order_by("pk").first()
    other = make_request(at(2025, 2, 11), Status.ASSIGNED, group=other_group,
                         changes=[(1, Status.NEW, Status.ASSIGNED)])
    mark(r1, first, datetime.date(2025, 1, 20), True)
    mark(r2, first, datetime.date(2025, 1, 20), True)
    mark(r1, first, datetime.date(2025, 1, 27), False)
    mark(r2, first, datetime.date(2025, 2, 3), True)
    mark(r8, second, datetime.date(2025, 2, 17), False)
    mark(r8, second, datetime.date(2025, 4, 2), True)  # after the period
    mark(other, other_group, datetime.date(2025, 2, 17), True)
    return {"venue": venue, "first": first, "second": second, "partner": partner,
            "union": union, "r3": r3}


def in_venue(seeded):
    return OutcomeFilters(start=PERIOD.start, end=PERIOD.end, venue=seeded["venue"])


def test_last_months_are_the_complete_months_before_this_one():
    filters = OutcomeFilters.last_months(datetime.date(2026, 3, 15))
    assert (filters.start, filters.end) == (datetime.date(2025, 3, 1),
                                            datetime.date(2026, 2, 28))
    assert len(filters.months()) == 12
    assert OutcomeFilters.last_months(datetime.date(2026, 1, 1), months=1) == OutcomeFilters(
        start=datetime.date(2025, 12, 1), end=datetime.date(2025, 12, 31))


@translation.override("it")
def test_requests_by_month_and_source_equal_a_hand_count(seeded):
    table = figures.requests_by_month_and_source(in_venue(seeded))
    assert table.rows == ("gennaio 2025", "febbraio 2025", "marzo 2025")
    assert table.columns == tuple(str(label) for label in Source.labels)
    assert Source.values == ["self", "partner_referral", "trade_union", "job_service",
                             "phone", "desk"]
    assert table.cells == ((1, 1, 0, 0, 0, 0), (0, 1, 1, 1, 0, 0), (1, 1, 0, 0, 0, 0))
    assert table.kind == Kind.COUNT and table.grand_total() == 7


def test_requests_by_month_and_status_equal_a_hand_count(seeded):
    table = figures.requests_by_month_and_status(in_venue(seeded))
    statuses = [status.value for status in Status if status != Status.MERGED]
    expected = [{"attending": 1, "completed": 1},
                {"waiting_list": 1, "new": 1, "assigned": 1},
                {"contacted": 1, "not_eligible": 1}]
    assert table.cells == tuple(tuple(month.get(status, 0) for status in statuses)
                                for month in expected)
    assert "merged" not in " ".join(table.columns).lower()


def test_days_to_first_contact_and_to_assignment_are_medians_by_month(seeded):
    contact = figures.days_to_first_contact(in_venue(seeded))
    assert contact.kind == Kind.DAYS
    assert contact.cells == ((1.5,), (3.0,), (1.0,))
    assert contact.bases == ((2,), (2,), (2,))
    assignment = figures.days_to_assignment(in_venue(seeded))
    assert assignment.cells == ((3.0,), (6.0,), (None,))
    assert assignment.bases == ((2,), (1,), (0,))


def test_waiting_list_and_fill_rate_are_todays(seeded):
    waiting = figures.waiting_list(in_venue(seeded))
    assert waiting.rows == ("Aaa esiti due", "Aaa esiti uno")
    assert waiting.cells == ((1,), (0,))
    fill = figures.fill_rate(in_venue(seeded))
    assert fill.rows == ("Aaa esiti due", "Aaa esiti uno")
    # due: one assigned of 5; uno: one attending of 10 (the completed one left her seat).
    # The bases are the people seated, not the capacity: the capacity is public, and a
    # rate over it would tell how many people sit in a small group.
    assert fill.cells == ((20.0,), (10.0,)) and fill.bases == ((1,), (1,))
    assert fill.kind == Kind.PERCENT


@translation.override("en")
def test_waiting_without_a_group_has_its_own_row(seeded):
    make_request(at(2025, 2, 1), Status.WAITING_LIST, venue=seeded["venue"])
    table = figures.waiting_list(in_venue(seeded))
    assert table.rows[-1] == "No group yet" and table.cells[-1] == (1,)


def test_attendance_rate_by_group_and_month_of_the_meeting(seeded):
    table = figures.attendance_rate(in_venue(seeded))
    assert table.rows == ("Aaa esiti due", "Aaa esiti uno")
    assert table.cells == ((None, 0.0, None), (66.7, 100.0, None))
    assert table.bases == ((0, 1, 0), (3, 1, 0))


def test_completed_paths_by_month_of_completion(seeded):
    table = figures.completed_paths(in_venue(seeded))
    assert table.cells == ((0,), (0,), (1,))


@translation.override("en")
def test_referrals_by_organisation_and_outcome(seeded):
    table = figures.referrals_by_organisation(in_venue(seeded))
    assert table.rows == ("Associazione Esiti", "Camera del Lavoro Esiti")
    assert table.columns == ("Being handled", "Waiting list", "In a group", "Completed",
                             "Closed without a group")
    assert table.cells == ((0, 0, 1, 1, 1), (0, 1, 0, 0, 0))


def test_a_group_filter_keeps_only_its_requests(seeded):
    filters = OutcomeFilters(start=PERIOD.start, end=PERIOD.end, group=seeded["first"])
    assert figures.requests_by_month_and_source(filters).cells == (
        (1, 1, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0))
    assert figures.attendance_rate(filters).rows == ("Aaa esiti uno",)
    assert figures.fill_rate(filters).rows == ("Aaa esiti uno",)


def test_english_labels(seeded):
    with translation.override("en"):
        table = figures.requests_by_month_and_source(in_venue(seeded))
    assert table.rows == ("January 2025", "February 2025", "March 2025")
    assert table.columns[0] == "Self (public form)"


def test_anonymising_every_request_changes_no_figure(seeded):
    before = figures.all_figures(in_venue(seeded))
    assert anonymise_requests(ParticipationRequest.objects.all()) > 0
    assert not ParticipationRequest.objects.filter(anonymised_at__isnull=True).exists()
    assert figures.all_figures(in_venue(seeded)) == before


def test_all_figures_in_the_dashboards_order(seeded):
    slugs = [table.slug for table in figures.all_figures(in_venue(seeded))]
    assert slugs == ["requests-by-month-and-source", "requests-by-month-and-status",
                     "days-to-first-contact", "days-to-assignment", "waiting-list",
                     "fill-rate", "attendance-rate", "completed-paths",
                     "referrals-by-organisation"]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 2, 3, 4, 7, 8])
def test_the_databases_median_is_statistics_median(count):
    """The database picks the middle rows (outcomes.figures._median_days): for odd and
    even counts the figure is what statistics.median gives on the same durations, for
    both steps, and a change before the request's arrival month is no other month's."""
    import random
    import statistics

    rng = random.Random(count)
    contact, assignment = [], []
    for _index in range(count):
        days_to_contact = rng.choice([0.25, 0.5, 1, 1.5, 2, 3.75, 9, 30.5])
        days_to_assignment = days_to_contact + rng.choice([0.5, 1, 2, 7])
        make_request(at(2025, 5, rng.randint(1, 28), rng.randint(8, 20)), Status.ASSIGNED,
                     changes=[(days_to_contact, Status.NEW, Status.CONTACTED),
                              (days_to_assignment, Status.CONTACTED, Status.ASSIGNED)])
        contact.append(days_to_contact)
        assignment.append(days_to_assignment)
    period = OutcomeFilters(start=datetime.date(2025, 4, 1), end=datetime.date(2025, 6, 30))
    tables = {table.slug: table for table in figures.all_figures(period)}
    for slug, durations in (("days-to-first-contact", contact),
                            ("days-to-assignment", assignment)):
        alone = getattr(figures, slug.replace("-", "_"))(period)
        for table in (tables[slug], alone):
            assert table.cells == ((None,), (round(statistics.median(durations), 1),),
                                   (None,)), slug
            assert table.bases == ((0,), (count,), (0,)), slug

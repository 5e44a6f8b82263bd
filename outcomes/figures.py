"""The programme's outcomes in numbers: each figure as a Table (outcomes.tables).

Shared by the Segreteria's dashboard (outcomes.dashboard) and the public page
(outcomes.public, which suppresses small counts first). Every function takes an
OutcomeFilters and returns one Table with its labels in the active language; each runs a
fixed number of queries whatever the number of requests (grouped and counted by the
database; only the durations of the two DAYS figures are read row by row, two columns).

What is counted, and the rules every figure shares:

- a *request* is a ParticipationRequest, anonymised or not: privacy.retention blanks a
  closed request's personal fields and keeps its status, dates, group, source,
  organisation and history, which is all a figure reads, so the figures survive the
  retention purge. A request *merged* into another (status "merged") is the same person
  asking twice: it is not counted, the request it was merged into is;
- a request is placed in the *month it was received* (`created_at`, in Milan's time,
  Europe/Rome), and belongs to the period when that month does — except where a figure
  says otherwise (completed paths: the month of completion; attendance: the month of
  the meeting; waiting list and fill rate: today);
- a request belongs to a *group* when it points at it (assigned, attending, completed
  there or waiting for it: `ParticipationRequest.group`), and to a *venue* when its group
  meets there or, having no group yet, when the person chose it as preferred venue;
  an attendance record belongs to its meeting's group and that group's venue;
- *first contact* is the first recorded status change out of "New" (to any status:
  contacted, assigned, waiting list, not eligible…); *assignment* is the first status
  change to "Assigned to a group". Both in days from the moment the request was received,
  to the tenth of a day; the figure is the median of the requests received that month
  that have one (their number is the Table's base).
"""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    Field,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Organisation
from facilitation.models import AttendanceRecord
from programme.models.groups import Group
from programme.models.participation import ParticipationRequest, StatusChange
from programme.models.venues import Venue  # noqa: F401 (named in OutcomeFilters)
from programme.seats import SEATED
from readable.dates import month_year, programme_timezone

from .tables import Kind, Table

Status = ParticipationRequest.Status
Source = ParticipationRequest.Source

# The referrals' current statuses, grouped as a partner reads the outcome of a referral.
REFERRAL_OUTCOMES = (
    ("handling", (Status.NEW, Status.CONTACTED)),
    ("waiting", (Status.WAITING_LIST,)),
    ("in_group", (Status.ASSIGNED, Status.ATTENDING)),
    ("completed", (Status.COMPLETED,)),
    ("closed", (Status.NOT_ELIGIBLE, Status.WITHDRAWN, Status.UNREACHABLE)),
)


def _referral_outcome_labels():
    return {
        "handling": _("Being handled"),
        "waiting": _("Waiting list"),
        "in_group": _("In a group"),
        "completed": _("Completed"),
        "closed": _("Closed without a group"),
    }


@dataclass(frozen=True)
class OutcomeFilters:
    """What the figures cover.

    start: the first day of the first month; end: the last day of the last month (dates
    in Milan's calendar). venue, group: the canonical (default-language) Venue or Group,
    or None for all.
    """

    start: datetime.date
    end: datetime.date
    venue: "Venue | None" = None
    group: "Group | None" = None

    @classmethod
    def last_months(cls, today, months=12):
        """The `months` complete months before `today`'s month (a date), all venues and
        groups: on 15 March 2026, March 2025 to February 2026."""
        end = today.replace(day=1) - datetime.timedelta(days=1)
        first = _add_months(end.replace(day=1), -(months - 1))
        return cls(start=first, end=end)

    def months(self):
        """The first day of each month of the period, in order."""
        month, last = self.start.replace(day=1), self.end.replace(day=1)
        result = []
        while month <= last:
            result.append(month)
            month = _add_months(month, 1)
        return result

    def instants(self):
        """(from, to): the period as aware datetimes in Milan, `to` excluded."""
        zone = programme_timezone()
        begin = datetime.datetime.combine(self.start, datetime.time(), tzinfo=zone)
        finish = datetime.datetime.combine(self.end + datetime.timedelta(days=1),
                                           datetime.time(), tzinfo=zone)
        return begin, finish


def _add_months(day, count):
    index = day.year * 12 + day.month - 1 + count
    return day.replace(year=index // 12, month=index % 12 + 1)


# --- Building blocks ---------------------------------------------------------------------


def _month_of(value):
    """The first day of the Milan month of a TruncMonth value (aware datetime or date)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(programme_timezone())
        value = value.date()
    return value.replace(day=1)


def _group_q(filters, records=False, prefix=""):
    """Q of the requests (or, with `records`, attendance records) that belong to the
    filters' group and venue: a request without a group by its preferred venue. `prefix`
    ("request__") reads the request through a row that points at it."""
    q = Q()
    if filters.group is not None:
        q &= Q(**{f"{prefix}group__translation_key": filters.group.translation_key})
    if filters.venue is not None:
        key = filters.venue.translation_key
        in_venue = Q(**{f"{prefix}group__venue__translation_key": key})
        if not records:
            in_venue |= Q(**{f"{prefix}group__isnull": True,
                             f"{prefix}preferred_venue__translation_key": key})
        q &= in_venue
    return q


def counted_requests(filters=None):
    """The requests the figures count: every request but the merged ones, anonymised
    included; with `filters`, those received in its period and of its group and venue."""
    requests = ParticipationRequest.objects.exclude(status=Status.MERGED).order_by()
    if filters is None:
        return requests
    begin, finish = filters.instants()
    return requests.filter(_group_q(filters), created_at__gte=begin, created_at__lt=finish)


def _month_counts(queryset, field, by, filters):
    """{(month, `by` value): count} of `queryset` by the Milan month of `field` (an
    instant), one query: a conditional count per month between its bounds, so the database
    compares stored instants instead of calling a time-zone function on every row."""
    zone = programme_timezone()
    months = filters.months()
    bounds = [datetime.datetime.combine(month, datetime.time(), tzinfo=zone)
              for month in [*months, _add_months(months[-1], 1)]]
    aggregates = {f"m{index}": Count("pk", filter=Q(**{f"{field}__gte": bounds[index],
                                                       f"{field}__lt": bounds[index + 1]}))
                  for index in range(len(months))}
    counts = {}
    for row in queryset.values(by).annotate(**aggregates):
        for index, month in enumerate(months):
            if row[f"m{index}"]:
                counts[(month, row[by])] = row[f"m{index}"]
    return counts


def _month_rows(filters):
    months = filters.months()
    return months, tuple(month_year(month) for month in months)


def _count_grid(rows, columns, counts):
    """rows × columns of the `counts` {(row key, column key): n}, 0 where absent."""
    return tuple(tuple(counts.get((row, column), 0) for column in columns) for row in rows)


def _canonical_groups(filters):
    groups = Group.objects.canonical()
    if filters.group is not None:
        groups = groups.filter(translation_key=filters.group.translation_key)
    if filters.venue is not None:
        groups = groups.filter(venue__translation_key=filters.venue.translation_key)
    return groups.order_by("name", "pk")


def _names_in_language(model, keys):
    """{translation_key: name} of `model`'s rows in the active language (one query)."""
    language = (get_language() or "").split("-")[0]
    return dict(model.objects.filter(translation_key__in=list(keys),
                                     locale__language_code=language)
                .values_list("translation_key", "name"))


def _group_labels(groups):
    names = _names_in_language(Group, [group.translation_key for group in groups])
    return tuple(names.get(group.translation_key, group.name) for group in groups)


# A plain Field as the output of the numbers the database computes for the medians: the
# database's int and float as they come, without a converter called on every row.
_AS_IS = Field()


class _SecondsBetween(Func):
    """Whole seconds from the instant `start` to the instant `end` (a number), computed by
    the database so that no datetime is read into Python: SQLite's julianday, PostgreSQL's
    EXTRACT(EPOCH)."""

    output_field = _AS_IS

    def __init__(self, end, start):
        super().__init__(end, start)

    def _operands(self, compiler):
        (end, end_params), (start, start_params) = (
            compiler.compile(expression) for expression in self.source_expressions)
        return end, start, (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra):
        end, start, params = self._operands(compiler)
        return f"ROUND((julianday({end}) - julianday({start})) * 86400.0)", params

    def as_sql(self, compiler, connection, **extra):
        end, start, params = self._operands(compiler)
        return f"ROUND(EXTRACT(EPOCH FROM ({end} - {start})))::float", params


def _month_index(field, months):
    """The index in `months` of the Milan month of `field` (an instant), by comparing it
    with the months' bounds (no time-zone function per row); None outside them."""
    zone = programme_timezone()
    bounds = [datetime.datetime.combine(month, datetime.time(), tzinfo=zone)
              for month in [*months, _add_months(months[-1], 1)]]
    return Case(*(When(**{f"{field}__gte": bounds[index], f"{field}__lt": bounds[index + 1]},
                       then=Value(index)) for index in range(len(months))),
                default=Value(None), output_field=_AS_IS)


def _median_days(rows, months):
    """{month: (median days or None, count)} of (month index, seconds) rows."""
    durations = [[] for _month in months]
    for index, seconds in rows:
        if index is not None:
            durations[index].append(seconds / 86400)
    return {month: (round(statistics.median(values), 1) if values else None, len(values))
            for month, values in zip(months, durations, strict=True)}


def _days_table(filters, *, slug, title, description, change):
    months, labels = _month_rows(filters)
    # One pass over the status changes grouped by request (the database's index on
    # the request), not a subquery per request: 20,000 requests cost one scan. The
    # database gives each request's month and duration as two numbers: reading two
    # instants per request into Python cost the dashboard most of its time.
    # The requests are joined, not read through `request__in` a subquery: PostgreSQL
    # without statistics (rows just written) ran the IN as a nested loop, 20,000 ×
    # 53,000 comparisons; the join reads each request by its primary key.
    begin, finish = filters.instants()
    rows = (StatusChange.objects.filter(change, _group_q(filters, prefix="request__"),
                                        request__created_at__gte=begin,
                                        request__created_at__lt=finish)
            .exclude(request__status=Status.MERGED)
            .order_by().values("request", "request__created_at")
            .annotate(month_index=_month_index("request__created_at", months),
                      seconds=_SecondsBetween(Min("changed_at"), F("request__created_at")))
            .values_list("month_index", "seconds"))
    medians = _median_days(rows, months)
    return Table(
        slug=slug, title=title, description=description, row_heading=_("Month"),
        rows=labels, columns=(_("median"),),
        cells=tuple((medians[month][0],) for month in months),
        kind=Kind.DAYS, bases=tuple((medians[month][1],) for month in months),
        notes=(_("Days from the moment the request was received, median of the requests "
                 "received that month that reached the step; the base is their number."),),
    )


# --- The figures ------------------------------------------------------------------------


def requests_by_month_and_source(filters):
    """COUNT: requests received each month (rows, Milan's months of the period) by source
    (columns: every ParticipationRequest.Source, in its order)."""
    months, labels = _month_rows(filters)
    counts = _month_counts(counted_requests(filters), "created_at", "source", filters)
    return Table(
        slug="requests-by-month-and-source", title=_("Requests by month and source"),
        description=_("Participation requests received each month (in Milan's time), by "
                      "where they came from. Anonymised requests count; a request merged "
                      "into another does not."),
        row_heading=_("Month"), rows=labels,
        columns=tuple(str(label) for label in Source.labels),
        cells=_count_grid(months, Source.values, counts),
    )


def _statuses():
    return [status for status in Status if status != Status.MERGED]


def requests_by_month_and_status(filters):
    """COUNT: requests received each month (rows) by their status today (columns: every
    status but "merged")."""
    months, labels = _month_rows(filters)
    counts = _month_counts(counted_requests(filters), "created_at", "status", filters)
    statuses = _statuses()
    return Table(
        slug="requests-by-month-and-status", title=_("Requests by month and status"),
        description=_("Participation requests received each month (in Milan's time), by "
                      "their status today. Anonymised requests count; a request merged "
                      "into another does not."),
        row_heading=_("Month"), rows=labels,
        columns=tuple(str(status.label) for status in statuses),
        cells=_count_grid(months, [status.value for status in statuses], counts),
    )


def days_to_first_contact(filters):
    """DAYS: median days from a request's arrival to its first status change out of
    "New", per month received (rows), one column; bases: the requests measured."""
    return _days_table(
        filters, slug="days-to-first-contact", title=_("Days to first contact"),
        description=_("First contact is the first status change out of “New” (to any "
                      "status: contacted, assigned, waiting list, not eligible…). Median "
                      "days from the request's arrival, by the month it was received."),
        change=Q(from_status=Status.NEW))


def days_to_assignment(filters):
    """DAYS: median days from a request's arrival to its first status change to
    "Assigned to a group", per month received (rows), one column; bases: the requests
    measured."""
    return _days_table(
        filters, slug="days-to-assignment", title=_("Days to assignment"),
        description=_("Assignment is the first status change to “Assigned to a group”. "
                      "Median days from the request's arrival, by the month it was "
                      "received."),
        change=Q(to_status=Status.ASSIGNED))


def waiting_list(filters):
    """COUNT: people on each group's waiting list today (rows: the canonical groups of the
    filters, then "No group yet" when some wait without one), one column. The period
    does not apply: a waiting list is today's."""
    groups = list(_canonical_groups(filters))
    waiting = ParticipationRequest.objects.filter(status=Status.WAITING_LIST).order_by()
    counts = dict(waiting.filter(group__in=groups).values("group")
                  .annotate(n=Count("pk")).values_list("group", "n"))
    rows = list(_group_labels(groups))
    cells = [(counts.get(group.pk, 0),) for group in groups]
    if filters.group is None:
        venue_q = Q()
        if filters.venue is not None:
            venue_q = Q(preferred_venue__translation_key=filters.venue.translation_key)
        without = waiting.filter(venue_q, group__isnull=True).count()
        if without:
            rows.append(_("No group yet"))
            cells.append((without,))
    return Table(
        slug="waiting-list", title=_("Waiting lists"),
        description=_("People on each group's waiting list today, whenever they asked."),
        row_heading=_("Group"), rows=tuple(rows), columns=(_("people waiting"),),
        cells=tuple(cells),
    )


def fill_rate(filters):
    """PERCENT: seats taken today (people assigned or attending) out of each group's
    capacity (rows: canonical groups of the filters), one column; bases: the capacity.
    The period does not apply."""
    groups = list(_canonical_groups(filters))
    taken = dict(ParticipationRequest.objects.filter(group__in=groups, status__in=SEATED)
                 .order_by().values("group").annotate(n=Count("pk"))
                 .values_list("group", "n"))
    return Table(
        slug="fill-rate", title=_("Fill rate"),
        description=_("Seats taken today (people assigned or attending) as a percentage "
                      "of each group's capacity."),
        row_heading=_("Group"), rows=_group_labels(groups), columns=(_("fill rate"),),
        cells=tuple((round(100 * taken.get(group.pk, 0) / group.capacity, 1),)
                    for group in groups),
        kind=Kind.PERCENT, bases=tuple((group.capacity,) for group in groups),
        notes=(_("The base is the group's capacity."),),
    )


def attendance_rate(filters):
    """PERCENT: "present" records out of all attendance records (facilitation's
    AttendanceRecord) of each group (rows: those with a record in the period) per month of
    the meeting (columns); None where a group has no record that month; bases: the
    number of records."""
    months, labels = _month_rows(filters)
    records = (AttendanceRecord.objects.filter(
        _group_q(filters, records=True), date__gte=filters.start, date__lte=filters.end)
        .order_by().annotate(month=TruncMonth("date"))
        .values("group", "month")
        .annotate(total=Count("pk"), present=Count("pk", filter=Q(present=True)))
        .values_list("group", "month", "total", "present"))
    counts = {(group, _month_of(month)): (total, present)
              for group, month, total, present in records}
    groups = list(Group.objects.filter(pk__in={group for group, _month in counts})
                  .order_by("name", "pk"))
    cells, bases = [], []
    for group in groups:
        row = [counts.get((group.pk, month)) for month in months]
        cells.append(tuple(None if c is None else round(100 * c[1] / c[0], 1) for c in row))
        bases.append(tuple(0 if c is None else c[0] for c in row))
    return Table(
        slug="attendance-rate", title=_("Attendance rate"),
        description=_("Of the attendance marked at each group's meetings, the percentage "
                      "“present”, by the month of the meeting."),
        row_heading=_("Group"), rows=_group_labels(groups), columns=labels,
        cells=tuple(cells), kind=Kind.PERCENT, bases=tuple(bases),
        notes=(_("The base is the number of attendance records (present or absent)."),),
    )


def completed_paths(filters):
    """COUNT: requests completed today, by the month of their last status change to
    "Completed" (rows), one column. The period, group and venue apply to the requests
    (whenever received) through that month and their group."""
    months, labels = _month_rows(filters)
    begin, finish = filters.instants()
    completed_at = (StatusChange.objects.filter(request=OuterRef("pk"),
                                                to_status=Status.COMPLETED)
                    .order_by().values("request").annotate(last=Max("changed_at"))
                    .values("last"))
    completed = (ParticipationRequest.objects.filter(_group_q(filters),
                                                     status=Status.COMPLETED)
                 .order_by().annotate(completed_at=Subquery(completed_at),
                                      outcome=Value("completed"))
                 .filter(completed_at__gte=begin, completed_at__lt=finish))
    counts = _month_counts(completed, "completed_at", "outcome", filters)
    return Table(
        slug="completed-paths", title=_("Completed paths"),
        description=_("Requests whose path is completed today, by the month staff closed "
                      "it as “Completed” (the last such change)."),
        row_heading=_("Month"), rows=labels, columns=(_("paths completed"),),
        cells=_count_grid(months, ["completed"], counts),
    )


def referrals_by_organisation(filters):
    """COUNT: requests referred by each partner organisation (rows, by name; the union's
    included) received in the period, by their status today grouped as REFERRAL_OUTCOMES
    (columns)."""
    rows = (counted_requests(filters).filter(organisation__isnull=False)
            .values("organisation", "status").annotate(n=Count("pk"))
            .values_list("organisation", "status", "n"))
    outcome_of = {status: key for key, statuses in REFERRAL_OUTCOMES for status in statuses}
    counts = {}
    for organisation, status, n in rows:
        key = (organisation, outcome_of.get(status))
        counts[key] = counts.get(key, 0) + n
    organisations = list(Organisation.objects.filter(pk__in={o for o, _s in counts})
                         .order_by("name", "pk").values_list("pk", "name"))
    labels = _referral_outcome_labels()
    keys = [key for key, _statuses in REFERRAL_OUTCOMES]
    return Table(
        slug="referrals-by-organisation", title=_("Referrals by partner organisation"),
        description=_("People referred by each partner organisation (the union included), "
                      "received in the period, by the outcome of their request today."),
        row_heading=_("Organisation"), rows=tuple(name for _pk, name in organisations),
        columns=tuple(labels[key] for key in keys),
        cells=_count_grid([pk for pk, _name in organisations], keys, counts),
        notes=(_("Being handled: new or contacted. In a group: assigned or attending. "
                 "Closed without a group: not eligible, withdrawn or unreachable."),),
    )


FIGURES = (requests_by_month_and_source, requests_by_month_and_status,
           days_to_first_contact, days_to_assignment, waiting_list, fill_rate,
           attendance_rate, completed_paths, referrals_by_organisation)


def all_figures(filters):
    """Every figure, in the dashboard's order (FIGURES)."""
    return [figure(filters) for figure in FIGURES]


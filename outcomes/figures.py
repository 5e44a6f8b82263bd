"""The programme's outcomes in numbers: each figure as a Table (outcomes.tables).

Shared by the Segreteria's dashboard (outcomes.dashboard) and the public page
(outcomes.public, which suppresses small counts first). Every function takes an
OutcomeFilters and returns one Table with its labels in the active language; each runs a
fixed number of queries whatever the number of requests, grouped and counted by the
database (which also picks the middle rows of the DAYS figures' medians), so that what
comes back grows with the months and groups shown, not with the requests. all_figures
reads what several figures share once.

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

import contextvars
import datetime
import statistics
from dataclasses import dataclass

from django.db import connections
from django.db.models import (
    Case,
    Count,
    F,
    Field,
    Func,
    Max,
    Min,
    Q,
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


# What several figures read, computed once per all_figures call: a dict for the call's
# duration (a context variable, so each request, thread or task has its own), None
# outside it, where each figure reads for itself.
_reads = contextvars.ContextVar("outcome_reads", default=None)


def _shared(key, compute):
    """compute() once per all_figures call for `key`; every time outside one."""
    reads = _reads.get()
    if reads is None:
        return compute()
    if key not in reads:
        reads[key] = compute()
    return reads[key]



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
    compares stored instants instead of calling a time-zone function on every row. `by`
    a tuple of fields: {(month, value, value…): count}."""
    zone = programme_timezone()
    months = filters.months()
    bounds = [datetime.datetime.combine(month, datetime.time(), tzinfo=zone)
              for month in [*months, _add_months(months[-1], 1)]]
    aggregates = {f"m{index}": Count("pk", filter=Q(**{f"{field}__gte": bounds[index],
                                                       f"{field}__lt": bounds[index + 1]}))
                  for index in range(len(months))}
    fields = by if isinstance(by, tuple) else (by,)
    counts = {}
    for row in queryset.values(*fields).annotate(**aggregates):
        values = tuple(row[name] for name in fields)
        for index, month in enumerate(months):
            if row[f"m{index}"]:
                counts[(month, *values)] = row[f"m{index}"]
    return counts


def _month_rows(filters):
    months = filters.months()
    return months, tuple(month_year(month) for month in months)


def _count_grid(rows, columns, counts):
    """rows × columns of the `counts` {(row key, column key): n}, 0 where absent."""
    return tuple(tuple(counts.get((row, column), 0) for column in columns) for row in rows)


def _canonical_groups(filters):
    """[(GroupRow, label in the active language)] of the filters' canonical groups, by
    name (shared within all_figures: the waiting lists and the fill rate list them)."""
    def read():
        groups = Group.objects.canonical()
        if filters.group is not None:
            groups = groups.filter(translation_key=filters.group.translation_key)
        if filters.venue is not None:
            groups = groups.filter(venue__translation_key=filters.venue.translation_key)
        rows = _group_rows(groups)
        return list(zip(rows, _group_labels(rows), strict=True))
    return _shared(("groups", filters, get_language()), read)


def _group_rows(groups):
    """The `groups` (a Group query) as GroupRow, by name: Group is a ClusterableModel,
    whose instances cost the dashboard tens of milliseconds for 300 groups."""
    return [GroupRow(*row) for row in groups.order_by("name", "pk").values_list(
        "pk", "name", "translation_key", "capacity")]


@dataclass(frozen=True)
class GroupRow:
    """What the figures read of a canonical group."""

    pk: int
    name: str
    translation_key: object
    capacity: int


def names_in_language(model, keys):
    """{translation_key: name} of `model`'s rows in the active language (one query)."""
    language = (get_language() or "").split("-")[0]
    return dict(model.objects.filter(translation_key__in=list(keys),
                                     locale__language_code=language)
                .values_list("translation_key", "name"))


def _group_labels(groups):
    names = names_in_language(Group, [group.translation_key for group in groups])
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


# The steps a request's durations are measured to: the first status change out of
# "New", the first to "Assigned to a group".
STEPS = {
    "contact": Q(from_status=Status.NEW),
    "assignment": Q(to_status=Status.ASSIGNED),
}


def _median_days(filters):
    """{step: {month: (median days or None, count)}} for each step of STEPS, of the
    requests received in each month of the period that reached it.

    One query (shared within all_figures): the status changes joined to their request
    and grouped by it give each request's month and its seconds to each step (the
    database computes both, as numbers); the database then picks each month's middle
    rows itself (ROW_NUMBER over the month's durations in order, COUNT of the month), so
    that two rows per month and step come back instead of one per request: 20,000
    requests read into Python cost the dashboard most of its time. Then as
    statistics.median: the middle value, or the mean of the two middle ones.

    The requests are joined, not read through `request__in` a subquery: PostgreSQL
    without statistics (rows just written) ran the IN as a nested loop, 20,000 × 53,000
    comparisons; the join reads each request by its primary key.
    """
    return _shared(("durations", filters), lambda: _read_median_days(filters))


def _read_median_days(filters):
    months = filters.months()
    begin, finish = filters.instants()
    reached = Q()
    for condition in STEPS.values():
        reached |= condition
    durations = (
        StatusChange.objects.filter(reached, _group_q(filters, prefix="request__"),
                                    request__created_at__gte=begin,
                                    request__created_at__lt=finish)
        .exclude(request__status=Status.MERGED)
        .order_by().values("request", "request__created_at")
        .annotate(month_index=_month_index("request__created_at", months),
                  **{step: _SecondsBetween(Min("changed_at", filter=condition),
                                           F("request__created_at"))
                     for step, condition in STEPS.items()})
        .values("month_index", *STEPS))
    inner, params = durations.query.sql_with_params()
    connection = connections[durations.db]
    quote = connection.ops.quote_name
    month = quote("month_index")
    middles = []
    for step in STEPS:  # the keys of STEPS: constant names, never input
        value = quote(step)
        middles.append(
            f"SELECT '{step}', {month}, {value}, n FROM ("  # noqa: S608 (as below)
            f"SELECT {month}, {value}, "
            f"ROW_NUMBER() OVER (PARTITION BY {month} ORDER BY {value}) AS position, "
            f"COUNT(*) OVER (PARTITION BY {month}) AS n FROM durations "
            f"WHERE {month} IS NOT NULL AND {value} IS NOT NULL"
            f") ranked_{step} WHERE position IN ((n + 1) / 2, (n + 2) / 2)")
    # Only the ORM's own SQL and constant names are formatted in: values stay parameters.
    sql = f"WITH durations AS ({inner}) " + " UNION ALL ".join(middles)  # noqa: S608
    found = {step: ([[] for _month in months], [0] * len(months)) for step in STEPS}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for step, index, seconds, count in cursor.fetchall():
            values, counts = found[step]
            values[int(index)].append(seconds / 86400)
            counts[int(index)] = count
    return {step: {month: (round(statistics.median(values), 1) if values else None, count)
                   for month, values, count in zip(months, *found[step], strict=True)}
            for step in STEPS}


def _days_table(filters, *, step, slug, title, description):
    months, labels = _month_rows(filters)
    medians = _median_days(filters)[step]
    return Table(
        slug=slug, title=title, description=description, row_heading=_("Month"),
        rows=labels, columns=(_("median"),),
        cells=tuple((medians[month][0],) for month in months),
        kind=Kind.DAYS, bases=tuple((medians[month][1],) for month in months),
        notes=(_("Days from the moment the request was received, median of the requests "
                 "received that month that reached the step; the base is their number."),),
    )


# --- The figures ------------------------------------------------------------------------


def _received_counts(filters):
    """{(month, source, status): count} of the requests received in the period: the one
    query both "by source" and "by status" read (shared within all_figures)."""
    def count():
        return _month_counts(counted_requests(filters), "created_at", ("source", "status"),
                             filters)
    return _shared(("received", filters), count)


def _summed(counts, position):
    """{(month, key): count} of `counts` {(month, source, status): count}, summed over
    every key but the one at `position` (1: source, 2: status)."""
    summed = {}
    for key, n in counts.items():
        short = (key[0], key[position])
        summed[short] = summed.get(short, 0) + n
    return summed


def requests_by_month_and_source(filters):
    """COUNT: requests received each month (rows, Milan's months of the period) by source
    (columns: every ParticipationRequest.Source, in its order)."""
    months, labels = _month_rows(filters)
    counts = _summed(_received_counts(filters), 1)
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
    counts = _summed(_received_counts(filters), 2)
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
        filters, step="contact", slug="days-to-first-contact", title=_("Days to first contact"),
        description=_("First contact is the first status change out of “New” (to any "
                      "status: contacted, assigned, waiting list, not eligible…). Median "
                      "days from the request's arrival, by the month it was received."))


def days_to_assignment(filters):
    """DAYS: median days from a request's arrival to its first status change to
    "Assigned to a group", per month received (rows), one column; bases: the requests
    measured."""
    return _days_table(
        filters, step="assignment", slug="days-to-assignment", title=_("Days to assignment"),
        description=_("Assignment is the first status change to “Assigned to a group”. "
                      "Median days from the request's arrival, by the month it was "
                      "received."))


def waiting_list(filters):
    """COUNT: people on each group's waiting list today (rows: the canonical groups of the
    filters, then "No group yet" when some wait without one), one column. The period
    does not apply: a waiting list is today's."""
    labelled = _canonical_groups(filters)
    groups = [group for group, _label in labelled]
    waiting = ParticipationRequest.objects.filter(status=Status.WAITING_LIST).order_by()
    counts = dict(waiting.filter(group__in=[group.pk for group in groups]).values("group")
                  .annotate(n=Count("pk")).values_list("group", "n"))
    rows = [label for _group, label in labelled]
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
    capacity (rows: canonical groups of the filters), one column; bases: the people
    seated. The period does not apply.

    The base is the people, not the capacity: the capacity is public (the groups page,
    its JSON-LD and the open data), so a rate published for 3 people of 12 would tell
    that 3 people sit in the group (review of issue 20)."""
    labelled = _canonical_groups(filters)
    groups = [group for group, _label in labelled]
    taken = dict(ParticipationRequest.objects.filter(group__in=[group.pk for group in groups],
                                                     status__in=SEATED)
                 .order_by().values("group").annotate(n=Count("pk"))
                 .values_list("group", "n"))
    return Table(
        slug="fill-rate", title=_("Fill rate"),
        description=_("Seats taken today (people assigned or attending) as a percentage "
                      "of each group's capacity."),
        row_heading=_("Group"), rows=tuple(label for _group, label in labelled),
        columns=(_("fill rate"),),
        cells=tuple((round(100 * taken.get(group.pk, 0) / group.capacity, 1),)
                    for group in groups),
        kind=Kind.PERCENT, bases=tuple((taken.get(group.pk, 0),) for group in groups),
        notes=(_("The base is the number of people seated: the rate of a group with "
                 "fewer than 10 is not published."),),
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
    groups = _group_rows(Group.objects.filter(pk__in={group for group, _month in counts}))
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
    # The status changes joined to their request and grouped by it (as _days_table), not
    # a subquery per completed request; the database counts the requests of each month.
    last_completions = (
        StatusChange.objects.filter(_group_q(filters, prefix="request__"),
                                    to_status=Status.COMPLETED,
                                    request__status=Status.COMPLETED)
        .order_by().values("request").annotate(last=Max("changed_at"))
        .filter(last__gte=begin, last__lt=finish)
        .annotate(month_index=_month_index("last", months))
        .values("month_index"))
    counts = {(months[index], "completed"): n
              for index, n in _counted_by_month_index(last_completions)}
    return Table(
        slug="completed-paths", title=_("Completed paths"),
        description=_("Requests whose path is completed today, by the month staff closed "
                      "it as “Completed” (the last such change)."),
        row_heading=_("Month"), rows=labels, columns=(_("paths completed"),),
        cells=_count_grid(months, ["completed"], counts),
    )


def _counted_by_month_index(rows):
    """[(month index, number of rows)] of `rows`, a query with a "month_index" column,
    counted by the database."""
    inner, params = rows.query.sql_with_params()
    connection = connections[rows.db]
    month = connection.ops.quote_name("month_index")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {month}, COUNT(*) FROM ({inner}) rows_by_month "  # noqa: S608
                       f"WHERE {month} IS NOT NULL GROUP BY {month}", params)
        return [(int(index), n) for index, n in cursor.fetchall()]


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
    """Every figure, in the dashboard's order (FIGURES); what several figures read (the
    requests received by source and status, the durations) is read once."""
    token = _reads.set({})
    try:
        return [figure(filters) for figure in FIGURES]
    finally:
        _reads.reset(token)


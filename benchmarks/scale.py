"""Cost that does not grow with the data (issue 16): `make bench-scale`.

Migrates a throwaway SQLite database (production settings) under
benchmarks/results/<date-time>-scale/, loads the demo content, then works on two copies:
the demo as it is (small) and the demo grown by `programme.demo_scale.grow` to the large
dataset (2,000 news, half of them also in English, 300 groups, 50 venues, 20,000
participation requests with about 53,000 status changes, 200 adhering organisations).
On each it builds the search index, then requests every view below in-process with
Django's test client (production settings, `PAGE_CACHE_SECONDS=0`: the page cache is
bypassed, the data caches are warm as between two publications), once to warm up and
REPEAT times measured: SQL queries (of the last request) and server CPU ms
(`time.process_time` around the request and the reading of its body, median).

Prints one markdown table — view | queries small → large | CPU ms small → large | ratio
| KB small → large — and writes it to benchmarks/results/scale-<date>.md, with a FAIL
line for each view whose query count differs between the sizes (exports: up to one
query per chunk) or whose CPU ratio exceeds MAX_CPU_RATIO without being in
LARGER_BY_DESIGN. Exits 1 when there is one. A view whose address does not exist yet
(or answers 404) is reported "missing", not a failure.

`--keep` keeps the work folder; `--sizes 0,2000` grows a smaller copy (requests; the
rest in proportion).
"""

import argparse
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: benchmarks/scale.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.sizes import print_json, run_per_size  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = (0, 20_000)
REPEAT = 5
MAX_CPU_RATIO = 3.0
SLOW_MS = 1000
BUDGET_S = 10
# The whole file the worker writes for a queued export of 20,000 rows takes longer (the
# XLSX file about 20 s here): a budget of its own, still bounded.
WHOLE_FILE_BUDGET_S = 120
# The large dataset of issue 16, for 20,000 requests; other sizes in proportion.
LARGE = {"news": 2000, "groups": 300, "venues": 50, "requests": 20_000, "adherents": 200}

# Views whose response is larger by design with more data, so their CPU grows with it;
# their query count must still not. {label: why}.
LARGER_BY_DESIGN = {
    "RSS": "the demo has one article; the feed lists the latest NewsFeed.limit, a fixed "
           "bound reached only on the large dataset",
    "sitemap page": "one URL per page, with its alternates: 4,000 more news pages are "
                    "4,000 more URLs (up to the page's bound)",
    "export CSV (triage)": "at the demo size a synchronous file of every row; at the "
                           "large size the request only queues the background export",
    "export XLSX (triage)": "as the CSV export",
    "export CSV (triage), whole file": "every request is a row: 20,000 rows against the "
                                       "demo's few (the worker's work, not a request's)",
    "export XLSX (triage), whole file": "as the CSV file",
    "groups index": "the demo has 3 groups; a page shows up to GROUPS_PER_PAGE (20) and "
                    "their next meetings (at most 30): a fixed bound reached only on the "
                    "large dataset",
    "groups index, filtered": "as the groups index: up to 20 groups of those matching, "
                              "the demo's 3 on the small dataset",
    "protocol": "the public record of who joined the protocol lists every adherent (200 "
                "against the demo's few), folded by kind: none may be left off a page",
    "outcomes dashboard": "the medians (days to first contact, to assignment) read a month "
                          "and a duration per request of the last 12 months (thousands on "
                          "the large dataset, a handful on the demo) in two queries; its "
                          "groups' rows are every group (300)",
    "outcomes CSV, every figure": "as the outcomes dashboard",
    "iCalendar, all groups": "the whole calendar, one weekly event per meeting slot of "
                             "every group (400 slots); the feeds per venue and per group "
                             "are the bounded ones a citizen subscribes to",
}


# --- What is measured ---------------------------------------------------------------------
# (label, who asks, how to find the address). The address finder gets the Django-side
# context (`Ctx`) and returns a path, or None when the view does not exist (yet).

def _news_last_page(ctx):
    from programme.models import NewsIndexPage

    pages = max(1, -(-ctx.news_index.news().count() // NewsIndexPage.PER_PAGE))
    return ctx.news_index.url + (f"?page={pages}" if pages > 1 else "")


def _news_page(ctx):
    return ctx.latest_news.url


def _group_calendar(ctx):
    return ctx.subpage(ctx.group_index, "calendar_group", group_id=ctx.group.pk)


def _venue_calendar(ctx):
    return ctx.subpage(ctx.group_index, "calendar_venue", venue_id=ctx.group.venue_id)


def _sitemap_page(ctx):
    """The first page the sitemap index lists; the sitemap itself while it is one page."""
    import re

    body = ctx.body("/sitemap.xml")
    found = re.search(r"<sitemap>\s*<loc>([^<]+)</loc>", body)
    if not found:
        return "/sitemap.xml"
    return re.sub(r"^https?://[^/]+", "", found.group(1)).replace("&amp;", "&")


VIEWS = [
    ("home", "public", lambda ctx: "/it/"),
    ("content page (FAQ)", "public", lambda ctx: "/it/domande-frequenti/"),
    ("programme", "public", lambda ctx: "/it/programma/"),
    ("news index", "public", lambda ctx: ctx.news_index.url),
    # The last page (the oldest news): the first on the demo, the 200th on the large set.
    ("news index, last page", "public", _news_last_page),
    ("news page", "public", _news_page),
    ("groups index", "public", lambda ctx: ctx.group_index.url),
    ("groups index, filtered", "public", lambda ctx: ctx.group_index.url + "?day=1&language=it"),
    ("protocol", "public", lambda ctx: "/it/protocollo/"),
    ("intake GET", "public", lambda ctx: "/it/partecipa/"),
    ("RSS", "public", lambda ctx: ctx.subpage(ctx.news_index, "rss")),
    ("iCalendar, all groups", "public", lambda ctx: ctx.subpage(ctx.group_index, "calendar_all")),
    ("iCalendar, a group", "public", _group_calendar),
    ("iCalendar, a venue", "public", _venue_calendar),
    ("sitemap index", "public", lambda ctx: "/sitemap.xml"),
    ("sitemap page", "public", _sitemap_page),
    ("search 'lavoro'", "public", lambda ctx: "/it/cerca/?q=lavoro"),
    ("search 'lavoro', page 2", "public", lambda ctx: "/it/cerca/?q=lavoro&page=2"),
    ("admin triage list", "staff", lambda ctx: "/admin/participation_requests/"),
    ("admin triage list, new", "staff", lambda ctx: "/admin/participation_requests/?status=new"),
    ("admin contact messages", "staff", lambda ctx: ctx.followed("/admin/messages/")),
    ("export CSV (triage)", "staff", lambda ctx: "/admin/participation_requests/?export=csv"),
    ("export XLSX (triage)", "staff",
     lambda ctx: "/admin/participation_requests/?export=xlsx"),
    # What the worker does with a queued export (it replays the same address): the whole
    # file written, measured here in the request with the threshold lifted.
    ("export CSV (triage), whole file", "staff",
     lambda ctx: "/admin/participation_requests/?export=csv"),
    ("export XLSX (triage), whole file", "staff",
     lambda ctx: "/admin/participation_requests/?export=xlsx"),
    ("partner dashboard", "partner", lambda ctx: ctx.reverse("partner:dashboard")),
    ("partner referral list", "partner", lambda ctx: ctx.reverse("partner:referral_list")),
    ("outcomes dashboard", "staff", lambda ctx: "/admin/outcomes/"),
    ("outcomes CSV, every figure", "staff", lambda ctx: "/admin/outcomes/csv/"),
    # The public figures are computed once a day (outcomes.public): a warm request reads
    # them from the cache, as every request but the day's first does.
    ("programme in numbers", "public", lambda ctx: "/it/il-programma-in-numeri/"),
    ("programme in numbers, CSV", "public",
     lambda ctx: "/it/il-programma-in-numeri/liste-di-attesa.csv"),
]
WHOLE_FILE = {"export CSV (triage), whole file", "export XLSX (triage), whole file"}
EXPORTS = {"export CSV (triage)", "export XLSX (triage)", *WHOLE_FILE}


# --- The report (pure: tested by tests/test_bench_scale.py) --------------------------------

def _ratio(small, large):
    return large / small if small else (1.0 if not large else float("inf"))


def report(small, large, *, larger_by_design=None, max_ratio=MAX_CPU_RATIO):
    """(markdown table, [failure sentences]) from two {label: figures} dicts, the small
    and the large dataset's. Figures: {"status": int, "queries": int, "cpu_ms": float,
    "bytes": int, "allowed_extra_queries": int (exports: the difference in queries
    allowed, one per chunk)}, or {"missing": reason}, or {"interrupted": seconds}.
    A failure: interrupted, the query count differs by more than the allowance, the CPU
    ratio large/small exceeds `max_ratio` for a view not in `larger_by_design`
    ({label: reason}), or an answer other than 2xx (a queued export may redirect)."""
    larger_by_design = LARGER_BY_DESIGN if larger_by_design is None else larger_by_design
    lines = ["| view | HTTP | queries small → large | CPU ms small → large | CPU ratio "
             "| KB small → large |", "|---|---|---|---|---|---|"]
    failures = []
    for label in list(dict.fromkeys([*small, *large])):
        a, b = small.get(label, {"missing": "not measured"}), large.get(label,
                                                                        {"missing": "not measured"})
        if "missing" in a or "missing" in b:
            lines.append(f"| {label} | missing ({a.get('missing') or b.get('missing')}) "
                         "| | | | |")
            continue
        stopped = [size for size, f in (("small", a), ("large", b)) if "interrupted" in f]
        if stopped:
            seconds = (a if "interrupted" in a else b)["interrupted"]
            lines.append(f"| {label} | interrupted on the {' and '.join(stopped)} dataset "
                         f"(SQL over {seconds} s) | | | | |")
            failures.append(f"{label}: its SQL ran more than {seconds} s on the "
                            f"{' and '.join(stopped)} dataset (interrupted)")
            continue
        ratio = _ratio(a["cpu_ms"], b["cpu_ms"])
        note = " (larger by design)" if label in larger_by_design else ""
        lines.append(
            f"| {label} | {a['status']}, {b['status']} | {a['queries']} → {b['queries']} "
            f"| {a['cpu_ms']:.1f} → {b['cpu_ms']:.1f} | {ratio:.2f}×{note} "
            f"| {a['bytes'] / 1024:.1f} → {b['bytes'] / 1024:.1f} |")
        for size, figures in (("small", a), ("large", b)):
            redirect_ok = label in EXPORTS and 300 <= figures["status"] < 400  # queued
            if not (200 <= figures["status"] < 300 or redirect_ok):
                failures.append(f"{label}: HTTP {figures['status']} on the {size} dataset")
        allowed = b.get("allowed_extra_queries", 0)
        if abs(b["queries"] - a["queries"]) > allowed:
            failures.append(f"{label}: {a['queries']} queries on the small dataset, "
                            f"{b['queries']} on the large one"
                            + (f" (allowed: up to {allowed} more)" if allowed else ""))
        if ratio > max_ratio and label not in larger_by_design:
            failures.append(f"{label}: CPU {a['cpu_ms']:.1f} → {b['cpu_ms']:.1f} ms, "
                            f"{ratio:.1f}× (more than {max_ratio:g}×)")
    if larger_by_design:
        lines += ["", "Larger by design (their CPU may grow, not their queries):"]
        lines += [f"- {label}: {why}" for label, why in larger_by_design.items()]
    return "\n".join(lines), failures


# --- The Django side (a child process per dataset) -----------------------------------------

class Ctx:
    """What the address finders read from the database being measured."""

    def __init__(self, clients):
        from wagtail.models import Locale

        from programme.models import GroupIndexPage, NewsIndexPage, NewsPage
        from programme.models.groups import Group

        italian = Locale.get_default()
        self.clients = clients
        self.news_index = NewsIndexPage.objects.get(locale=italian)
        self.group_index = GroupIndexPage.objects.get(locale=italian)
        self.latest_news = (NewsPage.objects.live().filter(locale=italian)
                            .order_by("-date", "-pk").first())
        self.group = Group.objects.canonical().published().order_by("pk").first()

    def subpage(self, page, name, **kwargs):
        from django.urls import NoReverseMatch

        try:
            return page.url + page.reverse_subpage(name, kwargs=kwargs)
        except NoReverseMatch:
            return None

    def reverse(self, name):
        from django.urls import NoReverseMatch, reverse
        from django.utils import translation

        try:
            with translation.override("it"):
                return reverse(name)
        except NoReverseMatch:
            return None

    def body(self, url):
        response = self.clients["public"].get(url)
        return _read(response).decode("utf-8", "replace")

    def followed(self, url, who="staff"):
        """Where `url` leads `who` (the contact messages open on the contact form's
        submissions)."""
        response = self.clients[who].get(url)
        return response.headers.get("Location", url) if response.status_code in (
            301, 302) else url


def _read(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _users():
    """A Segreteria member with an authenticator (the admin asks for one) and a partner
    organisation's admin with three referrals of its own."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group as AuthGroup
    from django.utils import timezone

    from accounts.models import Membership, Organisation
    from programme.demo_scale import vat_number
    from programme.models import ParticipationRequest
    from programme.participation import reference_for

    User = get_user_model()
    staff = User.objects.create_user(username="bench-segreteria", password="x" * 16,
                                     email="bench-segreteria@example.org", is_staff=True)
    staff.groups.add(AuthGroup.objects.get(name="Segreteria"))
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP,
                                 data={"secret": "bench"})
    partner = User.objects.create_user(username="bench-partner", password="x" * 16,
                                       email="bench-partner@example.org")
    EmailAddress.objects.create(user=partner, email=partner.email, verified=True,
                                primary=True)
    organisation = Organisation.objects.create(
        name="Associazione del benchmark", kind=Organisation.Kind.ASSOCIATION,
        tax_code=vat_number(1_999_999), email="bench@example.org")
    Membership.objects.create(user=partner, organisation=organisation,
                              role=Membership.Role.ADMIN)
    for n in range(3):
        row = ParticipationRequest.objects.create(
            first_name="Persona", last_name=f"Segnalata {n}", phone=f"+39024999{n:04d}",
            preferred_channel="phone", employment_status="unemployed",
            situation_since="2026-01-01", privacy_notice_version="1",
            privacy_acknowledged_at=timezone.now(), language="it",
            source=ParticipationRequest.Source.PARTNER_REFERRAL, organisation=organisation,
            referred_by=partner)
        row.reference = reference_for(row)
        row.save(update_fields=["reference"])
    return staff, partner


@contextmanager
def _interrupted_after(seconds):
    """Abort the request's SQL once it has run `seconds` (SQLite's progress handler): a
    query that grows with the square of the rows would keep the benchmark for hours.
    Yields a dict whose "interrupted" says whether it happened."""
    from django.db import connection

    state = {"interrupted": False}
    deadline = time.monotonic() + seconds

    def check():
        state["interrupted"] = state["interrupted"] or time.monotonic() > deadline
        return state["interrupted"]  # non-zero aborts the statement

    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        raw.set_progress_handler(check, 100_000)
    try:
        yield state
    finally:
        if connection.vendor == "sqlite":
            raw.set_progress_handler(None, 0)


def _measure(client, url, repeat, rows=0, budget=BUDGET_S):
    """One warm-up request, then `repeat` measured ones; a view slower than SLOW_MS is
    measured by its warm-up alone (an export of 20,000 rows done in the request would
    otherwise take minutes), which the figures say ("runs": 1); one whose SQL runs more
    than `budget` seconds is interrupted and reported so ({"interrupted": seconds})."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, runs = [], 0
    for _n in range(1 + repeat):
        with _interrupted_after(budget) as state, \
                CaptureQueriesContext(connection) as queries:
            started = time.process_time()
            try:
                response = client.get(url)
                body = _read(response)
            except Exception:
                if not state["interrupted"]:
                    raise
            elapsed = (time.process_time() - started) * 1000
        if state["interrupted"]:
            return {"interrupted": budget, "queries": len(queries)}
        if response.status_code == 404:
            return {"missing": "404"}
        if runs or elapsed > SLOW_MS:
            times.append(elapsed)
        runs += 1
        if elapsed > SLOW_MS:
            break
    return {"status": response.status_code, "queries": len(queries),
            "cpu_ms": statistics.median(times), "bytes": len(body), "rows": rows,
            "runs": len(times)}


def measure(size, repeat=REPEAT):
    from django.core.management import call_command
    from django.test import Client, override_settings

    from programme.demo_scale import grow
    from programme.models import ParticipationRequest

    started = time.monotonic()
    call_command("update_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = {}
    if size:
        counts = grow(**{name: round(n * size / LARGE["requests"]) for name, n in LARGE.items()})
    seeded = time.monotonic() - started
    staff, partner = _users()
    # HTTPS as the proxy in front of gunicorn says it (SECURE_PROXY_SSL_HEADER).
    clients = {who: Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", secure=True)
               for who in ("public", "staff", "partner")}
    clients["staff"].force_login(staff)
    clients["partner"].force_login(partner)
    ctx = Ctx(clients)
    rows = ParticipationRequest.objects.count()
    from exports.spreadsheets import EXPORT_CHUNK_SIZE as chunk
    figures = {}
    for label, who, find in VIEWS:
        try:
            url = find(ctx)
        except Exception as error:  # noqa: BLE001 - a view not built yet is reported
            url, why = None, f"{type(error).__name__}"
        else:
            why = "no such address"
        if url is None:
            figures[label] = {"missing": why}
            continue
        if label in WHOLE_FILE:
            with override_settings(EXPORT_BACKGROUND_THRESHOLD=rows + 1):
                figures[label] = _measure(clients[who], url, repeat, rows,
                                          budget=WHOLE_FILE_BUDGET_S)
        else:
            figures[label] = _measure(clients[who], url, repeat, rows)
        figures[label]["url"] = url
        if label in EXPORTS and "missing" not in figures[label]:
            figures[label]["allowed_extra_queries"] = -(-rows // chunk)
    return {"size": size, "counts": counts, "seconds_seeding": round(seeded, 1),
            "figures": figures}


def django_side(size):
    import django

    django.setup()
    print_json(measure(size))


# --- The driver ---------------------------------------------------------------------------

def log(message):
    print(f"[bench-scale] {message}", file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--django-side", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default=",".join(str(size) for size in SIZES))
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if args.django_side is not None:
        django_side(args.django_side)
        return 0
    import os

    os.environ["PAGE_CACHE_SECONDS"] = "0"  # the children inherit it: uncached figures
    started = time.monotonic()
    small, large = run_per_size(Path(__file__), "scale",
                                [int(size) for size in args.sizes.split(",")], args.keep,
                                log, demo=True)
    table, failures = report(small["figures"], large["figures"])
    header = (f"# bench-scale, {datetime.now():%Y-%m-%d %H:%M}\n\n"
              f"Small: the demo content. Large: the demo grown by {large['counts']} "
              f"(seeded and indexed in {large['seconds_seeding']} s). Production settings, "
              f"SQLite, page cache bypassed (PAGE_CACHE_SECONDS=0, data caches warm), "
              f"in-process test client, median of {REPEAT} requests after one warm-up "
              f"(a view slower than {SLOW_MS} ms: its first request only); "
              f"CPU is the server's (time.process_time). Whole run: "
              f"{time.monotonic() - started:.0f} s.\n\n")
    text = header + table + "\n" + "".join(f"\nFAIL {failure}" for failure in failures)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"scale-{datetime.now():%Y%m%d-%H%M%S}.md"
    out.write_text(text + "\n")
    print(text)
    log(f"written to {out.relative_to(RESULTS.parent.parent)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

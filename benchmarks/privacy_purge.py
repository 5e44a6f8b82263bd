"""How long the retention purge takes, and in how many queries: `make bench-privacy`.

Migrates a throwaway SQLite database (production settings) under
benchmarks/results/<date-time>-privacy/ once, then for each size in SIZES works on a copy
of it: seeds that many participation requests, closed, each with two status changes
carrying notes (half of them past the retention period, half within), and as many audit
trail entries, a fifth as many finished mail tasks and expired sessions — with
bulk_create, in seconds — then runs privacy.retention.purge() twice, counting its queries
(Django's CaptureQueriesContext) and timing it.

Prints one markdown table:

    requests | purge (s) | queries | batches | rows deleted | rows anonymised |
    second purge (s) | second purge queries | one person's export (s) | export queries

(the export: one more person seeded among the others, found by email and exported as
JSON and a readable document, benchmarks/privacy_export.py; its queries must not differ
between the sizes)

and exits non-zero when the number of queries is not bounded by the batches: more than
QUERIES_PER_BATCH per batch of BATCH_SIZE rows plus QUERIES_FIXED, or a second purge
(nothing left to do) whose queries differ between the sizes. The time grows with the
rows the purge changes, never with the rows it keeps.

Nothing listens on the network; the work folder is removed at the end (`--keep` keeps
it). `--sizes 5000,50000` chooses the sizes.
"""

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: benchmarks/privacy_purge.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.sizes import main, print_json, run_per_size  # noqa: E402

SIZES = (5_000, 50_000)
# Statements one batch may take (select the ids, update or delete, the history's notes,
# the duplicate checks, the change log's copies scrubbed, Django's delete collector) and
# those of a purge with nothing to do (each rule's first empty select, the PurgeRun).
QUERIES_PER_BATCH = 10
QUERIES_FIXED = 60


def log(message):
    print(f"[bench-privacy] {message}", file=sys.stderr, flush=True)


# --- The Django side (a child process per size) ----------------------------------------


def seed(size):
    """`size` closed requests with two status changes each (notes included), half past
    the retention period; `size` audit entries, size/5 finished mails and expired
    sessions, the same halves."""
    import datetime as dt

    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from mail.sending import send_email
    from privacy.models import AccessEvent
    from programme.models.participation import ParticipationRequest, StatusChange

    now = timezone.now()
    old = now - dt.timedelta(days=settings.RETENTION_CLOSED_REQUEST_DAYS + 10)
    recent = now - dt.timedelta(days=10)
    status = ParticipationRequest.Status
    with transaction.atomic():
        requests = ParticipationRequest.objects.bulk_create([
            ParticipationRequest(
                reference=f"MA-2024-{index:06}", first_name=f"Nome{index}",
                last_name=f"Cognome{index}", email=f"persona{index}@example.org",
                phone=f"+3933{index:08}", preferred_channel="email",
                employment_status="unemployed", situation_since=dt.date(2023, 5, 1),
                note="Nota personale", privacy_notice_version="2026-11",
                privacy_acknowledged_at=old, language="it", status=status.WITHDRAWN)
            for index in range(size)], batch_size=1000)
        StatusChange.objects.bulk_create([
            StatusChange(request=request_obj, from_status=from_status, to_status=to_status,
                         note="Una nota su questa persona")
            for request_obj in requests
            for from_status, to_status in (("new", "contacted"), ("contacted", "withdrawn"))
        ], batch_size=1000)
        half = requests[size // 2].pk
        for when, rows in ((old, {"pk__lt": half}), (recent, {"pk__gte": half})):
            ParticipationRequest.objects.filter(**rows).update(created_at=when)
            StatusChange.objects.filter(**{f"request__{key}": value
                                           for key, value in rows.items()}).update(
                changed_at=when)
        kind = ContentType.objects.get_for_model(ParticipationRequest)
        AccessEvent.objects.bulk_create([
            AccessEvent(at=old if index % 2 else recent, action="viewed",
                        content_type=kind, object_id=str(index), label=f"MA-2024-{index:06}")
            for index in range(size)], batch_size=1000)
        DBTaskResult.objects.bulk_create([
            DBTaskResult(
                status="SUCCESSFUL", task_path=send_email.module_path, backend_name="default",
                args_kwargs={"args": [[f"persona{index}@example.org"], "Oggetto", "Corpo"],
                             "kwargs": {}},
                run_after=old, finished_at=old if index % 2 else recent,
                exception_class_path="", traceback="")
            for index in range(size // 5)], batch_size=1000)
        Session.objects.bulk_create([
            Session(session_key=f"session{index:033}", session_data="x",
                    expire_date=old if index % 2 else now + dt.timedelta(days=1))
            for index in range(size // 5)], batch_size=1000)


def measure(size):
    """Seed, then purge twice; the figures as a dict."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from privacy import retention

    seed(size)
    figures = {"size": size}
    # One person's export among the seeded people (benchmarks/privacy_export.py).
    from benchmarks.privacy_export import measure_export, seed_person

    seed_person()
    export = measure_export()
    figures["export_seconds"] = export["find_seconds"] + export["export_seconds"]
    figures["export_queries"] = export["queries"]
    for run in ("first", "second"):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            purge = retention.purge()
            figures[f"{run}_seconds"] = time.perf_counter() - began
        figures[f"{run}_queries"] = len(queries)
        figures[f"{run}_deleted"] = sum(kind["deleted"] for kind in purge.counts.values())
        figures[f"{run}_anonymised"] = sum(kind["anonymised"]
                                           for kind in purge.counts.values())
    figures["batch_size"] = retention.BATCH_SIZE
    return figures


def django_side(size):
    import django

    django.setup()
    print_json(measure(size))


# --- The driver -------------------------------------------------------------------------


def batches(figures):
    """The batches the first purge needed at most: the rows it changed (history notes
    count with their requests), over the batch size, plus one per rule and table."""
    changed = figures["first_deleted"] + figures["first_anonymised"]
    return changed // figures["batch_size"] + 12


def run(sizes, keep):
    return run_per_size(__file__, "privacy", sizes, keep, log)


def report(results):
    print("| requests | purge (s) | queries | batches (at most) | rows deleted | "
          "rows anonymised | second purge (s) | second purge queries | "
          "one person's export (s) | export queries |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in results:
        print(f"| {row['size']:,} | {row['first_seconds']:.2f} | {row['first_queries']} | "
              f"{batches(row)} | {row['first_deleted']:,} | {row['first_anonymised']:,} | "
              f"{row['second_seconds']:.3f} | {row['second_queries']} | "
              f"{row['export_seconds']:.3f} | {row['export_queries']} |")
    failures = []
    for row in results:
        bound = QUERIES_PER_BATCH * batches(row) + QUERIES_FIXED
        if row["first_queries"] > bound:
            failures.append(f"{row['size']}: {row['first_queries']} queries, over {bound}")
        if row["second_deleted"] or row["second_anonymised"]:
            failures.append(f"{row['size']}: the second purge changed rows (not idempotent)")
    if len({row["export_queries"] for row in results}) > 1:
        failures.append("one person's export takes more queries when others have more rows")
    if len({row["second_queries"] for row in results}) > 1:
        failures.append("a purge with nothing to do takes more queries on more rows")
    return failures


if __name__ == "__main__":
    sys.exit(main(__doc__, SIZES, django_side, run, report, log))

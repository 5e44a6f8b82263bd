"""How long an import of the job service's database takes: `make bench-import`.

Migrates a throwaway SQLite database (production settings) under benchmarks/results/,
then for each size in SIZES works on a copy of it: seeds as many existing requests (a
tenth of the file's people are among them, by email, phone or tax code), writes the
export as CSV and as XLSX, and for each runs the Segreteria's two steps —
jobservice.imports.prepare_import (read, check, find duplicates; the preview) and
confirm_import (store in one transaction) — timing each and counting its queries.

Prints one markdown table:

    rows | format | preview (s) | preview queries | confirm (s) | confirm queries | imported

and exits non-zero when preview + confirmation of a file takes LIMIT_SECONDS or more
("well under a minute", issue 20), or the queries grow with the rows beyond one batch
per 500. Nothing listens on the network; the work folder is removed at the end (`--keep`
keeps it). `--sizes 5000,10000` chooses the sizes.
"""

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: benchmarks/job_import.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.sizes import main, print_json, run_per_size  # noqa: E402

SIZES = (5_000,)
LIMIT_SECONDS = 20
# Statements per 500 rows: duplicate lookups (3 kinds), and inserts split by SQLite's
# 999-parameter limit (about 55 requests or 140 history rows a statement).
QUERIES_PER_500 = 30
QUERIES_FIXED = 40


def log(message):
    print(f"[bench-import] {message}", file=sys.stderr, flush=True)


# --- The Django side (a child process per size) ----------------------------------------

def person(index):
    from stdnum.it import codicefiscale

    # A valid tax code per person: the birth day and town vary with the index.
    body = f"RSSMRA{80 + index % 20:02d}A{1 + index % 28:02d}F{index % 1000:03d}"
    code = body + codicefiscale.calc_check_digit(body)
    return [f"Nome{index}", f"Cognome{index}", code, f"persona{index}@example.org",
            f"+39 333 {index:07d}", "disoccupato", "03/2025", "", "it"]


def export_files(size, folder):
    import csv

    import openpyxl

    from jobservice.columns import example_rows

    header = example_rows()[0]
    rows = [person(index) for index in range(size)]
    csv_path = folder / "export.csv"
    with csv_path.open("w", newline="", encoding="utf-8-sig") as out:
        csv.writer(out, delimiter=";").writerows([header, *rows])
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in [header, *rows]:
        sheet.append(row)
    xlsx_path = folder / "export.xlsx"
    workbook.save(xlsx_path)
    return csv_path, xlsx_path


def seed(size):
    """A tenth of the file's people already on the site, found by email, phone or tax
    code in turn (and 0 matches among a million other rows is not needed here)."""
    import datetime as dt

    from django.utils import timezone

    from jobservice.tax_codes import tax_code_digest
    from programme.models.participation import ParticipationRequest

    now = timezone.now()
    seeded = []
    for index in range(0, size, 10):
        _first, _last, code, email, phone, *_rest = person(index)
        kind = index // 10 % 3
        seeded.append(ParticipationRequest(
            reference=f"MA-2020-{index:06}", first_name="Già", last_name="Presente",
            email=email if kind == 0 else f"altro{index}@example.org",
            phone=f"+39320{index:07d}" if kind != 1 else phone.replace(" ", ""),
            tax_code_digest=tax_code_digest(code) if kind == 2 else "",
            preferred_channel="email", employment_status="unemployed",
            situation_since=dt.date(2024, 1, 1), privacy_notice_version="2026-11",
            privacy_acknowledged_at=now, language="it"))
    ParticipationRequest.objects.bulk_create(seeded, batch_size=1000)


def measure(size):
    import tempfile
    import time

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jobservice import imports
    from programme.models.participation import ParticipationRequest

    seed(size)
    user = get_user_model().objects.create_user(username="bench", email="b@example.org")
    figures = {"size": size, "formats": []}
    with tempfile.TemporaryDirectory() as folder:
        for path in export_files(size, Path(folder)):
            ParticipationRequest.objects.filter(source="job_service").delete()
            uploaded = SimpleUploadedFile(path.name, path.read_bytes())
            with CaptureQueriesContext(connection) as preview_queries:
                began = time.perf_counter()
                pending = imports.prepare_import(user, uploaded)
                preview = time.perf_counter() - began
            with CaptureQueriesContext(connection) as confirm_queries:
                began = time.perf_counter()
                run = imports.confirm_import(pending.token, user)
                confirm = time.perf_counter() - began
            figures["formats"].append({
                "format": path.suffix[1:], "preview": preview,
                "preview_queries": len(preview_queries), "confirm": confirm,
                "confirm_queries": len(confirm_queries), "imported": run.imported,
                "read": run.rows_read})
    return figures


def django_side(size):
    import django

    django.setup()
    print_json(measure(size))


# --- The driver ------------------------------------------------------------------------


def run(sizes, keep):
    return run_per_size(Path(__file__), "import", sizes, keep, log)


def report(results):
    print("| rows | format | preview (s) | preview queries | confirm (s) | confirm queries "
          "| imported |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    failures = []
    for result in results:
        for figures in result["formats"]:
            print(f"| {result['size']:,} | {figures['format']} | {figures['preview']:.2f} | "
                  f"{figures['preview_queries']} | {figures['confirm']:.2f} | "
                  f"{figures['confirm_queries']} | {figures['imported']:,} |")
            total = figures["preview"] + figures["confirm"]
            if total >= LIMIT_SECONDS:
                failures.append(f"{figures['format']} of {result['size']:,} rows took "
                                f"{total:.1f} s (limit {LIMIT_SECONDS} s)")
            bound = QUERIES_FIXED + QUERIES_PER_500 * (result["size"] // 500 + 1)
            for step in ("preview", "confirm"):
                if figures[f"{step}_queries"] > bound:
                    failures.append(f"{step} of {result['size']:,} rows: "
                                    f"{figures[f'{step}_queries']} queries (bound {bound})")
            if figures["imported"] != result["size"] - len(range(0, result["size"], 10)):
                failures.append(f"{figures['format']}: {figures['imported']} imported")
    return failures


if __name__ == "__main__":
    sys.exit(main(__doc__, SIZES, django_side, run, report, log))

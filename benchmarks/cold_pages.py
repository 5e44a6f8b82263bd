"""What the first visitor after a publication pays, and the intake form's GET (issue 16).

    .venv/bin/python benchmarks/cold_pages.py [--keep] [--reuse DIR] [--no-callgrind]
                                              [--warm-only] [--profile DIR]

Builds a throwaway site under benchmarks/results/<date-time>-cold/ (the production
settings of benchmarks/server.py: SQLite, the file cache, DEBUG off; the demo content),
then, in one child process under Django with the page cache off (what is measured is
rendering, with the data cache as it is), requests with Django's test client:

1. the home page, warm (the data cache filled by earlier requests, as between two
   publications);
2. the home page right after one news article was published (`save_revision().publish()`,
   as Approvazione's "Pubblica" does);
3. the home page after an unrelated snippet (a venue) is saved, and after the contact
   details are published (the two other kinds of change);
4. the intake form's GET, each time as a new visitor (no cookies), warm in both languages
   and after a venue is saved (its venue field rendered again: programme.forms);
5. uncached content pages, warm, for comparison: the programme sheet, a standard page
   (the FAQ) and the groups page (the list of groups, programme.public_lists).

`--warm-only` measures only the warm pages (home, the three content pages): a quicker
before/after of rendering itself (issue 23). `--profile DIR` runs the same requests
under cProfile instead (no valgrind), 20 times each, and writes one `.prof` file per page
to DIR: where the Python time goes (`python -m pstats`).

Each request is counted in CPU instructions by valgrind's callgrind (`--dump-before` on a
marker function, `os.sched_yield`, called between two requests: one dump per request,
start-up excluded) and in SQL queries; without valgrind (`--no-callgrind`) in CPU
milliseconds (`time.process_time`, median of 20). Load never leaves the process.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.server import HOST, PY, ROOT, production_env  # noqa: E402

MARKER = "sched_yield"  # the C function whose every call starts a new callgrind dump
REPEATS = 20  # per request, for CPU ms when valgrind is not used
# Under callgrind, each warm page is measured this many times in a row: one request's
# count may or may not hold a pass of Python's garbage collector (6.5 M instructions of
# one home request measured once), so the report gives their mean (what a request costs
# on average, the collector's passes shared out) and their minimum.
CALLGRIND_ROUNDS = 5
MEASURED = [
    # (label, what happens before the measured request, path, new visitor each time)
    ("home, warm", None, "/it/", False),
    ("home, after a news article is published", "publish-news", "/it/", False),
    ("home, after a venue is saved", "save-venue", "/it/", False),
    ("home, after the contact details are published", "publish-contacts", "/it/", False),
    ("programme sheet, warm", None, "/it/programma/", False),
    ("standard page (FAQ), warm", None, "/it/domande-frequenti/", False),
    ("groups page, warm", None, "/it/gruppi/", False),
    ("news index, after an article is published", "publish-news", "/it/notizie/", False),
    ("intake form GET, warm (new visitor)", None, "/it/partecipa/", True),
    ("intake form GET in English, warm (new visitor)", None, "/en/apply/", True),
    ("intake form GET, after a venue is saved (new visitor)", "save-venue", "/it/partecipa/",
     True),
]


def log(message):
    print(f"[cold] {message}", file=sys.stderr, flush=True)


# --- Django side (a child process, possibly under valgrind) --------------------------------


def _change(kind):
    """Make the change an editor would make; returns nothing."""
    from home.models import ContactDetails
    from programme.models import NewsPage, Venue

    if kind == "publish-news":
        news = NewsPage.objects.live().filter(locale__language_code="it").first()
        news.title = news.title.rstrip("!") + "!"
        news.save_revision().publish()
    elif kind == "save-venue":
        venue = Venue.objects.filter(live=True).first()
        venue.save()
    elif kind == "publish-contacts":
        details = ContactDetails.objects.filter(live=True).first()
        details.save_revision().publish()


def _measured(warm_only):
    return [row for row in MEASURED if not warm_only or (row[1] is None and not row[3])]


def django_side(use_marker, warm_only=False, profile_dir=None):
    import django

    os.environ["PAGE_CACHE_SECONDS"] = "0"  # rendering, with the data cache as it is
    django.setup()
    from http.cookies import SimpleCookie

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    port = os.environ["COLD_PORT"]

    def get(path, fresh):
        if fresh:  # a new visitor: no cookies (a new Client would load the middleware)
            shared.cookies = SimpleCookie()
        response = shared.get(path, secure=True)
        assert response.status_code == 200, (path, response.status_code)
        return response

    shared = Client(HTTP_HOST=f"{HOST}:{port}")
    measured = _measured(warm_only)
    # Warm the process: every path once (templates compiled, modules imported).
    for _label, _change_kind, path, fresh in measured:
        get(path, fresh)
        get(path, fresh)
    if profile_dir:
        import cProfile

        for label, _change_kind, path, fresh in measured:
            get(path, fresh)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(REPEATS):
                get(path, fresh)
            profiler.disable()
            name = "".join(c if c.isalnum() else "-" for c in label.split(",")[0])
            profiler.dump_stats(os.path.join(profile_dir, f"{name}.prof"))
        print("JSON []", flush=True)
        return
    results = []
    for label, change_kind, path, fresh in measured:
        get(path, fresh)  # the data cache filled, whatever the last step cleared
        cpu = []
        queries = None
        rounds = (1 if change_kind else CALLGRIND_ROUNDS) if use_marker else REPEATS
        for _ in range(rounds):
            if change_kind:
                _change(change_kind)
            if use_marker:
                os.sched_yield()  # the dump before the measured request
            start = time.process_time()
            with CaptureQueriesContext(connection) as captured:
                get(path, fresh)
            cpu.append(time.process_time() - start)
            if use_marker:
                os.sched_yield()  # the dump of the measured request ends here
            queries = len(captured)
        results.append({"label": label, "queries": queries, "rounds": rounds,
                        "cpu_ms": statistics.median(cpu) * 1000})
    print("JSON " + json.dumps(results), flush=True)


# --- Driver -------------------------------------------------------------------------------


def _build(workdir, env):
    log("migrating a throwaway database and loading the demo content")
    for args in (["migrate", "--no-input", "-v0"], ["load_demo_content"]):
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    shutil.copyfile(workdir / "db.sqlite3", workdir / "template.sqlite3")


def _instructions_per_request(outdir, count=None):
    """Instructions of each measured request, in order, from callgrind's dumps.

    Part 1 is start-up and warming; then for each request a dump ends before it (the
    change and the cache warming) and one ends after it (the request itself)."""
    parts = {}
    for dump in outdir.glob("callgrind.out.*"):
        part = total = None
        for line in dump.read_text(errors="replace").splitlines():  # totals: at the end
            if line.startswith("part:"):
                part = int(line.split()[1])
            elif line.startswith("totals:"):
                total = int(line.split()[1])
        if part is not None and total is not None:
            parts[part] = total
    ordered = [parts[key] for key in sorted(parts)]
    # parts: [start-up..first marker, request 1, between, request 2, between, ..., tail]
    return ordered[1::2][:count]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--django-side", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--marker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--reuse", help="a kept work folder (its demo database)")
    parser.add_argument("--no-callgrind", action="store_true",
                        help="CPU milliseconds instead of instructions")
    parser.add_argument("--warm-only", action="store_true",
                        help="only the warm pages: home and three content pages")
    parser.add_argument("--profile", help="cProfile each warm page into this folder")
    args = parser.parse_args()
    if args.django_side:
        django_side(args.marker, args.warm_only, args.profile)
        return 0
    if args.profile:
        args.warm_only = args.no_callgrind = True
        Path(args.profile).mkdir(parents=True, exist_ok=True)

    callgrind = not args.no_callgrind and shutil.which("valgrind")
    if not args.no_callgrind and not callgrind:
        log("valgrind is missing (apt-get install valgrind): measuring CPU ms instead")
    if args.reuse:
        workdir = Path(args.reuse).resolve()
    else:
        workdir = ROOT / "benchmarks" / "results" / f"{datetime.now():%Y%m%d-%H%M%S}-cold"
        workdir.mkdir(parents=True)
    env = {**production_env(workdir, 8000), "COLD_PORT": "8000"}
    try:
        if not (workdir / "template.sqlite3").exists():
            _build(workdir, env)
        shutil.copyfile(workdir / "template.sqlite3", workdir / "db.sqlite3")
        shutil.rmtree(workdir / "cache", ignore_errors=True)
        command = [PY, str(Path(__file__).resolve()), "--django-side"]
        if args.warm_only:
            command.append("--warm-only")
        if args.profile:
            command += ["--profile", str(Path(args.profile).resolve())]
        outdir = workdir / "callgrind"
        shutil.rmtree(outdir, ignore_errors=True)
        outdir.mkdir()
        if callgrind:
            command = ["valgrind", "--tool=callgrind", f"--dump-before={MARKER}",
                       f"--callgrind-out-file={outdir}/callgrind.out.%p", *command, "--marker"]
            log("measuring under callgrind (a few minutes)")
        else:
            log("measuring CPU time")
        child = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if child.returncode:
            sys.stderr.write(child.stdout[-5000:] + child.stderr[-5000:])
            raise SystemExit("the Django side failed")
        line = next(line for line in child.stdout.splitlines() if line.startswith("JSON "))
        results = json.loads(line.removeprefix("JSON "))
        if args.profile:
            log(f"profiles written to {args.profile}")
            return 0
        if callgrind:
            counts = iter(_instructions_per_request(outdir))
            for row in results:
                each = [next(counts) for _ in range(row.get("rounds", 1))]
                row["instructions"] = statistics.mean(each)
                row["instructions_min"] = min(each)
    finally:
        if not args.keep and not args.reuse:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report(results, bool(callgrind)))
    return 0


def report(results, callgrind):
    warm = next(row for row in results if row["label"] == "home, warm")
    unit = "M instructions" if callgrind else "CPU ms"
    lines = [f"| request | queries | {unit} (mean) | lowest | × home warm |",
             "|---|---:|---:|---:|---:|"]
    for row in results:
        cost = row["instructions"] / 1e6 if callgrind else row["cpu_ms"]
        base = warm["instructions"] / 1e6 if callgrind else warm["cpu_ms"]
        lowest = f"{row['instructions_min'] / 1e6:.1f}" if callgrind else "–"
        lines.append(f"| {row['label']} ({row.get('rounds', 1)}×) | {row['queries']} | "
                     f"{cost:.1f} | {lowest} | {cost / base:.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

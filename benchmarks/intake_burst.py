"""200 people press "Invia" at the same moment: `make bench-intake` (see benchmarks/README.md).

Builds a throwaway site (migrated database with the demo content, file cache) under
benchmarks/results/<date-time>-intake/, prepares COUNT valid intake submissions (each its
own solved ALTCHA challenge, its own form token and CSRF cookie, as COUNT browsers would
hold), starts gunicorn with the production settings, releases every submission at once
from COUNT threads, and then checks, for each person:

- the POST answered 302 to the confirmation page (a "success answer");
- the confirmation page, opened with that person's session, shows a reference code;
- the database holds COUNT new requests, one per person, with exactly those codes, and
  COUNT confirmation emails waiting in the task queue.

It prints a markdown report (also saved as report.md) and exits non-zero if any of the
COUNT submissions was not answered, stored and confirmed. tests/test_intake_burst.py
runs the same code with fewer people.
"""

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path

if __package__ in (None, ""):  # run as a script: benchmarks/intake_burst.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.server import HOST, PY, ROOT, free_port, gunicorn, production_env  # noqa: E402

INTAKE_PATH = "/it/partecipa/"
MARKER = "burst"  # in the last names and email addresses of the submissions sent here
REFERENCE = re.compile(r"MA-\d{4}-\d{5}")


# --- The site ------------------------------------------------------------------------------


def site_env(workdir, port, *, settings="website.settings.production", database_url=None):
    """The production environment of benchmarks/run.py, on `database_url` if given."""
    env = production_env(workdir, port)
    env["DJANGO_SETTINGS_MODULE"] = settings
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def build_site(env):
    """Migrate the database and load the demo content (what `make run` does)."""
    for args in (["migrate", "--no-input", "-v0"], ["load_demo_content"]):
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)


def django_child(env, *args):
    """Run this file's Django side in a child process with `env`; its JSON answer."""
    child = subprocess.run([PY, __file__, "--django-side", *args], cwd=ROOT, env=env,
                           capture_output=True, text=True)
    if child.returncode:
        raise RuntimeError(f"django side {args} failed:\n{child.stdout}{child.stderr}")
    line = next(line for line in child.stdout.splitlines() if line.startswith("JSON "))
    return json.loads(line.removeprefix("JSON "))


# --- The burst -----------------------------------------------------------------------------


def send_all_at_once(port, submissions):
    """POST every submission from a thread of its own, all released together; then each
    person opens the confirmation page with the session their POST started.

    Returns one dict per person: status, location, seconds, the reference shown."""
    origin = f"https://{HOST}:{port}"
    start = threading.Barrier(len(submissions))

    def one(submission):
        conn = HTTPConnection(HOST, port, timeout=120)
        conn.connect()  # connected before the barrier: the POSTs, not the handshakes, race
        start.wait()
        began = time.perf_counter()
        conn.request("POST", INTAKE_PATH, body=submission["body"], headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": submission["cookie"], "Origin": origin,
            "X-Forwarded-Proto": "https", "Host": f"{HOST}:{port}",
        })
        response = conn.getresponse()
        response.read()
        result = {"status": response.status, "seconds": time.perf_counter() - began,
                  "location": response.getheader("Location", ""), "reference": ""}
        cookies = SimpleCookie()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                cookies.load(value)
        conn.close()
        if response.status == 302:
            session = "; ".join(f"{key}={morsel.value}" for key, morsel in cookies.items())
            conn = HTTPConnection(HOST, port, timeout=120)
            conn.request("GET", result["location"], headers={
                "Cookie": f"{submission['cookie']}; {session}",
                "X-Forwarded-Proto": "https", "Host": f"{HOST}:{port}",
            })
            page = conn.getresponse()
            found = REFERENCE.search(page.read().decode())
            result["confirmation_status"] = page.status
            result["reference"] = found.group(0) if found else ""
            conn.close()
        return result

    with ThreadPoolExecutor(max_workers=len(submissions)) as pool:
        return list(pool.map(one, submissions))


def prepare(env, count):
    """`count` valid submissions for the site of `env` (see `submissions`)."""
    return django_child(env, "bodies", str(count))


def run_burst(env, port, submissions, *, workers=2, threads=4):
    """Serve the site, send the submissions at once, and check every person's outcome
    against the database. Returns the figures of the report."""
    before = django_child(env, "stored")
    with gunicorn(env, port, workers=workers, threads=threads):
        began = time.perf_counter()
        results = send_all_at_once(port, submissions)
        wall = time.perf_counter() - began
    after = django_child(env, "stored")
    new_references = sorted(set(after["references"]) - set(before["references"]))
    shown = sorted(result["reference"] for result in results if result["reference"])
    confirmation = INTAKE_PATH + "conferma/"
    successes = sum(1 for result in results
                    if result["status"] == 302 and result["location"] == confirmation
                    and result["confirmation_status"] == 200 and result["reference"])
    latencies = sorted(result["seconds"] for result in results)
    return {
        "count": len(submissions),
        "workers": workers,
        "threads": threads,
        "database": env["DATABASE_URL"].split(":", 1)[0],
        "statuses": {str(status): sum(1 for r in results if r["status"] == status)
                     for status in sorted({r["status"] for r in results})},
        "successes": successes,
        "stored": after["count"] - before["count"],
        "emails_queued": after["emails"] - before["emails"],
        "references_shown": len(shown),
        "references_distinct": len(set(shown)),
        "references_match": shown == new_references,
        "wall_seconds": wall,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[max(0, round(0.95 * len(latencies)) - 1)] * 1000,
        "max_ms": latencies[-1] * 1000,
    }


def all_good(figures):
    count = figures["count"]
    return (figures["successes"] == figures["stored"] == figures["emails_queued"] == count
            and figures["references_distinct"] == count and figures["references_match"])


def report(figures):
    lines = [
        f"## Intake burst: {figures['count']} submissions at once",
        "",
        f"gunicorn {figures['workers']} workers × {figures['threads']} threads, production "
        f"settings, {figures['database']}; every submission released by a barrier from a "
        "thread of its own.",
        "",
        "| figure | value |",
        "|---|--:|",
        f"| submissions sent at once | {figures['count']} |",
        f"| success answers (302 to the confirmation, which shows a code) | "
        f"{figures['successes']} |",
        f"| answers by status | "
        f"{', '.join(f'{s}: {n}' for s, n in figures['statuses'].items())} |",
        f"| rows stored | {figures['stored']} |",
        f"| confirmation emails queued | {figures['emails_queued']} |",
        f"| distinct reference codes shown | {figures['references_distinct']} |",
        f"| codes shown = codes stored | {'yes' if figures['references_match'] else 'NO'} |",
        f"| all answered in | {figures['wall_seconds']:.2f} s |",
        f"| POST latency p50 / p95 / max | {figures['p50_ms']:.0f} / "
        f"{figures['p95_ms']:.0f} / {figures['max_ms']:.0f} ms |",
        "",
        "Result: " + ("every submission answered, stored and confirmed."
                      if all_good(figures) else "SUBMISSIONS LOST OR REFUSED."),
    ]
    return "\n".join(lines)


# --- Django side (a child process with the site's environment) -----------------------------


def django_side(command, *args):
    import django

    django.setup()
    if command == "bodies":
        print("JSON " + json.dumps(submissions(int(args[0]))))
    elif command == "one-cookie-bodies":  # for wrk's post.lua (benchmarks/cluster.py)
        from django.test.utils import override_settings

        from benchmarks.run import intake_bodies

        with override_settings(ALTCHA_MAX_NUMBER=1000):
            bodies, cookie = intake_bodies(int(args[0]))
        print("JSON " + json.dumps({"bodies": bodies, "cookie": cookie}))
    elif command == "stored":
        from django_tasks_db.models import DBTaskResult

        from programme.models import ParticipationRequest

        ours = ParticipationRequest.objects.filter(email__startswith=f"{MARKER}-")
        print("JSON " + json.dumps({
            "count": ours.count(),
            "references": list(ours.values_list("reference", flat=True)),
            "emails": DBTaskResult.objects.count(),
        }))


def submissions(count):
    """`count` valid intake submissions as `count` browsers would send them: each has its
    own CSRF cookie, form token (shown a minute ago) and solved ALTCHA challenge."""
    from urllib.parse import parse_qsl, urlencode

    from django.test.utils import override_settings

    from benchmarks.run import intake_bodies

    result = []
    with override_settings(ALTCHA_MAX_NUMBER=1000):  # quick to solve, for the benchmark
        for n in range(count):
            (body,), cookie = intake_bodies(1)
            fields = dict(parse_qsl(body))
            fields.update(last_name=f"{MARKER.title()} {n}",
                          email=f"{MARKER}-{n}@example.org")
            result.append({"body": urlencode(fields), "cookie": cookie})
    return result


# --- Command line --------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    options = parser.parse_args()

    results_dir = ROOT / "benchmarks" / "results"
    for old in sorted(results_dir.glob("20*-intake"))[:-2]:  # keep the last two runs
        shutil.rmtree(old, ignore_errors=True)
    workdir = results_dir / (datetime.now().strftime("%Y%m%d-%H%M%S") + "-intake")
    workdir.mkdir(parents=True)
    if not (ROOT / "static_collected" / "staticfiles.json").exists():
        raise SystemExit("no collected static files: run `make static` first")
    port = free_port()
    env = site_env(workdir, port)
    print(f"[burst] site in {workdir.relative_to(ROOT)}: migrate and demo content",
          file=sys.stderr, flush=True)
    build_site(env)
    print(f"[burst] {options.count} submissions at once", file=sys.stderr, flush=True)
    figures = run_burst(env, port, prepare(env, options.count), workers=options.workers,
                        threads=options.threads)
    text = report(figures)
    (workdir / "report.md").write_text(text + "\n")
    print(text)
    if not all_good(figures):
        raise SystemExit(1)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--django-side":
        django_side(*sys.argv[2:])
    else:
        main()

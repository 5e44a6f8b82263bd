"""50 people press "Conferma" for the same slot at the same moment: `make bench-booking`
(see benchmarks/README.md).

Builds a throwaway site (migrated database with the demo content, file cache) under
benchmarks/results/<date-time>-booking/, chooses the next slot of the demo's "Postazione
informatica" at Villa Scheibler (10 places), prepares COUNT valid final POSTs of the
booking's summary step (each its own solved ALTCHA challenge, form token, CSRF cookie,
name and email, as COUNT browsers would hold), starts gunicorn with the production
settings, releases every POST at once from COUNT threads, and then sorts each person's
answer:

- confirmed: 303 to the confirmation page, which shows `data-booking-reference`;
- told full: 200, the day's free times again with `data-booking-outcome="full"`;
- error: anything else (a 5xx, a refusal, a missing marker).

It prints a markdown table (also saved as report.md) and exits non-zero unless exactly
the slot's places were confirmed, everyone else was told it is full, nobody got an error,
and the database holds as many bookings of the slot as confirmations, with distinct
places and the references shown. tests/test_booking_burst.py runs the same code with
fewer people and places, on SQLite and on PostgreSQL.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from http.client import HTTPConnection
from pathlib import Path

if __package__ in (None, ""):  # run as a script: benchmarks/booking_burst.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.intake_burst import build_site, site_env  # noqa: E402
from benchmarks.server import HOST, PY, ROOT, free_port, gunicorn  # noqa: E402

MARKER = "burst"  # in the last names and email addresses of the people sent here
REFERENCE = re.compile(r'data-booking-reference="(PA-\d{4}-\d{5,})"')
FULL = 'data-booking-outcome="full"'


def django_child(env, *args):
    """Run this file's Django side in a child process with `env`; its JSON answer."""
    child = subprocess.run([PY, __file__, "--django-side", *args], cwd=ROOT, env=env,
                           capture_output=True, text=True)
    if child.returncode:
        raise RuntimeError(f"django side {args} failed:\n{child.stdout}{child.stderr}")
    line = next(line for line in child.stdout.splitlines() if line.startswith("JSON "))
    return json.loads(line.removeprefix("JSON "))


def prepare(env, count, *, places=None, taken=0):
    """The slot and `count` final POSTs for the site of `env`: {"path", "service",
    "slot", "places", "posts": [{"body", "cookie"}]}. `places`: None for the demo's
    workstation (10 places), else a service of its own with that many places per slot;
    `taken`: places booked beforehand (so that the burst races for the last ones)."""
    return django_child(env, "prepare", str(count), str(places or 0), str(taken))


# --- The burst -----------------------------------------------------------------------------


def send_all_at_once(port, path, posts):
    """POST every body from a thread of its own, all released together; a 303 is followed
    (the confirmation page names the booking by its signed token). One dict per person:
    {"status", "outcome": "confirmed"/"full"/"error", "reference", "seconds"}."""
    origin = f"https://{HOST}:{port}"
    start = threading.Barrier(len(posts))
    headers = {"X-Forwarded-Proto": "https", "Host": f"{HOST}:{port}"}

    def one(post):
        conn = HTTPConnection(HOST, port, timeout=120)
        conn.connect()  # connected before the barrier: the POSTs, not the handshakes, race
        start.wait()
        began = time.perf_counter()
        conn.request("POST", path, body=post["body"], headers={
            **headers, "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": post["cookie"], "Origin": origin})
        response = conn.getresponse()
        html = response.read().decode("utf-8", "replace")
        result = {"status": response.status, "seconds": time.perf_counter() - began,
                  "outcome": "error", "reference": ""}
        location = response.getheader("Location", "")
        conn.close()
        if response.status == 303 and location:
            conn = HTTPConnection(HOST, port, timeout=120)
            conn.request("GET", location, headers=headers)
            page = conn.getresponse()
            found = REFERENCE.search(page.read().decode("utf-8", "replace"))
            conn.close()
            if page.status == 200 and found:
                result.update(outcome="confirmed", reference=found.group(1))
        elif response.status == 200 and FULL in html:
            result["outcome"] = "full"
        return result

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        return list(pool.map(one, posts))


def run_burst(env, port, prepared, *, workers=2, threads=4):
    """Serve the site, send the POSTs at once, and check every person's outcome against
    the database. Returns the figures of the report."""
    with gunicorn(env, port, workers=workers, threads=threads):
        began = time.perf_counter()
        results = send_all_at_once(port, prepared["path"], prepared["posts"])
        wall = time.perf_counter() - began
    stored = django_child(env, "stored", str(prepared["service"]), prepared["slot"])
    shown = sorted(r["reference"] for r in results if r["outcome"] == "confirmed")
    latencies = sorted(r["seconds"] for r in results)
    return {
        "count": len(results),
        "places": prepared["places"],
        "free": prepared["places"] - prepared["taken"],
        "taken": prepared["taken"],
        "workers": workers,
        "threads": threads,
        "database": env["DATABASE_URL"].split(":", 1)[0],
        "statuses": {str(status): sum(1 for r in results if r["status"] == status)
                     for status in sorted({r["status"] for r in results})},
        "confirmed": len(shown),
        "full": sum(1 for r in results if r["outcome"] == "full"),
        "errors": sum(1 for r in results if r["outcome"] == "error"),
        "stored": stored["count"] - prepared["taken"],
        "places_distinct": stored["places_distinct"],
        "references_match": shown == sorted(set(stored["references"]) - set(
            prepared["taken_references"])),
        "wall_seconds": wall,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "max_ms": latencies[-1] * 1000,
    }


def all_good(figures):
    free = figures["free"]
    return (figures["confirmed"] == free == figures["stored"]
            and figures["full"] == figures["count"] - free and figures["errors"] == 0
            and figures["places_distinct"] and figures["references_match"])


def report(figures):
    lines = [
        f"## Booking burst: {figures['count']} people at once for {figures['free']} "
        f"free places of one slot",
        "",
        f"gunicorn {figures['workers']} workers × {figures['threads']} threads, production "
        f"settings, {figures['database']}; every final «Conferma» released by a barrier "
        "from a thread of its own.",
        "",
        "| figure | value |",
        "|---|--:|",
        f"| people at once | {figures['count']} |",
        f"| places of the slot (free before) | {figures['places']} ({figures['free']}) |",
        f"| confirmed (a page with its reference) | {figures['confirmed']} |",
        f"| told it is full (the day's times again) | {figures['full']} |",
        f"| errors | {figures['errors']} |",
        f"| answers by status | "
        f"{', '.join(f'{s}: {n}' for s, n in figures['statuses'].items())} |",
        f"| bookings stored | {figures['stored']} |",
        f"| places distinct, references shown = stored | "
        f"{'yes' if figures['places_distinct'] and figures['references_match'] else 'NO'} |",
        f"| all answered in | {figures['wall_seconds']:.2f} s |",
        f"| POST latency p50 / max | {figures['p50_ms']:.0f} / {figures['max_ms']:.0f} ms |",
        "",
        "Result: " + ("never oversold, everyone answered." if all_good(figures)
                      else "OVERSOLD, LOST OR ERRORS."),
    ]
    return "\n".join(lines)


# --- Django side (a child process with the site's environment) -----------------------------


def django_side(command, *args):
    import django

    django.setup()
    if command == "prepare":
        print("JSON " + json.dumps(_prepare(int(args[0]), int(args[1]) or None,
                                            int(args[2]))))
    elif command == "stored":
        from booking.availability import parse_slot_token
        from booking.models.bookings import Booking

        rows = list(Booking.objects.filter(service_id=int(args[0]),
                                           starts_at=parse_slot_token(args[1]))
                    .exclude(status=Booking.Status.CANCELLED).values("place", "reference"))
        places = [row["place"] for row in rows]
        print("JSON " + json.dumps({
            "count": len(rows), "places_distinct": len(set(places)) == len(places),
            "references": [row["reference"] for row in rows]}))


def _slot(service):
    """The first slot from tomorrow on with every place free."""
    import datetime

    from django.utils import timezone

    from booking.availability import slots_of_day

    day = timezone.localdate()
    for _n in range(60):
        day += datetime.timedelta(days=1)
        for slot in slots_of_day(service, day):
            if slot.free == slot.places:
                return slot
    raise RuntimeError(f"no free slot of {service} in the next 60 days")


def _burst_service(places):
    """A service of its own at the demo venue, open every day 9–10, `places` places."""
    import datetime

    from django.utils import timezone
    from wagtail.models import Locale

    from booking.models.bookings import BookableService, OpeningRule
    from programme.models.venues import Venue

    venue = Venue.objects.filter(locale=Locale.get_default()).order_by("pk").first()
    service = BookableService.objects.create(
        venue=venue, locale=venue.locale, name=f"Prova di carico {places}",
        reasons=[("reason", "Prova")], bookings_per_week=5, sort_order=99)
    OpeningRule.objects.create(
        service=service, weekdays=list(range(7)), opens=datetime.time(9),
        closes=datetime.time(10), slot_minutes=60, places=places,
        valid_from=timezone.localdate(), open_on_public_holidays=True)
    return service


def _prepare(count, places, taken):
    import base64
    import urllib.parse

    from altcha import v1 as altcha_v1
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
    from django.test import RequestFactory
    from django.test.utils import override_settings
    from wagtail.models import Locale

    from antispam.altcha import create_challenge
    from antispam.forms import issue_token
    from booking.availability import slot_token
    from booking.bookings import book
    from booking.forms import ConfirmForm
    from booking.models.booking_page import BookingPage
    from booking.models.bookings import BookableService

    if places:
        service = _burst_service(places)
    else:
        service = BookableService.objects.get(locale=Locale.get_default(),
                                              name="Postazione informatica")
    slot = _slot(service)
    reason = service.reason_choices()[0][0]
    taken_references = []
    for n in range(taken):
        taken_references.append(book(service=service, starts_at=slot.starts_at, data={
            "reason": reason, "details": "", "first_name": "Già", "last_name": f"Prenotato {n}",
            "email": f"gia-{n}@example.org", "phone": ""}, language="it").reference)
    page = BookingPage.objects.get(locale=Locale.get_default())
    path = page.url + page.reverse_subpage("summary")
    honeypot = ConfirmForm(request=RequestFactory().get("/")).honeypot_field_name
    token = issue_token(ConfirmForm.spam_form_name, issued_at=time.time() - 60)
    posts = []
    with override_settings(ALTCHA_MAX_NUMBER=1000):  # quick to solve, for the benchmark
        for n in range(count):
            secret = _get_new_csrf_string()
            challenge = create_challenge()
            solution = altcha_v1.solve_challenge(
                challenge["challenge"], challenge["salt"], challenge["algorithm"],
                challenge["maxnumber"])
            payload = {key: challenge[key] for key in ("algorithm", "challenge", "salt",
                                                       "signature")}
            payload.update(number=solution.number, took=1000)
            fields = {
                "csrfmiddlewaretoken": _mask_cipher_secret(secret),
                "service": str(service.pk), "slot": slot_token(slot.starts_at),
                "reason": reason, "details": "",
                "first_name": "Giulia", "last_name": f"{MARKER.title()} {n}",
                "email": f"{MARKER}-{n}@example.org", "phone": "",
                "privacy": "on", "confirm": "1", "form_token": token,
                "altcha": base64.b64encode(json.dumps(payload).encode()).decode(),
                honeypot: "",
            }
            posts.append({"body": urllib.parse.urlencode(fields),
                          "cookie": f"{settings.CSRF_COOKIE_NAME}={secret}"})
    return {"path": path, "service": service.pk, "slot": slot_token(slot.starts_at),
            "places": slot.places, "taken": taken, "taken_references": taken_references,
            "posts": posts}


# --- Command line --------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    options = parser.parse_args()

    results_dir = ROOT / "benchmarks" / "results"
    for old in sorted(results_dir.glob("20*-booking"))[:-2]:  # keep the last two runs
        shutil.rmtree(old, ignore_errors=True)
    workdir = results_dir / (datetime.now().strftime("%Y%m%d-%H%M%S") + "-booking")
    workdir.mkdir(parents=True)
    if not (ROOT / "static_collected" / "staticfiles.json").exists():
        raise SystemExit("no collected static files: run `make static` first")
    port = free_port()
    env = site_env(workdir, port)
    print(f"[booking] site in {workdir.relative_to(ROOT)}: migrate and demo content",
          file=sys.stderr, flush=True)
    build_site(env)
    print(f"[booking] {options.count} people at once for one slot", file=sys.stderr,
          flush=True)
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

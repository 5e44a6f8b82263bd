"""Does sign-up tell by its timing which emails have an account? `make bench-signup`.

Builds a throwaway site (migrated database with the demo content, file cache) under
benchmarks/results/<date-time>-signup/, creates COUNT accounts ("known" emails), starts
gunicorn with the production settings (PBKDF2 as in production, mail queued as in
production) and signs up COUNT times with a known email and COUNT times with a new one,
alternating (known first, then new first, and so on: neither kind profits from a warmer
server), each sign-up as a new visitor: its own address (X-Forwarded-For behind one
trusted proxy, so allauth's 20-a-minute sign-up limit per IP is not what is measured),
a GET of the form for a fresh CSRF cookie and token, then the timed POST, which must
answer 302 to the "verify your email" page like every other.

Prints the median and 90th percentile of each kind, their difference in ms and their
ratio, and exits non-zero when the medians differ by more than the tolerance: more than
TOLERANCE_MS *and* more than TOLERANCE_RATIO. Why those numbers: before the fix the new
email paid one PBKDF2 hash (Django's 1,000,000 iterations) that the known email did not:
medians of 7 ms and 240 ms on a 2-core machine (a ratio of 32); with both paths hashing
once the difference left is the two rows a new account inserts (a few ms; 6 ms, 1.02 on
the same machine busy with other tests). A 50 ms / 25 % tolerance catches the hash coming
back on one side (or an in-request SMTP send, tens to hundreds of ms) and does not fail on
a busy machine's noise between two medians of 15.

Load goes to 127.0.0.1 only; the run takes about a minute (under two on a busy machine).
"""

import argparse
import re
import shutil
import statistics
import sys
import time
from datetime import datetime
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):  # run as a script: benchmarks/signup_timing.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.intake_burst import build_site  # noqa: E402
from benchmarks.server import HOST, PY, ROOT, free_port, gunicorn, production_env  # noqa: E402

SIGNUP_PATH = "/it/accounts/signup/"
VERIFY_PATH = "/it/accounts/confirm-email/"
PASSWORD = "Benchmark-password-2026"  # noqa: S105
TOLERANCE_MS = 50.0
TOLERANCE_RATIO = 1.25
WARM_UP = 2  # sign-ups of each kind before measuring (each gunicorn worker's first)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log(message):
    print(f"[bench-signup] {message}", file=sys.stderr, flush=True)


def create_known_accounts(env, emails):
    """Verified accounts for `emails` (unusable passwords: sign-up never checks them)."""
    import subprocess

    code = (
        "from allauth.account.models import EmailAddress\n"
        "from django.contrib.auth import get_user_model\n"
        f"for email in {emails!r}:\n"
        "    user = get_user_model().objects.create_user(\n"
        "        username=email.split('@')[0], email=email, password=None)\n"
        "    EmailAddress.objects.create(user=user, email=email, verified=True,\n"
        "                                primary=True)\n"
    )
    subprocess.run([PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def sign_up(port, email, visitor):
    """One visitor (`visitor`: a number, its address 10.x.y.z) signs up with `email`.
    Returns the POST's duration in seconds; raises if the answer is not the redirect to
    the verification page."""
    origin = f"https://{HOST}:{port}"
    address = f"10.{visitor // 65536 % 256}.{visitor // 256 % 256}.{visitor % 256}"
    headers = {"X-Forwarded-Proto": "https", "Host": f"{HOST}:{port}",
               "X-Forwarded-For": address}
    conn = HTTPConnection(HOST, port, timeout=60)
    conn.request("GET", SIGNUP_PATH, headers=headers)
    form = conn.getresponse()
    page = form.read().decode()
    if form.status != 200:
        raise RuntimeError(f"GET {SIGNUP_PATH} answered {form.status}")
    cookies = SimpleCookie()
    for header, value in form.getheaders():
        if header.lower() == "set-cookie":
            cookies.load(value)
    cookie = "; ".join(f"{key}={morsel.value}" for key, morsel in cookies.items())
    token = CSRF_INPUT.search(page).group(1)
    body = urlencode({"csrfmiddlewaretoken": token, "email": email,
                      "password1": PASSWORD, "password2": PASSWORD})
    conn.close()

    conn = HTTPConnection(HOST, port, timeout=60)
    conn.connect()  # the POST is timed, not the handshake
    began = time.perf_counter()
    conn.request("POST", SIGNUP_PATH, body=body, headers={
        **headers, "Cookie": cookie, "Origin": origin,
        "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    seconds = time.perf_counter() - began
    conn.close()
    location = response.getheader("Location", "")
    if response.status != 302 or location != VERIFY_PATH:
        raise RuntimeError(f"sign-up with {email} answered {response.status} {location!r}")
    return seconds


def percentile(values, fraction):
    """Nearest-rank percentile of `values` (fraction 0-1)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def verdict(known_ms, new_ms):
    """(difference in ms, ratio slower/faster, within tolerance?) of two lists of ms."""
    known, new = statistics.median(known_ms), statistics.median(new_ms)
    difference = abs(known - new)
    ratio = max(known, new) / min(known, new)
    return difference, ratio, difference <= TOLERANCE_MS or ratio <= TOLERANCE_RATIO


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=15, help="sign-ups of each kind")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway site")
    args = parser.parse_args()

    workdir = ROOT / "benchmarks" / "results" / (
        datetime.now().strftime("%Y%m%d-%H%M%S") + "-signup")
    workdir.mkdir(parents=True)
    port = free_port()
    env = production_env(workdir, port)
    env["TRUSTED_PROXY_COUNT"] = "1"  # each visitor its own address (X-Forwarded-For)
    started = time.perf_counter()
    try:
        log(f"building the site in {workdir.relative_to(ROOT)}")
        build_site(env)
        total = args.count + WARM_UP
        known = [f"known{n}@associazione.example" for n in range(total)]
        create_known_accounts(env, known)
        new = [f"new{n}@associazione.example" for n in range(total)]
        timings = {"known": [], "new": []}
        log(f"gunicorn (production settings), {args.count} sign-ups of each kind")
        with gunicorn(env, port):
            visitor = 0
            for n in range(total):
                pair = [("known", known[n]), ("new", new[n])]
                for kind, email in pair if n % 2 == 0 else reversed(pair):
                    visitor += 1
                    seconds = sign_up(port, email, visitor)
                    if n >= WARM_UP:
                        timings[kind].append(seconds * 1000)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    difference, ratio, good = verdict(timings["known"], timings["new"])
    print(f"## Sign-up timing: known vs new email ({args.count} each, production settings)\n")
    print("| email | median ms | p90 ms | min ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind in ("known", "new"):
        values = timings[kind]
        print(f"| {kind} | {statistics.median(values):.0f} | {percentile(values, 0.9):.0f} "
              f"| {min(values):.0f} | {max(values):.0f} |")
    print(f"\nDifference of the medians: {difference:.0f} ms, ratio {ratio:.2f} "
          f"(tolerance: {TOLERANCE_MS:.0f} ms or {TOLERANCE_RATIO:.2f}). "
          f"{'Within tolerance.' if good else 'OUT OF TOLERANCE: timing tells the emails apart.'}")
    log(f"done in {time.perf_counter() - started:.0f} s")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())

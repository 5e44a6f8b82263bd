"""The site's benchmark: `make bench` (see benchmarks/README.md).

Starts the production configuration on loopback (gunicorn with 2 workers, DEBUG off,
whitenoise serving the collected static files, SQLite with the demo content in a
throwaway folder under benchmarks/results/; the search index built with
`manage.py update_index`, since no worker runs the indexing the demo load queues), then
prints, as markdown:

1. each page's throughput under wrk (requests/s, p50/p95/p99 latency, errors), and as a
   ratio to a static HTML file the size of the home page served by the same server;
2. each page's SQL query count and median in-process render time (Django's test client,
   50 requests, page cache off, the data caches warm);
3. the intake form's POST: requests/s, and proof that every accepted submission was
   stored (rows counted before and after);
4. the home page's first-visit transfer size (compressed), asset by asset, with every
   font fonts.css declares (an upper bound);
5. the first visit of every public page type as Chromium makes it, against the budgets
   of issue 23 (benchmarks/page_weight.py: 100 KB for the home page, 150 KB for others).

Load goes to 127.0.0.1 only. The whole run takes about three minutes.
"""

import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
from datetime import datetime
from html.parser import HTMLParser
from http.client import HTTPConnection
from pathlib import Path

if __package__ in (None, ""):  # run as a script: benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.page_weight import measure_pages, public_paths  # noqa: E402
from benchmarks.page_weight import report as page_weight_report  # noqa: E402
from benchmarks.server import HOST, PY, ROOT, free_port, gunicorn, production_env  # noqa: E402

WORKERS = 2
THREADS = int(os.environ.get("BENCH_THREADS", "1"))  # gunicorn gthread threads per worker
WRK_THREADS, WRK_CONNECTIONS = 2, 16
DURATION = os.environ.get("BENCH_DURATION", "10s")
RENDERS = 50  # in-process requests per page
POST_BODIES = int(os.environ.get("BENCH_POST_BODIES", "4000"))

PAGES = [
    # (label, path, cached for anonymous visitors)
    ("home", "/it/", True),
    ("programme", "/it/programma/", True),
    ("groups", "/it/gruppi/", True),
    ("news index", "/it/notizie/", True),
    ("news article", "/it/notizie/percorsi-di-mutuo-aiuto/", True),
    ("protocol", "/it/protocollo/", True),
    ("intake form (GET)", "/it/partecipa/", False),
    ("search", "/it/cerca/?q=gruppi", False),
    # Open data (issue 19): cached like pages, under the page version.
    ("HSDS services", "/api/hsds/services", True),
    ("HSDS services, full", "/api/hsds/services?full=true", True),
    ("groups dataset (CSV)", "/it/dati-aperti/gruppi.csv", True),
]
INTAKE_PATH = "/it/partecipa/"
CEILING_NAME = "bench-ceiling.html"


# --- Helpers ------------------------------------------------------------------------------


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def manage(env, *args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def request(port, path, method="GET", headers=None, body=None):
    conn = HTTPConnection(HOST, port, timeout=30)
    conn.request(method, path, body=body,
                 headers={"X-Forwarded-Proto": "https", "Host": f"{HOST}:{port}",
                          **(headers or {})})
    response = conn.getresponse()
    data = response.read()
    head = sum(len(f"{k}: {v}\r\n") for k, v in response.getheaders()) + 17
    conn.close()
    return response, data, head


# --- In-process measurements (run in a child process, under Django) ---------------------


def django_side(workdir, port):
    """Query counts, render times, the home page's size and the POST bodies (JSON out)."""
    import django

    os.environ["PAGE_CACHE_SECONDS"] = "0"  # measure rendering, not the page cache
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from programme.models import ParticipationRequest

    results = {}
    client = Client(HTTP_HOST=f"{HOST}:{port}")

    def measure(label, call):
        call()  # warm: routes, menus and renditions are cached as in production
        with CaptureQueriesContext(connection) as queries:
            response = call()
        count = len(queries)  # now: the next request clears Django's query log
        assert response.status_code in (200, 302), (label, response.status_code)
        times = []
        for _ in range(RENDERS):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        results[label] = {"queries": count,
                          "median_ms": statistics.median(times) * 1000}
        return response

    for label, path, _cached in PAGES:
        response = measure(label, lambda path=path: client.get(path, secure=True))
        if label == "home":
            results["home_size"] = len(response.content)
        if label == "search":
            results["search_index"] = search_index_figures(response)

    with override_settings(ALTCHA_MAX_NUMBER=1000):
        bodies, cookie = intake_bodies(POST_BODIES + 2 + RENDERS)
    origin = f"https://{HOST}:{port}"
    post_client = Client(HTTP_HOST=f"{HOST}:{port}", HTTP_ORIGIN=origin,
                         enforce_csrf_checks=True)
    name, value = cookie.split("=", 1)
    post_client.cookies[name] = value
    spare = iter(bodies[POST_BODIES:])
    before = ParticipationRequest.objects.count()
    measure("intake form (POST)", lambda: post_client.post(
        INTAKE_PATH, next(spare), content_type="application/x-www-form-urlencoded",
        secure=True))
    assert ParticipationRequest.objects.count() == before + RENDERS + 2, "POSTs not stored"
    (workdir / "bodies.txt").write_text("\n".join(bodies[:POST_BODIES]) + "\n")
    results["cookie"] = cookie
    print("DJANGO_JSON " + json.dumps(results))


def search_index_figures(response):
    """What the search was measured on: pages in the search index, live pages, and the
    results the measured search showed (its page lists them as <h3> links)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page
    from wagtail.search.models import IndexEntry

    page_types = [model for model in apps.get_models() if issubclass(model, Page)]
    content_types = ContentType.objects.get_for_models(*page_types).values()
    return {
        "indexed_pages": IndexEntry.objects.filter(content_type__in=content_types).count(),
        "live_pages": Page.objects.live().filter(depth__gt=1).count(),
        "results_shown": response.content.decode().count('<h3 class="h5 mb-1">'),
    }


def intake_bodies(count):
    """`count` valid intake submissions, urlencoded, each with its own solved challenge,
    a form token shown a minute ago, and one CSRF token (its cookie is returned)."""
    import base64

    from altcha import v1 as altcha_v1
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    from antispam.altcha import create_challenge
    from antispam.forms import issue_token
    from programme.models import Venue

    secret = _get_new_csrf_string()
    venue = Venue.objects.filter(locale__language_code="it").first()
    token = issue_token("intake", issued_at=time.time() - 60)
    bodies = []
    for n in range(count):
        challenge = create_challenge()
        solution = altcha_v1.solve_challenge(challenge["challenge"], challenge["salt"],
                                             challenge["algorithm"], challenge["maxnumber"])
        payload = {key: challenge[key] for key in ("algorithm", "challenge", "salt",
                                                   "signature")}
        payload.update(number=solution.number, took=1000)
        fields = {
            "csrfmiddlewaretoken": _mask_cipher_secret(secret),
            "first_name": "Giulia", "last_name": f"Prova {n}",
            "email": f"prova{n}@example.org", "phone": "02 884 47502",
            "preferred_channel": "email", "employment_status": "unemployed",
            "since_month": "3", "since_year": "2026",
            "preferred_venue": str(venue.pk) if venue else "",
            "preferred_times": "mornings", "heard_from": "flyer",
            "note": "Richiesta del benchmark.", "privacy": "on",
            "form_token": token,
            "altcha": base64.b64encode(json.dumps(payload).encode()).decode(),
            "website": "",
        }
        bodies.append(urllib.parse.urlencode(fields))
    return bodies, f"{settings.CSRF_COOKIE_NAME}={secret}"


# --- Load ----------------------------------------------------------------------------------


def wrk(port, path, script, *args):
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{DURATION}",
               "--timeout", "10s", "-s", str(ROOT / "benchmarks" / script),
               f"http://{HOST}:{port}{path}"]
    if args:
        command += ["--", *args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    result = json.loads(line.removeprefix("BENCH_JSON "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[key] for key in ("connect", "read", "write", "status",
                                                   "timeout"))
    return result


def server_cpu_seconds(master_pid):
    """CPU time (user + system) the gunicorn workers have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def measured(master_pid, run):
    """wrk's result, with the server CPU time each request cost (what the machine's
    other load does not change)."""
    before = server_cpu_seconds(master_pid)
    result = run()
    spent = server_cpu_seconds(master_pid) - before
    result["cpu_ms"] = spent * 1000 / max(result["requests"], 1)
    return result


def stored_requests(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM programme_participationrequest").fetchone()[0]


# --- Home page transfer size ---------------------------------------------------------------


class AssetFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        rel = (a.get("rel") or "").split()
        if tag == "link" and ({"stylesheet", "icon", "preload"} & set(rel)) and a.get("href"):
            self.assets.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.assets.append(a["src"])
        elif tag in ("img", "source") and (a.get("src") or a.get("srcset")):
            # The smallest candidate: what a phone fetches.
            self.assets.append(a.get("src") or a["srcset"].split(",")[0].split()[0])
        elif tag == "use" and a.get("href"):
            self.assets.append(a["href"].split("#")[0])


MODULE_IMPORT = re.compile(r"""(?m)^\s*(?:import|export)\b[^"';]*?["']([^"']+)["']""")


def first_visit(port):
    """Every byte a first visit to the home page transfers (compressed as browsers ask):
    the page, its stylesheets, scripts and the modules they import, icons and images,
    the preloaded fonts, and every font the site's fonts.css declares (more than a page
    really uses: an upper bound)."""
    accept = {"Accept-Encoding": "br, gzip"}
    rows = []
    response, body, head = request(port, "/it/", headers=accept)
    rows.append(("/it/", response.getheader("Content-Encoding") or "identity",
                 len(body) + head, response.getheader("Cache-Control") or ""))
    finder = AssetFinder()
    html = request(port, "/it/")[1].decode()
    finder.feed(html)
    queue = list(dict.fromkeys(finder.assets))
    # ES modules load what they import: relative paths, and bare names through the
    # page's import map (home/static_modules.py).
    import_map = re.search(r'<script type="importmap">(.*?)</script>', html, re.S)
    bare = json.loads(import_map.group(1))["imports"] if import_map else {}
    seen = set()
    while queue:
        url = queue.pop(0)
        if url in seen or not url.startswith("/"):
            continue
        seen.add(url)
        response, body, head = request(port, url, headers=accept)
        assert response.status == 200, (url, response.status)
        rows.append((url, response.getheader("Content-Encoding") or "identity",
                     len(body) + head, response.getheader("Cache-Control") or ""))
        if url.endswith(".js"):
            for specifier in MODULE_IMPORT.findall(request(port, url)[1].decode()):
                queue.append(urllib.parse.urljoin(url, specifier)
                             if specifier.startswith((".", "/")) else bare[specifier])
        if url.endswith(".css") and "fonts" in url:
            css = request(port, url)[1].decode()
            for font in re.findall(r"url\([\"']?([^\"')]+\.woff2)", css):
                queue.append(urllib.parse.urljoin(url, font))
    return rows


def page_weights(port):
    """benchmarks/page_weight.py on this server: {path: [Transfer]}. Skipped (empty)
    without Debian's chromium or playwright."""
    if not shutil.which("chromium"):
        log("chromium missing: no per-page weights (apt-get install -y chromium)")
        return {}
    return measure_pages(f"http://{HOST}:{port}", public_paths(),
                         headers={"X-Forwarded-Proto": "https"})


# --- Report --------------------------------------------------------------------------------


def ms(microseconds):
    return f"{microseconds / 1000:.1f}"


def report(results, inprocess, ceiling, post, stored, assets, home_size):
    lines = [f"## Benchmark ({datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPU cores)", "",
             f"gunicorn {WORKERS} workers × {THREADS} threads (gthread), production settings, "
             f"SQLite, file cache; wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{DURATION} "
             "on 127.0.0.1; in-process: Django test client, median of "
             f"{RENDERS} renders, page cache off.", "",
             "| page | cache | req/s | p50 ms | p95 ms | p99 ms | errors | × ceiling "
             "| server CPU ms/req | SQL queries | render ms (median) |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for label, path, is_cached in PAGES:
        r = results[label]
        i = inprocess[label]
        lines.append(
            f"| {label} `{path}` | {'page cache' if is_cached else 'none'} | {r['rps']:.0f} "
            f"| {ms(r['p50'])} | {ms(r['p95'])} | {ms(r['p99'])} | {r['errors']} "
            f"| {r['rps'] / ceiling['rps']:.0%} | {r['cpu_ms']:.2f} | {i['queries']} "
            f"| {i['median_ms']:.1f} |")
    i = inprocess["intake form (POST)"]
    lines.append(
        f"| intake form (POST) `{INTAKE_PATH}` | none | {post['rps']:.0f} | {ms(post['p50'])} "
        f"| {ms(post['p95'])} | {ms(post['p99'])} | {post['errors'] + post['refused']} "
        f"| {post['rps'] / ceiling['rps']:.0%} | {post['cpu_ms']:.2f} | {i['queries']} "
        f"| {i['median_ms']:.1f} |")
    lines.append(
        f"| static ceiling `/static/{CEILING_NAME}` ({home_size} B) | whitenoise "
        f"| {ceiling['rps']:.0f} | {ms(ceiling['p50'])} | {ms(ceiling['p95'])} "
        f"| {ms(ceiling['p99'])} | {ceiling['errors']} | 100% | {ceiling['cpu_ms']:.2f} | – | – |")
    index = inprocess.get("search_index")
    if index:
        lines += ["", f"Search measured on the built index (`manage.py update_index` after the "
                  f"demo load): {index['indexed_pages']} pages indexed of "
                  f"{index['live_pages']} live; the measured search showed "
                  f"{index['results_shown']} results."]
    load = os.getloadavg()
    lines += [
        "",
        f"Machine load average during the run: {load[0]:.1f} (1 min), {load[1]:.1f} (5 min) "
        f"on {os.cpu_count()} cores. Server CPU ms/req is what each request cost the two "
        "workers; with the machine to itself, the server could answer at most about "
        f"{WORKERS} × 1000 / that figure requests a second (intake POST: "
        f"{WORKERS * 1000 / max(post['cpu_ms'], 0.01):.0f}).",
    ]
    stored_verdict = ("every accepted submission stored" if stored >= post["redirects"]
                      else "MISSING ROWS")
    if stored > post["redirects"]:
        stored_verdict += "; the extra rows are requests cut off by the end of the run"
    lines += [
        "",
        f"Intake POST: {post['requests']} responses, {post['redirects']} accepted (302 to "
        f"the confirmation), {post['refused']} shown again with an error, {post['other']} "
        f"other statuses, {post['errors']} wrk errors; rows stored during the run: {stored} "
        f"({stored_verdict}).",
        "",
        "Home page, first visit (compressed as a browser asks; fonts: every one fonts.css "
        "declares, an upper bound):",
        "",
        "| resource | encoding | bytes | Cache-Control |",
        "| --- | --- | ---: | --- |",
    ]
    for url, encoding, size, cache_control in assets:
        lines.append(f"| `{url}` | {encoding} | {size} | {cache_control} |")
    total = sum(size for _url, _enc, size, _cc in assets)
    lines += ["", f"**Home page first visit, upper bound: {total / 1024:.0f} KB** (every "
              "font counted; the budget is judged on what Chromium fetches, below)."]
    return "\n".join(lines)


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench does it as root)")
    # For experiments: BENCH_REUSE=<a previous run's folder> loads it again without
    # rebuilding it; BENCH_ONLY=word,word measures only the pages whose label has one.
    only = [word for word in os.environ.get("BENCH_ONLY", "").split(",") if word]
    reuse = os.environ.get("BENCH_REUSE")
    if reuse:
        workdir = Path(reuse).resolve()
        port = json.loads((workdir / "inprocess.json").read_text())["port"]
        env = production_env(workdir, port)
        shutil.rmtree(workdir / "cache", ignore_errors=True)  # its used challenges too
    else:
        results_dir = ROOT / "benchmarks" / "results"
        for old in sorted(results_dir.glob("20*"))[:-2]:  # keep the last two runs
            shutil.rmtree(old, ignore_errors=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        workdir = results_dir / stamp
        workdir.mkdir(parents=True)
        port = free_port()
        env = production_env(workdir, port)
        log(f"database, cache and media in {workdir.relative_to(ROOT)}")
        log("migrate and load the demo content")
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_demo_content")
        # The demo load queues the search indexing for the worker, which the bench never
        # starts: build the index now, or search is measured on an empty one.
        log("build the search index")
        manage(env, "update_index")
        log("in-process: query counts, render times, intake bodies")
        child = subprocess.run([PY, __file__, "--django-side", str(workdir), str(port)],
                               cwd=ROOT, env=env, capture_output=True, text=True)
        if child.returncode:
            sys.stderr.write(child.stdout + child.stderr)
            raise SystemExit("in-process measurements failed")
        line = next(line for line in child.stdout.splitlines()
                    if line.startswith("DJANGO_JSON "))
        inprocess = json.loads(line.removeprefix("DJANGO_JSON "))
        inprocess["port"] = port
        (workdir / "inprocess.json").write_text(json.dumps(inprocess))
    inprocess = json.loads((workdir / "inprocess.json").read_text())
    home_size = inprocess["home_size"]

    static_root = ROOT / "static_collected"
    if not (static_root / "staticfiles.json").exists():
        raise SystemExit("no collected static files: run `make static` first")
    ceiling_file = static_root / CEILING_NAME
    ceiling_file.write_bytes((b"<!DOCTYPE html><title>ceiling</title>" + b"x" * home_size)
                             [:home_size])
    log(f"gunicorn on {HOST}:{port}")
    try:
        with gunicorn(env, port, workers=WORKERS, threads=THREADS) as server:
            for _label, path, _cached in PAGES:  # fill the caches, as visitors would
                for _ in range(3):
                    request(port, path)
            results = {}
            log("static ceiling")
            ceiling = measured(server.pid,
                               lambda: wrk(port, f"/static/{CEILING_NAME}", "get.lua"))
            for label, path, _cached in PAGES:
                if only and not any(word in label for word in only):
                    results[label] = ceiling  # not measured this time (BENCH_ONLY)
                    continue
                log(f"GET {path}")
                results[label] = measured(server.pid,
                                          lambda path=path: wrk(port, path, "get.lua"))
            log(f"POST {INTAKE_PATH}")
            before = stored_requests(workdir / "db.sqlite3")
            post = measured(server.pid, lambda: wrk(
                port, INTAKE_PATH, "post.lua", str(workdir / "bodies.txt"), str(WRK_THREADS),
                str(WRK_CONNECTIONS), inprocess["cookie"], f"https://{HOST}:{port}"))
            time.sleep(1)  # requests still in the server when wrk stopped
            stored = stored_requests(workdir / "db.sqlite3") - before
            log("home page transfer size")
            assets = first_visit(port)
            log("first visit of every public page type, in Chromium")
            weights = page_weights(port)
    finally:
        ceiling_file.unlink(missing_ok=True)
    text = report(results, inprocess, ceiling, post, stored, assets, home_size)
    text += ("\n\nFirst visit of every public page type at phone size, measured by Chromium "
             "(every request: headers and body as sent; KB = 1,024 bytes; "
             "benchmarks/page_weight.py):\n\n" + page_weight_report(weights))
    (workdir / "report.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--django-side":
        sys.path.insert(0, str(ROOT))
        django_side(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        main()

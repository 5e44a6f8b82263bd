"""What a first visit to each public page type transfers, measured in Chromium (issue 23).

    .venv/bin/python benchmarks/page_weight.py BASE_URL [--static-as-production]

Each page of tests/browser/helpers.py's PUBLIC_PAGES (both languages) is opened in a new
browser context (empty cache, no cookies: a first visit) at phone size, and every request
the page makes until the network is idle is counted: response headers plus the body as
sent (compressed when the server compressed it), by Chromium's own count
(`Request.sizes()`). Failed requests are listed too. Budgets: HOME_BUDGET for the home
pages, PAGE_BUDGET for every other page.

`make bench` runs this against the production configuration (gunicorn, collectstatic's
compressed files, the page cache), where nothing is estimated. The browser test
(tests/browser/test_page_weight.py) runs it against the test server, which serves static
files as they are on disk: there, `static_as_production` counts a /static/ file's body
as WhiteNoise would send it in production (its Compressor: Brotli when the browser asks
for it, else gzip, only for the types it compresses and when that saves 5 %), computed
from the very bytes the browser received. A development server (`make run`) compresses
neither pages nor static files: its figures are far above what a visitor receives.
"""

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HOME_BUDGET = 100 * 1024  # bytes, the home page's first visit, every request counted
PAGE_BUDGET = 150 * 1024  # bytes, any other public page's first visit
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


@dataclass
class Transfer:
    url: str  # path and query on the site, or the full URL elsewhere
    kind: str  # Chromium's resource type: document, stylesheet, script, font, image…
    encoding: str  # the response's Content-Encoding ("" when none), as counted
    bytes: int  # headers + body as transferred (or as production would transfer it)
    failed: str = ""  # Chromium's error text for a request that got no response


def budget_for(path):
    """HOME_BUDGET for a language's home page (/it/, /en/), else PAGE_BUDGET."""
    return HOME_BUDGET if path.rstrip("/").count("/") <= 1 else PAGE_BUDGET


def _as_production(request, response, counted_body):
    """(encoding, body bytes) WhiteNoise would send for this /static/ response."""
    from whitenoise.compress import Compressor

    path = request.url.split("?")[0]
    compressor = Compressor(quiet=True)
    if response.headers.get("content-encoding") or not compressor.should_compress(path):
        return response.headers.get("content-encoding", ""), counted_body
    body = response.body()
    accepted = request.all_headers().get("accept-encoding", "")
    for name, compress in (("br", compressor.compress_brotli),
                           ("gzip", compressor.compress_gzip)):
        if name in accepted:
            compressed = compress(body)
            if compressor.is_compressed_effectively(name, path, len(body), compressed):
                return name, len(compressed)
    return "", counted_body


def first_visit(browser, url, *, static_as_production=False, viewport=PHONE, headers=None):
    """[Transfer] of every request a first visit to `url` makes, at phone size;
    `headers` are sent with each request (the benchmark's X-Forwarded-Proto)."""
    context = browser.new_context(viewport=viewport, reduced_motion="reduce",
                                  extra_http_headers=headers or {})
    requests, failures = [], []
    try:
        page = context.new_page()
        page.on("requestfinished", lambda request: requests.append(request))
        page.on("requestfailed", lambda request: failures.append(request))
        page.goto(url, wait_until="networkidle")
        page.evaluate("document.fonts.ready")
        page.wait_for_load_state("networkidle")
        origin = url.split("/", 3)[:3]
        rows = []
        for request in requests:
            response = request.response()
            sizes = request.sizes()
            encoding = response.headers.get("content-encoding", "") if response else ""
            body = sizes["responseBodySize"]
            short = request.url
            if request.url.split("/", 3)[:3] == origin:
                short = "/" + request.url.split("/", 3)[3]
            if static_as_production and response and "/static/" in request.url:
                encoding, body = _as_production(request, response, body)
            rows.append(Transfer(short, request.resource_type, encoding,
                                 sizes["responseHeadersSize"] + body))
        rows += [Transfer(request.url, request.resource_type, "", 0, request.failure or "?")
                 for request in failures]
        return rows
    finally:
        context.close()


def measure_pages(base_url, paths, *, static_as_production=False, headers=None):
    """{path: [Transfer]} for each path, one Chromium for them all."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        try:
            return {path: first_visit(browser, base_url.rstrip("/") + path,
                                      static_as_production=static_as_production,
                                      headers=headers)
                    for path in paths}
        finally:
            browser.close()


def report(weights):
    """A markdown table: each page's requests, KB by kind, total and its budget."""
    kinds = ["document", "stylesheet", "font", "script", "image", "other"]
    lines = ["| page | requests | " + " | ".join(kinds) + " | total KB | budget KB |",
             "| --- | ---: | " + " | ".join("---:" for _ in kinds) + " | ---: | ---: |"]
    for path, rows in weights.items():
        by_kind = dict.fromkeys(kinds, 0)
        for row in rows:
            by_kind[row.kind if row.kind in by_kind else "other"] += row.bytes
        total = sum(row.bytes for row in rows)
        verdict = "" if total <= budget_for(path) else " **OVER**"
        lines.append(f"| `{path}` | {len(rows)} | "
                     + " | ".join(f"{by_kind[kind] / 1024:.1f}" for kind in kinds)
                     + f" | {total / 1024:.1f}{verdict} | {budget_for(path) // 1024} |")
    return "\n".join(lines)


def public_paths():
    """Every public page type in both languages (tests/browser/helpers.py)."""
    from tests.browser.helpers import PUBLIC_PAGES

    return [path for language in ("it", "en") for path in PUBLIC_PAGES[language]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--static-as-production", action="store_true")
    parser.add_argument("--detail", action="store_true", help="list every request")
    args = parser.parse_args()
    weights = measure_pages(args.base_url, public_paths(),
                            static_as_production=args.static_as_production)
    print(report(weights))
    if args.detail:
        for path, rows in weights.items():
            print(f"\n{path}")
            for row in rows:
                print(f"  {row.bytes:>7}  {row.kind:<10} {row.encoding:<5} {row.url}"
                      f"{'  FAILED ' + row.failed if row.failed else ''}")
    over = [path for path, rows in weights.items()
            if sum(row.bytes for row in rows) > budget_for(path)]
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

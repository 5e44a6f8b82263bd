"""The page-weight budget (issue 23): a first visit to each public page type, in both
languages, at phone size, every request counted by Chromium, stays within 100 KB for the
home page and 150 KB for any other page (benchmarks/page_weight.py).

The test server sends pages and files as production would, but for compression of the
static files: the page cache is on (it compresses the pages it keeps, as in production),
and each /static/ file is counted as WhiteNoise's compressed copy (`static_as_production`).
`make bench` measures the same pages on the production configuration itself. The table is
written to test-artifacts/page-weight.md.
"""

import pytest

from benchmarks.page_weight import HOME_BUDGET, budget_for, first_visit, report
from tests.browser.conftest import ROOT
from tests.browser.helpers import PUBLIC_PAGES

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_every_public_page_type_within_its_budget(browser, demo_snapshot, live_server,
                                                  settings):
    settings.PAGE_CACHE_SECONDS = 60
    origin = live_server.url.rstrip("/")
    weights = {}
    for language in ("it", "en"):
        for path in PUBLIC_PAGES[language]:
            weights[path] = first_visit(browser, origin + path, static_as_production=True)
    live_server.in_flight.wait_until_idle()
    table = report(weights)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "page-weight.md").write_text(table + "\n")

    failed = [f"{path}: {row.url} {row.failed}" for path, rows in weights.items()
              for row in rows if row.failed]
    assert not failed, failed
    offsite = [row.url for rows in weights.values() for row in rows
               if not row.url.startswith("/")]
    assert not offsite, offsite
    over = {path: sum(row.bytes for row in rows) for path, rows in weights.items()
            if sum(row.bytes for row in rows) > budget_for(path)}
    assert not over, f"over budget (bytes): {over}\n{table}"
    # What is counted: the page, its stylesheets, fonts, scripts and icons, compressed.
    home = {row.url: row for row in weights["/it/"]}
    assert home["/it/"].encoding == "br" and home["/it/"].kind == "document"
    assert any(url.startswith("/static/build/css/bootstrap-italia") and row.encoding == "br"
               for url, row in home.items())
    assert sum(row.kind == "font" for row in home.values()) >= 4
    assert budget_for("/it/") == HOME_BUDGET == 100 * 1024

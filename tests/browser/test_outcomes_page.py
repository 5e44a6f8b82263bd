"""The page "Il programma in numeri" / "The programme in numbers" in a browser, with a
seeded dataset so that hidden cells, charts and CSV links are all on it (issue 20, C2b):
axe finds no violation, the page is no wider than a 375 px phone, and the Nu HTML Checker
finds no error. Select it alone with `pytest tests/browser/test_outcomes_page.py`."""

import json
import shutil
import subprocess

import pytest
from django.core.cache import cache
from django.test import Client

from tests.browser.conftest import ROOT
from tests.browser.helpers import AxeReport
from tests.test_outcomes_public import URL, _seed

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def seeded():
    _seed()
    cache.clear()


def test_the_page_is_accessible_and_fits_a_phone(web, axe_source, seeded):
    page = web.new_page(viewport={"width": 375, "height": 800})
    axe = AxeReport(axe_source)
    for url in URL.values():
        response = page.goto(url)
        assert response.status == 200
        assert page.locator("svg.outcomes-chart").count() >= 6
        assert page.locator("[data-suppressed]").count() >= 1
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{url}: {width}px wide on a 375px screen"
        # The charts' words and values as drawn (font size × the drawing's scale): 7 px
        # before the review of issue 20.
        smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll(
            'svg.outcomes-chart text')].map(t => t.getScreenCTM().a
                                         * parseFloat(t.getAttribute('font-size'))))""")
        assert smallest >= 12, f"{url}: chart text {smallest:.1f}px at 375px"
        axe.check(page)
    axe.assert_clean()


def test_the_page_is_valid_html(tmp_path, seeded):
    java = shutil.which("java")
    if not java or not VNU_JAR.exists():
        pytest.skip("HTML CHECK SKIPPED: java or vnu.jar missing")
    files = []
    for language, url in URL.items():
        path = tmp_path / f"{language}.html"
        path.write_text(Client().get(url).content.decode())
        files.append(str(path))
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--format",
                             "json", "--stdout", *files],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    messages = json.loads(result.stdout or "{}").get("messages", [])
    assert not messages, "\n".join(
        f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')} «{m.get('extract')}»"
        for m in messages)

"""Full-page screenshots of the main pages, at phone and desktop sizes, in both languages,
written to test-artifacts/screenshots/ (ignored by git) for people to look at."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import MAIN_PAGES, STATS

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("language", ["it", "en"])
def test_screenshots_of_the_main_pages(web, screenshot_dir, language):
    for size_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = web.new_page(viewport=viewport, locale=f"{language}-{language.upper()}",
                            reduced_motion="reduce")
        for url in MAIN_PAGES[language]:
            response = page.goto(url)
            assert response.status == 200, url
            page.evaluate("document.fonts.ready")
            name = url.strip("/").replace("/", "-")
            path = screenshot_dir / f"{name}-{size_name}.png"
            page.screenshot(path=path, full_page=True)
            assert path.stat().st_size > 10_000, path
            STATS["screenshots"].append(path.name)

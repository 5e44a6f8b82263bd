"""The search page's new states in the browser (issue 17, P6): a promoted result marked
"Suggerito"/"Recommended", types of page and snippets with the visitor's words marked,
the breadcrumb: axe finds no WCAG 2.0/2.1 A/AA violation, in both languages."""

import pytest
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Page

from tests.browser.helpers import AxeReport

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(("language", "url", "badge"), [
    ("it", "/it/cerca/?q=orari", "Suggerito"),
    ("en", "/en/search/?q=groups", "Recommended"),
])
def test_promoted_results_and_snippets_pass_axe(web, axe_source, language, url, badge):
    query, _created = Query.objects.get_or_create(query_string=url.rsplit("=", 1)[1])
    SearchPromotion.objects.create(
        query=query, page=Page.objects.get(slug="contatti", locale__language_code="it"),
        description="Telefono, email e orari / phone, email and hours")
    page = web.new_page()
    response = page.goto(url)
    assert response.status == 200
    first = page.locator("ol.search-results > li").first
    assert first.locator(".search-result-type").text_content().split()[0] == badge
    assert page.locator("ol.search-results mark").count() >= 1
    assert page.locator('nav ol.breadcrumb[data-element="breadcrumb"] li').count() == 2
    axe = AxeReport(axe_source, resolved_contrast=True)
    axe.check(page, note="promoted result")
    axe.assert_clean()

"""Search at a cost that does not grow with the matches (issue 16): the same queries with
3 or 30 matching pages, at most SEARCH_MAX_RESULTS results, best first, with "more than
N results: refine your words" in both languages, paginated; bad page numbers never fail.
Run on SQLite and PostgreSQL (scripts/with-postgres.sh)."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page

from home.models import StandardPage
from home.site_search import search_pages
from tests.search_helpers import search

pytestmark = pytest.mark.django_db

WORD = {"it": "Zanzibarite", "en": "Quokkaverse"}


def add_pages(django_capture_on_commit_callbacks, language, count, *, start=0, title=None):
    """`count` live standard pages in `language` whose title holds the language's WORD
    (indexed on commit, as the worker does)."""
    home = Page.objects.get(depth=2, locale=Locale.objects.get(language_code=language))
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(start, start + count):
            home.add_child(instance=StandardPage(
                title=title or f"{WORD[language]} {number}",
                slug=f"{WORD[language].lower()}-{number}", locale=home.locale))


def queries(client, language, query):
    search(client, language, query)  # warm
    with CaptureQueriesContext(connection) as captured:
        search(client, language, query)
    return len(captured)


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_same_queries_with_3_or_30_matches(client, language,
                                               django_capture_on_commit_callbacks):
    add_pages(django_capture_on_commit_callbacks, language, 3)
    small = queries(client, language, WORD[language])
    add_pages(django_capture_on_commit_callbacks, language, 27, start=3)
    _body, hrefs = search(client, language, WORD[language])
    assert len(hrefs) == 10  # the first page of 30
    assert queries(client, language, WORD[language]) == small


@pytest.mark.parametrize(
    ("language", "heading", "note"),
    [
        ("it", "Più di 5 risultati per “Zanzibarite”",
         "Sono mostrati solo i 5 risultati più pertinenti: aggiungi o cambia parole per "
         "affinare la ricerca."),
        ("en", "More than 5 results for “Quokkaverse”",
         "Only the best 5 results are shown: add or change words to refine your search."),
    ],
)
def test_results_are_capped_with_a_message(client, settings, language, heading, note,
                                           django_capture_on_commit_callbacks):
    settings.SEARCH_MAX_RESULTS = 5
    add_pages(django_capture_on_commit_callbacks, language, 7)
    body, hrefs = search(client, language, WORD[language])
    assert len(hrefs) == 5
    assert heading in body
    assert note in body
    assert all(href.startswith(f"/{language}/") for href in hrefs)


def test_up_to_the_cap_the_count_is_exact_and_no_note(client, settings,
                                                      django_capture_on_commit_callbacks):
    settings.SEARCH_MAX_RESULTS = 5
    add_pages(django_capture_on_commit_callbacks, "en", 5)
    body, hrefs = search(client, "en", WORD["en"])
    assert len(hrefs) == 5
    assert "5 results for “Quokkaverse”" in body and "More than" not in body
    assert "refine your search" not in body


def test_capped_results_are_paginated(client, settings, django_capture_on_commit_callbacks):
    settings.SEARCH_MAX_RESULTS = 15
    add_pages(django_capture_on_commit_callbacks, "it", 20)
    _body, first = search(client, "it", WORD["it"])
    body, second = search(client, "it", WORD["it"], page=2)
    assert len(first) == 10 and len(second) == 5
    assert not set(first) & set(second)
    assert "Pagina 2 di 2" in body


def test_best_match_first(django_capture_on_commit_callbacks):
    """Ranked on the database (bm25, as Wagtail's backend ranks): the page whose whole
    title is the word comes before pages that mention it among many other words."""
    add_pages(django_capture_on_commit_callbacks, "it", 4,
              title="Zanzibarite, una parola fra molte altre in un titolo lungo e pieno")
    add_pages(django_capture_on_commit_callbacks, "it", 1, start=99, title="Zanzibarite")
    outcome = search_pages("Zanzibarite", Locale.objects.get(language_code="it"), limit=3)
    assert outcome.more is True and len(outcome.pages) == 3
    assert outcome.pages[0].title == "Zanzibarite"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's candidate cap")
def test_postgresql_ranks_a_bounded_set_of_the_newest_matches(
        django_capture_on_commit_callbacks, monkeypatch):
    """Only SEARCH_CANDIDATES matches are ranked (the newest): a word on every page costs
    the same whatever the number of pages; the best of those still comes first."""
    import home.site_search

    add_pages(django_capture_on_commit_callbacks, "it", 1, start=0, title="Zanzibarite")
    add_pages(django_capture_on_commit_callbacks, "it", 6, start=1,
              title="Zanzibarite, una parola fra molte altre in un titolo lungo e pieno")
    add_pages(django_capture_on_commit_callbacks, "it", 1, start=99, title="Zanzibarite")
    monkeypatch.setattr(home.site_search, "SEARCH_CANDIDATES", 4)
    outcome = search_pages("Zanzibarite", Locale.objects.get(language_code="it"), limit=3)
    assert len(outcome.pages) == 3 and outcome.more is True
    assert outcome.pages[0].slug == "zanzibarite-99"
    # Ranked among all eight, the oldest page (the whole title is the word) came second.
    assert "zanzibarite-0" not in {page.slug for page in outcome.pages}


def test_other_languages_drafts_and_private_pages_are_not_found(
        django_capture_on_commit_callbacks):
    from wagtail.models import PageViewRestriction

    add_pages(django_capture_on_commit_callbacks, "it", 3)
    add_pages(django_capture_on_commit_callbacks, "en", 2, title="Zanzibarite in English")
    Page.objects.filter(slug="zanzibarite-1").update(live=False)
    PageViewRestriction.objects.create(page=Page.objects.get(slug="zanzibarite-2"),
                                       restriction_type="login")
    outcome = search_pages("Zanzibarite", Locale.objects.get(language_code="it"))
    assert [page.slug for page in outcome.pages] == ["zanzibarite-0"]
    assert outcome.more is False


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1e9", "9" * 5000, ""])
def test_bad_page_numbers_never_fail(client, settings, page,
                                     django_capture_on_commit_callbacks):
    settings.SEARCH_MAX_RESULTS = 15
    add_pages(django_capture_on_commit_callbacks, "it", 12)
    _body, hrefs = search(client, "it", WORD["it"], page=page)
    assert hrefs


def test_the_bench_builds_the_search_index_and_reports_it(client):
    """`make bench` runs update_index after the demo load, and its report says how many
    pages the measured search had in its index and how many results it showed."""
    import inspect

    from benchmarks import run

    assert '"update_index"' in inspect.getsource(run.main)
    response = client.get("/it/cerca/", {"q": "gruppi"})
    figures = run.search_index_figures(response)
    assert figures["indexed_pages"] >= figures["live_pages"] > 5
    assert figures["results_shown"] > 0

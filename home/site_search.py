"""The site's search: the live, public pages of one language that match a visitor's words,
best first, at most SEARCH_MAX_RESULTS of them, at a cost that does not grow with the
number of pages that match.

Wagtail's database backend (django-modelsearch) ranks every match and counts them all.
On SQLite it scores each candidate page with a correlated subquery that runs the full-text
match again: with 2,000 news matching "lavoro" one search took 1.1 s (quadratic in the
matches). Here SQLite's ranking runs once, inside the full-text query, over the index
entries of the language's public pages, and stops at SEARCH_MAX_RESULTS + 1 (the one more
tells "more than N"); the match syntax and the score (bm25, the title weighted by its
length) are the library's own expressions. PostgreSQL's backend ranks every match
(ts_rank in the same query): here it ranks at most SEARCH_CANDIDATES matches, the newest
pages first (the rest are not read: the match walks the primary key's index backwards and
stops), so a word on every page costs the same with 2,000 pages as with 200,000; a visitor
who gets "more than N results" is asked for more precise words anyway. No COUNT over every
match is run on either database.

A visitor's word matches itself or its stem (Italian or English: "gruppo" finds "Gruppi e
calendario"), the same on both databases: home/stemming.py says why the stems are made
in Python, home/search_backend.py how they are indexed.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from home.stemming import query_terms

DEFAULT_MAX_RESULTS = 100
# PostgreSQL ranks at most this many matching pages (see the module's docstring).
SEARCH_CANDIDATES = 1000


def max_results():
    """How many results a search shows at most: settings.SEARCH_MAX_RESULTS (default 100)."""
    return max(1, int(getattr(settings, "SEARCH_MAX_RESULTS", DEFAULT_MAX_RESULTS)))


@dataclass
class SearchOutcome:
    """`pages`: the best matches, best first (generic Page objects, at most `limit`);
    `more`: whether more pages matched than were kept (then ask for more precise words)."""

    pages: list = field(default_factory=list)
    more: bool = False
    limit: int = DEFAULT_MAX_RESULTS


def public_pages(locale):
    """The pages a visitor's search may find: live, public, of `locale`, not aliases."""
    return Page.objects.live().public().filter(locale=locale)


def search_pages(query, locale, limit=None):
    """The live public pages of `locale` matching `query` (the visitor's words, already
    cleaned: home.views.clean_query), best first, at most `limit` (SEARCH_MAX_RESULTS):
    a SearchOutcome. Two queries on SQLite (the ranked ids, then their pages) and one on
    PostgreSQL, whatever the number of matches."""
    limit = limit or max_results()
    if not query or not query_terms(query, locale.language_code):
        return SearchOutcome(limit=limit)  # nothing a page could contain (punctuation)
    pages = public_pages(locale)
    backend = get_search_backend()
    words = stemmed_query(query, locale.language_code)
    if connection.vendor == "sqlite" and _has_fts(backend):
        found = _sqlite_ranked_pages(backend, pages, words, limit + 1)
    elif connection.vendor == "postgresql" and _is_postgres(backend):
        found = _postgres_ranked_pages(backend, pages, words, limit + 1)
    else:
        found = list(pages.search(query)[:limit + 1])
    return SearchOutcome(pages=found[:limit], more=len(found) > limit, limit=limit)


def stemmed_query(query, language):
    """The visitor's words as a search query: every word must match, as itself or as its
    stem in `language` ("gruppo" -> gruppo OR grupp; the index holds each page's stems
    too: home.search_backend). A modelsearch query object; `query` itself when it has no
    words."""
    from modelsearch.query import And, Or, PlainText

    parts = [PlainText(term[0]) if len(term) == 1 else Or([PlainText(word) for word in term])
             for term in query_terms(query, language)]
    if not parts:
        return query
    return parts[0] if len(parts) == 1 else And(parts)


def _has_fts(backend):
    """Whether `backend` is the library's SQLite FTS5 backend (not its LIKE fallback)."""
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

    return isinstance(backend, SQLiteSearchBackend)


def _sqlite_ranked_pages(backend, pages, query, count):
    """At most `count` pages of `pages` matching `query`, best first, ranked by the FTS5
    query itself (see the module's docstring)."""
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry
    from modelsearch.query import MatchAll, Not
    from modelsearch.utils import get_descendants_content_types_pks

    compiler = backend.query_compiler_class(pages, query)
    normalized = normalize(compiler.query)
    if isinstance(normalized, MatchAll | Not):  # not a visitor's words: the library's way
        return list(pages.search(query)[:count])
    config = compiler.get_config(backend)
    match = MatchExpression(compiler.FTS_TABLE_FIELDS,
                            compiler.build_search_query(normalized, config=config))
    score = compiler._build_rank_expression(compiler.get_search_vectors(), config)
    # Index entries keep the object's id as text.
    page_ids = pages.annotate(text_id=Cast("pk", CharField())).values("text_id")
    ranked = list(
        SQLiteFTSIndexEntry.objects.filter(match)
        .filter(index_entry__content_type_id__in=get_descendants_content_types_pks(Page),
                index_entry__object_id__in=page_ids)
        .annotate(score=score)
        .order_by("score", "-index_entry__object_id")  # bm25: lower is better
        .values_list("index_entry__object_id", flat=True)[:count]
    )
    ids = [int(object_id) for object_id in ranked]
    found = Page.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _is_postgres(backend):
    from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend

    return isinstance(backend, PostgresSearchBackend)


def _postgres_ranked_pages(backend, pages, query, count):
    """At most `count` pages of `pages` matching `query`, best first, ranked among at most
    SEARCH_CANDIDATES matches (the newest: see the module's docstring). The match and the
    score are the library's own expressions; one query."""
    from django.db.models import Subquery
    from modelsearch.query import MatchAll, Not

    compiler = backend.query_compiler_class(pages, query)
    if isinstance(compiler.query, MatchAll | Not):  # not a visitor's words
        return list(pages.search(query)[:count])
    config = compiler.get_config(backend)
    search_query = compiler.build_tsquery(compiler.query, config=config)
    if search_query is None:
        return []
    vectors = compiler.get_search_vectors(search_query)
    combined = vectors[0][0]
    for vector, _boost in vectors[1:]:
        combined = combined._combine(vector, "||", False)
    candidates = (pages.annotate(_vector_=combined).filter(_vector_=search_query)
                  .order_by("-pk").values("pk")[:SEARCH_CANDIDATES])
    score = compiler._build_rank_expression(vectors, config)
    return list(pages.filter(pk__in=Subquery(candidates)).annotate(_score_=score)
                .order_by("-_score_", "-pk")[:count])

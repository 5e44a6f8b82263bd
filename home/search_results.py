"""What the search page shows of each result: the editors' promoted results first
("Suggerito"), then the pages found; each with its title, address, type of page in the
reader's language ("Servizio", "Notizia"...) and a snippet with the visitor's words marked.

Promotions are Wagtail's search_promotions, read only: the library's Query.get() and
add_hit() would write a row on every anonymous search (a "popular searches" count nobody
on this site reads), and a write per GET is a cost and a lock on SQLite that a public
page should not pay. Editors type the words a promotion answers in the admin as usual.

Costs: the promotions one query (three when some exist: the promoted pages in the
reader's language and their view restrictions), the snippets one query for the
results of the page shown, read from the search index (home.search_backend), whatever
the number of matches.
"""

import re
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import pgettext_lazy

from home.search_backend import without_stems
from home.stemming import query_terms, stem

SNIPPET_LENGTH = 240  # characters of a snippet, about two lines
_BEFORE_MATCH = 60  # characters of context shown before the first word that matched

# Each page model's kind, as the model's service sheet and news listings name them; the
# models are named by their content type so that this app imports none of them.
_TYPES = {
    "programme.programmepage": pgettext_lazy("type of page", "Service"),
    "programme.newspage": pgettext_lazy("type of page", "News"),
    "programme.newsindexpage": pgettext_lazy("type of page", "News list"),
    "programme.groupindexpage": pgettext_lazy("type of page", "Groups"),
    "programme.protocolpage": pgettext_lazy("type of page", "Document"),
    "programme.participationpage": pgettext_lazy("type of page", "Form"),
    "home.contactpage": pgettext_lazy("type of page", "Form"),
}
_PAGE = pgettext_lazy("type of page", "Page")
_LINK = pgettext_lazy("type of page", "Link")


@dataclass
class SearchResult:
    """One line of the results: `snippet` is safe HTML (escaped, words in <mark>)."""

    title: str
    url: str
    kind: str
    snippet: str
    promoted: bool = False


def page_type(page):
    """The kind of `page` as a reader names it, in the active language ("Servizio" /
    "Service", "Notizia" / "News"...; "Pagina" / "Page" for any other)."""
    content_type = ContentType.objects.get_for_id(page.content_type_id)  # cached
    return _TYPES.get(f"{content_type.app_label}.{content_type.model}", _PAGE)


def promotions(query, locale):
    """The editors' promoted results for `query` (Wagtail's search_promotions, matched as
    the library normalises a query: lower case, single spaces), in their order: a list of
    (page in `locale`, its description for `locale`: promotion_description) or
    (None, promotion) for an external link. A promoted
    page with no live public version in `locale` is left out. Writes nothing."""
    from modelsearch.utils import normalise_query_string
    from wagtail.contrib.search_promotions.models import SearchPromotion

    from home.site_search import public_pages

    picks = list(SearchPromotion.objects.filter(
        query__query_string=normalise_query_string(query)).select_related("page")
        .order_by("sort_order", "pk"))
    keys = {pick.page.translation_key for pick in picks if pick.page is not None}
    localized = {}
    if keys:
        localized = {page.translation_key: page
                     for page in public_pages(locale).filter(translation_key__in=keys)}
    found = []
    for pick in picks:
        if pick.page is None:
            if pick.external_link_url:
                found.append((None, pick))
        elif pick.page.translation_key in localized:
            found.append((localized.pop(pick.page.translation_key),
                          promotion_description(pick, locale)))
    return found


def promotion_description(pick, locale):
    """The editors' description of a promoted page (a SearchPromotion with a page) for a
    reader of `locale`, or "" (the page's own description or text is shown instead).

    A promotion has no language of its own (Wagtail's SearchPromotion) and its
    description is not translated: editors write it in the language of the page they
    promote, so it is shown only to the readers of that language — never Italian words
    under "Recommended" on an English page.
    """
    return pick.description if pick.page.locale_id == locale.pk else ""


def indexed_texts(pages):
    """{page id: the text the search index holds for it, without stems} (one query)."""
    from wagtail.search.models import IndexEntry

    if not pages:
        return {}
    column = "body_text" if hasattr(IndexEntry, "body_text") else "body"
    rows = IndexEntry.objects.filter(
        content_type_id__in={page.content_type_id for page in pages},
        object_id__in=[str(page.pk) for page in pages],
    ).values_list("object_id", column)
    return {int(object_id): without_stems(text) for object_id, text in rows}


def snippet(text, query, language):
    """Up to SNIPPET_LENGTH characters of `text` around the first of `query`'s words (or
    of their stems in `language`) as safe HTML: the text escaped first, then each word
    that matches wrapped in <mark>. Plain text in, SafeString out."""
    terms = query_terms(query, language)
    wanted = {word for term in terms for word in term}
    stems = {term[-1] for term in terms}

    def matches(word):
        lowered = word.lower()
        return lowered in wanted or stem(lowered, language) in stems

    text = " ".join(str(text or "").split())
    first = next((found for found in _WORDS.finditer(text) if matches(found.group())), None)
    start = 0
    if first is not None and first.start() > _BEFORE_MATCH:
        start = text.rfind(" ", 0, first.start() - _BEFORE_MATCH) + 1
    shown = Truncator(text[start:]).chars(SNIPPET_LENGTH)
    html, position = [], 0
    for found in _WORDS.finditer(shown):
        html.append(escape(shown[position:found.start()]))
        word = escape(found.group())
        html.append(f"<mark>{word}</mark>" if matches(found.group()) else word)
        position = found.end()
    html.append(escape(shown[position:]))
    return mark_safe(("… " if start else "") + "".join(html))  # every piece escaped above


_WORDS = re.compile(r"[^\W_]+")


def results(entries, request, query, language):
    """The SearchResult of each entry of the results page shown: entries are pages found,
    or ("promoted", page or None, description or promotion) from `promotions`."""
    pages = [entry[1] if isinstance(entry, tuple) else entry for entry in entries]
    # Read for every page shown, described or not: the same one query whatever they are.
    texts = indexed_texts([page for page in pages if page is not None])
    shown = []
    for entry in entries:
        if isinstance(entry, tuple):
            _promoted, page, extra = entry
            if page is None:  # an external link
                shown.append(SearchResult(
                    title=extra.external_link_text or extra.external_link_url,
                    url=extra.external_link_url, kind=_LINK, promoted=True,
                    snippet=snippet(extra.description, query, language)))
                continue
            text = extra or page.search_description or texts.get(page.pk, "")
            promoted = True
        else:
            page = entry
            text = page.search_description or texts.get(page.pk, "")
            promoted = False
        shown.append(SearchResult(
            title=page.title, url=page.get_url(request), kind=page_type(page),
            snippet=snippet(text, query, language), promoted=promoted))
    return shown

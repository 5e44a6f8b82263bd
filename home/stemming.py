"""Words reduced to their stems, so that the site search finds "Gruppi e calendario" for
"gruppo" and "orario" for "orari", the same on SQLite and on PostgreSQL.

Why here and not in the databases: SQLite's FTS5 tokenizers are unicode61 (no stemming)
and porter (English only); PostgreSQL's full-text search takes one text-search
configuration per backend, while this site indexes Italian and English pages in one
index. So the stems are computed in Python by the Snowball stemmers (the algorithms
PostgreSQL's own 'italian' and 'english' configurations use) in the language of each
indexed object, stored beside its words (home.search_backend), and a visitor's word is
searched as "the word or its stem" in the language being searched
(home.site_search.stemmed_query). One mechanism, identical results on both engines.
"""

import re
import threading

import snowballstemmer
from django.conf import settings

# The Snowball algorithm of each of the site's languages.
ALGORITHMS = {"it": "italian", "en": "english"}

# A word as FTS5's unicode61 tokenizer and PostgreSQL's parser split text: letters and
# digits; apostrophes, hyphens and punctuation separate ("dell'orario" -> dell, orario).
_WORD = re.compile(r"[^\W_]+")

# Snowball stemmer objects keep state while stemming: one per thread (gunicorn's threads).
_local = threading.local()


def _stemmer(language):
    """The Snowball stemmer of `language` ("it", "en"; the site's default for others)."""
    algorithm = ALGORITHMS.get(language) or ALGORITHMS.get(settings.LANGUAGE_CODE, "italian")
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if algorithm not in stemmers:
        stemmers[algorithm] = snowballstemmer.stemmer(algorithm)
    return stemmers[algorithm]


def words(text):
    """The words of `text`, lower case, in order (str -> list of str)."""
    return _WORD.findall(str(text).lower())


def stem(word, language):
    """`word`'s stem in `language` ("gruppi", "it" -> "grupp"); the word itself when the
    algorithm leaves nothing."""
    return _stemmer(language).stemWord(word.lower()) or word.lower()


def extra_stems(text, language):
    """The stems of `text`'s words in `language` that differ from every word of it, each
    once, in order of first appearance, joined by spaces ("Gruppi e calendario", "it" ->
    "grupp calendar"). The words themselves are indexed already: only what they add."""
    seen = set(found := words(text))
    extra = []
    for word in found:
        stemmed = stem(word, language)
        if stemmed not in seen:
            seen.add(stemmed)
            extra.append(stemmed)
    return " ".join(extra)


def query_terms(query, language):
    """The visitor's words as alternatives to search for, each word with its stem in
    `language`: "orari gruppo" -> [("orari", "orar"), ("gruppo", "grupp")]; a word that is
    its own stem comes alone: [("milano",)]."""
    terms = []
    for word in words(query):
        stemmed = stem(word, language)
        terms.append((word,) if stemmed == word else (word, stemmed))
    return terms

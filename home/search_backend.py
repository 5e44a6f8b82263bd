"""Wagtail's database search backend (django-modelsearch: FTS5 on SQLite, tsvector on
PostgreSQL) that also indexes the Italian or English stems of each object's words, in the
object's own language (home.stemming explains why in Python and not in the databases).

Selected by WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] = "home.search_backend". Each
SearchField's text is indexed as "<the text> <the stems its words add>", in the same
column (title or body) and with the same weight as the field; what the library indexes
otherwise is unchanged, so the admin's searches, which send the words as typed, still
find them. The database's "update_index" command rebuilds the stems with the rest.
"""

import re

from django.db import connection
from django.utils.encoding import force_str
from modelsearch.backends.database import SearchBackend as database_backend
from modelsearch.index import SearchField

from home.stemming import extra_stems

# Around the stems in the indexed text: characters both engines' tokenizers treat as
# separators (spaced, in case a database in the C locale counts them as letters), so the
# results' snippet can leave the stems out.
STEMS_START, STEMS_END = "\u2063", "\u2064"
_STEMS = re.compile(f"{STEMS_START}[^{STEMS_END}]*{STEMS_END}")


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks for in a backend module)
    """The library's database backend for this database, its index adding stems (the
    fallback without full-text search is returned as it is)."""
    backend = database_backend(params)
    stemming = _stemming_index_class(type(backend).index_class)
    if stemming is not None:
        backend.index_class = stemming
    return backend


_INDEX_CLASSES = {}


def _stemming_index_class(index_class):
    # Each engine's module only on its engine: the SQLite one needs models that exist
    # only on SQLite.
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.sqlite import SQLiteIndex as full_text
    elif connection.vendor == "postgresql":
        from modelsearch.backends.database.postgres.postgres import PostgresIndex as full_text
    else:
        return None
    if not issubclass(index_class, full_text):
        return None
    if index_class not in _INDEX_CLASSES:
        _INDEX_CLASSES[index_class] = type(
            f"Stemming{index_class.__name__}", (StemmingIndexMixin, index_class), {})
    return _INDEX_CLASSES[index_class]


class StemmingIndexMixin:
    """An index whose entries carry the stems of the objects' words (see the module)."""

    def add_items(self, model, objs):
        objs = list(objs)
        languages = _languages_of(objs)
        for obj in objs:
            # The library's indexer asks each object for its fields: the instance's answer
            # shadows the class's for this call only.
            obj.get_search_fields = _stemmed_fields(obj, languages.get(id(obj)))
        try:
            return super().add_items(model, objs)
        finally:
            for obj in objs:
                obj.__dict__.pop("get_search_fields", None)


def _languages_of(objs):
    """{id(object): its language code} from the objects' Locale (one query for them all);
    objects without a locale are left out (the site's default language then)."""
    from wagtail.models import Locale

    locale_ids = {getattr(obj, "locale_id", None) for obj in objs} - {None}
    codes = dict(Locale.objects.filter(pk__in=locale_ids).values_list("pk", "language_code"))
    return {id(obj): codes.get(getattr(obj, "locale_id", None)) for obj in objs}


def _stemmed_fields(obj, language):
    fields = [StemmedSearchField(field, language) if type(field) is SearchField else field
              for field in type(obj).get_search_fields()]
    return lambda: fields


class StemmedSearchField(SearchField):
    """`field` whose indexed text is followed by the stems its words add in `language`."""

    def __init__(self, field, language):
        self.__dict__.update(field.__dict__)
        self.original = field
        self.language = language

    def get_value(self, obj):
        value = self.original.get_value(obj)
        text = _plain(value)
        stems = extra_stems(text, self.language)
        return f"{text} {STEMS_START} {stems} {STEMS_END}" if stems else text


def without_stems(indexed_text):
    """Indexed text as the page says it: the stems this backend added taken out (for the
    search results' snippets)."""
    return " ".join(_STEMS.sub(" ", indexed_text or "").split())


def _plain(value):
    """A field's value as one text (str): lists and dicts flattened as the library's
    indexers do, but as sentences: empty parts left out, a part ending in a full stop (or
    "!", "?", ":", ";", "…") followed by a space, any other by ", " — never "gruppi. ,
    Quanto" in a result's snippet."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | dict):
        parts = value.values() if isinstance(value, dict) else value
        text = ""
        for part in (" ".join(_plain(item).split()) for item in parts):
            if not part:
                continue
            if text:
                text += " " if text.endswith(_SENTENCE_ENDS) else ", "
            text += part
        return text
    return force_str(value)


_SENTENCE_ENDS = (".", "!", "?", ":", ";", "…", ",")

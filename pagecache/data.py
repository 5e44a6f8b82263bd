"""The data cache: answers many pages need, kept in each worker's memory with the
versions of the tags they depend on (`cached(request, name, compute, tags=...)`)."""

import hashlib

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache

from pagecache.tags import PAGES
from pagecache.versions import data_version, data_version_now, tag_versions

_MISSING = object()


# --- Cached data ---------------------------------------------------------------------------


_local_data = None


def _data_store():
    """This worker's store for cached data (values are pickled: every reader gets its
    own copy, never an object another request may have changed)."""
    global _local_data
    if _local_data is None:
        _local_data = LocMemCache("pagecache.site-data", {
            "TIMEOUT": settings.SITE_CACHE_SECONDS,
            "OPTIONS": {"MAX_ENTRIES": getattr(settings, "SITE_CACHE_LOCAL_ENTRIES", 5000),
                        "CULL_FREQUENCY": 4},
        })
    return _local_data


# Data cached without tags of their own: any change of a page clears them (as everything
# did before data had tags). Tags say which changes really affect a datum.
DEFAULT_TAGS = (PAGES,)


def get_cached(request, name, default=None, tags=DEFAULT_TAGS):
    """The datum cached under `name`, if the versions of `tags` are still those it was
    computed under; else `default`."""
    found = _data_store().get(_key_part(name), _MISSING)
    if found is _MISSING:
        return default
    versions, value = found
    return value if versions == tag_versions(request, tags) else default


def set_cached(request, name, value, timeout=None, tags=DEFAULT_TAGS):
    """Keep `value` under `name` with the versions of `tags` now (read them before
    computing the value: a change after that clears it)."""
    _data_store().set(_key_part(name), (tag_versions(request, tags), value),
                      timeout or settings.SITE_CACHE_SECONDS)


def cached(request, name, compute, timeout=None, tags=DEFAULT_TAGS):
    """`compute()`, cached until something in `tags` changes.

    `name` is a tuple or string naming the datum (include the language code when the
    answer depends on it). `tags` are the strings of `pagecache.tags` the answer depends
    on: an iterable known beforehand, or a function of the answer (then the answer is kept
    only if no change happened while it was computed). Every datum depends on EVERYTHING
    too (`invalidation.bump()`); the default, PAGES, is cleared by any page's change.
    """
    if callable(tags):
        stored = get_cached(request, ("tags", name), _MISSING, ())
        if stored is not _MISSING:
            stored = get_cached(request, name, _MISSING, stored)
        if stored is _MISSING:
            started = data_version(request)
            stored = compute()
            found = tuple(tags(stored))
            versions = tag_versions(request, found)
            if data_version_now() == started:
                store = _data_store()
                seconds = timeout or settings.SITE_CACHE_SECONDS
                store.set(_key_part(("tags", name)), (tag_versions(request, ()), found), seconds)
                store.set(_key_part(name), (versions, stored), seconds)
        return stored
    tags = tuple(tags)
    stored = get_cached(request, name, _MISSING, tags)
    if stored is _MISSING:
        versions = tag_versions(request, tags)  # before computing: a change then clears it
        stored = compute()
        _data_store().set(_key_part(name), (versions, stored),
                          timeout or settings.SITE_CACHE_SECONDS)
    return stored


def _key_part(name):
    text = repr(name)
    # Memcached keys are at most 250 characters, without spaces or control characters.
    return hashlib.sha256(text.encode()).hexdigest() if len(text) > 150 or " " in text else text

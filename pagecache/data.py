"""The data cache: answers many pages need, kept in each worker's memory with the
versions of the tags they depend on (`cached(request, name, compute, tags=...)`)."""

import contextvars
import hashlib

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection

from pagecache.tags import PAGES
from pagecache.versions import data_version, data_version_now, tag_versions

_MISSING = object()

# The sets of tags being gathered by `recording_tags()` blocks (innermost last): every
# datum read inside such a block adds the tags it depends on to each of them.
_recorders = contextvars.ContextVar("pagecache_data_recorders", default=())
# How many `cached()` computations are running: a query made inside one is covered by
# that datum's tags; one made outside all of them is not (`cached_html`).
_computing = contextvars.ContextVar("pagecache_data_computing", default=0)


def _compute(compute):
    token = _computing.set(_computing.get() + 1)
    try:
        return compute()
    finally:
        _computing.reset(token)


def record_tags(tags):
    """Say that what is being computed depends on `tags` (for `recording_tags()`)."""
    for found in _recorders.get():
        found.update(tags)


class recording_tags:  # noqa: N801 - used as a context manager, like a function
    """`with recording_tags() as found:` gathers in `found` (a set) the tags of every datum
    read inside the block through this module, whether it was cached or computed: what
    something made of those data (a rendered fragment) depends on."""

    def __enter__(self):
        self.found = set()
        self._token = _recorders.set((*_recorders.get(), self.found))
        return self.found

    def __exit__(self, *exc_info):
        _recorders.reset(self._token)
        record_tags(self.found)  # an enclosing block depends on them too
        return False


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
    record_tags(tags)
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
            stored = _compute(compute)
            found = tuple(tags(stored))
            record_tags(found)
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
        stored = _compute(compute)
        _data_store().set(_key_part(name), (versions, stored),
                          timeout or settings.SITE_CACHE_SECONDS)
    return stored


def cached_html(request, name, render, tags=()):
    """`render()` (a fragment of a page: text), cached until a datum it read changes.

    Its tags are those of every datum read while it rendered (`recording_tags`) and
    `tags`. It is not kept if the rendering asked the database anything outside a cached
    datum (a dependency no tag would clear), nor if the data version changed meanwhile.
    `name` must hold everything else the fragment depends on (language, host, page, path):
    never a visitor's own data (user, CSRF token, messages).
    """
    stored = get_cached(request, ("tags", name), _MISSING, ())
    if stored is not _MISSING:
        html = get_cached(request, name, _MISSING, stored)
        if html is not _MISSING:
            return html
    started = data_version(request)
    depth = _computing.get()
    untracked = []

    def watch(execute, sql, params, many, context):
        if _computing.get() == depth:
            untracked.append(sql)
        return execute(sql, params, many, context)

    with recording_tags() as found, connection.execute_wrapper(watch):
        html = render()
    found = tuple(sorted({*found, *tags}))
    if not untracked and data_version_now() == started:
        store = _data_store()
        store.set(_key_part(("tags", name)), (tag_versions(request, ()), found),
                  settings.SITE_CACHE_SECONDS)
        store.set(_key_part(name), (tag_versions(request, found), html),
                  settings.SITE_CACHE_SECONDS)
    return html


def _key_part(name):
    text = repr(name)
    # Memcached keys are at most 250 characters, without spaces or control characters.
    return hashlib.sha256(text.encode()).hexdigest() if len(text) > 150 or " " in text else text

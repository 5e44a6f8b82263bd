"""The two versions every worker reads from the shared cache (see the package's
docstring): the data version and the page version. Replacing one is how a change
clears what was cached under it (`invalidation.py` says when)."""

import os
import uuid

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction

DATA_VERSION_KEY = "site-cache:data-version"
PAGE_VERSION_KEY = "site-cache:page-version"

# --- Versions ----------------------------------------------------------------------------


_versions_store = None


def _versions():
    """Where the versions live: the default cache, shared by every worker.

    With Django's file cache (the production default) they get a folder of their own
    inside the cache's: the file cache deletes a random third of its files whenever it
    holds more than MAX_ENTRIES, and a burst of form submissions (one file each for the
    spent anti-spam challenges) would otherwise throw the versions away with them, and
    every cached page and datum with them.
    """
    global _versions_store
    if _versions_store is None:
        default = caches[DEFAULT_CACHE_ALIAS]
        if isinstance(default, FileBasedCache):
            _versions_store = FileBasedCache(os.path.join(default._dir, "site-versions"), {})
        else:
            _versions_store = default
    return _versions_store


def _version(request, key):
    """The version under `key`, read once per request (a request sees one state)."""
    memo = getattr(request, "_site_cache_versions", None) if request is not None else None
    if memo is not None and key in memo:
        return memo[key]
    store = _versions()
    version = store.get(key)
    if version is None:
        store.add(key, uuid.uuid4().hex, timeout=None)
        version = store.get(key) or "0"
    if request is not None:
        if memo is None:
            memo = request._site_cache_versions = {}
        memo[key] = version
    return version


def data_version(request=None):
    return _version(request, DATA_VERSION_KEY)


def page_version(request=None):
    return _version(request, PAGE_VERSION_KEY)


def _renew(*keys):
    _versions().set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)


def _bump(*keys):
    _renew(*keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _renew(*keys))

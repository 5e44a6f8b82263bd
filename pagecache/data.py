"""The data cache: answers many pages need, kept in each worker's memory under the
data version (`cached(request, name, compute)`)."""

import hashlib

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache

from pagecache.versions import data_version

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


def _data_key(request, name):
    return f"{data_version(request)}:{_key_part(name)}"


def get_cached(request, name, default=None):
    return _data_store().get(_data_key(request, name), default)


def set_cached(request, name, value, timeout=None):
    _data_store().set(_data_key(request, name), value, timeout or settings.SITE_CACHE_SECONDS)


def cached(request, name, compute, timeout=None):
    """`compute()`, cached under the data version; `name` is a tuple or string naming
    the datum (include the language code when the answer depends on it)."""
    stored = get_cached(request, name, _MISSING)
    if stored is _MISSING:
        stored = compute()
        set_cached(request, name, stored, timeout)
    return stored


def _key_part(name):
    text = repr(name)
    # Memcached keys are at most 250 characters, without spaces or control characters.
    return hashlib.sha256(text.encode()).hexdigest() if len(text) > 150 or " " in text else text

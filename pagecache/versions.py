"""The versions every worker reads from the shared cache (see the package's docstring):
the data version and the page version, read once per request, and the data tags' own
versions, read again by a worker only after the data version changed. Replacing one is
how a change clears what was cached under it (`invalidation.py` says when)."""

import datetime
import hashlib
import logging
import os
import threading
import time
import uuid

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction

DATA_VERSION_KEY = "site-cache:data-version"
PAGE_VERSION_KEY = "site-cache:page-version"
TAG_KEY_PREFIX = "site-cache:tag:"
# The tag every datum depends on: renewing it clears all the data (`bump()`).
EVERYTHING = "everything"

# --- Versions ----------------------------------------------------------------------------


def _new_version():
    """A version nobody had before, that says when it was made ("<unix seconds>.<hex>"):
    the page version's birth is the latest moment anything public changed
    (`page_version_time`)."""
    return f"{int(time.time())}.{uuid.uuid4().hex}"


def version_time(version):
    """When `version` was made (an aware UTC datetime), or None for a version without a
    time (made before versions carried one)."""
    seconds, dot, _rest = str(version).partition(".")
    if not dot or not seconds.isdigit():
        return None
    return datetime.datetime.fromtimestamp(int(seconds), tz=datetime.UTC)


_versions_store = None

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency
    RedisError = OSError
# The shared cache did not answer (Redis down or too slow; the file cache's disk).
UNAVAILABLE = (RedisError, OSError)

# How many times this process found the shared cache unavailable. It is part of every
# version this process uses (`_local`): what it kept before an outage is never read as
# current after it, even if a change made meanwhile could not renew the shared versions.
_outages = 0
# Versions whose renewal failed during an outage: renewed at the first chance after it,
# so that the other servers too let go of what they kept.
_pending = set()
_pending_lock = threading.Lock()
logger = logging.getLogger(__name__)


_warned_at = 0.0
WARN_EVERY_SECONDS = 10  # one line in the log, not one per request, during an outage


def _note_outage(error):
    global _outages, _warned_at
    _outages += 1
    now = time.monotonic()
    if now - _warned_at >= WARN_EVERY_SECONDS:
        _warned_at = now
        logger.warning("Shared cache unavailable (%s): requests are rendered uncached",
                       type(error).__name__)


def _local(version):
    return f"{version}~{_outages}" if _outages else version


def _unknown():
    """A version nothing was stored under: with the shared cache unavailable, every
    request is computed afresh."""
    return _local(f"{int(time.time())}.unknown-{uuid.uuid4().hex}")


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
            # Redis (pagecache.backends): the versions are read strictly, so that an
            # outage is known here instead of read as "no version yet".
            _versions_store = getattr(default, "strict", default)
    return _versions_store


def _read_version(key, make):
    """The shared version under `key`, made with `make()` if there is none yet; raises
    one of UNAVAILABLE when the shared cache does not answer."""
    store = _versions()
    version = store.get(key)
    if version is None:
        store.add(key, make(), timeout=None)
        version = store.get(key) or "0"
    if _pending:
        _renew_pending()
    return version


def _version(request, key):
    """The version under `key`, read once per request (a request sees one state)."""
    memo = getattr(request, "_site_cache_versions", None) if request is not None else None
    if memo is not None and key in memo:
        return memo[key]
    try:
        version = _local(_read_version(key, _new_version))
    except UNAVAILABLE as error:
        _note_outage(error)
        version = _unknown()
    if request is not None:
        if memo is None:
            memo = request._site_cache_versions = {}
        memo[key] = version
    return version


def data_version(request=None):
    return _version(request, DATA_VERSION_KEY)


def page_version(request=None):
    return _version(request, PAGE_VERSION_KEY)


def page_version_time(request=None):
    """When the page version was last renewed: every change that a public page, feed or
    open-data answer may show renews it (invalidation.py), so no public answer changed
    after it. An aware datetime, or None when the version carries no time."""
    return version_time(page_version(request))


def _renew(*keys):
    """Replace the versions under `keys`. When the shared cache does not answer, the
    change is logged and renewed again at the first chance (`_pending`): the editor's
    publication itself has succeeded and is not undone by a cache."""
    try:
        _versions().set_many({key: _new_version() for key in keys}, timeout=None)
    except UNAVAILABLE as error:
        _note_outage(error)
        with _pending_lock:
            _pending.update(keys)
        logger.error("Could not renew %s in the shared cache: renewed when it is back",
                     ", ".join(keys))


def _renew_pending():
    with _pending_lock:
        keys = set(_pending)
        _pending.clear()
    if keys:
        _renew(*keys)


def _bump(*keys):
    _renew(*keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _renew(*keys))


# --- Data tags ---------------------------------------------------------------------------
#
# A datum is cached with the versions of the tags it depends on (`data.cached(...,
# tags=...)`); a change renews the versions of the tags it affects, then the data version.
# A worker keeps the tags' versions it has read in its memory for as long as the data
# version stays the same: a warm request reads nothing more than the data version, and the
# first request after a change reads again the few tags it meets.


def tag_key(tag):
    text = str(tag)
    if len(text) > 100 or not text.isprintable() or " " in text:
        text = hashlib.sha256(text.encode()).hexdigest()
    return TAG_KEY_PREFIX + text


_known = {"data_version": None, "tags": {}}
_known_lock = threading.Lock()


def tag_versions(request, tags):
    """(version of EVERYTHING, version of each tag in `tags`), as this request sees them."""
    current = data_version(request)
    with _known_lock:
        if _known["data_version"] != current:
            _known["data_version"] = current
            _known["tags"] = {}
        known = _known["tags"]
    versions = []
    for tag in (EVERYTHING, *tags):
        version = known.get(tag)
        if version is None:
            try:
                version = _local(_read_version(tag_key(tag), lambda: uuid.uuid4().hex))
            except UNAVAILABLE as error:
                _note_outage(error)
                return (_unknown(), *(_unknown() for _tag in tags))
            known[tag] = version
        versions.append(version)
    return tuple(versions)


def data_version_now():
    """The data version as the shared cache holds it now (not the request's memo), as
    this process uses it; None when the shared cache does not answer."""
    try:
        version = _versions().get(DATA_VERSION_KEY)
    except UNAVAILABLE as error:
        _note_outage(error)
        return None
    return _local(version) if version is not None else None


def bump_tags(*tags):
    """Renew `tags` (EVERYTHING: every datum), the data version around them, and the page
    version; at once and again when the transaction commits.

    The data version is renewed before and after the tags: a worker that read a tag's new
    version after computing a datum (tags known only from the answer) then finds the data
    version changed since its request began, and does not keep that datum."""
    keys = [tag_key(tag) for tag in tags]

    def renew():
        _renew(DATA_VERSION_KEY)
        _renew(*keys)
        _renew(DATA_VERSION_KEY, PAGE_VERSION_KEY)

    renew()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(renew)

"""The shared cache on Redis (`CACHE_URL=redis://host:6379/0`): Django's own backend,
with short timeouts, and an outage that slows the site down instead of stopping it.

Every app server keeps in the shared cache what must be the same for all of them: the
page and data versions (pagecache.versions), the per-IP form limits
(antispam.rate_limit), allauth's sign-in limits, the flyers and the public figures.
With Django's stock backend, Redis unreachable is an exception in every request: every
page a 500. Here, when Redis does not answer within `socket_timeout` (default 0.5 s;
connecting: `socket_connect_timeout`, 0.5 s; both OPTIONS, or `?socket_timeout=` in
CACHE_URL):

- reads find nothing and writes keep nothing (a warning in the log at most every 10 s);
  `add` answers True, as if the key were added: allauth's rate limits take a lock that
  way, and a lock never taken would refuse every sign-in;
- `incr` raises ValueError, as for a key that does not exist: the rate limits start a
  new count, so they let people through rather than lock everyone out;
- the versions are read through `strict`, the same backend without this leniency, so
  that pagecache.versions knows the shared state is unknown and renders every page
  afresh until Redis is back (it never serves a page from before the outage as current).

Source of the rule: README, "Several app servers" (what each engine's failure does).
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 10
DEFAULT_SOCKET_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def _with_timeouts(params):
    options = {**DEFAULT_SOCKET_TIMEOUTS, **(params.get("OPTIONS") or {})}
    return {**params, "OPTIONS": options}


def _fails_open(name, fallback):
    """RedisCache's method `name`, answering `fallback(*its arguments)` when Redis does
    not (and noting it in the log)."""
    parent = getattr(RedisCache, name)

    @functools.wraps(parent)
    def method(self, *args, **kwargs):
        try:
            return parent(self, *args, **kwargs)
        except RedisError as error:
            self._unavailable(error)
            return fallback(*args, **kwargs)

    return method


def _not_found(key, *_args, **_kwargs):
    raise ValueError(f"Key '{key}' not found (shared cache unavailable)")


class SharedRedisCache(RedisCache):
    """Django's RedisCache that fails open (see the module)."""

    def __init__(self, server, params):
        params = _with_timeouts(params)
        super().__init__(server, params)
        self.strict = RedisCache(server, params)
        self._warned_at = 0.0

    def _unavailable(self, error):
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            logger.warning("Shared cache unavailable (%s): pages are rendered without it",
                           type(error).__name__)

    get = _fails_open("get", lambda _key, default=None, *_args, **_kwargs: default)
    get_many = _fails_open("get_many", lambda *_args, **_kwargs: {})
    has_key = _fails_open("has_key", lambda *_args, **_kwargs: False)
    # As if added: a lock taken on an unreachable cache (allauth's rate limits, its used
    # TOTP codes) lets the request through, like the limits themselves.
    add = _fails_open("add", lambda *_args, **_kwargs: True)
    set = _fails_open("set", lambda *_args, **_kwargs: None)
    set_many = _fails_open("set_many", lambda data, *_args, **_kwargs: list(data))
    touch = _fails_open("touch", lambda *_args, **_kwargs: False)
    delete = _fails_open("delete", lambda *_args, **_kwargs: False)
    delete_many = _fails_open("delete_many", lambda *_args, **_kwargs: None)
    clear = _fails_open("clear", lambda *_args, **_kwargs: False)
    # As for a key that does not exist: the rate limits start a new count.
    incr = _fails_open("incr", _not_found)

"""The per-IP rate limit of the public forms and of the challenge endpoint.

Fixed windows of `SPAM_RATE_PERIOD` seconds on the default cache (shared by every worker
in production); a visitor is known by a keyed hash of their network, never by the IP.
"""

import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django.utils.translation import ngettext


def rate_limited_message(retry_after):
    minutes = max(1, math.ceil(retry_after / 60))
    return ngettext(
        "This form has been sent too many times from your connection in a short time. "
        "Please try again in %(count)d minute.",
        "This form has been sent too many times from your connection in a short time. "
        "Please try again in %(count)d minutes.",
        minutes,
    ) % {"count": minutes}


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except (ValueError, AttributeError):
        return None


def client_ip(request):
    """The visitor's IP address.

    With `TRUSTED_PROXY_COUNT = 0` it is REMOTE_ADDR. Behind n proxies that each append
    to X-Forwarded-For, it is the n-th address from the right (the one the outermost
    trusted proxy saw); anything further left was written by the client and is ignored.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return _valid_ip(forwarded[-count]) or remote


def _network(ip):
    """The unit a visitor controls: the address for IPv4, its /64 for IPv6."""
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return ip


def ip_hash(request):
    """A keyed hash of the visitor's network: logged and used in cache keys, never the IP."""
    if request is None:
        return "-"
    # The namespace it had in home/spam.py: a new one would change every key.
    return salted_hmac("home.spam.client-ip", _network(client_ip(request))).hexdigest()[:16]


@dataclass(frozen=True)
class RateLimit:
    """The outcome of `rate_limit()`: true when the visitor is over the limit."""

    limited: bool
    count: int
    limit: int
    retry_after: int  # seconds until the current window ends

    def __bool__(self):
        return self.limited


def rate_limit_exempt(request):
    """Whether this visitor skips the per-IP limit: signed-in staff who enter requests
    from the office (the desk shares one address with everyone it serves). Who counts
    is settings.SPAM_RATE_LIMIT_EXEMPT, a dotted path to a `user -> bool` function
    (accounts.roles.is_triage_staff): `antispam` does not import the accounts app."""
    user = getattr(request, "user", None)
    path = getattr(settings, "SPAM_RATE_LIMIT_EXEMPT", "")
    if user is None or not path or not user.is_authenticated:
        return False
    return bool(import_string(path)(user))


def _rate_key(request, scope, period, now):
    return f"spam:rate:{scope}:{ip_hash(request)}:{int(now // period)}"


def rate_limit(request, scope, limit=None, period=None):
    """Count one attempt for this visitor in `scope`; true (a `RateLimit`) when over.

    Call it once per POST (per challenge request for the challenge endpoint). Fixed
    windows of `period` seconds on the default cache, which must be shared by every
    worker in production. Defaults: `SPAM_RATE_LIMIT` per `SPAM_RATE_PERIOD`.
    Exempt visitors (`rate_limit_exempt`) are neither counted nor limited.
    """
    limit = limit if limit is not None else settings.SPAM_RATE_LIMIT
    period = period if period is not None else settings.SPAM_RATE_PERIOD
    if request is not None and rate_limit_exempt(request):
        return RateLimit(False, 0, limit, 0)
    now = time.time()
    window = int(now // period)
    key = _rate_key(request, scope, period, now)
    retry_after = max(1, math.ceil((window + 1) * period - now))
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=period + 1)
        count = 1
    else:
        # Some backends (the file cache) reset the expiry to the default on incr().
        cache.touch(key, timeout=retry_after + 1)
    if request is not None:
        counted = getattr(request, "_spam_rate_counted", {})
        counted[scope] = key
        request._spam_rate_counted = counted
    return RateLimit(count > limit, count, limit, retry_after)


def refund_attempt(request, scope):
    """Take back the attempt `rate_limit` counted for this request in `scope` (once):
    a form refused for what the person typed is corrected and sent again, and those
    attempts must not lock the person (or their office) out. Submissions refused as
    spam stay counted."""
    key = getattr(request, "_spam_rate_counted", {}).pop(scope, None)
    if key is None:
        return
    try:
        if cache.decr(key) < 0:
            cache.set(key, 0, timeout=settings.SPAM_RATE_PERIOD + 1)
    except ValueError:  # the window ended meanwhile: nothing left to take back
        pass


def too_many_requests(response, limited):
    """Turn a re-rendered form's response into a 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(limited.retry_after)
    add_never_cache_headers(response)
    return response


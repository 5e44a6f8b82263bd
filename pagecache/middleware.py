"""The page cache: whole responses of public pages served to anonymous visitors, per
URL, compressed once, kept in each worker's memory under the page version."""

import gzip
import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_http_date_safe

try:
    import brotli
except ImportError:  # whitenoise[brotli] installs it; gzip alone still works
    brotli = None


from pagecache.versions import page_version
from typed_text.parameters import is_ascii_number

# --- The page cache ------------------------------------------------------------------------

# Tracking parameters added by social networks and newsletters: the page is the same.
IGNORED_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
                      "fbclid", "gclid", "mc_cid", "mc_eid")
# Parameters a cached page may depend on (the news index's ?page=2); any other parameter
# means the page is served uncached (it would let anyone fill the cache at will).
KEPT_PARAMETERS = ("page",)
# Responses are compressed once, when stored.
_ENCODINGS = ("br", "gzip")
_STORED_HEADERS_SKIPPED = {"content-length", "set-cookie", "content-encoding", "etag"}


def _page_cache_seconds():
    if settings.DEBUG:
        return 0
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0)


def _is_anonymous_request(request):
    """No session, no flash messages, no credentials: nothing personal can be shown."""
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies:
        return False
    if getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def _cache_key(request):
    """The page's cache key, or None when this URL is not to be cached."""
    kept = []
    for name in sorted(request.GET):
        if name in IGNORED_PARAMETERS:
            continue
        if name not in KEPT_PARAMETERS:
            return None
        values = request.GET.getlist(name)
        if len(values) != 1 or not is_ascii_number(values[0], max_digits=4):
            return None  # ?page=abc: rendered, never stored
        kept.append(f"{name}={values[0]}")
    url = f"{request.scheme}://{request.get_host()}{request.path}?{'&'.join(kept)}"
    return hashlib.sha256(url.encode()).hexdigest()


def _cache_control_forbids(response):
    value = response.get("Cache-Control", "").lower()
    return any(word in value for word in ("private", "no-cache", "no-store", "max-age=0"))


def _may_store(request, response):
    """Only a Wagtail page's plain 200 answer, that no one asked to keep private."""
    route = getattr(request, "_wagtail_route_for_request", None)
    if not route:
        return False  # not a Wagtail page (accounts, partner area, search, admin...)
    if not getattr(route[0], "page_cache", True):
        return False
    return _may_store_answer(request, response)


def _may_store_answer(request, response):
    """A plain 200 answer, that sets no cookie, holds no CSRF token, is for no one in
    particular and that no one asked to keep private."""
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    if _cache_control_forbids(response):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page holds a CSRF token
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


# --- What a caching proxy in front may keep (README, "Several app servers") --------------


def mark_public(response):
    """Let a shared cache (the caching proxy in front, purged by Wagtail's frontend cache
    on publication) keep `response` for PROXY_CACHE_SECONDS, and browsers keep it but ask
    again each time (its ETag makes that a 304): `Cache-Control: public, max-age=0,
    s-maxage=N`, `Vary: Accept-Encoding, Cookie` (a visitor who signs in has a cookie, so
    is never served the anonymous copy). Only for what the page cache itself would store:
    a 200 for an anonymous visitor, holding nothing personal and no form token."""
    patch_cache_control(response, public=True, max_age=0,
                        s_maxage=max(0, int(getattr(settings, "PROXY_CACHE_SECONDS", 0))))
    patch_vary_headers(response, ("Accept-Encoding", "Cookie"))
    return response


def mark_private(response):
    """`Cache-Control: private, no-cache` on an answer that says nothing of its own: no
    shared cache keeps it (it may be personal: a signed-in page, a form's token, a
    redirect by the browser's language), a browser asks again before reusing it."""
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_cache=True)
    return response


def _entry(response):
    body = response.content
    headers = [
        (name, value) for name, value in response.items()
        if name.lower() not in _STORED_HEADERS_SKIPPED
    ]
    entry = {
        "status": response.status_code,
        "headers": headers,
        "etag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        "identity": body,
        "gzip": gzip.compress(body, compresslevel=6, mtime=0),
    }
    if brotli is not None:
        entry["br"] = brotli.compress(body, quality=6)
    return entry


def _accepted_encoding(request):
    accepted = {}
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        accepted[name.strip().lower()] = quality
    for encoding in _ENCODINGS:
        if accepted.get(encoding, 0) > 0:
            return encoding
    return None


def _last_modified(entry):
    for name, value in entry["headers"]:
        if name.lower() == "last-modified":
            return parse_http_date_safe(value)
    return None


def is_not_modified(request, entry):
    """Whether the client's copy is `entry`'s (RFC 9110 13.2.2): If-None-Match names its
    ETag, or, when the client sends no If-None-Match, If-Modified-Since is not before the
    entry's Last-Modified (a page that sends one)."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        return entry["etag"] in if_none_match or if_none_match.strip() == "*"
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    modified = _last_modified(entry)
    return since is not None and modified is not None and modified <= since


def _response(request, entry, state):
    etag = entry["etag"]
    if is_not_modified(request, entry):
        response = HttpResponseNotModified()
        for name, value in entry["headers"]:
            # What a 304 repeats (RFC 9110 15.4.5), and CORS so a browser script reads it.
            if name.lower() in ("last-modified", "cache-control", "expires", "vary",
                                "content-location") or name.lower().startswith(
                                    "access-control-"):
                response[name] = value
    else:
        encoding = _accepted_encoding(request)
        body = entry.get(encoding) if encoding else None
        response = HttpResponse(body if body is not None else entry["identity"],
                                status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        if body is not None:
            response["Content-Encoding"] = encoding
        response["Content-Length"] = str(len(response.content))
    response["ETag"] = etag
    patch_vary_headers(response, ("Accept-Encoding",))
    response["X-Page-Cache"] = state
    return response


class PageCacheMiddleware:
    """Serve anonymous visitors' public pages from the cache.

    Place it right after WhiteNoise, before the session, language, CSRF and
    authentication middleware: a hit skips them all. Headers of the middleware above it
    (security headers, Content-Security-Policy) are still added to every response.

    Read only for GET requests without a session cookie, a flash-message cookie or
    credentials (a logged-in visitor, or one who just sent a form, always gets a fresh
    page). Stored only when Wagtail served a page with a 200 that sets no cookie, holds
    no CSRF token, and does not say `private`, `no-cache` or `no-store` (the intake and
    contact forms say so: their tokens are per visitor). Keyed by scheme, host, path and
    the kept query parameters; the language is part of the path.

    Each worker keeps the pages in its own memory (`LocalPages`), under the page version
    read from the shared cache: see the module's docstring.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET" or not _is_anonymous_request(request):
            return mark_private(self.get_response(request))
        key = _cache_key(request)
        if key is None:
            return mark_private(self.get_response(request))
        seconds = _page_cache_seconds()
        full_key = f"{key}:{page_version(request)}" if seconds else None
        entry = _local_pages().get(full_key) if full_key else None
        if entry is not None:
            return _response(request, entry, "hit")
        response = self.get_response(request)
        if not _may_store(request, response):
            return mark_private(response)
        mark_public(response)
        if not seconds:
            return response
        entry = _entry(response)
        _local_pages().set(full_key, entry, seconds)
        if _accepted_encoding(request):
            return _response(request, entry, "miss")  # compressed, as the next ones
        if is_not_modified(request, entry):
            return _response(request, entry, "miss")
        # As rendered (Django's test client can still read its context).
        response["ETag"] = entry["etag"]
        patch_vary_headers(response, ("Accept-Encoding",))
        response["X-Page-Cache"] = "miss"
        return response


class LocalPages:
    """A small least-recently-used store of cached pages in this process's memory."""

    def __init__(self, size=None):
        self.size = size or getattr(settings, "PAGE_CACHE_LOCAL_ENTRIES", 200)
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            expires, entry = found
            if expires < time.monotonic():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return entry

    def set(self, key, entry, seconds):
        with self.lock:
            self.entries[key] = (time.monotonic() + seconds, entry)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_pages = None


def _local_pages():
    """This worker's pages (one store, whichever middleware instance asks)."""
    global _pages
    if _pages is None:
        _pages = LocalPages()
    return _pages

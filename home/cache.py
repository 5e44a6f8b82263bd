"""What the site keeps in memory between requests, and how publishing clears it.

Two *versions* live in the default cache, which every worker shares: tokens that
editors' changes replace. Everything else is kept in each worker's own memory, under the
version it was computed for: a worker asks the shared cache for the versions once per
request (a few bytes), and an entry stored under an old version is never read again.
Nothing has to be found and deleted, and a publication is seen by every worker at once.

- The data version covers what many pages need from the page tree, the settings and
  the contact details (`cached(request, name, compute)`: routes, menus, breadcrumbs,
  footer links, language versions, pages in the active language, Locales...).
- The page version covers whole responses of public pages served to anonymous visitors
  (`PageCacheMiddleware`), per URL (so per language: /it/ and /en/), compressed once.

`bump()` replaces both: on Wagtail's publish, unpublish, move and slug-change signals,
and when a page, a site, a locale, a view restriction, a setting or the contact details
are saved or deleted. `bump_pages()` replaces the page version only: when anything else
public pages show (`WATCHED_MODELS`, every snippet, images, documents) is saved or
deleted. The signal handlers are connected from HomeConfig.ready, so management commands
and the task worker invalidate too. A bump happens at once and again when the
transaction commits (a request that read the old rows in between cannot keep them).

Why in each worker's memory rather than all in the shared cache: on the small server
this site runs on, the shared cache is a folder of files (Django's file cache), where
every write lists the folder and a read means opening, decompressing and unpickling a
file; a page kept in memory is served in a fraction of that. Each worker renders each
page once per version: a few renders after a publication.

Settings: `PAGE_CACHE_SECONDS` (0 turns the page cache off; it is off while DEBUG is
on), `SITE_CACHE_SECONDS` (lifetime of the data entries), `PAGE_CACHE_LOCAL_ENTRIES` and
`SITE_CACHE_LOCAL_ENTRIES` (how many of each a worker keeps).
"""

import gzip
import hashlib
import os
import threading
import time
import uuid
from collections import OrderedDict

from django.apps import apps
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from home.parameters import is_ascii_number

try:
    import brotli
except ImportError:  # whitenoise[brotli] installs it; gzip alone still works
    brotli = None

DATA_VERSION_KEY = "site-cache:data-version"
PAGE_VERSION_KEY = "site-cache:page-version"
_MISSING = object()

# What the cached data is made of (besides pages, site and generic settings): a change
# clears the data and the pages.
DATA_MODELS = [
    "wagtailcore.Site",
    "wagtailcore.Locale",
    "wagtailcore.PageViewRestriction",
    "home.ContactDetails",
    "programme.ProtocolSignatory",
]
# Shown on public pages besides pages, snippets, images and documents (found by
# themselves): a change clears the cached pages.
WATCHED_MODELS = [
    "wagtailredirects.Redirect",
    "programme.MeetingSlot",
    "programme.CancelledMeeting",
    "programme.ProgrammePageVenue",
    "programme.Adhesion",
    "accounts.Organisation",
]


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


def bump(**_kwargs):
    """Forget every cached datum and page."""
    _bump(DATA_VERSION_KEY, PAGE_VERSION_KEY)


def bump_pages(**_kwargs):
    """Forget every cached page (the data they are built from has not changed)."""
    _bump(PAGE_VERSION_KEY)


# --- Cached data ---------------------------------------------------------------------------


_local_data = None


def _data_store():
    """This worker's store for cached data (values are pickled: every reader gets its
    own copy, never an object another request may have changed)."""
    global _local_data
    if _local_data is None:
        _local_data = LocMemCache("home.cache.site-data", {
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


# --- Invalidation ------------------------------------------------------------------------

_models = None


def _models_by_effect():
    """(models whose change clears the data, models whose change clears the pages)."""
    global _models
    if _models is None:
        from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import Page
        from wagtail.snippets.models import get_snippet_models

        def found(labels):
            models = set()
            for label in labels:
                try:
                    models.add(apps.get_model(label))
                except LookupError:  # an app that is not installed
                    continue
            return models

        data = {Page, BaseSiteSetting, BaseGenericSetting, *found(DATA_MODELS)}
        pages = {get_image_model(), get_document_model(), *get_snippet_models(),
                 *found(WATCHED_MODELS)}
        _models = (tuple(data), tuple(pages - data))
    return _models


# A page saved with only these fields changed is a draft being edited or a page being
# locked: what visitors see has not changed.
DRAFT_ONLY_FIELDS = {"draft_title", "has_unpublished_changes", "latest_revision",
                     "latest_revision_created_at", "locked", "locked_at", "locked_by"}


def _is_unpublished_draft(instance):
    """A moderated snippet (DraftStateMixin, not a page) that is not live, or a child row
    of one (a group's meetings): the public reads none of it. Its publication is told by
    Wagtail's `published` signal (_on_snippet_published); an unpublished row's saves,
    as a Redazione member's new group saved as a draft, change nothing visitors see."""
    from wagtail.models import DraftStateMixin, Page

    if isinstance(instance, DraftStateMixin) and not isinstance(instance, Page):
        return not instance.live
    parent = getattr(instance, "group", None)  # programme's MeetingSlot, CancelledMeeting…
    return (isinstance(parent, DraftStateMixin) and not isinstance(parent, Page)
            and not parent.live)


def _bump_for(instance, *, unless_draft=False):
    data, pages = _models_by_effect()
    watched = isinstance(instance, data) or isinstance(instance, pages)
    if not watched or (unless_draft and _is_unpublished_draft(instance)):
        return
    if isinstance(instance, data):
        bump()
    else:
        bump_pages()


def _on_model_change(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures being loaded
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    _bump_for(instance, unless_draft=True)


def _on_snippet_published(sender, instance, **kwargs):
    """A moderated snippet published or unpublished: what visitors see changed."""
    _bump_for(instance)


def connect_signals():
    from wagtail.models import PageViewRestriction
    from wagtail.signals import (
        page_published,
        page_slug_changed,
        page_unpublished,
        post_page_move,
        published,
        unpublished,
    )

    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(bump, dispatch_uid=f"home.cache.bump.{id(signal)}")
    for signal in (published, unpublished):
        signal.connect(_on_snippet_published, dispatch_uid=f"home.cache.snippet.{id(signal)}")
    post_save.connect(_on_model_change, dispatch_uid="home.cache.post_save")
    post_delete.connect(_on_model_change, dispatch_uid="home.cache.post_delete")
    m2m_changed.connect(bump, sender=PageViewRestriction.groups.through,
                        dispatch_uid="home.cache.restriction_groups")


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


def _response(request, entry, state):
    etag = entry["etag"]
    if etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
        response = HttpResponseNotModified()
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
        seconds = _page_cache_seconds()
        if not seconds or request.method != "GET" or not _is_anonymous_request(request):
            return self.get_response(request)
        key = _cache_key(request)
        if key is None:
            return self.get_response(request)
        full_key = f"{key}:{page_version(request)}"
        entry = _local_pages().get(full_key)
        if entry is not None:
            return _response(request, entry, "hit")
        response = self.get_response(request)
        if not _may_store(request, response):
            return response
        entry = _entry(response)
        _local_pages().set(full_key, entry, seconds)
        if _accepted_encoding(request):
            return _response(request, entry, "miss")  # compressed, as the next ones
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

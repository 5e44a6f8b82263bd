"""The page cache for views that are not Wagtail pages (the open data's API): their 200
answers to anonymous GETs kept like public pages, under the page version (any
publication clears them), compressed once, with ETag and Last-Modified answered by 304.
"""

import functools
import hashlib
from urllib.parse import urlencode

from django.utils.cache import patch_vary_headers

from pagecache.middleware import (
    IGNORED_PARAMETERS,
    _entry,
    _is_anonymous_request,
    _local_pages,
    _may_store_answer,
    _page_cache_seconds,
    _response,
    mark_public,
)
from pagecache.versions import page_version

# A query longer than this is answered, never stored: no one fills the cache at will.
LONGEST_STORED_QUERY = 300


def view_cache_key(request, variant=""):
    """The key of `request`'s answer: scheme, host, path, the query's parameters sorted
    (tracking parameters dropped) and `variant` (what else the answer depends on: its
    language). None when the query is too long to be worth keeping."""
    parameters = sorted(
        (name, value) for name in request.GET if name not in IGNORED_PARAMETERS
        for value in request.GET.getlist(name))
    query = urlencode(parameters)
    if len(query) > LONGEST_STORED_QUERY:
        return None
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}#{variant}"
    return "view:" + hashlib.sha256(url.encode()).hexdigest()


def cached_like_pages(variant=None):
    """Decorate a GET view: its plain 200 answers (no cookie, not private) are kept for
    anonymous visitors for PAGE_CACHE_SECONDS (off in DEBUG) under the page version, keyed
    by `view_cache_key(request, variant(request))`; every 200 answer carries an ETag (a
    hash of its body) and answers If-None-Match / If-Modified-Since with 304, cached or
    not. HEAD is answered as GET, without the body. Other answers (4xx) pass untouched."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            seconds = _page_cache_seconds()
            key = None
            if (seconds and request.method in ("GET", "HEAD")
                    and _is_anonymous_request(request)):
                key = view_cache_key(request, variant(request) if variant else "")
            full_key = f"{key}:{page_version(request)}" if key else None
            entry = _local_pages().get(full_key) if full_key else None
            if entry is not None:
                return _without_body_for_head(request, _response(request, entry, "hit"))
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            public = _is_anonymous_request(request) and _may_store_answer(request, response)
            if public:
                mark_public(response)
            entry = _entry(response)
            if full_key and public:
                _local_pages().set(full_key, entry, seconds)
            state = "miss" if full_key else "off"
            return _without_body_for_head(request, _response(request, entry, state))

        return wrapped

    return decorator


def _without_body_for_head(request, response):
    if request.method == "HEAD" and response.status_code == 200:
        length = response["Content-Length"]
        response.content = b""
        response["Content-Length"] = length
    patch_vary_headers(response, ("Accept-Encoding",))
    return response

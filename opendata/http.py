"""How the open data is served over HTTP: JSON errors, CORS, the answer's language, and
caching like public pages (pagecache.views)."""

import datetime
import functools
import zoneinfo

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from pagecache.versions import page_version_time
from pagecache.views import cached_like_pages

LANGUAGES = ("it", "en")
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
# Read-only data for anyone: any origin, no credentials, the validators a client resends
# and the headers it may read.
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": ", ".join(ALLOWED_METHODS),
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since, Accept-Language",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Content-Language",
    "Access-Control-Max-Age": "86400",
}


def json_error(status, message, *, code, parameter=None):
    """A JSON error the API's user can read: {"status": 400, "error": "invalid_parameter",
    "message": "<localized sentence>", "parameter": "per_page"} with that HTTP status.
    `message` is already translated (gettext) in the answer's language."""
    body = {"status": status, "error": code, "message": str(message)}
    if parameter:
        body["parameter"] = parameter
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def requested_language(request):
    """The answer's language: `?lang=` when given (None when it is neither "it" nor "en":
    the caller answers 400), else the best of Accept-Language among it/en, else "it"."""
    asked = request.GET.get("lang")
    if asked is not None:
        return asked if asked in LANGUAGES else None
    return accepted_language(request)


def accepted_language(request):
    """The best of the request's Accept-Language among it/en, else "it"."""
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        base = code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return LANGUAGES[0]


def with_cors(response):
    """`response` readable by a script of any other site (read-only data)."""
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def _start_of_today():
    """Midnight in Milan today: every open-data answer may change at midnight with no
    change of data (yesterday's meetings leave the upcoming ones, a schedule's UTC offset
    follows daylight saving time, a "modified" date in the catalogue moves)."""
    return datetime.datetime.combine(timezone.localdate(), datetime.time(),
                                     tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def set_last_modified(response, when, request=None):
    """Last-Modified: the later of `when` (an aware datetime: the latest change of what the
    answer shows, as far as the data say it, or None) and the page version's birth
    (pagecache.versions.page_version_time), in HTTP date format; not sent when both are
    unknown.

    The data's own dates miss some changes (an organisation's consent withdrawn, a seat
    taken, a snippet republished), and a client sending If-Modified-Since alone would keep
    a copy that is no longer true; every such change renews the page version, so its birth
    bounds them all; and answers that depend on the date are never older than today's
    midnight in Milan (`_start_of_today`)."""
    moments = [moment for moment in (when, page_version_time(request), _start_of_today())
               if moment is not None]
    if moments:
        response["Last-Modified"] = http_date(max(moments).timestamp())
    return response


def open_data_view(view):
    """Decorate a GET view of open data: CORS for read-only requests from anywhere
    (OPTIONS preflight answered 204), cached for anonymous visitors like public pages
    (under the page version: cleared by any publication; keyed by the URL and the answer's
    language), ETag and Last-Modified sent and If-None-Match / If-Modified-Since answered
    with 304; only GET, HEAD and OPTIONS (others 405 in JSON, with Allow). The view
    returns its response (sets Last-Modified itself: `set_last_modified`); errors (4xx)
    are never cached. Responses say `Vary: Accept-Language`."""

    cached = cached_like_pages(variant=lambda request: requested_language(request) or "")(view)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return with_cors(response)
        if request.method not in ("GET", "HEAD"):
            with translation.override(requested_language(request) or LANGUAGES[0]):
                response = json_error(
                    405, _("Only GET, HEAD and OPTIONS are accepted here: the open data "
                           "is read-only."), code="method_not_allowed")
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return with_cors(response)
        response = cached(request, *args, **kwargs)
        patch_vary_headers(response, ("Accept-Language",))
        return with_cors(response)

    wrapped.csrf_exempt = True
    return wrapped

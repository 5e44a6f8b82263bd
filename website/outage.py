"""The database is unavailable: the site's own 503 page, never the 500 page (issue 12).
The same for the object store that keeps media and exports on several app servers
(MEDIA_STORAGE=s3, issue 22): a document's download or an image's upload while it cannot
be reached (`is_object_store_unavailable`).

PostgreSQL stopped or restarting, a connection dropped, SQLite locked past its busy
timeout (`SQLITE_OPTIONS["timeout"]` in settings/base.py, 20 s): Django raises
`OperationalError` or `InterfaceError` wherever the request happened to be. The person
gets a 503 page in the language of the path's /it/ or /en/ prefix that says the service
is temporarily unavailable, that a form they were sending was *not* sent, and to try
again in a few minutes; with `Retry-After: DATABASE_UNAVAILABLE_RETRY_AFTER` seconds
(default 30) and `Cache-Control: no-store`.

A form posted when it happened (urlencoded or multipart) comes back as a "Try again"
form that posts the same fields to the same address, so the person loses nothing and
need not rely on the back button. Fields named like a password, secret, token, one-time
code or key are never written back into a page (`is_secret_field_name`); the spam
protection's signed timestamp and proof of work (antispam) are kept, so the retry is
judged as the first attempt was (a proof of work the first attempt already spent is
refused as used, and the form is shown again with what was typed). Files are not kept.

Where it is caught:

- `DatabaseUnavailableMiddleware.process_exception`: an exception from the view (saving a
  form, rendering a page), even with DEBUG on;
- `server_error` (handler500 in website/urls.py): one raised by a middleware (sessions,
  page routing, account sessions) or while a response is completed, with DEBUG off.

Rendering reads no database: `503.html` extends nothing that asks for menus, site
settings or the page tree, and is rendered without context processors; the CSRF token
of the retry form comes from the CSRF cookie, not from the database.

Nothing is half-written: ATOMIC_REQUESTS is off and every write of several rows runs in
one `transaction.atomic()` block (programme.participation.submit_request, for one),
rolled back by the exception on its way here. A failure after a form was stored (the
session saved as the response leaves) would still be shown as "not sent": the database
cannot be asked which it was.
"""

import logging
import re
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import escape_leading_slashes

from antispam.forms import SpamProtectedForm
from home import views as home_views

logger = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER = 30  # seconds
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CSRF_FIELD_NAME = "csrfmiddlewaretoken"
# SQLite raises OperationalError for mistakes in a query too; those are bugs (500), not
# an unavailable database.
_PROGRAMMING_MISTAKES = ("no such table", "no such column", "syntax error", "near \"",
                         "too many sql variables", "has no column named")
# Words of a field name whose value must never be written back into a page.
_SECRET_WORDS = {"password", "passwd", "pwd", "secret", "token", "otp", "totp", "code",
                 "pin", "key", "recovery"}
# The spam protection's fields: a signed timestamp and a proof of work, neither personal
# nor secret; without them the retry would be refused as "sent too quickly".
_KEPT_DESPITE_NAME = {SpamProtectedForm.token_field_name, SpamProtectedForm.altcha_field_name}
# Codes that identify, not authenticate: an organisation's codice fiscale is typed again
# by nobody gladly.
_PUBLIC_CODES = ("tax_code", "postal_code", "zip_code", "country_code")


def is_database_unavailable(exc):
    """True when `exc` (or an exception it was raised from) says the database cannot be
    reached or used right now: Django's OperationalError or InterfaceError, except
    SQLite's messages for a mistake in the query itself."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, InterfaceError):
            return True
        if isinstance(exc, OperationalError):
            message = str(exc).lower()
            return not message.startswith(_PROGRAMMING_MISTAKES)
        exc = exc.__cause__
    return False


try:
    from botocore.exceptions import ConnectionError as _StoreConnectionError
    from botocore.exceptions import HTTPClientError as _StoreHTTPError
    _STORE_ERRORS = (_StoreConnectionError, _StoreHTTPError)
except ImportError:  # pragma: no cover - django-storages[s3] installs botocore
    _STORE_ERRORS = ()


def is_object_store_unavailable(exc):
    """True when `exc` (or an exception it was raised from) says the S3 object store
    could not be reached or dropped the connection (botocore's connection errors and
    timeouts); an S3 answer such as "no such key" is not an outage."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if _STORE_ERRORS and isinstance(exc, _STORE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def is_service_unavailable(exc):
    return is_database_unavailable(exc) or is_object_store_unavailable(exc)


def is_secret_field_name(name):
    """True for a form field whose value is never echoed back: `password1`,
    `old_password`, `login-code`, `otp_token`... (the spam protection's `form_token`
    and `altcha` excepted)."""
    if name in _KEPT_DESPITE_NAME or name.lower().endswith(_PUBLIC_CODES):
        return False
    words = [word.rstrip("0123456789") for word in re.split(r"[^a-z0-9]+", name.lower())]
    return any(word in _SECRET_WORDS or word.startswith(("password", "passwd"))
               for word in words)


def retry_fields(request):
    """The posted form's fields to send again, as a list of (name, value) pairs in the
    order they came, and whether a secret field or a file was left out: ([...], bool).

    None when the request is not a form post, or its body can no longer be read (the
    page then only says to go back and send it again)."""
    if request is None or request.method != "POST":
        return None
    if request.content_type not in FORM_CONTENT_TYPES:
        return None
    try:
        posted = request.POST
        has_files = bool(request.FILES)
    except Exception:  # the page must answer; what could not be read is not offered
        logger.warning("The body of a form sent during a database outage was unreadable")
        return None
    fields, left_out = [], has_files
    for name, values in posted.lists():
        if name == CSRF_FIELD_NAME:
            continue
        if is_secret_field_name(name):
            left_out = True
            continue
        fields.extend((name, value) for value in values if isinstance(value, str))
    return fields, left_out


def _csrf_token(request):
    """A token the retry form can be sent with: the CSRF cookie's, which CsrfViewMiddleware
    has read when it ran; else the token the form came with (a new one would need a
    cookie this response may not carry)."""
    if "CSRF_COOKIE" in request.META:
        return get_token(request)
    submitted = request.POST.get(CSRF_FIELD_NAME, "") if request.method == "POST" else ""
    return submitted or get_token(request)


def retry_after_seconds():
    return int(getattr(settings, "DATABASE_UNAVAILABLE_RETRY_AFTER", DEFAULT_RETRY_AFTER))


def database_unavailable_response(request):
    """The 503 page for `request`, in the language of its path (else the browser's), with
    Retry-After and no-store; reads no database."""
    language = translation.get_language_from_path(request.path_info) or (
        translation.get_language_from_request(request))
    retry = retry_fields(request)
    with translation.override(language):
        try:
            context = {"LANGUAGE_CODE": translation.get_language(),
                       # "//host/..." would be another site's address.
                       "retry_url": escape_leading_slashes(request.get_full_path()),
                       "method": request.method}
            if retry is not None:
                context.update(retry_form=retry[0], left_out=retry[1],
                               csrf_token_value=_csrf_token(request))
            content = loader.render_to_string("503.html", context)
        except Exception:  # the page must answer whatever broke; the cause is logged
            logger.exception("The 503 page could not be rendered; plain page sent")
            content = loader.render_to_string("503_plain.html")
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(retry_after_seconds())
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """Answers a view's database outage with the 503 page (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            what = "Database"
        elif is_object_store_unavailable(exception):
            what = "Object store"
        else:
            return None
        logger.error("%s unavailable: %s %s answered 503", what, request.method,
                     request.path, exc_info=exception)
        return database_unavailable_response(request)


def server_error(request):
    """handler500: the 503 page when the exception being handled is an outage of the
    database or the object store, else the site's 500 page (home.views.server_error)."""
    exc = sys.exc_info()[1]
    if request is not None and is_service_unavailable(exc):
        return database_unavailable_response(request)
    return home_views.server_error(request)

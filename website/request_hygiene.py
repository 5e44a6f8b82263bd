"""What a request may carry before any view, form or query sees it.

`RequestHygieneMiddleware` answers with the site's error pages (home.views.bad_request,
through Django's handler400) instead of letting odd input reach a database or a form:

- A NUL or a lone surrogate in the path: 400. No address of the site holds one, and
  PostgreSQL refuses NUL in text ("A string literal cannot contain NUL (0x00)
  characters", a 500 on /it/partner/invito/%00/); a surrogate cannot even be encoded
  to send to it.
- The same characters in a query-string or form parameter (names and values) or in a
  cookie are dropped, before anything reads them: a person who pasted text holding a NUL
  still gets their form sent, as typed_text.characters drops the other control
  characters, and `?page=%00` is the first page. A cookie holding one was not set by the
  site (a session key with a NUL would reach the sessions table): it is ignored.
  The other control characters and the bidirectional controls are not dropped here: a
  parameter does not say what its field is, and the forms need to know (a pasted line
  break is a new line in a text area and a space elsewhere; a password stays as typed; a
  web address holding one is refused, not silently changed). typed_text's form mixin
  drops them before validation, and typed_text.editor_text's pre_save before any own
  model is stored.
- A body larger than the form it goes to can take: 413. Outside
  `UPLOAD_PATH_PREFIXES` (the Wagtail admin, whose image and document forms take files)
  no form has a file field, so a body may not exceed DATA_UPLOAD_MAX_MEMORY_SIZE bytes
  and may carry no file at all (Django's own limit counts form fields only, never files:
  a 12 MB file to the intake form was read and accepted). Under those prefixes the
  limit is UPLOAD_MAX_REQUEST_SIZE bytes.

The size is judged from Content-Length before the body is read. A form's body in a
charset other than UTF-8 makes Django raise a 400 (BadRequest) when it is read here:
the site's 400 page (with DEBUG on, Django's own page, status 400: it reads the body
again, so the body is marked unreadable first, as Django does for a body too large).

A view that looks up a form field the request does not carry (`request.POST["x"]`,
MultiValueDictKeyError) was sent an incomplete form: 400, not 500. Wagtail's page and
snippet edit views read their formsets' `<name>-count` that way: a POST of a page's
title alone answered 500.
"""

import re

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import QueryDict
from django.urls import get_resolver
from django.utils.datastructures import MultiValueDictKeyError

# NUL and the UTF-16 surrogate halves, which no text column stores.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class FilesNotAccepted(RequestDataTooBig):
    """Files sent to a form that takes none: answered with the 413 page, which says the
    site's forms take no attachments."""


def without_unstorable(query_dict):
    """A mutable copy of `query_dict` whose names and str values hold no NUL and no lone
    surrogate (uploaded files are left as they are)."""
    cleaned = QueryDict(mutable=True, encoding=query_dict.encoding)
    for name, values in query_dict.lists():
        cleaned.setlist(
            UNSTORABLE.sub("", name),
            [UNSTORABLE.sub("", value) if isinstance(value, str) else value
             for value in values],
        )
    cleaned._mutable = False
    return cleaned


def _holds_unstorable(query_dict):
    return any(
        UNSTORABLE.search(name) or any(isinstance(value, str) and UNSTORABLE.search(value)
                                       for value in values)
        for name, values in query_dict.lists()
    )


def _content_length(request):
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        raise BadRequest("Content-Length is not a number") from None


class RequestHygieneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.upload_prefixes = tuple(getattr(settings, "UPLOAD_PATH_PREFIXES", ()))
        self.upload_limit = getattr(settings, "UPLOAD_MAX_REQUEST_SIZE", None)

    def __call__(self, request):
        if UNSTORABLE.search(request.path_info):
            raise BadRequest("The path holds a NUL or a lone surrogate")
        takes_files = bool(self.upload_prefixes) and request.path_info.startswith(
            self.upload_prefixes)
        limit = self.upload_limit if takes_files else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and _content_length(request) > limit:
            raise RequestDataTooBig(f"The body is larger than {limit} bytes")
        if _holds_unstorable(request.GET):
            request.GET = without_unstorable(request.GET)
        if request.method == "POST":
            try:  # reads the body once; a charset other than UTF-8 raises BadRequest
                request.POST  # noqa: B018
            except BadRequest:
                request._mark_post_parse_error()  # the error pages must not read it again
                raise
            if request.FILES and not takes_files:
                raise FilesNotAccepted("Files sent to a form that takes none")
            if _holds_unstorable(request.POST):
                request.POST = without_unstorable(request.POST)
        for name, value in list(request.COOKIES.items()):
            if UNSTORABLE.search(name) or UNSTORABLE.search(value):
                del request.COOKIES[name]
        return self.get_response(request)

    def process_exception(self, request, exception):
        """An incomplete form (a field the view looks up is missing): the site's 400."""
        if isinstance(exception, MultiValueDictKeyError):
            return get_resolver().resolve_error_handler(400)(request, exception)
        return None

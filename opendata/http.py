"""How the open data is served over HTTP: JSON errors, CORS, and caching like public
pages. STUB by the lead: part B replaces the bodies, keeping these signatures."""

from django.http import JsonResponse


def json_error(status, message, *, code, parameter=None):
    """A JSON error the API's user can read: {"status": 400, "error": "invalid_parameter",
    "message": "<localized sentence>", "parameter": "per_page"} with that HTTP status.
    `message` is already translated (gettext) in the answer's language."""
    body = {"status": status, "error": code, "message": str(message)}
    if parameter:
        body["parameter"] = parameter
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def open_data_view(view):
    """Decorate a GET view of open data: CORS for read-only requests from anywhere
    (OPTIONS preflight answered), cached for anonymous visitors like public pages (under
    the page version: cleared by any publication), ETag and Last-Modified sent and
    If-None-Match / If-Modified-Since answered with 304; only GET, HEAD and OPTIONS (others
    405 in JSON). The view returns its response; errors (4xx) are never cached."""
    return view

import logging
import re

from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET
from wagtail.models import Locale

from home.search_results import promotions
from home.search_results import results as search_results
from home.site_search import SearchOutcome, search_pages

logger = logging.getLogger(__name__)

SEARCH_MAX_LENGTH = 200
SEARCH_PER_PAGE = 10
# Control characters (NUL breaks PostgreSQL) and the search syntax's operators: a visitor's
# words are searched as words.
_NOT_SEARCHABLE = re.compile(r"[\x00-\x1f\x7f\"*():^{}\[\]<>+\\]")


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /it/accounts/",
        "Disallow: /en/accounts/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def clean_query(raw):
    """The visitor's words, tidied and cut to a sane length (never raises)."""
    text = _NOT_SEARCHABLE.sub(" ", raw[: SEARCH_MAX_LENGTH * 4])
    return " ".join(text.split())[:SEARCH_MAX_LENGTH].strip()


@require_GET
def search(request):
    """Full-text search over the live, public pages of the visitor's language."""
    raw_query = request.GET.get("q", "")
    query = clean_query(raw_query)
    # At most SEARCH_MAX_RESULTS ranked pages, paginated here: no count of every match
    # (home/site_search.py). Results stay generic pages: their snippets come from the
    # search index in one query (home/search_results.py), not from each specific page.
    locale = Locale.get_active()
    outcome = search_pages(query, locale) if query else SearchOutcome()
    # The editors' promoted results first, then the pages found that they do not repeat.
    promoted = promotions(query, locale) if query else []
    promoted_ids = {page.pk for page, _extra in promoted if page is not None}
    entries = ([("promoted", page, extra) for page, extra in promoted]
               + [page for page in outcome.pages if page.pk not in promoted_ids])
    page_obj = Paginator(entries, SEARCH_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "search.html",
        {
            "search_query": query,
            "search_submitted": "q" in request.GET,
            "search_max_length": SEARCH_MAX_LENGTH,
            "results": page_obj,
            "result_items": search_results(page_obj.object_list, request, query,
                                           locale.language_code),
            "more_results": outcome.more,
            "max_results": outcome.limit,
        },
    )


def csrf_failure(request, reason=""):
    """A form sent without its security cookie or token (the page stayed open across a
    browser restart, or cookies are blocked): the site's own page, in the visitor's
    language, saying what to do — not Django's bare page, whose styles our CSP blocks."""
    return render(request, "403_csrf.html", status=403)


# The handlers below (handler400/403/404/500 in website/urls.py) never read the request's
# body, so they carry no CSRF decorator: Django's stock views (`requires_csrf_token`) run
# the CSRF check, which reads request.POST again; a body Django refused to read (a charset
# other than UTF-8, too large) then raises inside the error view and the 400 became a 500.


def _error_page(request, template_name, status, plain_template_name):
    """The site's page for an error, in the language of the path's /it/ or /en/ prefix
    (else the browser's, as LocaleMiddleware picks it: the error may come before that
    middleware ran), as an HttpResponse with `status`.

    The page has the site's header and footer, which read the database and the request's
    host; when that fails too (a host Django refused, the database gone), the plain
    bilingual `plain_template_name`, rendered from no request at all, still answers."""
    language = translation.get_language_from_path(request.path_info)
    with translation.override(language or translation.get_language_from_request(request)):
        if request.path_info.startswith(tuple(settings.JSON_ERROR_PATH_PREFIXES)):
            return _json_error(status, _asked_language(request))
        try:
            return render(request, template_name, status=status)
        except Exception:  # the page must answer whatever broke; the cause is logged
            logger.exception("The %s page could not be rendered; plain page sent", status)
    return HttpResponse(loader.render_to_string(plain_template_name), status=status)


# What an API's user reads when an address or a request is wrong (JSON_ERROR_PATH_PREFIXES).
JSON_ERRORS = {
    400: ("bad_request", _lazy("The request cannot be read: check the address and its "
                               "parameters.")),
    403: ("forbidden", _lazy("This address is not open to you.")),
    404: ("not_found", _lazy("There is nothing at this address: the API's addresses are "
                             "listed in its OpenAPI file.")),
    413: ("too_large", _lazy("The request is too large.")),
    500: ("server_error", _lazy("The server could not answer: try again in a few "
                                "minutes.")),
}


def _asked_language(request):
    """The API's own choice of language (`?lang=`) when the query can be read and names
    one of the site's languages, else None. The query may be what failed (too many
    parameters): then it is not read again."""
    try:
        asked = request.GET.get("lang", "")
    except Exception:  # the query Django refused to read raises again
        return None
    return asked if asked in dict(settings.LANGUAGES) else None


def is_json_address(request):
    """Whether `request` is for an address other programs read (JSON_ERROR_PATH_PREFIXES):
    its errors are JSON."""
    return request is not None and request.path_info.startswith(
        tuple(settings.JSON_ERROR_PATH_PREFIXES))


def _json_error(status, language=None):
    """The error as JSON ({"status", "error", "message"}, in `language` or the active
    one): for the addresses other programs read (the open data's API), never an HTML
    page."""
    code, message = JSON_ERRORS[status]
    with translation.override(language or translation.get_language()):
        response = JsonResponse({"status": status, "error": code, "message": str(message)},
                                status=status, json_dumps_params={"ensure_ascii": False})
        response["Content-Language"] = translation.get_language()
    response["Cache-Control"] = "no-store"
    return response


def json_not_found(request):
    """404 in JSON for any address under a JSON prefix that nothing answers (/api/nope),
    before the language prefix would send it to the site's HTML 404."""
    with translation.override(translation.get_language_from_request(request)):
        return _json_error(404, _asked_language(request))


def bad_request(request, exception):
    """400 (or 413 when the body was larger than DATA_UPLOAD_MAX_MEMORY_SIZE allows)."""
    if isinstance(exception, DisallowedHost):
        # The layout would ask for the host again; scanners send these all day.
        return HttpResponse(loader.render_to_string("400_plain.html"), status=400)
    if isinstance(exception, RequestDataTooBig):
        return _error_page(request, "413.html", 413, "400_plain.html")
    return _error_page(request, "400.html", 400, "400_plain.html")


def permission_denied(request, exception):
    return _error_page(request, "403.html", 403, "403_plain.html")


def page_not_found(request, exception):
    return _error_page(request, "404.html", 404, "404_plain.html")


def server_error(request):
    """500: always the plain bilingual page; whatever failed may fail again in the
    site's layout. JSON under the API's addresses."""
    if is_json_address(request):
        return _json_error(500, _asked_language(request))
    return HttpResponse(loader.render_to_string("500.html"), status=500)

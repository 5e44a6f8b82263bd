"""The HSDS 3.0 API's views (read-only, public), at /api/hsds/: the 3.0 OpenAPI profile's
/, /services, /services/{id}, /organizations, /organizations/{id},
/service_at_locations, /service_at_locations/{id}, its /openapi.json, and /locations,
/locations/{id}, an extension (the 3.0 OpenAPI has no /locations path; the records are
HSDS 3.0 locations, checked against the release's location schema).

Query parameters of the lists:
- `page` (from 1), `per_page` (1 to 100, default 50): the spec's Page object; a page
  past the last is empty (200), not an error;
- `search`: words all found in the name or description, in the answer's language or in
  Italian (the original), case-insensitive;
- `modified_after`: an ISO 8601 date-time (a date alone means its midnight in Milan);
  records last published or decided on or after it;
- `full`: true/false (also 1/0, yes/no): the fully nested records;
- `organization_id` (services, service_at_locations): that organization's services;
- `taxonomy_term_id`, `taxonomy_id`: no record has a taxonomy term here, so they select
  nothing (an empty page), as a filter on absent terms would;
- `format`: only `json`; `minimal`, `full_service`, `postcode`, `proximity` and any other
  parameter are ignored;
- `lang` (it, en): the texts' language; without it Accept-Language's best match, else
  Italian.
A bad value is a 400 in JSON naming the parameter, in the answer's language; an unknown
or malformed id a 404 in JSON.
"""

import datetime
import json
import math
from functools import cache

from django.http import JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from opendata import hsds, sources
from opendata.http import (
    accepted_language,
    json_error,
    open_data_view,
    requested_language,
    set_last_modified,
)
from opendata.identifiers import parse_id
from opendata.validation import HSDS_DIR
from programme.schedule import MILAN
from typed_text.parameters import page_number

HSDS_VERSION = "3.0"
PER_PAGE = 50
MAX_PER_PAGE = 100
LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no")


class BadParameter(Exception):
    def __init__(self, parameter, message):
        super().__init__(message)
        self.parameter, self.message = parameter, message


def _respond(data, language, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Language"] = language
    return response


def _base(request):
    return request.build_absolute_uri("/").rstrip("/")


def hsds_view(view):
    """The API's views: the answer's language chosen (?lang= else Accept-Language),
    active while the view runs and said in Content-Language; a bad parameter a 400 in
    JSON; served by opendata.http.open_data_view (CORS, caching, ETag, 304)."""

    def wrapped(request, *args, **kwargs):
        language = requested_language(request)
        if language is None:
            fallback = accepted_language(request)
            with translation.override(fallback):
                response = json_error(
                    400, _("The language “lang” must be “it” (Italian) or “en” (English)."),
                    code="invalid_parameter", parameter="lang")
            response["Content-Language"] = fallback
            return response
        with translation.override(language):
            try:
                response = view(request, language, *args, **kwargs)
            except BadParameter as error:
                response = json_error(400, error.message, code="invalid_parameter",
                                      parameter=error.parameter)
        response["Content-Language"] = language
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return open_data_view(wrapped)


def _not_found():
    return json_error(404, _("There is no record with this id."), code="not_found")


# Parameters --------------------------------------------------------------------------

def _positive_int(request, name, default, maximum=None):
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    # ASCII digits only, as every number the site reads from an address ("١٢", "1_0",
    # " 7" are not page numbers); beyond nine digits there is no such page.
    value = page_number(raw) or 0
    if value < 1 or (maximum is not None and value > maximum):
        if maximum is None:
            message = _("“%(name)s” must be a whole number from 1 up.") % {"name": name}
        else:
            message = _("“%(name)s” must be a whole number from 1 to %(max)d.") % {
                "name": name, "max": maximum}
        raise BadParameter(name, message)
    return value


def _boolean(request, name):
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return False
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise BadParameter(name, _("“%(name)s” must be “true” or “false”.") % {"name": name})


def _modified_after(request):
    raw = request.GET.get("modified_after")
    if raw is None or raw == "":
        return None
    try:
        when = parse_datetime(raw.replace(" ", "+"))
        day = None if when else parse_date(raw)
    except ValueError:
        when = day = None
    if day is not None:
        when = datetime.datetime.combine(day, datetime.time(), tzinfo=MILAN)
    if when is None:
        raise BadParameter("modified_after", _(
            "“modified_after” must be an ISO 8601 date and time, such as "
            "2026-01-31T09:00:00+01:00."))
    return when if when.tzinfo else when.replace(tzinfo=MILAN)


def _check_format(request):
    raw = request.GET.get("format")
    if raw not in (None, "", "json"):
        raise BadParameter("format", _("“format” can only be “json” here."))


def _listing(request, language, entries_of, *, organization_filter=False):
    """The Page object of `entries_of(ctx)` as the query parameters select."""
    page = _positive_int(request, "page", 1)
    per_page = _positive_int(request, "per_page", PER_PAGE, MAX_PER_PAGE)
    full = _boolean(request, "full")
    after = _modified_after(request)
    _check_format(request)
    words = request.GET.get("search", "").casefold().split()
    ctx = hsds.gather(sources.locale_for(language), _base(request))
    entries = everything = entries_of(ctx)
    if words:
        entries = [e for e in entries if all(word in e.search_text for word in words)]
    if after is not None:
        entries = [e for e in entries if e.modified is not None and e.modified >= after]
    if organization_filter and request.GET.get("organization_id"):
        wanted = parse_id(request.GET["organization_id"])
        entries = [e for e in entries if e.organization_id == wanted]
    if organization_filter and (request.GET.get("taxonomy_term_id")
                                or request.GET.get("taxonomy_id")):
        entries = []
    total = len(entries)
    total_pages = math.ceil(total / per_page)
    shown = entries[(page - 1) * per_page:page * per_page]
    response = _respond({
        "total_items": total, "total_pages": total_pages, "page_number": page,
        # The page's size as asked (per_page), as Spring Data's Page, whose keys these are.
        "size": per_page,
        "first_page": page == 1, "last_page": page >= total_pages,
        "empty": not shown,
        "contents": [entry.build(full) for entry in shown],
    }, language)
    return set_last_modified(response, _latest(everything), request)


def _one(request, language, entries_of, id):
    wanted = parse_id(id)
    if wanted is None:
        return _not_found()
    ctx = hsds.gather(sources.locale_for(language), _base(request))
    entry = next((e for e in entries_of(ctx) if e.id == wanted), None)
    if entry is None:
        return _not_found()
    return set_last_modified(_respond(entry.build(True), language), entry.modified, request)


def _latest(entries):
    return max((e.modified for e in entries if e.modified is not None), default=None)


# Views -------------------------------------------------------------------------------

@hsds_view
def index(request, language):
    """What this API is: HSDS version, profile, OpenAPI file, licence, extensions."""
    from opendata.models import OpenDataPage

    locale = sources.locale_for(language)
    pages = OpenDataPage.objects.live()
    page = pages.filter(locale=locale).first() or pages.first()
    openapi_url = request.build_absolute_uri(reverse("hsds:openapi"))
    profile = page.get_url() if page else None
    profile = (profile if profile and profile.startswith("http") else _base(request) + profile
               ) + "#hsds" if profile else openapi_url
    return _respond({
        "version": HSDS_VERSION, "profile": profile, "openapi_url": openapi_url,
        # Extra keys: the OpenAPI's schema for "/" does not forbid them.
        "license": LICENCE,
        "languages": list(hsds.SITE_LANGUAGES),
        "extensions": [_("/locations and /locations/{id}: the venues as HSDS 3.0 "
                         "locations (the 3.0 profile has no such path).")],
    }, language)


@cache
def _vendored_openapi():
    return json.loads((HSDS_DIR / "openapi.json").read_text())


@hsds_view
def openapi(request, language):
    """The vendored HSDS 3.0 OpenAPI file, with our server in `servers` and our title,
    description and licence in `info` instead of its placeholders; paths and schemas as
    they are."""
    document = dict(_vendored_openapi())
    document["info"] = {
        "title": _("Mutuo Aiuto Lavoro – HSDS 3.0 API"),
        "version": HSDS_VERSION,
        "description": _("The programme's services, organizations, locations and schedules "
                         "in Open Referral's HSDS 3.0, read-only. Extension: /locations."),
        "license": LICENCE,
    }
    document["servers"] = [{"url": request.build_absolute_uri(reverse("hsds:index"))
                            .rstrip("/")}]
    return _respond(document, language)


@hsds_view
def services(request, language):
    return _listing(request, language, hsds.service_entries, organization_filter=True)


@hsds_view
def service(request, language, id):
    return _one(request, language, hsds.service_entries, id)


@hsds_view
def organizations(request, language):
    return _listing(request, language, hsds.organization_entries)


@hsds_view
def organization(request, language, id):
    return _one(request, language, hsds.organization_entries, id)


@hsds_view
def locations(request, language):
    return _listing(request, language, hsds.location_entries)


@hsds_view
def location(request, language, id):
    return _one(request, language, hsds.location_entries, id)


@hsds_view
def service_at_locations(request, language):
    return _listing(request, language, hsds.service_at_location_entries,
                    organization_filter=True)


@hsds_view
def service_at_location(request, language, id):
    return _one(request, language, hsds.service_at_location_entries, id)

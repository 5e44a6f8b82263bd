"""The rating endpoint and its thank-you page.

The component sits on pages served from the page cache to anonymous visitors, so its
form carries no CSRF token, no signed timestamp and no cookie (any of them would make
those pages uncacheable or stale). The endpoint is therefore exempt from CSRF: a rating
changes no one's data and acts on behalf of no one (it is anonymous, and a visitor signed
in gains nothing by it), so a forged cross-site post can do no more than a visitor could
do directly. What protects it instead: a honeypot field, a cross-site Origin refused, the
per-IP rate limit of the other public forms (antispam.rate_limit), and validation of
every field (a bad value is a clear error and stores nothing).

With JavaScript (static/js/rating.js) the post asks for JSON and the component shows the
answer in place; without it, the plain form is answered with a redirect to a thank-you
page (POST/redirect/GET: reloading it stores nothing twice) or with the form, its errors
and the values kept (400).
"""

import logging

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Page, Site

from antispam.forms import HONEYPOT_NAMES, MESSAGES, log_refusal
from antispam.rate_limit import rate_limit, rate_limited_message, refund_attempt
from rating.forms import RatingForm, component_context
from rating.ratings import may_be_rated, record_rating
from typed_text.parameters import is_ascii_number

logger = logging.getLogger(__name__)

SCOPE = "rating"
HONEYPOT = HONEYPOT_NAMES[0]  # "website": the component's form has no such field


def _rated_page(request, value):
    """The page a posted or linked `page` value (str) names, when it may be rated: one of
    this site's, live and public (rating.ratings.may_be_rated), else None."""
    if not is_ascii_number(value, max_digits=12):
        return None
    page = Page.objects.filter(pk=int(value)).select_related("locale").first()
    return page if may_be_rated(page, Site.find_for_request(request)) else None


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _cross_site(request):
    """True when the browser says the form was sent from a page of another site."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return bool(origin)
    return not url_has_allowed_host_and_scheme(
        origin + "/", allowed_hosts={request.get_host()}, require_https=request.is_secure())


def _refused(request, form, page, message, status):
    if _wants_json(request):
        response = JsonResponse({"ok": False, "errors": [str(message)]}, status=status)
    else:
        form.add_error(None, message)
        response = _form_page(request, form, page, status)
    add_never_cache_headers(response)
    return response


def _form_page(request, form, page, status):
    return TemplateResponse(request, "rating/rate.html", component_context(form, page),
                            status=status)


def _invalid(request, form, page):
    if _wants_json(request):
        errors = {name: [str(error) for error in errors]
                  for name, errors in form.errors.items()}
        messages = [message for errors in errors.values() for message in errors]
        response = JsonResponse({"ok": False, "errors": messages, "fields": errors},
                                status=400)
    else:
        response = _form_page(request, form, page, 400)
    add_never_cache_headers(response)
    return response


@csrf_exempt  # see the module's docstring: anonymous, changes no one's data, rate-limited
@require_POST
def rate(request):
    """Store one rating of the page posted as `page` (see RatingForm for the fields)."""
    page = _rated_page(request, request.POST.get("page", ""))
    form = RatingForm(request.POST)
    if page is None:
        return _refused(request, form, None,
                        pgettext("rating", "This page cannot be rated."), 400)
    if _cross_site(request):
        log_refusal("cross_site", SCOPE, request)
        return _refused(request, form, page, MESSAGES["bad_token"], 403)
    limited = rate_limit(request, SCOPE, settings.RATING_RATE_LIMIT,
                         settings.SPAM_RATE_PERIOD)
    if limited:
        log_refusal("rate_limited", SCOPE, request)
        response = _refused(request, form, page,
                            rate_limited_message(limited.retry_after), 429)
        response["Retry-After"] = str(limited.retry_after)
        return response
    if not form.is_valid():
        refund_attempt(request, SCOPE)  # corrected and sent again, it must not lock out
        return _invalid(request, form, page)
    if str(request.POST.get(HONEYPOT, "")).strip():
        log_refusal("honeypot", SCOPE, request)
        return _refused(request, form, page, MESSAGES["honeypot"], 400)
    record_rating(page=page, **form.cleaned_data)
    thanks = pgettext("rating", "Thank you, your opinion will help us improve the service!")
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": thanks}, status=201)
    url = reverse("rating:thanks") + "?" + urlencode({"page": page.pk})
    return HttpResponseRedirect(url, status=303)


@require_GET
def thanks(request):
    """The plain form's thank-you page, with a way back to the page rated."""
    page = _rated_page(request, request.GET.get("page", ""))
    return TemplateResponse(request, "rating/thanks.html", {"rated_page": page})

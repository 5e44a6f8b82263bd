"""Public views of the programme: the participation request form and its confirmation."""

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language

from antispam.rate_limit import rate_limit, too_many_requests

from .forms import ParticipationRequestForm, blank_fields_html, initial_from_address
from .participation import submit_request

SESSION_REFERENCE = "participation_reference"
SESSION_EMAIL_SENT = "participation_email_sent"


def _render(request, page, form, status=200):
    response = TemplateResponse(
        request, "programme/participation_page.html",
        {"page": page, "form": form, "blank_fields": blank_fields_html(request, form)},
        status=status,
    )
    add_never_cache_headers(response)  # the form carries per-visitor tokens
    return response


def participation_form(request, page):
    if request.method != "POST":
        return _render(request, page, ParticipationRequestForm(
            request=request, initial=initial_from_address(request.GET)))
    form = ParticipationRequestForm(request.POST, request=request)
    limited = rate_limit(request, form.spam_form_name)
    if limited:
        form.refuse_rate_limited(limited)
        return too_many_requests(_render(request, page, form), limited)
    if not form.is_valid():
        return _render(request, page, form)
    participation = submit_request(data=form.request_data(), language=get_language())
    # The code is shown once, from the session: never in the URL, where it would be
    # kept in the browser history and server logs.
    request.session[SESSION_REFERENCE] = participation.reference
    # submit_request mails a confirmation only to a person who gave an email address.
    request.session[SESSION_EMAIL_SENT] = bool(participation.email)
    return redirect(page.url + page.reverse_subpage("confirmation"))


def participation_confirmation(request, page):
    reference = request.session.get(SESSION_REFERENCE)
    if not reference:
        return redirect(page.url)
    response = TemplateResponse(
        request, "programme/participation_confirmation.html",
        {"page": page, "reference": reference,
         "email_sent": request.session.get(SESSION_EMAIL_SENT, False)},
    )
    add_never_cache_headers(response)
    return response

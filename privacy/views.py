"""The public page where a person asks about their own data (privacy.requests)."""

import datetime

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language

from antispam.rate_limit import rate_limit, too_many_requests
from home.models import FooterLinks

from .requests import DataSubjectRequestForm, receive_request

SESSION_REFERENCE = "data_protection_reference"
SESSION_DUE_BY = "data_protection_due_by"


def _render(request, form, status=200):
    links = FooterLinks.for_request(request)
    privacy_page = links.privacy_page.localized if links.privacy_page else None
    response = TemplateResponse(request, "privacy/subject_request_form.html",
                                {"form": form, "privacy_page": privacy_page}, status=status)
    add_never_cache_headers(response)  # the form carries per-visitor tokens
    return response


def subject_request_form(request):
    if request.method != "POST":
        return _render(request, DataSubjectRequestForm(request=request))
    form = DataSubjectRequestForm(request.POST, request=request)
    limited = rate_limit(request, form.spam_form_name)
    if limited:
        form.refuse_rate_limited(limited)
        return too_many_requests(_render(request, form), limited)
    if not form.is_valid():
        return _render(request, form)
    subject_request = receive_request(form.cleaned_data, get_language())
    # Shown once, from the session: never in the URL (browser history, server logs).
    request.session[SESSION_REFERENCE] = subject_request.reference
    request.session[SESSION_DUE_BY] = subject_request.due_by.isoformat()
    return redirect(reverse("privacy:request_sent"))


def subject_request_sent(request):
    reference = request.session.get(SESSION_REFERENCE)
    if not reference:
        return redirect(reverse("privacy:request"))
    response = TemplateResponse(request, "privacy/subject_request_sent.html", {
        "reference": reference,
        "due_by": datetime.date.fromisoformat(request.session[SESSION_DUE_BY]),
    })
    add_never_cache_headers(response)
    return response

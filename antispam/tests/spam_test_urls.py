"""A test URLconf: the real site, the spam endpoints and small forms that use the protection.

Used with `@pytest.mark.urls("antispam.tests.spam_test_urls")` by tests/test_spam.py.
"""

from django import forms
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import include, path
from django.views.generic import FormView

from antispam.forms import SpamProtectedForm
from antispam.rate_limit import rate_limit, too_many_requests
from antispam.views import SpamProtectedFormViewMixin
from website.urls import urlpatterns as site_urlpatterns

FORM_PAGE = engines["django"].from_string(
    """{% load i18n %}{% get_current_language as LANGUAGE_CODE %}<!DOCTYPE html>
<html lang="{{ LANGUAGE_CODE }}"><head><meta charset="utf-8"><title>Test form</title></head>
<body><main>{% if form.errors %}<div class="alert alert-danger" role="alert" id="form-errors">
{% for error in form.non_field_errors %}<p>{{ error }}</p>{% endfor %}</div>{% endif %}
<form method="post" action="">{% csrf_token %}{{ form.as_div }}
{% include "antispam/fields.html" %}
<button type="submit">Send</button></form></main></body></html>"""
)


class ContactTestForm(SpamProtectedForm, forms.Form):
    spam_form_name = "test-contact"

    name = forms.CharField(label="Name", max_length=100)
    message = forms.CharField(label="Message", widget=forms.Textarea)


class WebsiteFieldForm(SpamProtectedForm, forms.Form):
    """A form with a real field called like the first honeypot name."""

    spam_form_name = "test-website"
    website = forms.URLField(label="Your website", required=False, assume_scheme="https")


def contact(request):
    """The three lines a function view needs, around an ordinary form view."""
    if request.method == "POST":
        form = ContactTestForm(request.POST, request=request)
        limited = rate_limit(request, form.spam_form_name)
        if limited:
            form.refuse_rate_limited(limited)
            return too_many_requests(TemplateResponse(request, FORM_PAGE, {"form": form}), limited)
        if form.is_valid():
            return HttpResponse(f"sent: {sorted(form.cleaned_data)}")
    else:
        form = ContactTestForm(request=request)
    return TemplateResponse(request, FORM_PAGE, {"form": form})


class ContactFormView(SpamProtectedFormViewMixin, FormView):
    form_class = ContactTestForm

    def get_template_names(self):
        return FORM_PAGE

    def form_valid(self, form):
        return HttpResponse("sent by the class-based view")


urlpatterns = [
    path("altcha/", include("antispam.urls")),
    *i18n_patterns(
        path("spam-test/contact/", contact, name="spam_test_contact"),
        path("spam-test/contact-view/", ContactFormView.as_view(), name="spam_test_contact_view"),
        prefix_default_language=True,
    ),
    *site_urlpatterns,
]

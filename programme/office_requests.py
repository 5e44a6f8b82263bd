"""Requests the Segreteria enters for people who phone or come to the office.

The same fields and validation as the public form (forms.ParticipationFieldsForm) and the
same domain function (participation.submit_request: reference, history, confirmation
mail in the person's language when they gave an address). No spam protection and no
rate limit: only signed-in Segreteria reach this screen. The person consents orally, so
the staff member confirms they read the privacy notice to them, and is recorded.

Each display of the form carries a signed one-time token (a hidden field); the request
it enters keeps it (ParticipationRequest.entry_token, unique). The same form sent again
— the browser's Back, then "Enter the request" — is answered with the request it already
entered, and nothing is stored twice.
"""

import secrets

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.views.generic import CreateView
from wagtail.models import Locale

from .forms import ParticipationFieldsForm, ReferralForm
from .models.participation import ParticipationRequest
from .models.participation_page import ParticipationPage
from .participation import submit_request

Source = ParticipationRequest.Source
OFFICE_SOURCES = [Source.PHONE, Source.DESK]
ENTRY_TOKEN_SALT = "programme.office_requests.entry-token"  # noqa: S105 (a namespace)
BAD_ENTRY_TOKEN = _("The form could not be verified (it may be an old copy): check the "
                    "details and enter the request again.")


def issue_entry_token():
    """A signed token for one display of the office form: a str for a hidden field,
    carrying a random 22-character nonce (the value kept as the request's entry_token)."""
    return signing.dumps(secrets.token_urlsafe(16), salt=ENTRY_TOKEN_SALT)


def read_entry_token(token):
    """The nonce in a token `issue_entry_token` made, or None when it is missing, forged or
    not one of those (no expiry: a form left open during a long call still works)."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    try:
        nonce = signing.loads(token, salt=ENTRY_TOKEN_SALT)
    except signing.BadSignature:
        return None
    return nonce if isinstance(nonce, str) and 0 < len(nonce) <= 32 else None


def request_entered_with(nonce):
    """The ParticipationRequest the office form with this nonce entered, or None."""
    if not nonce:
        return None
    return ParticipationRequest.objects.filter(entry_token=nonce).first()


class OfficeRequestForm(ParticipationFieldsForm):
    """A staff member types what the person says: the public form's fields, worded about
    "the person", plus how the request arrived and the person's language."""

    privacy = None
    source = forms.ChoiceField(
        label=_("How did the request arrive?"), widget=forms.RadioSelect,
        choices=[(source.value, source.label) for source in OFFICE_SOURCES],
        error_messages={"required": _("Say whether the person phoned or came to the "
                                      "office.")},
    )
    language = forms.ChoiceField(
        label=_("The person's language"), choices=settings.WAGTAIL_CONTENT_LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        help_text=_("The confirmation email and the later mails are written in this "
                    "language."),
    )
    preferred_times = ReferralForm.base_fields["preferred_times"]
    privacy_read = forms.BooleanField(
        # The notice read, not consent asked: the basis is art. 6(1)(e) (privacy notice).
        label=_("I read the privacy notice to the person, which explains how their data "
                "are used to contact them about the groups."),
        error_messages={"required": _("Read the privacy notice to the person and tick "
                                      "the box: the request cannot be entered without "
                                      "it.")},
    )
    field_order = [
        "source", "language", "first_name", "last_name", "email", "phone",
        "preferred_channel", "employment_status", "since_month", "since_year",
        "preferred_venue", "preferred_times", "heard_from", "note", "privacy_read",
    ]
    entry_token = forms.CharField(widget=forms.HiddenInput, required=False,
                                  initial=issue_entry_token)
    choice_labels = ReferralForm.choice_labels
    CHANNEL_MESSAGES = ReferralForm.CHANNEL_MESSAGES
    entry_nonce = None
    already_entered = None  # the request this very form entered before, if it was sent

    def clean(self):
        cleaned = super().clean()
        self.entry_nonce = read_entry_token(cleaned.get("entry_token"))
        if self.entry_nonce is None:
            self.add_error(None, ValidationError(BAD_ENTRY_TOKEN, code="bad_entry_token"))
            self.renew_entry_token()
        else:
            existing = request_entered_with(self.entry_nonce)
            if existing is not None:
                self.refuse_as_entered(existing)
        return cleaned

    def refuse_as_entered(self, existing):
        """This form was sent before and entered `existing`: refuse it, and give the
        form shown again a new token, so that staff who meant another person (and
        corrected the details) can send it."""
        self.already_entered = existing
        self.add_error(None, ValidationError(
            _("This form was already sent: it entered request %(reference)s."),
            code="already_entered", params={"reference": existing.reference}))
        self.renew_entry_token()

    def renew_entry_token(self):
        self.data = self.data.copy()
        self.data[self.add_prefix("entry_token")] = issue_entry_token()

    class Meta(ParticipationFieldsForm.Meta):
        labels = {
            **ReferralForm.Meta.labels,
            "heard_from": _("How did the person hear about the groups?"),
        }
        help_texts = ReferralForm.Meta.help_texts
        error_messages = {
            NON_FIELD_ERRORS: ReferralForm.Meta.error_messages[NON_FIELD_ERRORS],
        }


def privacy_notice_url():
    """The privacy notice the public form links to (the Italian page), or None."""
    page = (ParticipationPage.objects.live().filter(locale=Locale.get_default())
            .select_related("privacy_page").first())
    if page is None or page.privacy_page is None:
        return None
    return page.privacy_page.url


class OfficeRequestCreateView(CreateView):
    """The triage viewset's "add" view: saving means submit_request, then the request's
    page with its reference."""

    template_name = "programme/triage/office_request.html"
    page_subtitle = _("Request by phone or at the office")
    submit_button_label = _("Enter the request")
    submit_button_active_label = _("Entering…")
    error_message = _("The request could not be entered: correct what is marked below.")

    def get_breadcrumbs_items(self):
        # "New: …" would be Wagtail's words (and gender) for any model: say what it is.
        return self.breadcrumbs_items + [
            {"url": reverse("participation_requests:index"),
             "label": capfirst(ParticipationRequest._meta.verbose_name_plural)},
            {"url": "", "label": self.page_subtitle},
        ]

    def get_form_class(self):
        return OfficeRequestForm

    def save_instance(self):
        # No admin log entry: its label would keep the person's name after the request
        # is deleted; the request's own history records who entered it.
        data = self.form.cleaned_data
        return submit_request(
            data={**self.form.request_data(), "entry_token": self.form.entry_nonce},
            language=data["language"], source=data["source"], entered_by=self.request.user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except IntegrityError:
            # The same form sent twice at the same instant: the other send entered it.
            existing = request_entered_with(form.entry_nonce)
            if existing is None:
                raise
            form.refuse_as_entered(existing)
            return self.form_invalid(form)

    def form_invalid(self, form):
        existing = form.already_entered
        if existing is not None:
            self.produced_error_message = None  # this message instead of "correct below"
            messages.error(
                self.request,
                _("This form was already sent: it entered request %(reference)s, which "
                  "was not entered a second time. If the details below are another "
                  "person's, check them and enter the request again.")
                % {"reference": existing.reference},
                buttons=[messages.button(
                    reverse("participation_requests:inspect", args=[existing.pk]),
                    _("Open %(reference)s") % {"reference": existing.reference})])
        return super().form_invalid(form)

    def get_success_url(self):
        return reverse("participation_requests:inspect", args=[self.object.pk])

    def get_success_message(self, instance):
        if instance.email:
            return _("Request %(reference)s entered. The confirmation was emailed to "
                     "%(email)s.") % {"reference": instance.reference,
                                      "email": instance.email}
        return _("Request %(reference)s entered. No email was given: tell the person "
                 "their reference, %(reference)s.") % {"reference": instance.reference}

    def get_success_buttons(self):
        return []  # requests are not edited: their page is where staff go next

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["privacy_notice_url"] = privacy_notice_url()
        return context

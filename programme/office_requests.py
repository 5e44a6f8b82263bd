"""Requests the Segreteria enters for people who phone or come to the office.

The same fields and validation as the public form (forms.ParticipationFieldsForm) and the
same domain function (participation.submit_request: reference, history, confirmation
mail in the person's language when they gave an address). No spam protection and no
rate limit: only signed-in Segreteria reach this screen. The person consents orally, so
the staff member confirms they read the privacy notice to them, and is recorded.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import CreateView
from wagtail.models import Locale

from .forms import ParticipationFieldsForm, ReferralForm
from .models import ParticipationPage, ParticipationRequest
from .participation import submit_request

Source = ParticipationRequest.Source
OFFICE_SOURCES = [Source.PHONE, Source.DESK]


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
        label=_("I read the privacy notice to the person and they agreed that their data "
                "are used to contact them about the groups."),
        error_messages={"required": _("Read the privacy notice to the person and tick "
                                      "the box: without their agreement the request "
                                      "cannot be entered.")},
    )
    field_order = [
        "source", "language", "first_name", "last_name", "email", "phone",
        "preferred_channel", "employment_status", "since_month", "since_year",
        "preferred_venue", "preferred_times", "heard_from", "note", "privacy_read",
    ]
    choice_labels = ReferralForm.choice_labels
    CHANNEL_MESSAGES = ReferralForm.CHANNEL_MESSAGES

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
        return submit_request(data=self.form.request_data(), language=data["language"],
                              source=data["source"], entered_by=self.request.user)

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

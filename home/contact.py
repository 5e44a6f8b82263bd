"""The contact form's rules: what is stored, who is told, and in which order."""

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.views import SubmissionsListView

from .exports import SafeSpreadsheetExportMixin
from .mail import queue_email
from .text import PlainTextFormMixin

PRIVACY_FIELD = "privacy_acknowledgement"
LONG_TEXT_MAX_LENGTH = 2000


def contact_form_class(base):
    """The editors' form plus the privacy acknowledgement every submission needs."""

    class ContactForm(PlainTextFormMixin, base):
        privacy_acknowledgement = forms.BooleanField(
            label=_("I have read the privacy notice and I agree that my data are used to "
                    "answer my message."),
            error_messages={"required": _("Please confirm you have read the privacy notice.")},
        )

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                # Wagtail's multi-line fields have no limit of their own.
                if isinstance(field.widget, forms.Textarea) and not field.max_length:
                    field.max_length = LONG_TEXT_MAX_LENGTH
                    field.widget.attrs["maxlength"] = LONG_TEXT_MAX_LENGTH
                    field.validators.append(MaxLengthValidator(LONG_TEXT_MAX_LENGTH))

        def submission_data(self):
            """What is stored: the editors' fields only, plus when the notice was accepted."""
            data = {
                name: value for name, value in self.cleaned_data.items()
                if name in self.editor_field_names
            }
            data["privacy_notice_version"] = settings.PRIVACY_NOTICE_VERSION
            data["privacy_acknowledged_at"] = timezone.now().isoformat()
            data["language"] = get_language()
            return data

    ContactForm.editor_field_names = set(base.base_fields)
    return ContactForm


def store_and_notify(page, form):
    """Store the submission, then queue the mail in the same transaction: if the mail
    server is down the message is still saved, and the worker retries the mail."""
    with transaction.atomic():
        submission = page.get_submission_class().objects.create(
            form_data=form.submission_data(), page=page
        )
        if page.to_address:
            recipients = [address.strip() for address in page.to_address.split(",")]
            queue_email(
                recipients, "home/email/contact_message",
                {"page": page, "lines": page.render_email(form), "submission": submission},
                settings.LANGUAGE_CODE,
            )
    return submission


class ContactSubmissionsListView(SafeSpreadsheetExportMixin, SubmissionsListView):
    """The Segreteria's list of messages; its CSV and XLSX files are safe to open."""

"""A person's request about their own data, sent from the site (GDPR arts. 12, 15-22):
the form, how it is received, and the Segreteria's list of requests to answer.

The answer is due within one month of receipt (art. 12(3)): `due_by` is the day of
receipt in Milan plus RESPONSE_DAYS. The Segreteria's mail carries the request's DP-
reference and due date only, never the person's name or address (a mail may be forwarded
or read on a shared phone, as programme.triage_alerts says of the digest).
"""

import datetime

from django import forms
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from antispam.forms import SpamProtectedForm
from home.contact import absolute_url
from mail.sending import queue_email
from programme.triage_alerts import digest_recipients
from typed_text.characters import PlainTextFormMixin
from typed_text.phones import PhoneNumberField

from .models import DataSubjectRequest

# GDPR art. 12(3): "within one month of receipt of the request".
RESPONSE_DAYS = 30
MESSAGE_MAX_LENGTH = 2000


def reference_for(subject_request):
    """A code a person can read over the phone: DP-<year>-<5 digits>."""
    return f"DP-{timezone.localtime(subject_request.received_at):%Y}-{subject_request.pk:05d}"


def due_date(received_at):
    """The day the answer is due: the day of receipt in Milan + RESPONSE_DAYS (a date)."""
    return timezone.localtime(received_at).date() + datetime.timedelta(days=RESPONSE_DAYS)


class DataSubjectRequestForm(SpamProtectedForm, PlainTextFormMixin, forms.ModelForm):
    spam_form_name = "data-protection"

    acknowledgement = forms.BooleanField(
        label=_("I have read the privacy notice."),
        error_messages={"required": _("Please confirm you have read the privacy notice.")},
    )

    field_order = ["kind", "name", "email", "phone", "request_reference", "message",
                   "acknowledgement"]

    class Meta:
        model = DataSubjectRequest
        fields = ["kind", "name", "email", "phone", "request_reference", "message"]
        labels = {
            "kind": _("What are you asking for?"),
            "name": _("First name and last name"),
            "email": _("Email"),
            "phone": _("Phone (optional)"),
            "request_reference": _("Reference of your participation request (optional)"),
            "message": _("Anything you would like to tell us (optional)"),
        }
        help_texts = {
            "email": _("We answer at this address."),
            "phone": _("Italian or international number."),
            "request_reference": _("The code we gave you, such as MA-2026-00042: it helps "
                                   "us find your data."),
            "message": _("At most 2000 characters."),
        }
        field_classes = {"phone": PhoneNumberField}
        widgets = {
            "kind": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 5, "maxlength": MESSAGE_MAX_LENGTH}),
        }
        error_messages = {
            "kind": {"required": _("Choose what you are asking for.")},
            "name": {"required": _("Enter your first name and last name.")},
            "email": {"required": _("Enter your email address: we answer there."),
                      "invalid": _("Enter a valid email address, for example "
                                   "name@example.org.")},
            "message": {"max_length": _("Write at most 2000 characters (you wrote "
                                        "%(show_value)d).")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model field has no default, so Django offers a blank "---------" radio,
        # checked: the person must pick one of the four kinds themselves.
        self.fields["kind"].choices = DataSubjectRequest.Kind.choices
        self.fields["kind"].initial = None

    def clean_request_reference(self):
        from .subjects import REFERENCE

        value = (self.cleaned_data.get("request_reference") or "").strip().upper()
        if value and not (REFERENCE.fullmatch(value) and value.startswith("MA-")):
            raise forms.ValidationError(
                _("Enter the reference as we gave it to you, such as MA-2026-00042, or "
                  "leave it empty."), code="invalid_reference")
        return value


def receive_request(data, language):
    """Store a person's request (`data`: the form's cleaned data without the
    acknowledgement) and queue the mails, in one transaction: the acknowledgement to
    the person in `language`, the notice to each Segreteria member in theirs. Returns
    the DataSubjectRequest with its reference and due date."""
    data = {key: value for key, value in data.items() if key != "acknowledgement"}
    with transaction.atomic():
        received_at = timezone.now()
        subject_request = DataSubjectRequest.objects.create(
            **data, language=language, received_at=received_at,
            due_by=due_date(received_at))
        subject_request.reference = reference_for(subject_request)
        subject_request.save(update_fields=["reference"])
        queue_email(subject_request.email, "privacy/email/subject_request_received",
                    {"subject_request": subject_request}, language)
        notify_staff(subject_request)
    return subject_request


def staff_recipients():
    """[(email, language)]: the Segreteria as programme's triage notifications find it,
    else settings.STAFF_NOTIFICATION_EMAILS in the site's language."""
    members = [(user.email, user.language or settings.LANGUAGE_CODE)
               for user in digest_recipients()]
    return members or [(address, settings.LANGUAGE_CODE)
                       for address in settings.STAFF_NOTIFICATION_EMAILS if address]


def notify_staff(subject_request):
    context = {"subject_request": subject_request,
               "admin_url": absolute_url(reverse("privacy_subjects"))}
    for address, language in staff_recipients():
        queue_email(address, "privacy/email/subject_request_to_answer", context, language)


def open_requests():
    """The requests still to answer, the one due first first."""
    return DataSubjectRequest.objects.filter(
        status=DataSubjectRequest.Status.OPEN).select_related("answered_by").order_by(
        "due_by", "received_at")


def is_overdue(subject_request, today=None):
    today = today or timezone.localdate()
    return (subject_request.status == DataSubjectRequest.Status.OPEN
            and subject_request.due_by < today)


def mark_answered(subject_request, *, by):
    """Record that the Segreteria answered: who and when. Returns False when it was
    already answered (by someone else meanwhile), and keeps that first answer."""
    updated = DataSubjectRequest.objects.filter(
        pk=subject_request.pk, status=DataSubjectRequest.Status.OPEN,
    ).update(status=DataSubjectRequest.Status.ANSWERED, answered_at=timezone.now(),
             answered_by=by)
    return bool(updated)

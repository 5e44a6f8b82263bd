"""The forms of the booking steps: the appointment's details (step 3), the applicant
(step 4) and the summary's confirmation behind the spam protection (step 5).

Steps 3–5 carry what was typed in hidden fields of POSTed forms (no server session, no
personal data in an address): each step validates again everything it carries, so a
hidden value altered on the way is refused with the form's own message.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from antispam.forms import SpamProtectedForm
from programme.forms import reject_markup
from typed_text.characters import PlainTextFormMixin
from typed_text.phones import PhoneNumberField

DETAILS_MAX_LENGTH = 200  # Booking.details
# The fields the steps carry, in the order of the steps (the summary's error order).
DETAILS_FIELDS = ("reason", "details")
APPLICANT_FIELDS = ("first_name", "last_name", "email", "phone")
CARRIED_FIELDS = DETAILS_FIELDS + APPLICANT_FIELDS


class DetailsForm(PlainTextFormMixin, forms.Form):
    """Step 3: why the person books (one of `service.reason_choices()`) and, optionally,
    a few words more (at most 200 characters)."""

    reason = forms.ChoiceField(
        label=_("Reason for the appointment"), widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason for the appointment."),
                        "invalid_choice": _("Choose one of the reasons listed.")},
    )
    details = forms.CharField(
        label=_("Details (optional)"), required=False, max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": DETAILS_MAX_LENGTH}),
        help_text=_("At most 200 characters. Please do not write about your health."),
        error_messages={"max_length": _(
            "Please write at most %(limit_value)d characters (you wrote %(show_value)d).")},
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = service.reason_choices()


class ApplicantForm(PlainTextFormMixin, forms.Form):
    """Step 4: who books, and how the Segreteria reaches them (an email address, a phone
    number, or both — checked and normalised as on the intake form)."""

    first_name = forms.CharField(label=_("First name"), max_length=100,
                                 validators=[reject_markup])
    last_name = forms.CharField(label=_("Last name"), max_length=100,
                                validators=[reject_markup])
    email = forms.EmailField(label=_("Email"), required=False, max_length=254,
                             help_text=_("Give an email address, a phone number, or both."))
    phone = PhoneNumberField(label=_("Phone"), required=False,
                             help_text=_("Italian or international number."))

    NO_CONTACT_MESSAGE = _("Give an email address or a phone number, so that we can "
                           "confirm the appointment or tell you of any change.")
    # No email and no phone is a form-wide error about both (form_tags.error_summary).
    error_fields = {"no_contact": ("email", "phone")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        autocomplete = {"first_name": "given-name", "last_name": "family-name",
                        "email": "email", "phone": "tel"}
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value

    def clean(self):
        cleaned = super().clean()
        given = (cleaned.get("email") or cleaned.get("phone")
                 or "email" in self.errors or "phone" in self.errors)
        if not given:
            raise forms.ValidationError(self.NO_CONTACT_MESSAGE, code="no_contact")
        return cleaned


class ConfirmForm(SpamProtectedForm, forms.Form):
    """Step 5: the privacy notice read, and the spam protection of the public forms
    (honeypot, signed timestamp, ALTCHA; the view adds the rate limit)."""

    spam_form_name = "booking"
    # Every step works without JavaScript (issue 18): without it, the proof of work is
    # replaced by the stricter per-network limit (antispam.forms.SpamProtectedForm).
    accepts_noscript = True

    privacy = forms.BooleanField(
        # An acknowledgement, not consent: as on the intake form, the legal basis is a
        # task in the public interest (art. 6(1)(e)), as the privacy notice says.
        label=_("I have read the privacy notice, which explains how my data are used to "
                "manage the appointment."),
        error_messages={"required": _("Please confirm you have read the privacy notice.")},
    )

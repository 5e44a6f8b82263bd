from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _

from typed_text.characters import PlainTextFormMixin
from typed_text.phones import PhoneNumberField
from typed_text.web_addresses import WebAddressField

from .models import Invitation, Membership, Organisation
from .organisations import TAX_CODE_INPUT_LENGTH, normalise_tax_code


class OrganisationForm(PlainTextFormMixin, forms.ModelForm):
    """Control and bidirectional characters dropped, the phone stored as +39…, a web
    address holding hidden characters refused (typed_text)."""

    class Meta:
        model = Organisation
        fields = ["name", "kind", "tax_code", "address", "website", "email", "phone"]
        field_classes = {"website": WebAddressField, "phone": PhoneNumberField}
        labels = {
            "name": _("Name of the organisation"),
            "kind": _("Kind of organisation"),
            "address": _("Address"),
            "website": _("Website"),
            "email": _("Contact email"),
            "phone": _("Contact phone"),
        }
        help_texts = {
            "email": _("Where we send news about your adhesion and referrals."),
        }

    # Longer than the stored code: spaces, dots, dashes and an IT prefix are welcome and
    # compacted (a pasted code is never cut by the input's maxlength).
    tax_code = forms.CharField(
        label=_("Tax code or VAT number"), max_length=TAX_CODE_INPUT_LENGTH,
        help_text=_("Partita IVA (11 digits) or codice fiscale (16 characters)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Choose…"))] + list(Organisation.Kind.choices)
        self.fields["tax_code"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"})

    def clean_tax_code(self):
        # Compact before the model's unique check, which then refuses the same code in
        # any spelling with Organisation.tax_code's "unique" message.
        return normalise_tax_code(self.cleaned_data["tax_code"])


class InvitationForm(PlainTextFormMixin, forms.Form):
    email = forms.EmailField(label=_("Colleague's email"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices,
                             widget=forms.RadioSelect, initial=Membership.Role.REFERRER)

    class Meta:
        model = Invitation


# allauth's forms (settings.ACCOUNT_FORMS) with what people type cleaned like every other
# form's: an email pasted with a bidirectional mark is stored without it (Django's
# EmailValidator accepts one in the domain). Passwords stay as typed.
class SignupForm(PlainTextFormMixin, allauth_forms.SignupForm):
    pass


class AddEmailForm(PlainTextFormMixin, allauth_forms.AddEmailForm):
    pass

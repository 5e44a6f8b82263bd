from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Invitation, Membership, Organisation
from .organisations import normalise_tax_code


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "tax_code", "address", "website", "email", "phone"]
        labels = {
            "name": _("Name of the organisation"),
            "kind": _("Kind of organisation"),
            "tax_code": _("Tax code or VAT number"),
            "address": _("Address"),
            "website": _("Website"),
            "email": _("Contact email"),
            "phone": _("Contact phone"),
        }
        help_texts = {
            "tax_code": _("Partita IVA (11 digits) or codice fiscale (16 characters)."),
            "email": _("Where we send news about your adhesion and referrals."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Choose…"))] + list(Organisation.Kind.choices)

    def clean_tax_code(self):
        tax_code = normalise_tax_code(self.cleaned_data["tax_code"])
        others = Organisation.objects.filter(tax_code=tax_code)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("An organisation with this tax code is already registered: ask its "
                  "administrator to invite you."), code="duplicate")
        return tax_code


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices,
                             widget=forms.RadioSelect, initial=Membership.Role.REFERRER)

    class Meta:
        model = Invitation

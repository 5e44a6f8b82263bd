"""The facilitators' forms: a meeting's register, a meeting moved, a facilitator's
account (Segreteria). No field takes free text about a person."""

import datetime
import re

from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from programme.models.groups import Group

PRESENT, ABSENT = "present", "absent"


class AttendanceForm(forms.Form):
    """One radio pair (present/absent) per person seated in the group; a person left
    unmarked keeps no mark. Fields are named `p<request id>`."""

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        for person in people:
            self.fields[f"p{person.pk}"] = forms.ChoiceField(
                label=f"{person.first_name} {person.last_name}", required=False,
                choices=[(PRESENT, _("Present")), (ABSENT, _("Absent"))],
                widget=forms.RadioSelect)

    def clean(self):
        data = super().clean()
        if any(re.fullmatch(r"p\d+", name) and name not in self.fields for name in self.data):
            # A mark for someone not in the list: removed from the group since the page
            # was opened, or a tampered form. Nothing is saved; the list is shown again.
            raise forms.ValidationError(_("The list of people changed while you were "
                                          "marking: check the list again and save."))
        if any(name in self.errors for name in self.fields):
            # Only a tampered or garbled POST sends another value than the two radios.
            raise forms.ValidationError(_("Some marks were not understood: choose Present or "
                                          "Absent for each person and save again."))
        return data

    @staticmethod
    def initial_from(marks):
        return {f"p{pk}": PRESENT if present else ABSENT for pk, present in marks.items()}

    def rows(self):
        """(person, bound field) for the template."""
        return [(person, self[f"p{person.pk}"]) for person in self.people]

    def marks(self):
        """{request id: bool present} of the people marked."""
        return {person.pk: self.cleaned_data[f"p{person.pk}"] == PRESENT
                for person in self.people if self.cleaned_data.get(f"p{person.pk}")}


class MoveMeetingForm(forms.Form):
    new_day = forms.DateField(label=_("New date"),
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    new_start = forms.TimeField(label=_("Starts at"),
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    new_end = forms.TimeField(label=_("Ends at"),
                              widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def clean_new_day(self):
        """Before the confirmation is shown: a date programme.meeting_changes would refuse
        anyway (before today, or beyond its HORIZON_DAYS)."""
        from programme.attendance import today_in_milan
        from programme.meeting_changes import HORIZON_DAYS

        day = self.cleaned_data["new_day"]
        today = today_in_milan()
        if day < today:
            raise forms.ValidationError(_("This date is past: choose today or a later date."))
        if day > today + datetime.timedelta(days=HORIZON_DAYS):
            raise forms.ValidationError(_("Choose a date within a year from today."))
        return day

    def clean(self):
        data = super().clean()
        if data.get("new_start") and data.get("new_end") and data["new_end"] <= data["new_start"]:
            self.add_error("new_end", _("The meeting must end after it starts."))
        return data


def canonical_groups():
    return Group.objects.canonical().order_by("name")


class GroupsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class FacilitatorGroupsForm(forms.Form):
    groups = GroupsField(label=_("Groups they facilitate"), queryset=Group.objects.none(),
                         required=False, widget=forms.CheckboxSelectMultiple)
    active = forms.BooleanField(label=_("Active (may sign in)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = canonical_groups()


class FacilitatorForm(FacilitatorGroupsForm):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    language = forms.ChoiceField(label=_("Language for emails"), choices=settings.LANGUAGES)

    field_order = ["first_name", "last_name", "email", "language", "groups"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["active"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if (get_user_model().objects.filter(email__iexact=email).exists()
                or EmailAddress.objects.filter(email__iexact=email).exists()):
            raise forms.ValidationError(_("An account with this email address already "
                                          "exists."))
        return email

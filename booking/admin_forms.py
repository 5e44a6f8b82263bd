"""The Segreteria's forms: opening rules, closures, and the reason given when bookings are
cancelled from the admin.

Rules and closures belong to the services and venues in the site's default language
(Italian), which stand for their translations (BookableService.canonical()): the
choosers offer only those, so a rule can never be hung on an English copy.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Locale

from programme.models import Venue
from programme.models.venues import WEEKDAYS

from .models.bookings import BookableService, Closure, OpeningRule

NO_WEEKDAY = _("Choose at least one day of the week.")
REASON_REQUIRED = _("Give the reason the people will read in the mail.")


def canonical_services():
    """The services in the default locale (they own rules, closures and bookings)."""
    return (BookableService.objects.filter(locale=Locale.get_default())
            .select_related("venue").order_by("venue__name", "sort_order", "name"))


def canonical_venues():
    return Venue.objects.filter(locale=Locale.get_default()).order_by("name")


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.venue.name} — {obj.name}"


class OpeningRuleForm(WagtailAdminModelForm):
    """A weekly rule: the days as checkboxes (stored as the JSON list of 0 = Monday …
    6 = Sunday); the model's clean() (booking rules) and constraints give the other
    errors (closing before opening, a rule overlapping another)."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days of the week"), choices=WEEKDAYS, coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": NO_WEEKDAY})

    class Meta:
        model = OpeningRule
        fields = ["service", "weekdays", "opens", "closes", "slot_minutes", "places",
                  "valid_from", "valid_until", "open_on_public_holidays"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"] = ServiceChoiceField(
            queryset=canonical_services(), label=_("Service"),
            help_text=_("Rules belong to the Italian service; its translations follow "
                        "it."))
        if self.instance.pk:
            self.initial["weekdays"] = [int(day) for day in self.instance.weekdays]

    def clean_weekdays(self):
        return sorted(set(self.cleaned_data["weekdays"]))


class ClosureForm(WagtailAdminModelForm):
    """A closure of a venue (or of one of its services), with the reason citizens read in
    each language."""

    class Meta:
        model = Closure
        fields = ["venue", "service", "first_day", "last_day", "reason", "reason_en"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = canonical_venues()
        self.fields["service"] = ServiceChoiceField(
            queryset=canonical_services(), label=_("Service"), required=False,
            help_text=_("Empty: every service of the venue is closed."))

    def clean(self):
        cleaned = super().clean()
        venue, service = cleaned.get("venue"), cleaned.get("service")
        if venue and service and service.venue_id != venue.pk:
            self.add_error("service", _("This service is not offered at the chosen "
                                        "venue."))
        return cleaned


class CancelForm(forms.Form):
    """Why staff cancel a booking: the person reads it in the mail."""

    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200,
                             error_messages={"required": REASON_REQUIRED})

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(REASON_REQUIRED)
        return reason

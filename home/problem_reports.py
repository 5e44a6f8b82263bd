"""«Segnala disservizio»: a citizen reports that something on the site or in the service
does not work (the Designers Italia municipal model's footer link, C.SI.2.2).

The page type (home.models.ProblemReportPage) is one of its own rather than a second
ContactPage: the report's fields are fixed (a category from a short list, a
description, an optional contact) instead of chosen by editors, and the site's code
and tests treat "the contact page" as one page per language. Everything else is the
contact page's machinery (MessageFormPageMixin): spam protection, the privacy
acknowledgement, one list for the Segreteria with the handled flag and exports, the
staff mail queued after the report is stored, the retention period of contact messages
(privacy.retention), the data-subject search and erasure (every FormSubmission).
"""

from dataclasses import dataclass

from django import forms
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import FormBuilder

from .contact import LONG_TEXT_MAX_LENGTH

# The model's categories of a report, Italian first. The stored value is the Italian
# label (the Segreteria's language), so the one list of reports reads the same whatever
# language a person wrote in; the person sees the label in their own.
REPORT_CATEGORIES = [
    _("Information wrong or missing"),
    _("A page or a link does not work"),
    _("A form does not work"),
    _("Accessibility problem"),
    pgettext_lazy("report category", "Other"),
]


def report_category_choices():
    """[(stored value: the Italian label, label in the active language)]."""
    with translation.override("it"):
        stored = [str(label) for label in REPORT_CATEGORIES]
    return [("", gettext("Choose a category"))] + [
        (value, str(label)) for value, label in zip(stored, REPORT_CATEGORIES, strict=True)]


@dataclass
class ReportField:
    """One fixed field of the report, shaped as the form builder reads a form field."""

    clean_name: str
    label: str
    field_type: str
    required: bool = True
    help_text: str = ""
    default_value: str = ""
    choices: str = ""


def report_fields():
    """The report's fields, labelled in the active language."""
    return [
        ReportField("categoria", gettext("What kind of problem?"), "dropdown"),
        ReportField("descrizione", gettext("Describe the problem"), "multiline",
                    help_text=gettext("Where it happened and what you saw. At most 2,000 "
                                      "characters. Please do not write about your health.")),
        ReportField("contatto", gettext("Your email or phone (optional)"), "singleline",
                    required=False,
                    help_text=gettext("Only if you want us to tell you when it is fixed.")),
    ]


class ProblemReportFormBuilder(FormBuilder):
    def create_dropdown_field(self, field, options):
        return forms.ChoiceField(
            choices=report_category_choices(),
            error_messages={"required": gettext("Please choose the kind of problem."),
                            "invalid_choice": gettext("Please choose the kind of problem.")},
            **options)

    def create_multiline_field(self, field, options):
        return forms.CharField(
            widget=forms.Textarea(attrs={"maxlength": LONG_TEXT_MAX_LENGTH, "rows": 6}),
            max_length=LONG_TEXT_MAX_LENGTH,
            error_messages={"required": gettext("Please describe the problem.")},
            **options)

    def create_singleline_field(self, field, options):
        return forms.CharField(max_length=200, **options)


def problem_report_form_class(base):
    """`base` (the form builder's form, spam protection and privacy acknowledgement
    included) with the optional contact checked: an email or a phone number, or empty."""

    class ProblemReportForm(base):
        def clean_contatto(self):
            value = self.cleaned_data.get("contatto", "").strip()
            if value and not _looks_like_email_or_phone(value):
                raise forms.ValidationError(gettext(
                    "Please write an email address or a phone number, or leave the "
                    "field empty."))
            return value

    return ProblemReportForm


def _looks_like_email_or_phone(value):
    """An email address Django accepts, or a phone number phonenumbers accepts."""
    from django.core.validators import validate_email

    from typed_text.phones import validate_phone

    try:
        validate_email(value)
        return True
    except forms.ValidationError:
        pass
    try:
        validate_phone(value)
        return True
    except forms.ValidationError:
        return False

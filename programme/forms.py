import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.loader import render_to_string
from django.utils import dates, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from antispam.forms import SpamProtectedForm
from home.templatetags.form_tags import render_field
from languages.versions import active_locale, default_locale
from pagecache.data import cached
from pagecache.tags import model_tag
from typed_text.characters import PlainTextFormMixin
from typed_text.parameters import AsciiKeyChoiceField
from typed_text.phones import PhoneNumberField

from .models.groups import Group
from .models.participation import ParticipationRequest
from .models.venues import Venue

NO_MARKUP_MESSAGE = _("Please use letters only, without the characters < and >.")


def reject_markup(value):
    if "<" in value or ">" in value:
        raise ValidationError(NO_MARKUP_MESSAGE, code="markup")


class VenueSelect(forms.Select):
    """A select whose options not translated into the page's language say theirs:
    `lang="it"` on a venue shown by its Italian name under /en/ (WCAG 3.1.2)."""

    fallback_language = ""
    # {translation_key: name} in the page's language (VenueChoiceField.labels).
    labels = staticmethod(dict)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if (self.fallback_language and instance is not None
                and instance.translation_key not in self.labels()):
            option["attrs"]["lang"] = self.fallback_language
        return option


class VenueChoiceField(AsciiKeyChoiceField):
    """Venues by their original rows, labelled in the visitor's language."""

    widget = VenueSelect
    translated_locale = None  # the visitor's Locale when it is not the default one
    _labels = None

    def __init__(self, **kwargs):
        super().__init__(queryset=Venue.objects.none(), **kwargs)

    def prepare(self):
        # The Locales from the data cache: Locale.get_default()/get_active() ask the
        # database each time, and this runs for every form shown.
        default, active = default_locale(), active_locale()
        # Published venues only: a draft is not a place anyone can choose yet.
        self.queryset = Venue.objects.filter(locale=default, live=True).order_by("name")
        self.translated_locale = None if active.pk == default.pk else active
        self._labels = None
        self.widget.fallback_language = "" if active.pk == default.pk else default.language_code
        self.widget.labels = self.labels

    def labels(self):
        """{translation_key: name} of the published venues in the visitor's language, read
        when first needed (a blank form shown from `blank_fields_html` needs none)."""
        if self._labels is None:
            self._labels = {} if self.translated_locale is None else dict(
                Venue.objects.filter(locale=self.translated_locale, live=True)
                .values_list("translation_key", "name")
            )
        return self._labels

    def label_from_instance(self, obj):
        return self.labels().get(obj.translation_key, obj.name)


class GroupChoiceField(AsciiKeyChoiceField):
    """The published groups by their original rows, labelled "name (venue)" in the
    visitor's language (programme.schedule.with_translated_texts)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Group.objects.none(), **kwargs)

    def prepare(self):
        from .schedule import with_translated_texts

        groups = list(Group.objects.published().canonical().select_related("venue")
                      .order_by("name"))
        self.queryset = Group.objects.filter(pk__in=[g.pk for g in groups])
        self._labels = {
            g.pk: f"{g.text.name} ({g.venue_text.name})"
            for g in with_translated_texts(groups, locale=active_locale())}

    def label_from_instance(self, obj):
        return self._labels.get(obj.pk, obj.name)


class ParticipationFieldsForm(PlainTextFormMixin, forms.ModelForm):
    """What a person tells us to be contacted and placed in a group. Nothing about health."""

    since_month = forms.TypedChoiceField(
        label=_("Since (month)"), coerce=int,
        choices=[("", _("Month"))] + [(n, name) for n, name in dates.MONTHS.items()],
    )
    since_year = forms.TypedChoiceField(label=_("Since (year)"), coerce=int, choices=())
    preferred_times = forms.MultipleChoiceField(
        label=_("When would you prefer to meet?"), required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("mornings", _("Weekday mornings")), ("afternoons", _("Weekday afternoons"))],
    )
    privacy = forms.BooleanField(
        # An acknowledgement, not consent: the legal basis is a task in the public
        # interest (art. 6(1)(e)), as the privacy notice says.
        label=_("I have read the privacy notice, which explains how my data are used to "
                "contact me about the groups."),
        error_messages={"required": _("Please confirm you have read the privacy notice.")},
    )
    preferred_venue = VenueChoiceField(label=_("Preferred venue"), required=False,
                                       empty_label=_("No preference"))

    CHOICES = {"employment_status": "EmploymentStatus", "heard_from": "HeardFrom"}
    # The page's order (templates/programme/participation_page.html): the error summary
    # lists the errors in this order.
    field_order = [
        "first_name", "last_name", "email", "phone", "preferred_channel",
        "employment_status", "since_month", "since_year", "preferred_venue",
        "preferred_times", "heard_from", "note", "privacy",
    ]
    # No email and no phone is a form-wide error (the model's constraint) about both.
    error_fields = {"no_contact": ("email", "phone")}
    # Labels of choices said otherwise on this form ({stored value: label}).
    choice_labels = {}
    CHANNEL_MESSAGES = {
        "email": _("You chose to be contacted by email: enter your email."),
        "phone": _("You chose to be contacted by phone: enter your number."),
    }

    class Meta:
        model = ParticipationRequest
        fields = [
            "first_name", "last_name", "email", "phone", "preferred_channel",
            "employment_status", "preferred_venue", "heard_from", "note",
        ]
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "email": _("Email"),
            "phone": _("Phone"),
            "preferred_channel": _("How would you like to be contacted?"),
            "employment_status": _("Your situation"),
            "heard_from": _("How did you hear about the groups?"),
            "note": _("Anything you would like to tell us (optional)"),
        }
        help_texts = {
            "email": _("Give an email address, a phone number, or both."),
            "phone": _("Italian or international number."),
            "note": _("At most 500 characters. Please do not write about your health."),
        }
        # Checked with phonenumbers and stored as +39… (typed_text.phones).
        field_classes = {"phone": PhoneNumberField}
        widgets = {
            "preferred_channel": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_venue"].prepare()
        this_year = timezone.localdate().year
        self.fields["since_year"].choices = [("", _("Year"))] + [
            (year, str(year)) for year in range(this_year, this_year - 51, -1)
        ]
        # Radio buttons need no empty choice; selects get a readable one.
        self.fields["preferred_channel"].choices = ParticipationRequest.Channel.choices
        if "heard_from" in self.fields:
            # Blank only for referrals (the model allows it); a person answers for themself.
            self.fields["heard_from"].required = True
        for name in ("employment_status", "heard_from"):
            if name in self.fields:
                self.fields[name].choices = [("", _("Choose…"))] + [
                    (value, self.choice_labels.get(value, label)) for value, label in
                    getattr(ParticipationRequest, self.CHOICES[name]).choices
                ]
        for name in ("first_name", "last_name"):
            self.fields[name].validators.append(reject_markup)
        self.fields["note"].widget.attrs["maxlength"] = self.fields["note"].max_length
        autocomplete = {"first_name": "given-name", "last_name": "family-name",
                        "email": "email", "phone": "tel"}
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value

    def clean(self):
        cleaned = super().clean()
        # Neither email nor phone: the model's constraint refuses it, once, with
        # NO_CONTACT_MESSAGE; a channel error on top would only say it again.
        email, phone = cleaned.get("email"), cleaned.get("phone")
        channel = cleaned.get("preferred_channel")
        Channel = ParticipationRequest.Channel
        given = email or phone or "email" in self.errors or "phone" in self.errors
        if given and channel == Channel.EMAIL and not email and "email" not in self.errors:
            self.add_error("email", self.CHANNEL_MESSAGES["email"])
        if given and channel == Channel.PHONE and not phone and "phone" not in self.errors:
            self.add_error("phone", self.CHANNEL_MESSAGES["phone"])
        month, year = cleaned.get("since_month"), cleaned.get("since_year")
        if month and year:
            since = datetime.date(year, month, 1)
            if since > timezone.localdate():
                self.add_error("since_month", _("This date is in the future."))
            cleaned["situation_since"] = since
        return cleaned

    def request_data(self):
        """The cleaned data as ParticipationRequest fields."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        times = self.cleaned_data.get("preferred_times") or []
        data["prefers_mornings"] = "mornings" in times
        data["prefers_afternoons"] = "afternoons" in times
        data["situation_since"] = self.cleaned_data["situation_since"]
        return data


class ParticipationRequestForm(SpamProtectedForm, ParticipationFieldsForm):
    """The public form: the person's own request, behind the spam protection.

    Reached from a group's flyer (`?group=<id>`, initial_from_address), it also offers
    "Preferred group" with that group chosen; the person may choose another or none. The
    field is there only then (and when such a form is posted): the blank form most
    people see stays as it was, and cached (blank_fields_html)."""

    spam_form_name = "intake"
    preferred_group = GroupChoiceField(
        label=_("Preferred group"), required=False, empty_label=_("No preference"),
        help_text=_("Chosen from the flyer: you can choose another group or none."))
    field_order = [*ParticipationFieldsForm.field_order[:9], "preferred_group",
                   *ParticipationFieldsForm.field_order[9:]]

    class Meta(ParticipationFieldsForm.Meta):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offered = (self.data.get(self.add_prefix("preferred_group")) is not None
                   if self.is_bound else "preferred_group" in self.initial)
        if offered:
            self.fields["preferred_group"].prepare()
        else:
            del self.fields["preferred_group"]

    def request_data(self):
        data = super().request_data()
        data["preferred_group"] = self.cleaned_data.get("preferred_group")
        return data


def initial_from_address(query):
    """What a link to the public form may preselect (the QR code of a printed flyer or
    poster, issue 21): `?heard_from=flyer` (any ParticipationRequest.HeardFrom value)
    and `?group=<id>` (a published group: it becomes the preferred group, and its venue
    the preferred venue) or `?venue=<id>` (a venue's poster: a published venue).

    query: a QueryDict. Returns the form's `initial` dict; a value that is unknown,
    malformed or no longer published is ignored and the form shows as usual, so a flyer
    printed long ago still leads to a working form. The person can change both."""
    initial = {}
    heard = query.get("heard_from", "")
    if heard in ParticipationRequest.HeardFrom.values:
        initial["heard_from"] = heard
    group = query.get("group", "")
    if _is_key(group):
        venue = (Group.objects.published().canonical().filter(pk=int(group))
                 .values_list("venue_id", flat=True).first())
        if venue is not None:
            initial["preferred_group"] = int(group)
            initial["preferred_venue"] = venue
    venue = query.get("venue", "")
    if "preferred_venue" not in initial and _is_key(venue) and Venue.objects.filter(
            pk=int(venue), live=True, locale=default_locale()).exists():
        initial["preferred_venue"] = int(venue)
    return initial


def _is_key(text):
    """True for a row's id as a link writes it: 1 to 9 ASCII digits, no leading zero."""
    return text.isascii() and text.isdigit() and len(text) <= 9 and text[0] != "0"


FIELDS_TEMPLATE = "programme/includes/participation_fields.html"
FIELD_TEMPLATE = "forms/field.html"  # one field, as form_tags' {% render_field %} renders it
# Where the venue field goes in the cached fields (its own HTML is kept apart).
VENUE_SLOT = mark_safe("<!-- preferred_venue -->")


def blank_fields_html(request, form, template_name=FIELDS_TEMPLATE):
    """The HTML (a SafeString) of the unbound `form`'s fields as `template_name` renders
    them, or None when `form` is bound (what was typed and its errors are the visitor's)
    or has initial values (preselected by a flyer's link, `initial_from_address`).

    A blank form is the same for every visitor of a language, and rendering it widget by
    widget was most of the intake GET's cost (issue 16): its fields are rendered once per
    language and year (`since_year` offers the last 51 years) and kept in the data cache,
    the venue field apart, renewed when a venue changes (pagecache's tag of
    programme.Venue), so that the first visitor after a venue is saved pays for that field
    only. The per-visitor parts, the CSRF token and antispam's signed form token (the
    ALTCHA challenge is fetched by the browser), stay outside.
    """
    if form.is_bound or form.initial:  # preselected by a link: this visitor's own
        return None
    key = (template_name, type(form).__name__, form.prefix, get_language())
    fields = cached(
        request, ("blank-fields", *key, timezone.localdate().year),
        lambda: render_to_string(template_name, {"form": form, "venue_field": VENUE_SLOT}),
        tags=(),  # code and translations: a new worker; Locales: pagecache's bump()
    )
    venue = cached(
        request, ("blank-venue-field", *key),
        lambda: render_to_string(FIELD_TEMPLATE, render_field(form["preferred_venue"])),
        tags=[model_tag(Venue._meta.label)],
    )
    # Both parts come from templates, which escaped what they were given.
    return mark_safe(fields.replace(VENUE_SLOT, venue))


class ReferralForm(ParticipationFieldsForm):
    """A partner refers a person: the same data, and the person's consent on record.
    Partners are signed in, so no spam protection is needed here.

    The partner answers about someone else: every label and choice speaks of "the
    person", and how the person heard of the groups is not asked (the partner would
    answer for them; the request keeps it empty).
    """

    privacy = None
    consent = forms.BooleanField(
        label=_("The person agreed to be referred and received the programme's privacy "
                "notice."),
        error_messages={"required": _("You can refer a person only with their agreement.")},
    )
    preferred_times = forms.MultipleChoiceField(
        label=_("When would the person prefer to meet?"), required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("mornings", _("Weekday mornings")), ("afternoons", _("Weekday afternoons"))],
    )
    # The page's order (templates/programme/partner/referral_form.html).
    field_order = [
        "first_name", "last_name", "email", "phone", "preferred_channel",
        "employment_status", "since_month", "since_year", "preferred_venue",
        "preferred_times", "note", "consent",
    ]
    choice_labels = {
        ParticipationRequest.EmploymentStatus.UNEMPLOYED: _("Unemployed (lost their job)"),
    }
    CHANNEL_MESSAGES = {
        "email": _("By email was chosen: enter the person's email."),
        "phone": _("By phone was chosen: enter the person's number."),
    }

    class Meta(ParticipationFieldsForm.Meta):
        fields = [name for name in ParticipationFieldsForm.Meta.fields if name != "heard_from"]
        labels = {
            **ParticipationFieldsForm.Meta.labels,
            "preferred_channel": _("How would the person like to be contacted?"),
            "employment_status": _("The person's situation"),
            "note": _("Anything else we should know (optional)"),
        }
        help_texts = {
            **ParticipationFieldsForm.Meta.help_texts,
            "note": _("At most 500 characters. Do not write about the person's health."),
        }
        error_messages = {
            NON_FIELD_ERRORS: {
                "no_contact": _("Give at least the person's email address or phone number, "
                                "so we can contact them."),
            },
        }


class AdhesionForm(PlainTextFormMixin, forms.Form):
    signatory_name = forms.CharField(label=_("Signatory's full name"), max_length=150,
                                     validators=[reject_markup])
    signatory_role = forms.CharField(label=_("Signatory's role"), max_length=150,
                                     validators=[reject_markup],
                                     help_text=_("For example: legal representative, "
                                                 "president, director."))
    declares_authority = forms.BooleanField(
        label=_("I declare that the signatory has the authority to sign for the organisation "
                "and that the organisation accepts the protocol in the version shown."),
        error_messages={"required": _("Confirm that the signatory may sign for the "
                                      "organisation.")},
    )
    publish_contact_details = forms.BooleanField(
        label=_("Publish the organisation's website, email and phone in the open data and "
                "on the protocol page"),
        required=False,
        help_text=_("The organisation's name and kind are always listed once the adhesion "
                    "is approved. You can withdraw this consent at any time from the "
                    "partner area."),
    )


class ContactConsentForm(forms.Form):
    """The organisation's admin turns the consent of AdhesionForm on or off later."""

    publish_contact_details = forms.BooleanField(
        label=AdhesionForm.base_fields["publish_contact_details"].label, required=False,
        help_text=_("The organisation's name and kind are always listed while it adheres; "
                    "its website, email and phone only with this consent."),
    )


class AdhesionDecisionForm(forms.Form):
    # Nothing is pre-selected: staff choose, and sending without choosing says so.
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))],
                                 label=_("Decision"), widget=forms.RadioSelect,
                                 error_messages={"required": _("Choose a decision.")})
    reason = forms.CharField(label=_("Reason (required to reject; sent to the organisation)"),
                             required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))

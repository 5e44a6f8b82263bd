"""Admin › "Risultati"/"Outcomes": the programme's figures for the Segreteria and the City
(outcomes.permissions), filtered by period, venue and group (a GET form), each figure as
a table with totals, an SVG chart (outcomes.charts) and its CSV; one CSV of them all.

Views are thin: the form reads the filters, outcomes.figures computes, the templates
show. Bad filters (a month that is not one, "to" before "from", a period over
MAX_MONTHS, an unknown venue or group) re-show the form with its errors and no figure,
never a 500. Responses are private and never stored (add_never_cache_headers), like the
other staff screens.
"""

import datetime
import re

from django import forms
from django.core.exceptions import PermissionDenied
from django.forms.utils import flatatt
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import Locale

from languages.versions import default_locale
from programme.models.groups import Group
from programme.models.venues import Venue
from readable.dates import programme_timezone
from typed_text.parameters import AsciiKeyChoiceField

from . import figures
from .charts import chart
from .permissions import can_view_outcomes
from .presentation import csv_file, display

MAX_MONTHS = 60
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")

# Each figure's CSV file name in the reader's language.
FILE_NAMES = {
    "requests-by-month-and-source": gettext_lazy("requests-by-month-and-source"),
    "requests-by-month-and-status": gettext_lazy("requests-by-month-and-status"),
    "days-to-first-contact": gettext_lazy("days-to-first-contact"),
    "days-to-assignment": gettext_lazy("days-to-assignment"),
    "waiting-list": gettext_lazy("waiting-list"),
    "fill-rate": gettext_lazy("fill-rate"),
    "attendance-rate": gettext_lazy("attendance-rate"),
    "completed-paths": gettext_lazy("completed-paths"),
    "referrals-by-organisation": gettext_lazy("referrals-by-organisation"),
}
ALL_FILE_NAME = gettext_lazy("outcomes")
FIGURES_BY_SLUG = dict(zip(FILE_NAMES, figures.FIGURES, strict=True))


class MonthField(forms.CharField):
    """A month as "YYYY-MM" (what `<input type="month">` sends), ASCII digits only;
    cleaned to the month's first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"})
    default_error_messages = {
        "invalid": gettext_lazy("Enter a month as year and month, e.g. 2026-01."),
        "range": gettext_lazy("Enter a month from 2000-01 to 2099-12."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        match = _MONTH.fullmatch(value)
        if not match or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        # Bounded so the period's arithmetic stays within dates (December 9999 has no
        # next month: a 500 before the review of issue 20).
        if not 2000 <= int(match[1]) <= 2099:
            raise forms.ValidationError(self.error_messages["range"], code="range")
        return datetime.date(int(match[1]), int(match[2]), 1)


class QuickSelect(forms.Select):
    """A Select that writes its options straight from its choices: Django's own builds a
    context (and renders a template) per option, which cost the dashboard about a third
    of its time with 300 groups. Same markup: the attributes of the field, then each
    option's value, `selected` and label, escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(chosen) for chosen in self.format_value(value)}
        options = format_html_join(
            "", "<option value=\"{}\"{}>{}</option>",
            ((option, mark_safe(" selected") if str(option) in selected else "", label)
             for option, label in self.choices))
        return format_html('<select name="{}"{}>{}</select>', name,
                           flatatt(self.build_attrs(self.attrs, attrs)), options)


class NameChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices as (pk, name) read with values_list: Group is a ClusterableModel, and
    300 instances made only for their option cost the dashboard tens of milliseconds.
    The field still cleans a chosen pk to its instance (ModelChoiceField.to_python)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = list(self.queryset.values_list("pk", "name", "translation_key"))
        # Named in the reader's language, as the figures' rows are (the original's name
        # where no translation exists), in that language's order.
        names = translated_names(self.queryset.model, [key for _pk, _name, key in rows])
        options = [(pk, names.get(key, name)) for pk, name, key in rows]
        yield from sorted(options, key=lambda option: (option[1].casefold(), option[0]))


def translated_names(model, keys):
    """{translation_key: name} of `model`'s rows in the active language, or {} when it is
    the default language (the canonical rows' names are already in it)."""
    if (get_language() or "").split("-")[0] == default_locale().language_code:
        return {}
    return figures.names_in_language(model, keys)


def chosen_name(instance):
    """A chosen venue or group named in the active language (str), or None."""
    if instance is None:
        return None
    key = instance.translation_key
    return translated_names(type(instance), [key]).get(key, instance.name)


class OutcomeFilterForm(forms.Form):
    start = MonthField(label=gettext_lazy("From month"), required=False)
    end = MonthField(label=gettext_lazy("To month"), required=False,
                     help_text=gettext_lazy("Included. By default, the last 12 complete "
                                            "months."))
    venue = AsciiKeyChoiceField(label=gettext_lazy("Venue"), required=False,
                                queryset=Venue.objects.none(),
                                empty_label=gettext_lazy("All venues"), widget=QuickSelect)
    group = AsciiKeyChoiceField(label=gettext_lazy("Group"), required=False,
                                queryset=Group.objects.none(),
                                empty_label=gettext_lazy("All groups"), widget=QuickSelect)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.now().astimezone(programme_timezone()).date()
        for name in ("venue", "group"):  # before the querysets, which give the widgets
            self.fields[name].iterator = NameChoiceIterator  # their choices
        # The canonical (default-language) rows, which requests and groups point at.
        # Only what the options, the figures and the heading read: 300 whole groups
        # cost the page tens of milliseconds.
        self.fields["venue"].queryset = Venue.objects.filter(
            locale=Locale.get_default()).order_by("name").only("pk", "name", "translation_key")
        self.fields["group"].queryset = Group.objects.canonical().order_by("name").only(
            "pk", "name", "translation_key")


    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        default = figures.OutcomeFilters.last_months(self.today)
        start = data.get("start") or default.start
        end_month = data.get("end") or default.end.replace(day=1)
        if end_month < start:
            raise forms.ValidationError(
                gettext_lazy("“To month” cannot come before “From month”."), code="order")
        months = (end_month.year - start.year) * 12 + end_month.month - start.month + 1
        if months > MAX_MONTHS:
            raise forms.ValidationError(
                gettext_lazy("Choose a period of at most %(count)d months.")
                % {"count": MAX_MONTHS}, code="too_long")
        next_month = (end_month + datetime.timedelta(days=32)).replace(day=1)
        data["filters"] = figures.OutcomeFilters(
            start=start, end=next_month - datetime.timedelta(days=1),
            venue=data.get("venue"), group=data.get("group"))
        return data


def _filter_form(request):
    # Always bound: no parameter at all is the default period, all venues and groups.
    return OutcomeFilterForm(request.GET)


class OutcomesView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "outcomes/dashboard.html"
    page_title = gettext_lazy("Outcomes")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not can_view_outcomes(request.user):
            raise PermissionDenied
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get(self, request, *args, **kwargs):
        form = _filter_form(request)
        context = self.get_context_data(form=form, figures=[])
        if not form.is_valid():
            return self.render_to_response(context, status=400)
        filters = form.cleaned_data["filters"]
        context["filters"] = filters
        context["venue_name"] = chosen_name(filters.venue)
        context["group_name"] = chosen_name(filters.group)
        context["query"] = request.GET.urlencode()
        context["figures"] = [
            {"table": display(table), "chart": chart(table), "slug": table.slug}
            for table in figures.all_figures(filters)]
        return self.render_to_response(context)


def outcomes_csv(request, slug=None):
    """One figure's CSV (`slug`), or every figure's in one file (no slug), for the
    filters of the query string; bad filters answer the dashboard with the form's errors
    (400)."""
    if not can_view_outcomes(request.user):
        raise PermissionDenied
    if slug is not None and slug not in FIGURES_BY_SLUG:
        raise Http404
    form = _filter_form(request)
    if not form.is_valid():
        return OutcomesView.as_view()(request)
    filters = form.cleaned_data["filters"]
    if slug is None:
        tables, stem = figures.all_figures(filters), ALL_FILE_NAME
    else:
        tables, stem = [FIGURES_BY_SLUG[slug](filters)], FILE_NAMES[slug]
    response = HttpResponse(csv_file(tables), content_type="text/csv; charset=utf-8")
    name = f"{stem}-{filters.start:%Y-%m}-{filters.end:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    add_never_cache_headers(response)
    return response

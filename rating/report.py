"""The ratings' report in Wagtail's admin (Reports -> "Valutazioni delle pagine"): per
page, the number of ratings, the mean of the stars, how often each answer was chosen and
the comments, between two dates; exported as CSV or XLSX by the site's exports
(exports.spreadsheets: Excel-safe, in the reader's language).

Who sees it: whoever may view page ratings (`rating.view_pagerating`), which
migration 0002 gives the editors (Redazione, Approvazione) and the Segreteria;
superusers too.
"""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import pgettext_lazy
from django_filters.fields import DateRangeField
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from exports.spreadsheets import SafeSpreadsheetExportMixin
from rating.models import POSITIVE_ANSWERS, Answer, PageRating
from rating.ratings import summaries

PERMISSION = "rating.view_pagerating"


def may_read_report(user):
    """Whether `user` sees the ratings' report (see the module's docstring)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(PERMISSION))


class RatingDateRangeField(DateRangeField):
    """Two dates, the first not after the second: a reversed period is an error, not an
    empty report."""

    def compress(self, data_list):
        period = super().compress(data_list)
        if period and period.start and period.stop and period.start > period.stop:
            raise ValidationError(
                pgettext_lazy("rating", "The first date is after the second: swap them."),
                code="reversed")
        return period


class RatingDateRangeFilter(django_filters.DateFromToRangeFilter):
    field_class = RatingDateRangeField


class RatingFilterSet(WagtailFilterSet):
    created = RatingDateRangeFilter(
        label=pgettext_lazy("rating", "Ratings given between"), widget=DateRangePickerWidget)

    class Meta:
        model = PageRating
        fields = ["created"]


def usable_dates(form):
    """The bounds of the report's period that can be used from a filter `form` (bound,
    invalid or not): {"created__gte": date, "created__lte": date}, each only when its date
    is a date; none of them when the first is after the second. The report then shows
    the ratings of what was understood, the form saying what was not."""
    field = form.fields["created"]
    raw = field.widget.value_from_datadict(form.data, form.files, form.add_prefix("created"))
    bounds = {}
    for lookup, date_field, value in zip(("created__gte", "created__lte"), field.fields,
                                         raw or (), strict=False):
        try:
            day = date_field.clean(value)
        except ValidationError:
            continue
        if day:
            bounds[lookup] = day
    if len(bounds) == 2 and bounds["created__gte"] > bounds["created__lte"]:
        return {}
    return bounds


class RatingReportView(SafeSpreadsheetExportMixin, ReportView):
    page_title = pgettext_lazy("rating", "Page ratings")
    header_icon = "pick"
    results_template_name = "rating/report_results.html"
    index_url_name = "rating_report"
    index_results_url_name = "rating_report_results"
    filterset_class = RatingFilterSet
    permission_policy = ModelPermissionPolicy(PageRating)
    permission_required = "view"
    model = PageRating
    paginate_by = 50
    export_filename = "valutazioni-pagine"
    list_export = ["title", "language_name", "count", "mean_text",
                   *[f"answers.{code}" for code in Answer.values], "comment_text"]

    @property
    def export_headings(self):
        headings = {
            "title": pgettext_lazy("rating", "Page"),
            "language_name": pgettext_lazy("rating", "Language"),
            "count": pgettext_lazy("rating", "Ratings"),
            "mean_text": pgettext_lazy("rating", "Mean (stars)"),
            "comment_text": pgettext_lazy("rating", "Comments"),
        }
        for code, label in Answer.choices:
            branch = (pgettext_lazy("rating", "liked") if code in POSITIVE_ANSWERS
                      else pgettext_lazy("rating", "difficulty"))
            headings[f"answers.{code}"] = f"{label} ({branch})"
        return headings

    def get_queryset(self):
        return PageRating.objects.all()

    def filter_queryset(self, queryset):
        # Wagtail drops an invalid filter form whole (and shows its errors): the dates
        # that were understood still apply.
        if self.filters and not self.filters.is_valid():
            return queryset.filter(**usable_dates(self.filters.form))
        return super().filter_queryset(queryset)

    def get_filtered_queryset(self):
        rows = summaries(self.filter_queryset(self.get_queryset()))
        for row in rows:
            row.mean_text = number_format(row.mean, 1)
            row.language_name = dict(PageRating._meta.get_field("language").choices).get(
                row.language, row.language)
            for code in Answer.values:
                row.answers.setdefault(code, 0)
        return rows

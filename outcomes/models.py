"""The page "Il programma in numeri" / "The programme in numbers": the outcomes' figures
for everyone, after statistical suppression (outcomes.public, outcomes.suppression), with
each figure's chart and CSV file."""

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from languages.routes import LocalizedRoutesMixin


class OutcomesPage(LocalizedRoutesMixin, RoutablePageMixin, Page):
    """The editors write the introduction; the figures follow it, computed by
    `outcomes.public.public_figures` for the last 12 complete months (no venue or group
    filter), every count under 10 hidden and secondary suppression applied, with the
    rule, its source and the date the figures were computed.

    Files: `<stem>.csv`, one figure's suppressed table (`outcomes.public.csv_file`), the
    stem the figure's file name in the page's language ("liste-di-attesa" on the Italian
    page, "waiting-list" on the English one; the other language's stem redirects), and
    the stem "risultati"/"outcomes" for every figure in one file. Served through the page,
    they are cached like it (pagecache); the figures are computed once a day.

    Meta.permissions holds the dashboard's permission (outcomes.permissions): it needs
    a model of the app so that its content type is not a stale one."""

    introduction = RichTextField(
        _("introduction"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"],
        blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    max_count_per_parent = 1
    subpage_types = []

    class Meta:
        verbose_name = _("programme in numbers page")
        permissions = [("view_outcomes", _("Can view the outcomes dashboard"))]

    def _figures(self):
        from outcomes.public import public_figures

        return public_figures(self.locale.language_code)

    def csv_url(self, slug=None):
        """The address of figure `slug`'s CSV on this page (every figure's: None)."""
        from outcomes.public import csv_stem

        stem = csv_stem(slug, self.locale.language_code)
        return self.url + self.reverse_subpage("download_csv", kwargs={"stem": stem})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        outcomes = self._figures()
        context["outcomes"] = outcomes
        context["figures_with_files"] = [(figure, self.csv_url(figure.slug))
                                         for figure in outcomes.figures]
        context["csv_all_url"] = self.csv_url()
        return context

    @path("<slug:stem>.csv", name="download_csv")
    def download_csv(self, request, stem):
        from outcomes.public import csv_file, csv_file_name, find_stem

        language = self.locale.language_code
        found = find_stem(stem, language)
        if found is None:
            raise Http404
        slug, stem_language = found
        if stem_language != language:
            return HttpResponsePermanentRedirect(self.csv_url(slug))
        outcomes = self._figures()
        figures = [figure for figure in outcomes.figures if slug in (None, figure.slug)]
        if not figures:
            raise Http404
        response = HttpResponse(csv_file(figures, language),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{csv_file_name(slug, language, outcomes)}"')
        response["Content-Language"] = language
        return response

"""The "Dati aperti"/"Open data" page: the datasets, their licence, fields and formats,
and the catalogue's DCAT-AP_IT description; the files themselves are its routes."""

import json

from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from languages.routes import LocalizedRoutesMixin, localized_path

# The HSDS API's address: outside the localized site (no /it/ or /en/).
API_URL = "/api/hsds/"
CATALOGUE_TITLE = _("Open data of the Mutual Aid for Work programme")
CATALOGUE_DESCRIPTION = _(
    "The City of Milan's Mutual Aid for Work programme: its mutual-aid groups, their "
    "weekly meetings and venues, and the organisations that joined its protocol.")


class OpenDataPage(LocalizedRoutesMixin, RoutablePageMixin, Page):
    """Lists each dataset (datasets.DATASETS) with its description, fields, licence
    (CC BY 4.0), last modification and its CSV and JSON files, the HSDS API and the
    catalogue (DCAT-AP_IT, JSON-LD). The texts around them are the editors'.

    Files: `<stem>.csv` and `<stem>.json`, the stem in the page's language ("gruppi" on
    the Italian page, "groups" on the English one; the other language's stem redirects);
    `catalogo.jsonld` / `catalogue.jsonld`. Each is cached like the page itself (the page
    cache: cleared by any publication), with CORS for any origin and Last-Modified."""

    introduction = RichTextField(_("introduction"), features=["bold", "italic", "link"],
                                 blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    max_count_per_parent = 1
    subpage_types = []

    class Meta:
        verbose_name = _("open data page")

    # --- What the routes read ---------------------------------------------------------

    def _group_index(self):
        from programme.models.pages import GroupIndexPage

        return GroupIndexPage.objects.live().filter(locale=self.locale).first()

    def _context(self, request):
        from opendata.datasets import Context

        return Context(self.locale.language_code, request.build_absolute_uri,
                       self._group_index())

    def file_url(self, dataset, extension):
        """The address of `dataset`'s file in `extension` ("csv", "json") on this page."""
        stem = dataset.stems.get(self.locale.language_code, dataset.stems["it"])
        return self.url + self.reverse_subpage(f"download_{extension}", kwargs={"stem": stem})

    def catalogue(self, request):
        """The DCAT-AP_IT catalogue (a dict, JSON-LD) of this page's datasets."""
        from home.models import ContactDetails
        from opendata import catalogue, sources

        translations = {page.locale.language_code: page for page in
                        self.get_translations(inclusive=True).live().select_related("locale")}

        def file_url(dataset, language, extension):
            page = translations.get(language, self)
            return request.build_absolute_uri(page.specific.file_url(dataset, extension))

        contact = ContactDetails.for_request(request)
        return catalogue.build(
            title=CATALOGUE_TITLE, description=CATALOGUE_DESCRIPTION,
            homepage=request.build_absolute_uri(self.url),
            email=contact.email if contact and contact.email else "",
            issued=self.first_published_at, last_modified=sources.last_modified(),
            file_url=file_url, api_url=request.build_absolute_uri(API_URL))

    def get_context(self, request, *args, **kwargs):
        from opendata import datasets, sources

        context = super().get_context(request, *args, **kwargs)
        last_modified = sources.last_modified()
        context["datasets"] = [
            {"dataset": dataset, "fields": dataset.fields,
             "modified": datasets.modified(dataset, last_modified),
             "csv_url": self.file_url(dataset, "csv"),
             "json_url": self.file_url(dataset, "json")}
            for dataset in datasets.DATASETS
        ]
        context["licence"] = datasets.LICENCE
        context["catalogue_url"] = self.url + self.reverse_subpage("catalogue")
        context["api_url"] = API_URL
        context["openapi_url"] = API_URL + "openapi.json"
        return context

    # --- Routes -------------------------------------------------------------------------

    @path("")
    def index(self, request):
        from opendata import sources
        from opendata.http import set_last_modified

        response = self.render(request)
        return set_last_modified(response, sources.last_modified(), request)

    @path("<slug:stem>.csv", name="download_csv")
    def download_csv(self, request, stem):
        return self._download(request, stem, "csv")

    @path("<slug:stem>.json", name="download_json")
    def download_json(self, request, stem):
        return self._download(request, stem, "json")

    def _download(self, request, stem, extension):
        from opendata import datasets, sources
        from opendata.http import set_last_modified, with_cors

        language = self.locale.language_code
        found = [(dataset, code) for dataset in datasets.DATASETS
                 for code, name in dataset.stems.items() if name == stem]
        if not found:
            raise Http404
        dataset, stem_language = found[0]
        if stem_language != language and dataset.stems.get(language, stem) != stem:
            return HttpResponsePermanentRedirect(self.file_url(dataset, extension))
        context = self._context(request)
        modified = datasets.modified(dataset, sources.last_modified())
        if extension == "csv":
            response = datasets.file_response(datasets.as_csv(dataset, context),
                                              "text/csv; charset=utf-8",
                                              dataset.file_name(language, "csv"))
        else:
            response = datasets.file_response(datasets.as_json(dataset, context, modified),
                                              "application/json; charset=utf-8",
                                              dataset.file_name(language, "json"))
        response["Content-Language"] = language
        return with_cors(set_last_modified(response, modified, request))

    @localized_path({"it": "catalogo.jsonld", "en": "catalogue.jsonld"}, name="catalogue")
    def catalogue_file(self, request):
        from opendata import sources
        from opendata.datasets import file_response
        from opendata.http import set_last_modified, with_cors

        body = json.dumps(self.catalogue(request), ensure_ascii=False, indent=1).encode()
        response = file_response(body, "application/ld+json; charset=utf-8",
                                 "catalogo.jsonld" if self.locale.language_code == "it"
                                 else "catalogue.jsonld")
        return with_cors(set_last_modified(response, sources.last_modified(), request))


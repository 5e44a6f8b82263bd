"""The "Dati aperti"/"Open data" page: the datasets, their licence, fields and formats,
and the catalogue's DCAT-AP_IT description; the files themselves are its routes."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField
from wagtail.models import Page

from languages.routes import LocalizedRoutesMixin


class OpenDataPage(LocalizedRoutesMixin, RoutablePageMixin, Page):
    """Lists each dataset (datasets.DATASETS) with its description, fields, licence
    (CC BY 4.0), last modification and its CSV and JSON files, the HSDS API and the
    catalogue (DCAT-AP_IT, JSON-LD). The texts around them are the editors'."""

    introduction = RichTextField(_("introduction"), features=["bold", "italic", "link"],
                                 blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    max_count_per_parent = 1
    subpage_types = []

    class Meta:
        verbose_name = _("open data page")

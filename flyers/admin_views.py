"""Admin › "Materiale da stampare" / "Print material": every flyer in both languages, for
editors to download and print; where this server cannot make PDFs, why and what to do."""

from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from flyers import content, rendering


def flyer_links(group=None):
    """[(language name, address)] of a flyer (the programme's, or `group`'s) in each of
    the site's languages, Italian first."""
    links = []
    for code, name in (("it", "Italiano"), ("en", "English")):
        with translation.override(code):
            links.append((code, name, reverse("flyers:group", args=[group.pk]) if group
                          else reverse("flyers:programme")))
    return links


class PrintMaterialView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "flyers/admin/print_material.html"
    page_title = gettext_lazy("Print material")
    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        groups = content.published_groups()
        return super().get_context_data(
            unavailable=rendering.unavailable(),
            programme_links=flyer_links(),
            groups=[(group, flyer_links(group)) for group in groups],
            **kwargs)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

"""Admin › "Materiale da stampare" / "Print material": every flyer in both languages, for
editors to download and print; where this server cannot make PDFs, why and what to do."""

from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from flyers import content, rendering


def flyer_links(url_name="flyers:programme", *args):
    """[(language code, language name, address)] of a flyer or poster (`url_name` with
    `args`) in each of the site's languages, Italian first."""
    links = []
    for code, name in (("it", "Italiano"), ("en", "English")):
        with translation.override(code):
            links.append((code, name, reverse(url_name, args=args)))
    return links


class PrintMaterialView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "flyers/admin/print_material.html"
    page_title = gettext_lazy("Print material")
    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        # Rows of the two tables: (name, what it says more, [(code, language, address)]).
        flyers = [(_("The programme"), "", flyer_links())] + [
            (group.name, group.venue.name, flyer_links("flyers:group", group.pk))
            for group in content.published_groups()]
        posters = [(venue.name, "", flyer_links("flyers:poster", venue.pk))
                   for venue in content.published_venues()]
        return super().get_context_data(
            unavailable=rendering.unavailable(), flyers=flyers, posters=posters, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

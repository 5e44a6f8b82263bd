"""«Mappa del sito»: the site's live pages in the visitor's language, as a nested list."""

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

# Levels under the home page the map shows: the sections and what each holds. Deeper
# pages (news articles, a protocol's versions) are reached through their section, or
# the map would grow with every article.
SITE_MAP_DEPTH = 2


class SiteMapPage(Page):
    """The site map the footer links to (the model's «Mappa del sito»)."""

    introduction = models.TextField(_("Introduction"), blank=True, max_length=500)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    search_fields = Page.search_fields + [index.SearchField("introduction")]
    max_count_per_parent = 1
    subpage_types = []

    class Meta:
        verbose_name = _("site map")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tree = site_map_tree(self.get_site_root_in_locale())
        if tree:
            tree[0]["children"].extend(site_map_views())
        context["site_map"] = tree
        return context

    def get_site_root_in_locale(self):
        """The home page of this page's language: the ancestor at the site root's depth."""
        return self.get_ancestors().filter(depth=2).first() or self


def site_map_tree(root, depth=SITE_MAP_DEPTH):
    """`root` (a home page) and its live, public pages up to `depth` levels below it, in
    `root`'s language, in the editors' order.

    Returns [{"page": Page, "children": [...]}] holding the root only; one query for
    the pages (the privacy check of `public()` is another). Pages of another language
    never appear: each language has its own tree under its own home page.
    """
    pages = (Page.objects.live().public().descendant_of(root, inclusive=True)
             .filter(locale_id=root.locale_id, depth__lte=root.depth + depth)
             .order_by("path").select_related("locale")
             .only("id", "title", "path", "depth", "url_path", "locale__language_code"))
    nodes = {}
    top = []
    for page in pages:
        node = {"page": page, "children": []}
        nodes[page.path] = node
        parent = nodes.get(page.path[:-Page.steplen])
        if parent is not None:
            parent["children"].append(node)
        elif page.pk == root.pk:
            top.append(node)
    return top


# Addresses the footer links that are views, not pages: the map lists them too, after
# the sections, with the footer's names (a page's title would be in the page tree).
SITE_MAP_VIEWS = [
    ("privacy:request", _("Your data: a request")),
    ("partner:dashboard", _("Partner area")),
]


def site_map_views():
    """The footer's non-page addresses in the active language, as site map nodes:
    [{"url": str, "title": str, "children": []}]; a view not installed is left out."""
    nodes = []
    for name, title in SITE_MAP_VIEWS:
        try:
            nodes.append({"url": reverse(name), "title": title, "children": []})
        except NoReverseMatch:
            continue
    return nodes

"""Findability tags for the page <head>: basic meta, Open Graph and schema.org JSON-LD."""

from django import template
from django.utils.module_loading import autodiscover_modules

from seo import metadata as seo

register = template.Library()

_discovered = False


def _discover_builders():
    """Import every installed app's `seo` module once, so its JSON-LD builders register."""
    global _discovered
    if not _discovered:
        autodiscover_modules("seo")
        _discovered = True


def _page(context):
    page = context.get("page")
    # Only Wagtail pages (other views may put something else called "page" in context).
    return page if getattr(page, "locale_id", None) and hasattr(page, "get_url_parts") else None


@register.simple_tag(takes_context=True)
def page_meta(context):
    """Description, canonical URL and Open Graph data of the current page; None elsewhere."""
    page = _page(context)
    return seo.page_meta(page, context.get("request")) if page else None


@register.simple_tag(takes_context=True)
def json_ld(context):
    """The current page's schema.org JSON-LD data block; nothing on non-page views."""
    page = _page(context)
    if page is None:
        return ""
    _discover_builders()
    return seo.json_ld_script(seo.json_ld_document(seo.json_ld_for(page, context)))


@register.filter
def page_description(page):
    """A page's plain-text description (search_description, summary or introduction)."""
    return seo.description(page) if page is not None else ""

from django import template
from django.utils.translation import get_language
from wagtail.models import Page, Site

from home.i18n import language_versions
from home.models import ContactDetails

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    versions = language_versions(context.get("request"), context.get("page"))
    return {"versions": versions, "current": next((v for v in versions if v.is_current), None)}


@register.simple_tag(takes_context=True)
def alternate_languages(context):
    return language_versions(context.get("request"), context.get("page"))


def _localized_root(request):
    site = Site.find_for_request(request) if request else None
    if site is None:
        return None
    root = site.root_page
    return root.localized if root else None


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    request = context.get("request")
    root = _localized_root(request)
    items = root.get_children().live().in_menu() if root else Page.objects.none()
    current = context.get("page")
    current_path = current.path if current else ""
    entries = [
        {
            "page": item,
            "is_current": item.path == current_path,
            "in_section": bool(current_path) and current_path.startswith(item.path),
        }
        for item in items
    ]
    return {"entries": entries, "request": request}


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    page = context.get("page")
    if page is None or page.depth <= 2:
        return {"ancestors": [], "page": page}
    return {"ancestors": page.get_ancestors().filter(depth__gte=2), "page": page}


@register.simple_tag(takes_context=True)
def contact_details(context):
    # Asked for twice on a page (header and footer): keep the first answer.
    cache_key = "_contact_details_" + (get_language() or "")
    request = context.get("request")
    if request is not None and hasattr(request, cache_key):
        return getattr(request, cache_key)
    details = ContactDetails.for_active_locale()
    if request is not None:
        setattr(request, cache_key, details)
    return details


@register.filter
def tel_href(number):
    return ContactDetails.tel_href(number or "")

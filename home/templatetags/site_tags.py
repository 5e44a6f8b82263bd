"""The tags every page's chrome uses: menu, breadcrumbs, language switcher, footer.

They run on every public page, so they ask the database as little as they can and keep
what they found on the request for the next tag that needs it: the language versions
(the <head> and the switcher), the page-tree rows of the menu, the breadcrumbs and the
footer (one query for the three), the contact details (header and footer). Translations
are matched by language code in the same query, never with a Locale lookup of their
own. What they found is also cached under the data version (pagecache/), which
publishing and saving clear: a warm page asks the database nothing for its chrome.
A page's query count must not grow with the content: tests/test_query_bounds.py.
"""

import operator
from dataclasses import dataclass, field
from functools import reduce

from django import template
from django.db.models import Q
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Page

from home.models import ContactDetails, FooterLinks
from languages.versions import language_code as _language_code
from languages.versions import language_versions, localized_pages, request_memo
from languages.versions import localized_q as _localized_q
from languages.versions import resolve_localized as _resolve_localized
from pagecache.data import cached, cached_html, record_tags, recording_tags
from pagecache.routing import cached_site
from pagecache.tags import PAGES, children_tag, page_tag, path_tag

register = template.Library()

_CACHE_ATTR = "_site_tags_cache"


def _cache(request):
    """A dict that lives as long as the request (a throwaway one without a request)."""
    if request is None:
        return {}
    cache = getattr(request, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(request, _CACHE_ATTR, cache)
    return cache


def _cached(request, key, compute):
    """`compute()` once per request; each later call says again which data tags the
    answer depends on (pagecache.data.record_tags), for a fragment rendered with it
    (`cached_fragment`) to be cleared when they change."""
    cache = _cache(request)
    key = (key, get_language())
    if key not in cache:
        with recording_tags() as found:
            value = compute()
        cache[key] = (value, tuple(found))
    value, tags = cache[key]
    record_tags(tags)
    return value


@register.simple_tag(takes_context=True)
def localized_page(context, page_id, *also):
    """`{% localized_page page.intake_page_id as intake %}`: that page in the active
    language (as `page.intake_page.localized`), in one query however often it is asked.

    Pages named after it are looked up in the same query, for later calls to find:
    `{% localized_page page.participate_page_id page.contact_page_id as participate %}`
    then `{% localized_page page.contact_page_id as contact %}` costs nothing.
    """
    if isinstance(page_id, Page):
        page_id = page_id.pk
    ids = [pk.pk if isinstance(pk, Page) else pk for pk in (page_id, *also)]
    found = localized_pages(context.get("request"), [pk for pk in ids if pk])
    return found.get(page_id) if page_id else None


def _language_versions(context):
    request, page = context.get("request"), context.get("page")
    return _cached(
        request,
        ("language_versions", getattr(page, "pk", None)),
        lambda: language_versions(request, page),
    )


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    versions = _language_versions(context)
    return {"versions": versions, "current": next((v for v in versions if v.is_current), None)}


@register.simple_tag(takes_context=True)
def alternate_languages(context):
    return _language_versions(context)


FOOTER_LINK_FIELDS = ("privacy_page", "accessibility_page", "legal_notes_page", "faq_page",
                      "report_page", "site_map_page", "open_data_page", "outcomes_page")


@dataclass
class Chrome:
    menu: list  # the localized home page's children, live and in menus
    ancestors: list  # the current page's ancestors from depth 2 (the breadcrumbs)
    footer: dict  # FOOTER_LINK_FIELDS -> the page in the active language, or None
    tags: tuple = (PAGES,)  # what it depends on (pagecache.tags): a change clears it
    localized: dict = field(default_factory=dict)  # footer link id -> page, for the memo


def _chrome(request, page):
    """What the menu, the breadcrumbs and the footer need from the page tree.

    One query for the footer setting (Wagtail keeps it on the request) and one for the
    pages: when the current page is in the active language, the home page in that
    language is its ancestor at the site root's depth, so the menu (that home page's
    children), the breadcrumbs (the page's ancestors) and the footer's pages (with their
    translations) come from one query. Without such a page (allauth views, search, a page
    of another tree) the localized home page is looked up first: two more queries.
    """
    code = _language_code()
    site = cached_site(request) if request is not None else None
    root = site.root_page if site is not None else None
    steplen = Page.steplen

    footer_ids = {}
    if site is not None:
        links = FooterLinks.for_request(request)
        footer_ids = {name: getattr(links, f"{name}_id") for name in FOOTER_LINK_FIELDS}
    link_ids = [pk for pk in footer_ids.values() if pk]

    is_page = isinstance(page, Page) and bool(page.pk)
    in_tree = is_page and root is not None and page.depth >= root.depth
    conditions = [_localized_q(link_ids, code)] if link_ids else []
    if in_tree:
        home_path = page.path[: root.depth * steplen]
        ancestor_paths = [page.path[: depth * steplen] for depth in range(2, page.depth)]
        conditions.append(Q(path__in=[*ancestor_paths, home_path]))
        conditions.append(Q(depth=root.depth + 1, path__startswith=home_path, live=True,
                            show_in_menus=True))
    rows = []
    if conditions:
        rows = list(
            Page.objects.filter(reduce(operator.or_, conditions))
            .select_related("locale").order_by("path")
        )
    localized = _resolve_localized(link_ids, rows, code)
    footer = {name: localized.get(pk) if pk else None for name, pk in footer_ids.items()}
    request_memo(request).setdefault(("localized_pages", code), {}).update(localized)

    if in_tree:
        home = next((row for row in rows if row.path == home_path), None)
        if (
            home is not None and home.live and home.translation_key == root.translation_key
            and home.locale.language_code == code and page.locale_id == home.locale_id
        ):
            menu = [row for row in rows if row.depth == root.depth + 1
                    and row.path.startswith(home_path) and row.live and row.show_in_menus]
            ancestors = [row for row in rows if row.path in ancestor_paths]
            # The home page's children (the menu), the ancestors' places (the
            # breadcrumbs) and the footer's pages: an article published elsewhere
            # changes none of them.
            tags = (children_tag(home_path), path_tag(home_path),
                    *(path_tag(path) for path in ancestor_paths),
                    *(page_tag(pk) for pk in link_ids),
                    *(page_tag(link.pk) for link in footer.values() if link is not None))
            return Chrome(menu=menu, ancestors=ancestors, footer=footer, tags=tags,
                          localized=localized)

    menu = []
    if root is not None:
        home = localized_pages(request, [root.pk]).get(root.pk, root)
        menu = list(home.get_children().live().in_menu())
    ancestors = []
    if is_page and page.depth > 2:
        ancestors = list(page.get_ancestors().filter(depth__gte=2))
    return Chrome(menu=menu, ancestors=ancestors, footer=footer, localized=localized)


def _cached_chrome(context):
    """The chrome of this page in this language: on the request, and in the cache (keyed
    by host too: its pages' URLs are relative to the site the visitor asked)."""
    request, page = context.get("request"), context.get("page")
    page_id = page.pk if isinstance(page, Page) else None
    host = ""
    if request is not None:
        host = request.get_host()
        cached_site(request)  # for {% pageurl %} too, on views Wagtail did not route
    def from_cache():
        chrome = cached(request, ("chrome", host, page_id, _language_code()),
                        lambda: _chrome(request, page), tags=lambda chrome: chrome.tags)
        # The footer's pages in the active language, for {% localized_page %} to find
        # as when the chrome was computed in this request.
        request_memo(request).setdefault(("localized_pages", _language_code()), {}).update(
            chrome.localized)
        return chrome

    return _cached(request, ("chrome", page_id), from_cache)


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    items = _cached_chrome(context).menu
    current = context.get("page")
    current_path = getattr(current, "path", "") or ""
    entries = [
        {
            "page": item,
            "is_current": item.path == current_path,
            "in_section": bool(current_path) and current_path.startswith(item.path),
        }
        for item in items
    ]
    return {"entries": entries, "request": context.get("request")}


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    page = context.get("page")
    if not isinstance(page, Page) or page.depth <= 2:
        return {"ancestors": [], "page": page, "request": context.get("request")}
    ancestors = _cached_chrome(context).ancestors
    # A page may add crumbs of its own before its title (the service sheet's "Servizi /
    # <category>"): page.breadcrumb_trail() -> [(label, url or None)].
    trail = page.breadcrumb_trail() if hasattr(page, "breadcrumb_trail") else []
    return {"ancestors": ancestors, "trail": trail, "page": page,
            "request": context.get("request")}


@register.simple_tag(takes_context=True)
def contact_details(context):
    """The contact details in the active language (ContactDetails.for_request); read once
    per request though the header and the footer both show them."""
    request = context.get("request")
    return _cached(request, "contact_details", lambda: ContactDetails.for_request(request))


@register.simple_tag(takes_context=True)
def footer_links(context):
    """{"faq_page": page, ...}: the footer's pages in the active language (None if unset)."""
    if context.get("request") is None:
        return {}
    return _cached_chrome(context).footer


@register.filter
def tel_href(number):
    return ContactDetails.tel_href(number or "")


class CachedFragmentNode(template.Node):
    def __init__(self, name, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        request, page = context.get("request"), context.get("page")
        if (
            request is None or not isinstance(page, Page) or not page.pk
            or getattr(request, "is_preview", False)
        ):
            return self.nodelist.render(context)
        # A fragment is the same for every visitor of this page in this language: what
        # it shows of the page is the page itself (its page_tag), its place (the menu's
        # current item) and its translations (the switcher, also on a sub-route: the
        # path); the tags of the data it read say when it changes.
        name = ("fragment", self.name, request.get_host(), _language_code(), page.pk,
                request.path)
        try:
            return mark_safe(cached_html(request, name, lambda: _visitor_neutral(
                self.nodelist.render(context)), tags=(page_tag(page.pk),)))
        except _VisitorSpecific as found:  # rendered, not kept
            return found.args[0]


class _VisitorSpecific(Exception):
    pass


def _visitor_neutral(html):
    """`html`, if nothing in it belongs to one visitor; a CSRF token does (a form inside
    a fragment is a mistake of the template): then nothing is kept."""
    if "csrfmiddlewaretoken" in html:
        raise _VisitorSpecific(html)
    return str(html)


@register.tag
def cached_fragment(parser, token):
    """`{% cached_fragment "header" %}…{% endcached_fragment %}`: the block rendered once
    per page, path, language and host, then from the data cache until a datum it read
    changes (pagecache.data.cached_html: not kept if it read the database outside the
    data cache). Only for what is the same for every visitor and does not depend on the
    day or the query string. On views that are not a Wagtail page (and in previews) it
    is rendered every time."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("cached_fragment takes one name")
    nodelist = parser.parse(("endcached_fragment",))
    parser.delete_first_token()
    return CachedFragmentNode(bits[1].strip("\"'"), nodelist)

"""Wagtail's page routing, remembered.

To find the page for /en/news/some-article/, Wagtail looks up the site, the active
Locale, the site root's translation and its specific page, then each page of the path and
its specific page, then the view restrictions of the page and its ancestors: 7 to 10
queries before the page does anything. `CachedRoutingMiddleware` remembers, under the
data version (pagecache.data), which page answers a path and which restrictions apply to it,
and then needs one query: the page itself, with its locale.

Nothing else changes: Wagtail's `serve` view still runs, with its hooks; the page
still routes the rest of the path itself (a routable page's sub-routes), still answers
404 when it is not live, and view restrictions are still checked (from the cached list).
A path that is not in the cache is routed by Wagtail as always, and then remembered.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from pagecache.data import cached, get_cached, set_cached
from pagecache.tags import page_tag

_NO_SITE = "no-site"


@dataclass(frozen=True)
class CachedRoute:
    page_id: int
    content_type_id: int
    remaining: tuple  # the path components the page routes itself (a sub-route)
    restrictions: list  # the PageViewRestrictions of the page and its ancestors


def cached_site(request):
    """Site.find_for_request, from the cache; sets what Wagtail reads on the request."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    host = request._get_raw_host()
    # Sites change only with a bump() (DATA_MODELS): no tag of their own.
    site = cached(request, ("site", host, request.get_port()),
                  lambda: Site.find_for_request(request) or _NO_SITE, tags=())
    site = None if site == _NO_SITE else site
    request._wagtail_site = site
    return site


def _components(path):
    return tuple(component for component in path.split("/") if component)


def _route_key(site, kind, path):
    return ("route", site.pk, get_language(), kind, path)


def _answer_restrictions_from(page, restrictions):
    # Wagtail's before_serve_page hook asks the page for its view restrictions; this page
    # object answers from the cached route (saving a restriction clears it).
    page.get_view_restrictions = lambda: restrictions


def _load(entry):
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    if model is None:
        return None
    try:
        return model.objects.select_related("locale").get(pk=entry.page_id)
    except model.DoesNotExist:
        return None


def _cached_load(request, entry):
    """The routed page, from the data cache for a GET or HEAD: its row changes when it is
    published, unpublished or saved, each of which renews its page_tag, or when it is
    moved or deleted (a bump() of everything). A draft saved changes only the editor's
    bookkeeping (latest revision, draft title), which serving a page does not read.
    Other methods (a form's POST) load it afresh, as what they save may use it."""
    if request.method not in ("GET", "HEAD"):
        return _load(entry)
    return cached(request, ("route-page", entry.page_id, entry.content_type_id),
                  lambda: _load(entry), tags=(page_tag(entry.page_id),))


class CachedRoutingMiddleware:
    """Remember which page answers each path (see the module's docstring). Last in
    MIDDLEWARE: it only acts in `process_view`, for Wagtail's `serve` view and the
    file routes of serve_file_route (RSS, iCalendar)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        pending = getattr(request, "_route_cache_pending", None)
        route = getattr(request, "_wagtail_route_for_request", None)
        if pending is not None and route:
            self._remember(request, pending, route[0])
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_views.serve:
            kind = "page"
        elif view_func is serve_file_route:
            kind = "file"
        else:
            return None
        path = view_args[0] if view_args else view_kwargs.get("path", "")
        site = cached_site(request)
        if site is None:
            return None
        key = _route_key(site, kind, path)
        entry = get_cached(request, key, tags=())
        page = _cached_load(request, entry) if entry is not None else None
        if page is None:
            request._route_cache_pending = (key, site, path)  # Wagtail routes it
            return None
        _answer_restrictions_from(page, entry.restrictions)
        if kind == "page":
            request._wagtail_route_for_request = page.route(request, list(entry.remaining))
            return None
        # A file route (news/rss.xml): as serve_file_route does it.
        if not page.live or not hasattr(page, "resolve_subpage"):
            raise Http404
        match = page.resolve_subpage("/" + "/".join(entry.remaining))
        request.routable_resolver_match = match
        request._wagtail_route_for_request = RouteResult(
            page, args=(match.func, match.args, match.kwargs)
        )
        return wagtail_views.serve(request, path)

    def _remember(self, request, pending, page):
        key, site, path = pending
        components = _components(path)
        consumed = page.depth - site.root_page.depth
        if consumed < 0 or consumed > len(components):
            return
        if consumed and components[consumed - 1] != page.slug:
            return  # not a plain walk down the tree: leave it to Wagtail every time
        restrictions = list(Page.get_view_restrictions(page))
        # No tags: a path leads to the same page until a page is moved, renamed or
        # deleted, or a restriction changes (each a bump()); a page unpublished since is
        # still loaded and answers 404 itself, and one published since under this path's
        # page is found by that page's own routing (`page.route` with `remaining`).
        set_cached(request, key, CachedRoute(page.pk, page.content_type_id,
                                             components[consumed:], restrictions), tags=())


# Sub-routes of routable pages that end in a file name (news/rss.xml, groups/calendario.ics,
# the open data's dati-aperti/gruppi.csv and catalogo.jsonld).
# The last segment may hold dots before its extension: versioni/1.0.pdf (the protocol).
FILE_ROUTE_PATTERN = r"^((?:[\w\-]+/)*[\w\-][\w\-.]*\.(?:xml|ics|pdf|csv|json|jsonld))$"


def serve_file_route(request, path):
    """Serve a routable page's route whose last segment has a dot, through Wagtail.

    Wagtail's catch-all URL only matches paths made of `name/` segments, and a routable
    page matches its routes against the path plus a trailing slash: neither lets
    `notizie/rss.xml` through. Here the longest leading part of the path that is a page
    takes the rest as its route; then Wagtail's own `serve` runs, with its hooks (view
    restrictions, the userbar, ...).
    """
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    root = site.root_page.localized.specific
    components = [component for component in path.split("/") if component]
    for split in range(len(components) - 1, -1, -1):
        try:
            page, _args, _kwargs = root.route(request, components[:split])
        except Http404:
            continue
        if page.depth - root.depth < split:
            continue  # a routable page took part of the path as a route of its own
        if not hasattr(page, "resolve_subpage"):
            raise Http404
        try:
            match = page.resolve_subpage("/" + "/".join(components[split:]))
        except Http404:
            raise Http404 from None
        request.routable_resolver_match = match
        request._wagtail_route_for_request = RouteResult(
            page, args=(match.func, match.args, match.kwargs)
        )
        return wagtail_views.serve(request, path)
    raise Http404

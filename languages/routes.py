"""Sub-routes of routable pages named in the page's language.

Wagtail's `@path` gives a route one pattern in every language, so the English groups
page answered `/en/groups/calendario.ics`. `@localized_path` gives a route one pattern
per language; `LocalizedRoutesMixin.reverse_subpage` (which `{% routablepageurl %}`
calls) picks the one of the page's language. A pattern of another language, or a
former pattern listed in `legacy`, answers with a permanent redirect to the right URL:
links and calendar subscriptions made before keep working.
"""

from django.http import HttpResponsePermanentRedirect
from django.urls import NoReverseMatch
from wagtail.contrib.routable_page.models import RoutablePageMixin, path


def _route_name(name, language):
    return f"{name}.{language}"


def localized_path(patterns, name, legacy=()):
    """Decorate a routable page's view with one route per language.

    `patterns`: {language code: Django `path()` pattern}, one for each of
    settings.LANGUAGES, e.g. {"it": "<int:group_id>/calendario.ics",
    "en": "<int:group_id>/calendar.ics"}. `legacy`: former patterns (same converters),
    redirected. The view is reversed by `name`, in the page's language.
    """

    def decorator(view_func):
        routes = view_func.__dict__.setdefault("_routablepage_routes", [])

        def add(pattern, route_name, language):
            def view(page, request, *args, **kwargs):
                if language != page.locale.language_code:
                    url = page.url + page.reverse_subpage(name, args=args, kwargs=kwargs)
                    return HttpResponsePermanentRedirect(url)
                return view_func(page, request, *args, **kwargs)

            path(pattern, name=route_name)(view)
            routes.extend(view._routablepage_routes)

        for language, pattern in patterns.items():
            add(pattern, _route_name(name, language), language)
        for number, pattern in enumerate(legacy):
            add(pattern, _route_name(name, f"legacy{number}"), None)
        return view_func

    return decorator


class LocalizedRoutesMixin:
    """Before RoutablePageMixin in the bases: routes declared with `localized_path`
    are reversed in the page's language; others as Wagtail does."""

    def reverse_subpage(self, name, args=None, kwargs=None):
        try:
            return super().reverse_subpage(
                _route_name(name, self.locale.language_code), args=args, kwargs=kwargs
            )
        except NoReverseMatch:
            return super().reverse_subpage(name, args=args, kwargs=kwargs)


def same_route_in(request, page, language):
    """The sub-path ("confirmation/") that shows, on a translation of `page` in
    `language`, what the localized route serving `request` shows on `page`
    ("conferma/"); "" when `request` is not on a route declared with `localized_path`.

    The language switcher appends it to the translation's URL: switching language on
    the intake confirmation keeps the confirmation, instead of an empty form.
    """
    match = getattr(request, "routable_resolver_match", None)
    name = getattr(match, "url_name", None) or ""
    base, dot, _language = name.rpartition(".")
    if not dot or not isinstance(page, LocalizedRoutesMixin):
        return ""
    try:
        # Routes belong to the page's class: every translation has the same ones.
        return RoutablePageMixin.reverse_subpage(
            page, _route_name(base, language), args=match.args, kwargs=match.kwargs)
    except NoReverseMatch:
        return ""

"""Django's LocaleMiddleware, except for the addresses that have no language.

Django answers a 404 outside /it/ and /en/ with a redirect to the same path under the
visitor's language when that path is "valid" — and with Wagtail's catch-all page route
every /it/… path is. So a wrong address in the admin (/admin/…/inspect/999/), under
/documents/, /health/ or a sitemap page went to /it/admin/…, the public "page not found",
and staff lost the admin around it. An address whose root is one of the site's
language-less routes (website/urls.py, outside i18n_patterns) keeps its own 404.
"""

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import LocalePrefixPattern, get_resolver
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language


def has_no_language(path, urlconf=None):
    """Whether `path` ("/admin/x/") falls under a route outside i18n_patterns: a
    prefix of an included URLconf (admin/, documents/, health/) or a whole address
    (robots.txt, sitemap-pages.xml)."""
    route = path.lstrip("/")
    for pattern in get_resolver(urlconf).url_patterns:
        if isinstance(pattern.pattern, LocalePrefixPattern):
            continue
        if pattern.pattern.match(route):
            return True
    return False


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_response(self, request, response):
        if response.status_code == 404 and has_no_language(
                request.path_info, getattr(request, "urlconf", None)):
            # Django's response headers, without its redirect.
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", get_language())
            return response
        return super().process_response(request, response)

"""Response headers that Django and django-csp do not set by themselves.

- The Wagtail admin's own, looser Content-Security-Policy: the paths listed in
  `CONTENT_SECURITY_POLICY["EXCLUDE_URL_PREFIXES"]`, which django-csp's middleware leaves
  alone, get `ADMIN_CONTENT_SECURITY_POLICY` instead, so no page goes without a policy.
  It replaces any policy already there: Wagtail renders a page preview by passing a
  fake request for the page's public URL through the whole middleware chain, which
  gives the preview the public policy, whose `frame-ancestors 'none'` would stop the
  admin from showing it in its preview panel.
- The public policy's hash source for the import map every public page carries
  (`home.static_modules`), so that no other inline script is allowed.
- `Permissions-Policy` (`PERMISSIONS_POLICY`) on every response but a static stylesheet,
  script, font or raster image, where it, and the Content-Security-Policy on those but
  scripts, governs nothing: both apply to documents (a script keeps its policy, which
  governs it when it runs as a worker; an SVG is a document when opened). Sent with
  each of a page's files, they cost a first visit about 8 KB (issue 23).
- `Cache-Control: no-store, private` on account and partner pages, under every language
  prefix (`NO_STORE_PATH_PREFIXES`): they show personal data. A response that already
  forbids storing (Django's `never_cache`) is left as it is.

Otherwise headers a view has set itself are kept.
"""

import re

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy, default_config
from django.conf import settings
from django.utils.cache import add_never_cache_headers

from home.static_modules import import_map_csp_source


def permissions_policy_header(policy):
    """{"camera": [], "fullscreen": ["self"]} -> 'camera=(), fullscreen=(self)'."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


# Static files that are never a document: what a page loads to draw or run itself.
SUBRESOURCE_TYPES = ("text/css", "font/", "image/png", "image/jpeg", "image/webp",
                     "image/avif", "image/gif", "image/x-icon", "image/vnd.microsoft.icon")
SCRIPT_TYPES = ("text/javascript", "application/javascript")


def is_static_subresource(path, response):
    """The Content-Type of a static file under STATIC_URL that is a stylesheet, font,
    raster image or script, else "" (pages, SVG, JSON, anything else)."""
    if not path.startswith(settings.STATIC_URL):
        return ""
    content_type = response.get("Content-Type", "")
    return content_type if content_type.startswith(SUBRESOURCE_TYPES + SCRIPT_TYPES) else ""


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        public_policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        self.admin_prefixes = tuple(public_policy.get("EXCLUDE_URL_PREFIXES", ()))
        admin_policy = getattr(settings, "ADMIN_CONTENT_SECURITY_POLICY", None) or {}
        self.admin_csp = build_policy(config=default_config(admin_policy.get("DIRECTIVES", {})))
        self.permissions_policy = permissions_policy_header(
            getattr(settings, "PERMISSIONS_POLICY", {})
        )
        languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
        prefixes = "|".join(
            re.escape(prefix) for prefix in getattr(settings, "NO_STORE_PATH_PREFIXES", ())
        )
        self.no_store_paths = (
            re.compile(rf"^/(?:{languages})/(?:{prefixes})") if prefixes else None
        )

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path_info
        if self.admin_csp and self.admin_prefixes and path.startswith(self.admin_prefixes):
            response[CSP_HEADER] = self.admin_csp
        elif "html" in response.get("Content-Type", ""):
            # The public policy, built by django-csp after this, allows the pages' import
            # map by its hash (home/static_modules.py).
            update = dict(getattr(response, "_csp_update", None) or {})
            update["script-src"] = [*update.get("script-src", ()), import_map_csp_source()]
            response._csp_update = update
        subresource = is_static_subresource(path, response)
        if subresource:
            response._csp_exempt = not subresource.startswith(SCRIPT_TYPES)  # django-csp
        if self.permissions_policy and not subresource:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if self.no_store_paths and self.no_store_paths.match(path):
            if "no-store" not in response.get("Cache-Control", ""):
                add_never_cache_headers(response)
        return response

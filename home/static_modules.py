"""The import map that lets the browser load Bootstrap Italia's ES modules as they are
published (node_modules/bootstrap-italia/dist/plugins), without a bundler.

Two of those modules import a package by its bare name, which a browser resolves only
through an import map: `util/on-document-scroll.js` imports `{ v4 } from "uuid"` and
`util/tween.js` imports `"animejs/lib/anime.es.js"` (both used by the navscroll). The
map is an inline `<script type="importmap">` (Chromium and Firefox read no external
import map), so the Content-Security-Policy allows it by its SHA-256 hash
(`import_map_csp_source`, added by website.middleware.SecurityHeadersMiddleware); the
policy still allows no other inline script.

The map names the files through the static files storage, so that in production they are
the hashed, long-cached names, like the modules that import them
(website/static_storage.py).
"""

import base64
import hashlib
import json

from django.templatetags.static import static

# Bare specifier -> static file. "uuid" is the site's one-line module re-exporting
# uuid's v4 (static/js/uuid.js): the package's index would load every UUID version.
BARE_MODULES = {
    "uuid": "js/uuid.js",
    "animejs/lib/anime.es.js": "animejs/anime.es.js",
}


def import_map_json():
    """The import map as the page carries it: compact JSON text, `<` escaped so that no
    URL can close the script element. Returns a str; the same text for every page."""
    imports = {name: static(path) for name, path in BARE_MODULES.items()}
    text = json.dumps({"imports": imports}, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c")


def import_map_csp_source():
    """The CSP source that allows the import map: "'sha256-<base64>'" (CSP Level 2's
    hash source, computed over the script element's exact text)."""
    digest = hashlib.sha256(import_map_json().encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"

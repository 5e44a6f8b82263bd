"""Bootstrap Italia's own ES modules instead of the site's menu.js, and the service sheet's
page index as the model's navscroll (issue 17, P2).

Through Django's test client on the demo content, in both languages: the index's markup
and texts, the import map and the Content-Security-Policy hash that allows it, and, with
the production static files storage, that every module a page loads was collected under
the name the page (or the module importing it) asks for. The browser half — keyboard,
scrolling, the console — is tests/browser/test_components.py.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.test import Client

from home.static_modules import import_map_csp_source, import_map_json
from tests.static_helpers import use_collected_static

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PROGRAMME = {"it": "/it/programma/", "en": "/en/programme/"}
INDEX_TITLE = {"it": "Indice della pagina", "en": "Page index"}
# The model's section titles, in its order (pa-website-validator-ng
# src/storage/municipality/contentTypeItems.ts, the service's "indice").
MODEL_SECTIONS_IT = ["A chi è rivolto", "Come fare", "Cosa serve", "Cosa si ottiene",
                     "Tempi e scadenze", "Accedi al servizio", "Condizioni di servizio",
                     "Contatti"]


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside the ones asked for."""

    def __init__(self):
        super().__init__()
        self.tags = []  # (tag, attrs)
        self._open = []  # [tag, attrs, text parts] of the elements still open
        self.texts = []  # (tag, attrs, text) of closed elements

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag not in ("meta", "link", "img", "input", "br", "hr", "use", "source"):
            self._open.append([tag, attrs, []])

    def handle_data(self, data):
        for element in self._open:
            element[2].append(data)

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                opened, attrs, parts = self._open.pop(index)
                self.texts.append((opened, attrs, " ".join("".join(parts).split())))
                break


def parse(html):
    parser = Elements()
    parser.feed(html)
    return parser


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, parse(response.content.decode())


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_programme_page_has_the_models_navscroll(client, language):
    _response, html = page(client, PROGRAMME[language])
    navs = [attrs for tag, attrs in html.tags if tag == "nav" and "data-bs-navscroll" in attrs]
    assert len(navs) == 1, "one navscroll, found by Bootstrap Italia's data-bs-navscroll"
    assert "it-navscroll-wrapper" in navs[0]["class"]

    # data-element="page-index" on the list itself: the validator reads its "> li > a".
    lists = [attrs for tag, attrs in html.tags if attrs.get("data-element") == "page-index"]
    assert len(lists) == 1 and "link-list" in lists[0]["class"]
    listed = [text for tag, attrs, text in html.texts
              if tag == "a" and "nav-link" in attrs.get("class", "")
              and attrs.get("href", "").startswith("#")]
    sections = [attrs.get("id") for tag, attrs in html.tags
                if tag == "section" and "it-page-section" in attrs.get("class", "")]
    anchors = [attrs["href"][1:] for tag, attrs in html.tags
               if tag == "a" and "nav-link" in attrs.get("class", "")
               and attrs.get("href", "").startswith("#")]
    # The navscroll marks the n-th entry for the n-th section: same order, same targets.
    assert anchors == sections[:len(anchors)]
    if language == "it":
        assert listed == MODEL_SECTIONS_IT

    button = next(attrs for tag, attrs, text in html.texts
                  if tag == "button" and text == INDEX_TITLE[language])
    assert button["data-bs-toggle"] == "collapse"
    assert button["aria-controls"] == "page-index-list"
    assert button["aria-expanded"] == "true", "open without JavaScript"
    bars = [attrs for tag, attrs in html.tags
            if "it-navscroll-progressbar" in attrs.get("class", "")]
    assert len(bars) == 1 and "progress-bar" in bars[0]["class"]
    assert bars[0]["role"] == "progressbar" and bars[0].get("aria-label")
    assert not any("style" in attrs for _tag, attrs in html.tags), "no inline style (CSP)"
    containers = [attrs for tag, attrs in html.tags
                  if "it-page-sections-container" in attrs.get("class", "")]
    assert len(containers) == 1
    # Placed as the model places it: the index's column first (above the text on a
    # phone, on the left on a wide screen), the text beside it.
    columns = [attrs["class"].split() for tag, attrs in html.tags
               if tag in ("aside", "div") and ("it-page-sections-container" in attrs.get(
                   "class", "") or (tag == "aside" and "col-lg-3" in attrs.get("class", "")))]
    assert columns[0][:2] == ["col-12", "col-lg-3"]
    assert "offset-lg-1" in columns[1] and not any(c.startswith("order-") for c in columns[0])
    modules = [attrs["src"] for tag, attrs in html.tags
               if tag == "script" and attrs.get("type") == "module"]
    assert any(src.endswith("js/page-index.js") for src in modules)


@pytest.mark.parametrize("url", ["/it/", "/en/", "/it/programma/", "/it/pagina-che-non-esiste/"])
def test_pages_load_bootstrap_italias_modules_not_the_old_menu_script(url):
    response = Client(raise_request_exception=False).get(url)
    html = parse(response.content.decode())
    scripts = [attrs for tag, attrs in html.tags if tag == "script"]
    sources = [attrs.get("src", "") for attrs in scripts]
    assert not any("menu.js" in src for src in sources)
    assert any(attrs.get("type") == "module" and attrs["src"].endswith("js/site.js")
               for attrs in scripts)
    # The import map comes before every module script, and the policy allows exactly it.
    maps = [index for index, attrs in enumerate(scripts) if attrs.get("type") == "importmap"]
    first_module = min(index for index, attrs in enumerate(scripts)
                       if attrs.get("type") == "module")
    assert len(maps) == 1 and maps[0] < first_module
    inline = re.search(r'<script type="importmap">(.*?)</script>', response.content.decode())
    assert inline.group(1) == import_map_json()
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1).split()
    assert script_src == ["'self'", import_map_csp_source()], "no 'unsafe-inline'"


def test_the_import_map_hash_is_the_maps_own():
    """A hash of anything else would let the browser refuse the map: computed over the
    exact text the page carries (CSP Level 3, hash-source)."""
    import base64
    import hashlib

    text = import_map_json()
    assert json.loads(text)["imports"].keys() == {"uuid", "animejs/lib/anime.es.js"}
    expected = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    assert import_map_csp_source() == f"'sha256-{expected}'"


def test_the_menu_script_is_gone():
    assert not (ROOT / "static" / "js" / "menu.js").exists()
    templates = "".join(path.read_text() for path in (ROOT / "templates").rglob("*.html"))
    assert "menu.js" not in templates


# --- The production static files: every module under the name it is asked for -------------

# Static imports and re-exports, and import("…") (the menu's modules, fetched on use).
IMPORTS = re.compile(
    r"""(?:import|export)\s*(?:[\w*{},\s]+?\s*from\s*)?\(?\s*["']([^"']+)["']""")


def module_graph(root, page_html):
    """The ES modules a browser would load for the page: its module scripts and what
    they import (statically or with import()), relative paths resolved against the
    importing file's URL and bare names through the page's import map.
    Returns {url: missing?}."""
    html = parse(page_html)
    import_map = json.loads(re.search(r'<script type="importmap">(.*?)</script>',
                                      page_html).group(1))["imports"]
    queue = [attrs["src"] for tag, attrs in html.tags
             if tag == "script" and attrs.get("type") == "module"]
    seen = {}
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        path = root / url.removeprefix("/static/")
        seen[url] = not path.is_file()
        if seen[url]:
            continue
        for specifier in IMPORTS.findall(path.read_text()):
            if specifier.startswith((".", "/")):
                queue.append(urljoin(url, specifier))
            else:
                assert specifier in import_map, f"{url} imports {specifier!r}, not in the map"
                queue.append(import_map[specifier])
    return seen


def test_every_module_is_collected_under_its_hashed_name(client, settings):
    root = use_collected_static(settings)
    response, _html = page(client, PROGRAMME["it"])
    graph = module_graph(root, response.content.decode())
    missing = [url for url, is_missing in graph.items() if is_missing]
    assert not missing, f"modules the browser would not find: {missing}"
    names = {url.rsplit("/", 1)[-1] for url in graph}
    assert {n.split(".")[0] for n in names} >= {
        "site", "page-index", "navbar-collapsible", "navscroll", "collapse", "uuid",
        "anime", "v4", "on-document-scroll", "tween"}
    unhashed = [url for url in graph if not re.search(r"\.[0-9a-f]{12}\.js$", url)]
    assert not unhashed, f"modules asked for by a name that is not long-cached: {unhashed}"

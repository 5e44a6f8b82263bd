"""The cut front-end files (issue 23: scripts/build_assets.py, `make assets`) are current
and lose nothing a page shows: every Bootstrap Italia class the templates use keeps its
rules, every icon a page names is in the sprite, every character of every public page
is in the fonts' subset."""

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import tinycss2
from django.test import Client
from fontTools.ttLib import TTFont

from scripts.build_assets import (
    FACES,
    FONTS,
    OUTPUT,
    ROOT,
    SERIF_NAME,
    UNICODES,
    build,
    code_points,
)
from tests.browser.helpers import PUBLIC_PAGES

FULL_CSS = ROOT / "node_modules" / "bootstrap-italia" / "dist" / "css" / "bootstrap-italia.min.css"
BUILT_CSS = OUTPUT / "css" / "bootstrap-italia.css"
SPRITE = OUTPUT / "svg" / "sprite.svg"
FONTS_CSS = OUTPUT / "css" / "fonts.css"


# --- The committed files are what the build gives today --------------------------------


@pytest.mark.skipif(not shutil.which("node"), reason="node is missing (make install)")
def test_the_committed_assets_are_what_make_assets_builds(tmp_path):
    build(tmp_path)
    built = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file())
    committed = sorted(path.relative_to(OUTPUT) for path in OUTPUT.rglob("*") if path.is_file())
    assert built == committed
    stale = [str(name) for name in built
             if (tmp_path / name).read_bytes() != (OUTPUT / name).read_bytes()]
    assert not stale, f"static/build/ is out of date ({stale}): run `make assets`, commit"
    tracked = subprocess.run(["git", "ls-files", "static/build"], cwd=ROOT,
                             capture_output=True, text=True).stdout.split()
    if tracked:  # a git checkout (not an exported tree): every built file is committed
        assert sorted(tracked) == sorted(f"static/build/{name}" for name in committed)


# --- Every Bootstrap Italia class the templates use keeps its rules --------------------

# class="…", and classes="…" given to an include (includes/icon.html's sizes, colours).
CLASS_ATTRIBUTE = re.compile(r"""\bclass(?:es)?\s*=\s*["']([^"']*)["']""")
TEMPLATE_TAG = re.compile(r"\{[{%#].*?[}%#]\}", re.S)
CLASS_IN_SCRIPT = re.compile(
    r"""classList\.(?:add|remove|toggle|contains)\(\s*["']([\w-]+)["']""")
SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


def classes_the_site_uses():
    """Every class a template writes in a class attribute (template tags taken out: their
    words are conditions and variables; both branches' classes stay), a script sets, or
    the site's Python gives a widget ("class": "…", class="…")."""
    used = set()
    sources = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("static/js/*.js"),
               *(path for path in ROOT.glob("*/*.py")
                 if path.parts[-2] not in ("tests", "benchmarks", "scripts"))]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for value in CLASS_ATTRIBUTE.findall(text):
            for branch in re.findall(r"\{%\s*(?:if|elif|else)[^%]*%\}([^{]*)", value):
                used.update(branch.split())
            used.update(TEMPLATE_TAG.sub(" ", value).split())
        used.update(CLASS_IN_SCRIPT.findall(text))
        used.update(word for value in re.findall(r"""["']class["']\s*:\s*["']([^"']*)["']""",
                                                 text) for word in value.split())
    return {name for name in used if re.fullmatch(r"-?[_a-zA-Z][\w-]*", name)}


def split_selectors(text):
    """'.a, .b:not(.c,.d)' -> ['.a', '.b:not(.c,.d)']: commas outside brackets."""
    parts, depth, current = [], 0, ""
    for character in text:
        if character in "([":
            depth += 1
        elif character in ")]":
            depth -= 1
        if character == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += character
    return [*parts, current.strip()]


def rules_by_selector(css):
    """{(at-rule context, one selector of a rule's list): its declarations}."""
    found = {}

    def walk(rules, context):
        for rule in rules:
            if rule.type == "qualified-rule":
                body = tinycss2.serialize(rule.content).strip()
                for selector in split_selectors(tinycss2.serialize(rule.prelude)):
                    found[(context, selector)] = body
            elif rule.type == "at-rule" and rule.content is not None:
                inner = f"{context}@{rule.lower_at_keyword} " \
                        f"{tinycss2.serialize(rule.prelude).strip()};"
                walk(tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                    skip_whitespace=True), inner)

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), "")
    return found


def test_every_bootstrap_italia_class_the_site_uses_keeps_its_rules():
    full = rules_by_selector(FULL_CSS.read_text(encoding="utf-8").lstrip("\ufeff").replace(
        '"Lora"', f'"{SERIF_NAME}"'))
    built = rules_by_selector(BUILT_CSS.read_text(encoding="utf-8"))
    defined = {name for _context, selector in full for name in SELECTOR_CLASS.findall(selector)}
    used = classes_the_site_uses() & defined
    assert {"btn", "btn-primary", "container", "it-header-wrapper", "card", "form-control",
            "visually-hidden", "d-none", "alert"} <= used  # the collector works
    tags, attributes = set(), set()
    for path in ROOT.glob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        tags.update(re.findall(r"<([a-z][a-z0-9]*)", text))
        attributes.update(re.findall(r"""\s([a-z][a-z0-9-]*)(?:=["']([^"'{]*)["'])?""", text))
    names = {name for name, _value in attributes}
    # Each rule whose selector names only classes the site uses, elements and attributes
    # its templates write (".btn", ".btn:hover", ".card .card-body .card-text",
    # "input[type=checkbox]", ":focus:not([data-focus-mouse=true])", in every media
    # query): in the cut stylesheet with the same declarations. An attribute inside
    # :not() is no condition (it is missing here, so :not() holds).
    lost, checked = [], 0
    for (context, selector), declarations in full.items():
        if "#" in selector or "*" in selector or "@keyframes" in context:
            continue
        bare = re.sub(r":not\((?:\[[^\]]*\],?)+\)", "", selector)
        wanted = re.findall(r"""\[([a-z-]+)(?:[~|^$*]?=["']?([^\]"']*)["']?)?\]""", bare)
        bare = re.sub(r"\[[^\]]*\]", "", bare)
        bare = re.sub(r"::?[\w-]+(\([^)]*\))?", "", bare)
        classes = SELECTOR_CLASS.findall(bare)
        elements = re.findall(r"(?:^|[\s>+~(])([a-z][a-z0-9]*)", bare)
        if (not set(classes) <= used or not set(elements) <= tags
                or not all(name in names and (not value or (name, value) in attributes)
                           for name, value in wanted)):
            continue
        checked += 1
        if built.get((context, selector)) != declarations:
            lost.append(f"{context}{selector}")
    assert checked > 700
    assert not lost, f"{len(lost)} rules lost, e.g. {lost[:10]}: run `make assets`"


def test_runtime_classes_are_kept():
    built = BUILT_CSS.read_text(encoding="utf-8")
    # Set by Bootstrap Italia's modules (menu, collapse) and by messages' alert-{{ tags }}.
    for selector in (".navbar .navbar-collapsable.expanded", ".collapse:not(.show)",
                     ".collapsing", ".alert-success", ".alert-warning", ".alert-info",
                     ".alert-danger"):
        assert selector in built, selector


# --- Icons ------------------------------------------------------------------------------


class Uses(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "use":
            self.hrefs.append(dict(attrs).get("href", ""))


def sprite_ids():
    return set(re.findall(r'<symbol id="([^"]+)"', SPRITE.read_text(encoding="utf-8")))


def test_every_icon_a_template_names_is_in_the_sprite():
    named = set()
    for path in ROOT.glob("templates/**/*.html"):
        named.update(re.findall(r"""icon\.html["'] with name=["'](it-[\w-]+)""",
                                path.read_text(encoding="utf-8")))
    assert named and named <= sprite_ids(), named - sprite_ids()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["it", "en"])
def test_every_icon_on_the_public_pages_is_in_the_sprite(language):
    client = Client()
    ids = sprite_ids()
    seen = set()
    for url in PUBLIC_PAGES[language]:
        parser = Uses()
        parser.feed(client.get(url).content.decode())
        for href in parser.hrefs:
            path, _, symbol = href.partition("#")
            assert path.endswith("/build/svg/sprite.svg"), (url, href)
            assert symbol in ids, (url, href)
            seen.add(symbol)
    assert {"it-burger", "it-search"} <= seen


# --- Fonts ------------------------------------------------------------------------------


class Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style", "template")
        for name, value in attrs:
            if name in ("alt", "title", "placeholder", "aria-label", "value") and value:
                self.text.append(value)

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style", "template") and self.skip > 0

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["it", "en"])
def test_the_fonts_draw_every_character_of_the_public_pages(language):
    covered = code_points(UNICODES) | {0x09, 0x0A, 0x0D}
    client = Client()
    missing = {}
    for url in PUBLIC_PAGES[language]:
        parser = Text()
        parser.feed(client.get(url).content.decode())
        for character in set("".join(parser.text)) - {chr(point) for point in covered}:
            missing.setdefault(character, url)
    assert not missing, f"drawn by a fallback font: {missing}"


def test_each_face_is_cut_in_two_files_that_together_hold_all_its_characters():
    wanted = code_points(UNICODES)
    for source, name, _family, _weight, _style in FACES:
        original = set(TTFont(FONTS / source).getBestCmap()) - {0x0D}
        main = set(TTFont(OUTPUT / "fonts" / f"{name}.woff2").getBestCmap())
        extended = set(TTFont(OUTPUT / "fonts" / f"{name}-ext.woff2").getBestCmap())
        assert main == original & wanted and len(main) > 150, name
        assert extended == original - wanted, name
        assert {ord(letter) for letter in "ŁłșȘĞğŐő"} <= extended, name  # Polish, Romanian…


def test_fonts_css_declares_each_file_with_the_characters_it_holds():
    css = FONTS_CSS.read_text(encoding="utf-8")
    rules = re.findall(r'src: url\("\.\./fonts/([^"]+)"\) format\("woff2"\);\s*'
                       r"unicode-range: ([^;]+);", css)
    assert len(rules) == css.count("@font-face") == 2 * len(FACES)
    for file, ranges in rules:
        assert code_points(ranges) == set(TTFont(OUTPUT / "fonts" / file).getBestCmap()), file
    assert css.count("font-display: swap") == len(rules)
    assert 'font-family: "Lora"' not in css and "/Lora/" not in css


def test_the_serif_cut_no_longer_bears_the_reserved_name_and_every_cut_says_it_is_modified():
    for _source, name, family, _weight, _style in FACES:
        if family != SERIF_NAME:
            continue
        for file in (f"{name}.woff2", f"{name}-ext.woff2"):
            names = TTFont(OUTPUT / "fonts" / file)["name"]
            assert names.getDebugName(1) == SERIF_NAME
            assert not any("Lora" in record.toUnicode() for record in names.names
                           if record.nameID != 0)  # the copyright notice keeps its holder
    assert '"Lora"' not in BUILT_CSS.read_text(encoding="utf-8")
    for licence in ("MAL_Serif-OFL.txt", "Titillium_Web-OFL.txt", "Roboto_Mono-LICENSE.txt"):
        assert "modified versions" in (OUTPUT / "fonts" / licence).read_text().split("\n")[0]


@pytest.mark.django_db
def test_pages_load_the_cut_files_not_the_library_s():
    html = Client().get("/it/").content.decode()
    assert "/static/build/css/bootstrap-italia.css" in html
    assert "bootstrap-italia.min.css" not in html and "sprites.svg" not in html
    preloads = re.findall(r'<link rel="preload" href="([^"]+)"', html)
    assert preloads and all("/static/build/fonts/" in href for href in preloads)
    assert "/static/build/css/fonts.css" in html
    assert Path(ROOT / "templates" / "503.html").read_text().count("build/css/") == 2

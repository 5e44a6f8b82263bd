"""The front-end files the public pages load, cut to what the site uses (issue 23).

    .venv/bin/python scripts/build_assets.py [OUTPUT_FOLDER]      (`make assets`)

Writes into static/build/ (committed; OUTPUT_FOLDER to build elsewhere, as the test that
proves the committed files current does):

- fonts/*.woff2 and css/fonts.css: the faces of Bootstrap Italia's Titillium Web, Lora
  and Roboto Mono the design uses (FACES), each cut by fontTools' subsetter into the
  characters the site's pages show (UNICODES) and a second file with the rest, which
  only a page showing one of them fetches (unicode-range); layout features and hinting
  kept, so they draw as before; their licences beside them, with a notice that they are
  modified. Lora is renamed SERIF_NAME in the fonts and in the stylesheet: its licence
  (SIL OFL 1.1) reserves the name "Lora", which a modified version may not use.
- svg/sprite.svg: the symbols of Bootstrap Italia's sprites.svg that the templates and
  the site's Python name (`it-…` words that are symbol ids), instead of all 179.
- css/bootstrap-italia.css: Bootstrap Italia's stylesheet cut by PurgeCSS
  (scripts/purge_css.mjs) to the rules the templates and scripts can use.

Each output depends only on its inputs (fixed tool versions: requirements.lock and
package-lock.json), so a rebuild gives the same bytes. The admin is untouched (it has its
own styles). Exits non-zero, with the tool's message, when a tool fails.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "static" / "build"
DIST = ROOT / "node_modules" / "bootstrap-italia" / "dist"
FONTS = DIST / "fonts"

# Basic Latin; Italian's and English's accented letters and those of the names of
# Milan's other Western European communities (French, German, Spanish, Portuguese); the
# no-break space, § © « ° · » ×; Œ œ; dashes, quotes, bullet, ellipsis and the euro
# sign: what a page of the site shows (tests/test_assets.py reads every public page).
# Each face's other characters (Ł ș Ğ ½ ™…: Romanian, Polish, Turkish names) go into a
# second file of the same face, which the browser fetches only for a page that shows
# one of them (its unicode-range): about 11 KB less on the home page's five fonts than
# one file with everything, and no name drawn half in another font.
UNICODES = ("U+0020-007E,U+00A0,U+00A7,U+00A9,U+00AB,U+00B0,U+00B7,U+00BB,U+00C0-00CF,"
            "U+00D1-00D7,U+00D9-00DC,U+00DF-00EF,U+00F1-00F6,U+00F9-00FC,U+00FF,"
            "U+0152-0153,U+2013-2014,U+2018-201A,U+201C-201E,U+2022,U+2026,U+20AC")
SERIF_NAME = "MAL Serif"  # Lora's cut (the card texts, the hero's and callouts' paragraphs)
# (source under FONTS, output name without .woff2, CSS family, weight, style): the faces
# the design uses, as fonts.css declares them.
FACES = [
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-300.woff2", "titillium-web-300",
     "Titillium Web", 300, "normal"),
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2", "titillium-web-400",
     "Titillium Web", 400, "normal"),
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-600.woff2", "titillium-web-600",
     "Titillium Web", 600, "normal"),
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-700.woff2", "titillium-web-700",
     "Titillium Web", 700, "normal"),
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-italic.woff2",
     "titillium-web-400-italic", "Titillium Web", 400, "italic"),
    ("Lora/lora-v20-latin-ext_latin-regular.woff2", "mal-serif-400", SERIF_NAME, 400,
     "normal"),
    ("Lora/lora-v20-latin-ext_latin-700.woff2", "mal-serif-700", SERIF_NAME, 700, "normal"),
    ("Roboto_Mono/roboto-mono-v13-latin-ext_latin-regular.woff2", "roboto-mono-400",
     "Roboto Mono", 400, "normal"),
]
MODIFIED = ("The .woff2 files of {family} in this folder are modified versions of the"
            " font: subsets of its characters{renamed}, made by scripts/build_assets.py"
            " from Bootstrap Italia's copy.\n\n")
LICENCES = [("Titillium_Web/OFL.txt", "Titillium_Web-OFL.txt", "Titillium Web", ""),
            ("Roboto_Mono/LICENSE.txt", "Roboto_Mono-LICENSE.txt", "Roboto Mono", ""),
            ("Lora/OFL.txt", "MAL_Serif-OFL.txt", "Lora",
             f", renamed «{SERIF_NAME}» as the licence below requires of a modified version")]

SPRITE = DIST / "svg" / "sprites.svg"
SYMBOL = re.compile(r'<symbol id="([^"]+)".*?</symbol>', re.S)
ICON_NAME = re.compile(r"\bit-[a-z0-9-]+")
# Where an icon's name can be written: templates and the site's own Python.
ICON_SOURCES = ["templates/**/*.html", "*/*.py", "*/templatetags/*.py"]


def unicode_range(points):
    """{0x20, 0x21, 0x22, 0xA0} -> 'U+0020-0022, U+00A0' (CSS unicode-range)."""
    parts, points = [], sorted(points)
    start = previous = points[0]
    for point in [*points[1:], None]:
        if point is not None and point == previous + 1:
            previous = point
            continue
        parts.append(f"U+{start:04X}" if start == previous else f"U+{start:04X}-{previous:04X}")
        if point is not None:
            start = previous = point
    return ", ".join(parts)


def code_points(ranges):
    """'U+0020-007E, U+00A0' -> {0x20, …, 0x7E, 0xA0}."""
    points = set()
    for part in ranges.replace(" ", "").split(","):
        first, _, last = part.removeprefix("U+").partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return points


def build_fonts(output):
    """Each face of FACES cut in two by fontTools' subsetter into output/fonts/: NAME.woff2
    (UNICODES) and NAME-ext.woff2 (the rest of what the library's file holds); the
    @font-face rules of both into output/css/fonts.css; the licences beside the fonts."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    folder = output / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    main = code_points(UNICODES)
    rules = []
    for source, name, family, weight, style in FACES:
        held = set(TTFont(FONTS / source).getBestCmap()) - {0x0D}
        for suffix, points in (("", held & main), ("-ext", held - main)):
            target = folder / f"{name}{suffix}.woff2"
            # Layout features and hinting are the subsetter's defaults: kept. The head
            # table's time is left as it was, so a rebuild gives the same bytes.
            subset.main([str(FONTS / source), f"--unicodes={unicode_range(points)}",
                         "--flavor=woff2", f"--output-file={target}"])
            if family == SERIF_NAME:
                rename(target, SERIF_NAME)
            rules.append(FONT_FACE.format(family=family, style=style, weight=weight,
                                          file=target.name, range=unicode_range(points)))
    for source, name, family, renamed in LICENCES:
        text = (FONTS / source).read_text(encoding="utf-8")
        (folder / name).write_text(MODIFIED.format(family=family, renamed=renamed) + text,
                                   encoding="utf-8")
    (output / "css").mkdir(parents=True, exist_ok=True)
    (output / "css" / "fonts.css").write_text(FONTS_CSS_HEAD + "".join(rules),
                                              encoding="utf-8")


def rename(path, family):
    """Give the font at `path` the family name `family` in every name record that held
    its old one (family, full, PostScript and unique names); the copyright stays."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, recalcTimestamp=False)  # the same bytes from each build
    table = font["name"]
    old = table.getDebugName(1)
    for record in table.names:
        if record.nameID in (1, 3, 4, 6, 16, 21):
            new = record.toUnicode().replace(old, family)
            if record.nameID == 6:  # PostScript names: no spaces
                new = new.replace(" ", "")
            record.string = new
    font.save(path, reorderTables=None)


FONTS_CSS_HEAD = """/* Bootstrap Italia's fonts, served by the site itself (SIL Open Font License;
   Roboto Mono: Apache 2.0), written by scripts/build_assets.py (`make assets`): do not
   edit.
   Replaces the library's loadFonts(), which injects an inline <style> a strict CSP
   blocks. Each face is two files: the characters of the site's pages, and the rest,
   which the browser fetches only for a page that shows one of them (unicode-range).
   Lora's cut is named "MAL Serif", in the fonts and in the stylesheet: its licence
   reserves the name "Lora" for the unmodified font. */
"""
FONT_FACE = """@font-face {{
  font-family: "{family}";
  font-style: {style};
  font-weight: {weight};
  font-display: swap;
  src: url("../fonts/{file}") format("woff2");
  unicode-range: {range};
}}
"""


def icon_names():
    """Every `it-…` word in the templates and the site's Python (a superset of the icons
    used: the sprite keeps those of them that are symbols)."""
    names = set()
    for pattern in ICON_SOURCES:
        for path in ROOT.glob(pattern):
            if ".venv" in path.parts or "node_modules" in path.parts:
                continue
            names.update(ICON_NAME.findall(path.read_text(encoding="utf-8")))
    return names


def build_sprite(output):
    """output/svg/sprite.svg: the symbols of Bootstrap Italia's sprite the site names, in
    the sprite's own order. Returns the ids kept."""
    folder = output / "svg"
    folder.mkdir(parents=True, exist_ok=True)
    wanted = icon_names()
    sprite = SPRITE.read_text(encoding="utf-8")
    kept = [match for match in SYMBOL.finditer(sprite) if match.group(1) in wanted]
    (folder / "sprite.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg">'
        + "".join(match.group(0) for match in kept) + "</svg>\n", encoding="utf-8")
    return [match.group(1) for match in kept]


def build_css(output):
    """output/css/bootstrap-italia.css, by scripts/purge_css.mjs (PurgeCSS on node),
    with Lora named SERIF_NAME (build_fonts)."""
    folder = output / "css"
    folder.mkdir(parents=True, exist_ok=True)
    css = folder / "bootstrap-italia.css"
    subprocess.run(["node", str(ROOT / "scripts" / "purge_css.mjs"), str(css)], cwd=ROOT,
                   check=True)
    css.write_text(css.read_text(encoding="utf-8").replace('"Lora"', f'"{SERIF_NAME}"'),
                   encoding="utf-8")


def build(output=OUTPUT):
    output = Path(output)
    build_fonts(output)
    icons = build_sprite(output)
    build_css(output)
    return icons


def main():
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    icons = build(output)
    for path in sorted(output.rglob("*")):
        if path.is_file():
            print(f"{path.stat().st_size:>8}  {path.relative_to(output)}")
    print(f"{len(icons)} icons: {', '.join(icons)}")


if __name__ == "__main__":
    main()

"""The front-end files the public pages load, cut to what the site uses (issue 23).

    .venv/bin/python scripts/build_assets.py [OUTPUT_FOLDER]      (`make assets`)

Writes into static/build/ (committed; OUTPUT_FOLDER to build elsewhere, as the test that
proves the committed files current does):

- fonts/*.woff2: Bootstrap Italia's Titillium Web (the faces static/css/fonts.css
  declares) and Roboto Mono, subset by fontTools' subsetter to the characters Italian and
  English text needs (UNICODES), layout features and hinting kept, so they draw as
  before; their licences beside them. Lora is subset too, and renamed SERIF_NAME in the
  font and in the stylesheet: its licence (SIL OFL 1.1) reserves the name "Lora", which
  a modified version (a subset is one) may not use.
- svg/sprite.svg: the symbols of Bootstrap Italia's sprites.svg that the templates and
  the site's Python name (`it-…` words that are symbol ids), instead of all 179.
- css/bootstrap-italia.css: Bootstrap Italia's stylesheet cut by PurgeCSS
  (scripts/purge_css.mjs) to the rules the templates and scripts can use.

Each output depends only on its inputs (fixed tool versions: requirements.lock and
package-lock.json), so a rebuild gives the same bytes. The admin is untouched (it has its
own styles). Exits non-zero, with the tool's message, when a tool fails.
"""

import re
import shutil
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
# sign. Not every Latin-1 symbol (¤ ¦ ¨ ¬ ¯ ± ² ³ µ ¶ ¹ ¼ ½ ¾…): the cut saves about
# 11 KB of the home page's five fonts. A character outside is drawn by the next font of
# the stack (static/css/fonts.css gives the same unicode-range).
UNICODES = ("U+0020-007E,U+00A0,U+00A7,U+00A9,U+00AB,U+00B0,U+00B7,U+00BB,U+00C0-00CF,"
            "U+00D1-00D7,U+00D9-00DC,U+00DF-00EF,U+00F1-00F6,U+00F9-00FC,U+00FF,"
            "U+0152-0153,U+2013-2014,U+2018-201A,U+201C-201E,U+2022,U+2026,U+20AC")
# (source file under FONTS, output name): the faces static/css/fonts.css declares.
SUBSET_FACES = [
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-300.woff2", "titillium-web-300.woff2"),
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2",
     "titillium-web-400.woff2"),
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-600.woff2", "titillium-web-600.woff2"),
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-700.woff2", "titillium-web-700.woff2"),
    ("Titillium_Web/titillium-web-v10-latin-ext_latin-italic.woff2",
     "titillium-web-400-italic.woff2"),
    ("Roboto_Mono/roboto-mono-v13-latin-ext_latin-regular.woff2", "roboto-mono-400.woff2"),
]
# Lora's faces (the card texts, the hero's and callouts' paragraphs), renamed.
SERIF_NAME = "MAL Serif"
SERIF_FACES = [
    ("Lora/lora-v20-latin-ext_latin-regular.woff2", "mal-serif-400.woff2"),
    ("Lora/lora-v20-latin-ext_latin-700.woff2", "mal-serif-700.woff2"),
]
LICENCES = [("Titillium_Web/OFL.txt", "Titillium_Web-OFL.txt"),
            ("Roboto_Mono/LICENSE.txt", "Roboto_Mono-LICENSE.txt"),
            ("Lora/OFL.txt", "MAL_Serif-OFL.txt")]
SERIF_NOTICE = (f"{SERIF_NAME} is a modified version of Lora (a subset, renamed as the"
                " licence below requires), made by scripts/build_assets.py.\n\n")

SPRITE = DIST / "svg" / "sprites.svg"
SYMBOL = re.compile(r'<symbol id="([^"]+)".*?</symbol>', re.S)
ICON_NAME = re.compile(r"\bit-[a-z0-9-]+")
# Where an icon's name can be written: templates and the site's own Python.
ICON_SOURCES = ["templates/**/*.html", "*/*.py", "*/templatetags/*.py"]


def build_fonts(output):
    """Subset each face of SUBSET_FACES into output/fonts/ (fontTools' subsetter)."""
    from fontTools import subset

    folder = output / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    for source, name in SUBSET_FACES:
        # The head table's modification time is left as it was (the subsetter's default
        # is not to recalculate it), so a rebuild gives the same bytes.
        subset.main([str(FONTS / source), f"--unicodes={UNICODES}", "--flavor=woff2",
                     f"--output-file={folder / name}"])
    for source, name in SERIF_FACES:
        subset.main([str(FONTS / source), f"--unicodes={UNICODES}", "--flavor=woff2",
                     f"--output-file={folder / name}"])
        rename(folder / name, SERIF_NAME)
    for source, name in LICENCES:
        shutil.copyfile(FONTS / source, folder / name)
    licence = folder / "MAL_Serif-OFL.txt"
    licence.write_text(SERIF_NOTICE + licence.read_text(encoding="utf-8"), encoding="utf-8")


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

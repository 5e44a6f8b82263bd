"""The Italian catalogue covers every UI string, and the site really uses it.

UI msgids are written in English; Italian is the default language. A string added to a
template or a Python file without an Italian translation would show up in English on
the Italian site, so the first test re-extracts the strings and fails on any entry
left untranslated or fuzzy.

`makemessages` writes into the catalogue it extracts into, so it runs on a copy of the
project in a temporary folder and never touches the real `locale/`. A copy of `locale/`
alone is not enough: when run from the project folder, `makemessages` finds the real
`locale/` (as `./locale` and while walking the tree) and, because the source files sit
under the project folder, writes there whatever `LOCALE_PATHS` says.
"""

import hashlib
import os
import shutil
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

REPO = Path(settings.BASE_DIR)
CATALOGUE = Path("it") / "LC_MESSAGES" / "django.po"

# The folders the extraction command skips (tests' own strings are not UI strings).
IGNORE = [".venv", "node_modules", "static_collected", "var", "tests"]
# Not copied either: version control, caches, uploads, built files and `locale/`
# itself (copied separately below).
NOT_COPIED = [
    *IGNORE, ".git", ".ruff_cache", "__pycache__", "media", "htmlcov", "test-artifacts",
    "locale", "*.mo",
]


def _digest(folder):
    """Every file under `folder` with its content hash and modification time."""
    return {
        str(path.relative_to(folder)): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_every_ui_string_has_an_italian_translation(tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(REPO, project, symlinks=True, ignore=shutil.ignore_patterns(*NOT_COPIED))
    real_locale = REPO / "locale"
    locale = project / "locale"
    shutil.copytree(real_locale, locale, ignore=shutil.ignore_patterns("*.mo"))
    po_path = locale / CATALOGUE
    if po_path.exists():
        os.utime(po_path, ns=(0, 0))  # so the test can tell makemessages rewrote it
    before = _digest(real_locale)

    monkeypatch.chdir(project)
    with override_settings(LOCALE_PATHS=[locale]):
        call_command(
            "makemessages",
            locale=["it"],
            no_location=True,
            ignore_patterns=IGNORE,
            verbosity=0,
            stdout=StringIO(),
        )

    assert _digest(real_locale) == before, "makemessages changed the real locale/ folder"
    assert po_path.exists(), "makemessages wrote no catalogue into the copy"
    assert po_path.stat().st_mtime_ns > 0, "makemessages did not rewrite the copy's catalogue"
    stray = sorted(str(p.relative_to(project)) for p in project.rglob("*.po") if p != po_path)
    assert not stray, f"makemessages wrote catalogues outside locale/: {stray}"

    po = polib.pofile(str(po_path))
    entries = [entry for entry in po if not entry.obsolete]
    assert entries, "no UI strings were extracted"
    untranslated = [entry.msgid for entry in entries if not entry.translated()]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    problems = [f"untranslated: {msgid!r}" for msgid in untranslated]
    problems += [f"fuzzy: {msgid!r}" for msgid in fuzzy]
    assert not problems, (
        "locale/it/LC_MESSAGES/django.po is not complete; run makemessages (see this test) "
        "and translate these entries:\n" + "\n".join(problems)
    )


def _gettext(entry):
    if entry.msgctxt:
        return translation.pgettext(entry.msgctxt, entry.msgid)
    return translation.gettext(entry.msgid)


@pytest.mark.django_db
def test_italian_site_uses_the_compiled_catalogue(client):
    # Every entry of the committed catalogue is what Django returns in Italian: the .mo
    # is compiled and up to date (`make` runs compilemessages).
    po = polib.pofile(str(REPO / "locale" / CATALOGUE))
    with translation.override("it"):
        stale = [
            entry.msgid
            for entry in po.translated_entries()
            if not entry.msgid_plural and _gettext(entry) != entry.msgstr
        ]
    assert not stale, f"compiled catalogue missing or stale (run compilemessages): {stale}"

    response = client.get("/it/")
    assert response.status_code == 200
    html = response.content.decode()
    for italian in ("Vai ai contenuti", "Area partner", "Mutuo Aiuto Lavoro"):
        assert italian in html
    for english in ("Skip to content", "Partner area"):
        assert english not in html


def test_no_translated_words_inside_an_f_string():
    """xgettext does not read a gettext call inside an f-string: its msgid leaves the
    catalogue at the next makemessages and the words show in English (the public
    outcomes page lost "meno di 10" so). Call gettext first, then format."""
    import re

    call = re.compile(r"""\bf(["']).*\{[^}]*\b(?:_|gettext|pgettext|ngettext|npgettext)\(""")
    found = []
    for path in REPO.rglob("*.py"):
        parts = path.relative_to(REPO).parts
        if parts[0] in IGNORE or "migrations" in parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if call.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)

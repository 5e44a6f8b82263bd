"""Production's static files, collected once per test run (tests/test_page_index.py and
tests/browser/test_components.py): the storage production uses
(website.static_storage.ModuleAwareStaticFilesStorage: hashed names, JavaScript modules'
imports rewritten), into a temporary folder removed at exit.

Left out, to keep it to about half a minute: Wagtail's and Django's admin files (no
public page loads them) and the compressed copies (whitenoise's .br/.gz, which change
no name a page asks for).
"""

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "website.static_storage.ModuleAwareStaticFilesStorage"},
}
NOT_COMPRESSED = ["js", "css", "map", "svg", "ts", "json", "md", "txt", "html", "scss",
                  "woff", "woff2", "ttf", "eot", "otf", "png", "jpg", "gif", "ico", "webp"]


@functools.cache
def collected_static():
    """The folder (a Path) holding the collected files and staticfiles.json."""
    root = Path(tempfile.mkdtemp(prefix="static_collected_"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES,
                           WHITENOISE_SKIP_COMPRESS_EXTENSIONS=NOT_COMPRESSED):
        call_command("collectstatic", "--no-input", "-v0", "--ignore", "wagtail*",
                     "--ignore", "admin", "--ignore", "rest_framework")
    return root


def use_collected_static(settings):
    """Point pytest-django's `settings` at the collected files, as production serves
    them."""
    settings.STATIC_ROOT = collected_static()
    settings.STORAGES = PRODUCTION_STORAGES
    return settings.STATIC_ROOT

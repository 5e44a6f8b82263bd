"""HTML to PDF with WeasyPrint, and whether this server can do it.

WeasyPrint draws text with Pango and HarfBuzz, Debian packages the Python package cannot
bring (scripts/debian-packages.sh installs them). Where they are missing, importing it
raises OSError: `unavailable()` says so once, and the site runs without PDFs.

The PDF fetches nothing from the network: the fetcher reads only `data:` addresses (the
QR code) and files inside the fonts folder of Bootstrap Italia (Titillium Web, embedded).
"""

import functools
import logging
from pathlib import Path

from django.contrib.staticfiles import finders
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

# The faces the flyers use (Titillium Web, SIL Open Font License, in Bootstrap Italia).
FONT_FOLDER = "bootstrap-italia/fonts/Titillium_Web"
FONT_FILES = {
    (400, "normal"): "titillium-web-v10-latin-ext_latin-regular.ttf",
    (600, "normal"): "titillium-web-v10-latin-ext_latin-600.ttf",
    (700, "normal"): "titillium-web-v10-latin-ext_latin-700.ttf",
}


@functools.cache
def unavailable():
    """None when this server can write PDFs, else the reason (str, for the log and the
    admin's message). Checked once per process."""
    try:
        import weasyprint  # noqa: F401  (loads Pango through cffi: OSError if missing)
    except (ImportError, OSError) as error:
        logger.warning("PDF flyers unavailable: %s", error)
        return str(error)
    return None


@functools.cache
def font_folder():
    """The folder of the Titillium Web files (a Path), found by the static files finders."""
    found = finders.find(f"{FONT_FOLDER}/{FONT_FILES[(400, 'normal')]}")
    if not found:
        raise FileNotFoundError(f"{FONT_FOLDER} not found: run `make npm`")
    return Path(found).parent.resolve()


def font_faces_css():
    """@font-face rules for FONT_FILES, as file: addresses the fetcher accepts."""
    folder = font_folder()
    return mark_safe("\n".join(
        f'@font-face {{ font-family: "Titillium Web"; font-weight: {weight}; '
        f'font-style: {style}; src: url("{(folder / name).as_uri()}"); }}'
        for (weight, style), name in FONT_FILES.items()))


def _fetcher():
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        """data: addresses and the font files; anything else is refused."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                path = Path(url.removeprefix("file://")).resolve()
                if path.parent == font_folder() and path.name in FONT_FILES.values():
                    return super().fetch(url, headers)
            raise ValueError(f"not fetched for a PDF: {url[:80]}")

    return LocalOnly(allowed_protocols={"data", "file"})


# A flyer is one sheet: when the content runs over (a long description, an English
# line more), the document is laid out again with these classes on <html>, tighter each
# time (templates/flyers/base.html styles them), until it fits.
DENSITIES = ("tight", "tighter")


def write_pdf(html):
    """`html` (a complete document with its <title> and lang) as PDF bytes: PDF/UA-1,
    tagged, the fonts embedded and subset, on one page where DENSITIES make it fit.
    Raises RuntimeError when unavailable()."""
    reason = unavailable()
    if reason:
        raise RuntimeError(reason)
    import weasyprint

    options = {"pdf_variant": "pdf/ua-1"}
    document = weasyprint.HTML(string=html, url_fetcher=_fetcher()).render(**options)
    for density in DENSITIES:
        if len(document.pages) <= 1:
            break
        tighter = html.replace("<html ", f'<html class="{density}" ', 1)
        document = weasyprint.HTML(string=tighter, url_fetcher=_fetcher()).render(**options)
    return document.write_pdf(**options)

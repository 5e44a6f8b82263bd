"""QR codes as vector images (segno): drawn into the PDF as SVG, never as pixels."""

import segno


def qr_data_uri(url):
    """An `data:image/svg+xml` address of the QR code of `url` (error correction M: a
    flyer folded or a little worn still reads), black on white, with its quiet zone."""
    return segno.make(url, error="m", micro=False).svg_data_uri(
        scale=4, border=4, dark="#000000", light="#ffffff", omitsize=True)

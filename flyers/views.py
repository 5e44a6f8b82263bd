"""The flyers as PDF files: /it/volantini/programma.pdf, /it/volantini/gruppi/<id>.pdf
(and /en/flyers/programme.pdf, /en/flyers/groups/<id>.pdf).

A flyer is made on demand and kept (Django's cache) under the digest of its HTML: any
change to what it shows (a schedule published, a meeting cancelled, the office's phone,
the day's next meetings) makes a different HTML, so the next download is a new PDF at
once, and an unchanged flyer is never drawn twice. Where WeasyPrint cannot run
(flyers.rendering.unavailable) the answer is a 503 page saying so, in the visitor's
language.
"""

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from flyers import content, rendering
from flyers.qr import qr_data_uri

CACHE_SECONDS = 7 * 24 * 60 * 60


def flyer_html(template_name, context, language):
    """The flyer's complete HTML document in `language` (str)."""
    with translation.override(language):
        url = context.get("intake_url")
        return render_to_string(template_name, {
            **context,
            "font_faces": rendering.font_faces_css(),
            "qr": qr_data_uri(url) if url else "",
            # What a person types: the form's address without what the QR code adds.
            "intake_address": url.split("?")[0].split("://", 1)[-1] if url else "",
        })


def flyer_pdf(html):
    """(PDF bytes, True when drawn now / False when found in the cache) for `html`."""
    key = "flyers:pdf:" + hashlib.sha256(html.encode()).hexdigest()
    found = cache.get(key)
    if found is not None:
        return found, False
    pdf = rendering.write_pdf(html)
    cache.set(key, pdf, CACHE_SECONDS)
    return pdf, True


def _pdf_response(request, html, file_name):
    if rendering.unavailable():
        return TemplateResponse(request, "flyers/unavailable.html", status=503)
    pdf, _drawn = flyer_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{file_name}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


def programme_flyer(request):
    language = translation.get_language()
    context = content.programme_context(language)
    with translation.override(language):
        title = _("Mutual self-help groups for work")
    html = flyer_html("flyers/programme.html", {
        **context, "title": title, "heading": title,
        "subject": _("Free groups for people looking for work, in Milan"),
    }, language)
    return _pdf_response(request, html, pgettext("file name", "flyer-programme.pdf"))


def group_flyer(request, group_id):
    language = translation.get_language()
    context = content.group_context(group_id, language)
    if context is None:
        raise Http404
    name = context["group"].text.name
    html = flyer_html("flyers/group.html", {
        **context, "title": _("%(name)s: mutual self-help group") % {"name": name},
        "heading": name, "subject": _("A free mutual self-help group for people looking "
                                      "for work"),
    }, language)
    return _pdf_response(request, html,
                         pgettext("file name", "flyer-group-%(id)s.pdf") % {"id": group_id})

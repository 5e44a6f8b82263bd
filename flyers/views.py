"""The flyers as PDF files: /it/volantini/programma.pdf, /it/volantini/gruppi/<id>.pdf and
the A4 poster /it/volantini/sedi/<id>/manifesto.pdf (and /en/flyers/programme.pdf,
/en/flyers/groups/<id>.pdf, /en/flyers/venues/<id>/poster.pdf).

A flyer is made on demand and kept (Django's cache) under the digest of its HTML: any
change to what it shows (a schedule published, a meeting cancelled, the office's phone,
the day's next meetings) makes a different HTML, so the next download is a new PDF at
once, and an unchanged flyer is never drawn twice. Where WeasyPrint cannot run
(flyers.rendering.unavailable) the answer is a 503 page saying so, in the visitor's
language.
"""

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotModified
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


def programme_document(language):
    """(HTML, file name) of the programme's flyer in `language`."""
    context = content.programme_context(language)
    with translation.override(language):
        title = _("Mutual self-help groups for work")
        html = flyer_html("flyers/programme.html", {
            **context, "title": title, "heading": title,
            "subject": _("Free groups for people looking for work, in Milan"),
        }, language)
        return html, pgettext("file name", "flyer-programme.pdf")


def group_document(group_id, language):
    """(HTML, file name) of a published group's flyer in `language`, or None."""
    context = content.group_context(group_id, language)
    if context is None:
        return None
    name = context["group"].text.name
    with translation.override(language):
        html = flyer_html("flyers/group.html", {
            **context, "title": _("%(name)s: mutual self-help group") % {"name": name},
            "heading": name, "subject": _("A free mutual self-help group for people "
                                          "looking for work"),
        }, language)
        return html, pgettext("file name", "flyer-group-%(id)s.pdf") % {"id": group_id}


def venue_document(venue_id, language):
    """(HTML, file name) of a published venue's A4 poster in `language`, or None."""
    context = content.venue_context(venue_id, language)
    if context is None:
        return None
    venue = context["venue"].name
    with translation.override(language):
        html = flyer_html("flyers/poster.html", {
            **context,
            "title": _("Mutual self-help groups for work at %(venue)s") % {"venue": venue},
            "heading": _("Looking for work? You are not alone."),
            "subject": _("Free mutual self-help groups, here at %(venue)s") % {
                "venue": venue},
        }, language)
        return html, pgettext("file name", "poster-venue-%(id)s.pdf") % {"id": venue_id}


def size_key(kind, item_id, language):
    """The cache key of the last drawn size of a flyer: kind "programme", "group" or
    "poster", the group's or venue's id (None for the programme's), language."""
    return f"flyers:size:{kind}:{item_id}:{language}"


def known_size(kind, item_id, language):
    """The size in bytes of the flyer's PDF as last drawn, or None. One cache read, no
    query: a page links its flyers at no cost that grows with them. After a change the
    figure is the previous PDF's (a few hundred bytes apart) until the next download."""
    return cache.get(size_key(kind, item_id, language))


def draw_for_size(kind, item_id, language):
    """Draw the flyer (when PDFs can be made) and return its size in bytes, or None."""
    documents = {"programme": lambda: programme_document(language),
                 "group": lambda: group_document(item_id, language),
                 "poster": lambda: venue_document(item_id, language)}
    document = documents[kind]()
    if document is None or rendering.unavailable():
        return None
    return len(_recorded_pdf(document[0], kind, item_id, language))


def _recorded_pdf(html, kind, item_id, language):
    """flyer_pdf's bytes, its size recorded for known_size."""
    pdf, _drawn = flyer_pdf(html)
    cache.set(size_key(kind, item_id, language), len(pdf), CACHE_SECONDS)
    return pdf


def _pdf_response(request, document, kind, item_id=None):
    if document is None:
        raise Http404
    if rendering.unavailable():
        return TemplateResponse(request, "flyers/unavailable.html", status=503)
    html, file_name = document
    # Browsers and proxies ask again each time (a published change shows at once) and
    # get "304 Not Modified" while the flyer is the same.
    etag = '"' + hashlib.sha256(html.encode()).hexdigest()[:32] + '"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        pdf = _recorded_pdf(html, kind, item_id, translation.get_language())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{file_name}"'
    response["ETag"] = etag
    response["Cache-Control"] = "public, no-cache"
    return response


def programme_flyer(request):
    return _pdf_response(request, programme_document(translation.get_language()),
                         "programme")


def group_flyer(request, group_id):
    return _pdf_response(request, group_document(group_id, translation.get_language()),
                         "group", group_id)


def venue_poster(request, venue_id):
    return _pdf_response(request, venue_document(venue_id, translation.get_language()),
                         "poster", venue_id)

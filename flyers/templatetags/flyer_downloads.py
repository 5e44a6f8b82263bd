"""{% flyer_download "programme" %} and {% flyer_download "group" group %}: the link
"Scarica il volantino (PDF, 18 KB)" on the programme's sheet and each group's card.

The size is the PDF's own: drawn here when not in the cache yet (the first view after a
change, about 0.4 s a flyer; `make bench` reports it), then read from the cache. The
test settings draw none for a page (FLYERS_DRAW_FOR_SIZE): the link says "(PDF)" until
the flyer is downloaded. Where this server cannot make PDFs
(flyers.rendering.unavailable) there is no link at all.
"""

from django import template
from django.urls import reverse
from django.utils.translation import get_language

from flyers import rendering, views

register = template.Library()

DOCUMENTS = {
    "programme": (views.programme_document, "flyers:programme"),
    "group": (views.group_document, "flyers:group"),
}


@register.inclusion_tag("flyers/includes/download.html")
def flyer_download(kind, item=None):
    """kind: "programme" or "group" (item: a canonical Group with .text, as the groups'
    page has it).
    Context for the link: {"url", "size" (bytes, None when not known yet: see
    views.pdf_size), "kind", "item"}; url None for no link."""
    document_of, url_name = DOCUMENTS[kind]
    language = get_language()
    args = [] if item is None else [item.pk]
    if rendering.unavailable():
        return {"url": None}
    size = views.pdf_size(document_of(*args, language))
    return {"url": reverse(url_name, args=args), "size": size, "kind": kind, "item": item}

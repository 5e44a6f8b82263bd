"""{% flyer_download "programme" %} and {% flyer_download "group" group %}: the link
"Scarica il volantino (PDF, 18 KB)" on the programme's sheet and each group's card.

The size is the PDF's own as last drawn (views.known_size: one cache read, no query, so
the groups' page costs the same queries with any number of groups); a flyer never drawn
is drawn here (about 0.4 s, once; `make bench` reports it). The test settings draw none
for a page (FLYERS_DRAW_FOR_SIZE): the link says "(PDF)" until the flyer is downloaded.
Where this server cannot make PDFs (flyers.rendering.unavailable) there is no link.
"""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language

from flyers import rendering, views

register = template.Library()

URL_NAMES = {"programme": "flyers:programme", "group": "flyers:group"}


@register.inclusion_tag("flyers/includes/download.html")
def flyer_download(kind, item=None):
    """kind: "programme" or "group" (item: a canonical Group with .text, as the groups'
    page has it). Context for the link: {"url", "size" (bytes, None when not known yet),
    "kind", "item"}; url None for no link."""
    if rendering.unavailable():
        return {"url": None}
    language = get_language()
    item_id = None if item is None else item.pk
    size = views.known_size(kind, item_id, language)
    if size is None and settings.FLYERS_DRAW_FOR_SIZE:
        size = views.draw_for_size(kind, item_id, language)
    args = [] if item is None else [item.pk]
    return {"url": reverse(URL_NAMES[kind], args=args), "size": size, "kind": kind,
            "item": item}

"""{% page_rating %}: the rating component under the pages that the model rates.

Nothing per visitor: the component is the same for every visitor of a page, so the page
stays in the page cache (rating/views.py explains the protection the form has instead of
a CSRF token). A private page has no component: its view restrictions come from the
cached route (pagecache.routing), else one query.
"""

from django import template
from wagtail.models import Page

from rating.forms import RatingForm, component_context
from rating.ratings import may_be_rated

register = template.Library()


@register.inclusion_tag("rating/component.html", takes_context=True)
def page_rating(context):
    """The component for the context's `page`, or nothing when it is not rated
    (rating.ratings.may_be_rated)."""
    page = context.get("page")
    if not isinstance(page, Page) or not may_be_rated(page):
        return {"rated_page": None}
    return {**component_context(RatingForm(), page), "request": context.get("request")}

"""The data tags: what a cached datum depends on, as `cached(..., tags=...)` names it and
as `invalidation.py` renews it when something changes.

A page saved, published or unpublished renews `page_tag` of the page and of each of its
translations, `path_tag` of each of their places in the tree, `children_tag` of each of
their parents, and PAGES. So the menu (the children of a home page), the breadcrumbs
(the ancestors' places) or the latest news (the children of the news index) are
computed again when one of theirs changes, and not when an article elsewhere does.
"""

from pagecache.versions import EVERYTHING

__all__ = ["EVERYTHING", "PAGES", "children_tag", "model_tag", "page_tag", "path_tag"]

# Any page changed: what a datum depends on when it says nothing finer (data.DEFAULT_TAGS).
PAGES = "pages"


def page_tag(page_id):
    """The page with this id, or one of its translations, changed."""
    return f"page:{page_id}"


def path_tag(path):
    """The page at this place in the tree (treebeard's `path`) changed: its title, whether
    it is live or in the menus."""
    return f"path:{path}"


def children_tag(path):
    """A child of the page at this place in the tree changed (added, published,
    unpublished, retitled)."""
    return f"children:{path}"


def model_tag(label):
    """A row of the model `app_label.ModelName` changed (invalidation.TAGGED_MODELS)."""
    return f"model:{label.lower()}"

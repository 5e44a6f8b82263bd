"""What clears the caches, every rule in one place.

- `bump()` (data and pages): Wagtail's publish, unpublish, move and slug-change
  signals; a page, site, locale, view restriction, setting or `DATA_MODELS` row saved or
  deleted.
- `bump_pages()` (pages only): a snippet, image, document or `WATCHED_MODELS` row saved
  or deleted, or a moderated snippet published or unpublished.
- Nothing: a draft saved (a page's or an unpublished moderated snippet's), fixtures
  being loaded.

Connected by `PagecacheConfig.ready`, so management commands and the task worker
invalidate too. A bump happens at once and again when the transaction commits.
"""


from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from pagecache.versions import DATA_VERSION_KEY, PAGE_VERSION_KEY, _bump

# What the cached data is made of (besides pages, site and generic settings): a change
# clears the data and the pages.
DATA_MODELS = [
    "wagtailcore.Site",
    "wagtailcore.Locale",
    "wagtailcore.PageViewRestriction",
    "home.ContactDetails",
    "programme.ProtocolSignatory",
]
# Shown on public pages besides pages, snippets, images and documents (found by
# themselves): a change clears the cached pages.
WATCHED_MODELS = [
    "wagtailredirects.Redirect",
    "programme.MeetingSlot",
    "programme.CancelledMeeting",
    "programme.ProgrammePageVenue",
    "programme.Adhesion",
    "accounts.Organisation",
]


def bump(**_kwargs):
    """Forget every cached datum and page."""
    _bump(DATA_VERSION_KEY, PAGE_VERSION_KEY)


def bump_pages(**_kwargs):
    """Forget every cached page (the data they are built from has not changed)."""
    _bump(PAGE_VERSION_KEY)


# --- Invalidation ------------------------------------------------------------------------

_models = None


def _models_by_effect():
    """(models whose change clears the data, models whose change clears the pages)."""
    global _models
    if _models is None:
        from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import Page
        from wagtail.snippets.models import get_snippet_models

        def found(labels):
            models = set()
            for label in labels:
                try:
                    models.add(apps.get_model(label))
                except LookupError:  # an app that is not installed
                    continue
            return models

        data = {Page, BaseSiteSetting, BaseGenericSetting, *found(DATA_MODELS)}
        pages = {get_image_model(), get_document_model(), *get_snippet_models(),
                 *found(WATCHED_MODELS)}
        _models = (tuple(data), tuple(pages - data))
    return _models


# A page saved with only these fields changed is a draft being edited or a page being
# locked: what visitors see has not changed.
DRAFT_ONLY_FIELDS = {"draft_title", "has_unpublished_changes", "latest_revision",
                     "latest_revision_created_at", "locked", "locked_at", "locked_by"}


def _is_unpublished_draft(instance):
    """A moderated snippet (DraftStateMixin, not a page) that is not live, or a child row
    of one (a group's meetings): the public reads none of it. Its publication is told by
    Wagtail's `published` signal (_on_snippet_published); an unpublished row's saves,
    as a Redazione member's new group saved as a draft, change nothing visitors see."""
    from wagtail.models import DraftStateMixin, Page

    if isinstance(instance, DraftStateMixin) and not isinstance(instance, Page):
        return not instance.live
    parent = getattr(instance, "group", None)  # programme's MeetingSlot, CancelledMeeting…
    return (isinstance(parent, DraftStateMixin) and not isinstance(parent, Page)
            and not parent.live)


def _bump_for(instance, *, unless_draft=False):
    data, pages = _models_by_effect()
    watched = isinstance(instance, data) or isinstance(instance, pages)
    if not watched or (unless_draft and _is_unpublished_draft(instance)):
        return
    if isinstance(instance, data):
        bump()
    else:
        bump_pages()


def _on_model_change(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures being loaded
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    _bump_for(instance, unless_draft=True)


def _on_snippet_published(sender, instance, **kwargs):
    """A moderated snippet published or unpublished: what visitors see changed."""
    _bump_for(instance)


def connect_signals():
    from wagtail.models import PageViewRestriction
    from wagtail.signals import (
        page_published,
        page_slug_changed,
        page_unpublished,
        post_page_move,
        published,
        unpublished,
    )

    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(bump, dispatch_uid=f"pagecache.bump.{id(signal)}")
    for signal in (published, unpublished):
        signal.connect(_on_snippet_published, dispatch_uid=f"pagecache.snippet.{id(signal)}")
    post_save.connect(_on_model_change, dispatch_uid="pagecache.post_save")
    post_delete.connect(_on_model_change, dispatch_uid="pagecache.post_delete")
    m2m_changed.connect(bump, sender=PageViewRestriction.groups.through,
                        dispatch_uid="pagecache.restriction_groups")

"""What clears the caches, every rule in one place.

- `bump()` (all the data and the pages): Wagtail's move and slug-change signals; a page
  deleted; a site, locale, view restriction, setting or `DATA_MODELS` row saved or
  deleted.
- `bump_page(page)` (the data that depend on that page, and the pages): a page saved
  (not a draft), published or unpublished. It renews the tags (`tags.py`) of the page
  and of its translations, of their places in the tree and of their parents' children,
  and PAGES: the menu, the breadcrumbs, the footer, the routes and the other languages'
  addresses of every other page stay cached; data cached without tags of their own
  (PAGES) are computed again.
- `bump_tags(model_tag(label))` (the data that depend on that model, and the pages): a
  `TAGGED_MODELS` row saved or deleted, or a moderated one published or unpublished.
- `bump_pages()` (pages only): a snippet, image, document or `WATCHED_MODELS` row saved
  or deleted, or a moderated snippet published or unpublished.
- Nothing: a draft saved (a page's or an unpublished moderated snippet's), fixtures
  being loaded.

Connected by `PagecacheConfig.ready`, so management commands and the task worker
invalidate too. A bump happens at once and again when the transaction commits.
"""


from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from pagecache.tags import PAGES, children_tag, model_tag, page_tag, path_tag
from pagecache.versions import EVERYTHING, PAGE_VERSION_KEY, _bump, bump_tags

# What the cached data is made of (besides pages, site and generic settings): a change
# clears the data and the pages.
DATA_MODELS = [
    "wagtailcore.Site",
    "wagtailcore.Locale",
    "wagtailcore.PageViewRestriction",
    "programme.ProtocolSignatory",
]
# Data cached with the tag model_tag(label) of one of these: a change clears those data
# (and the pages), not the rest. The contact details are in every footer
# (ContactDetails.for_request); the venues are the intake form's choices.
TAGGED_MODELS = [
    "home.ContactDetails",
    "programme.Venue",
]
# Shown on public pages besides pages, snippets, images and documents (found by
# themselves): a change clears the cached pages.
WATCHED_MODELS = [
    "wagtailredirects.Redirect",
    "programme.MeetingSlot",
    "programme.CancelledMeeting",
    "programme.MeetingChange",
    "programme.ProgrammePageVenue",
    "programme.Adhesion",
    "accounts.Organisation",
]


def bump(**_kwargs):
    """Forget every cached datum and page."""
    bump_tags(EVERYTHING)


def page_change_tags(page):
    """The tags a change of `page` renews: its own and its translations' (one query)."""
    from wagtail.models import Page

    places = {(page.pk, page.path)}
    if page.translation_key:
        places |= set(Page.objects.filter(translation_key=page.translation_key)
                      .values_list("pk", "path"))
    tags = {PAGES}
    for pk, path in places:
        tags |= {page_tag(pk), path_tag(path), children_tag(path[:-Page.steplen])}
    return sorted(tags)


def bump_page(page):
    """Forget the data that depend on `page` (or a translation of it), and the pages."""
    bump_tags(*page_change_tags(page))


def bump_pages(**_kwargs):
    """Forget every cached page (the data they are built from has not changed)."""
    _bump(PAGE_VERSION_KEY)


# --- Invalidation ------------------------------------------------------------------------

_models = None


def _models_by_effect():
    """(models whose change clears the data, models whose change clears their tag's data,
    models whose change clears the pages). Pages are apart: `_on_model_change`."""
    global _models
    if _models is None:
        from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.snippets.models import get_snippet_models

        def found(labels):
            models = set()
            for label in labels:
                try:
                    models.add(apps.get_model(label))
                except LookupError:  # an app that is not installed
                    continue
            return models

        data = {BaseSiteSetting, BaseGenericSetting, *found(DATA_MODELS)}
        tagged = found(TAGGED_MODELS)
        pages = {get_image_model(), get_document_model(), *get_snippet_models(),
                 *found(WATCHED_MODELS)}
        _models = (tuple(data), tuple(tagged - data), tuple(pages - data - tagged))
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
    data, tagged, pages = _models_by_effect()
    watched = isinstance(instance, (*data, *tagged, *pages))
    if not watched or (unless_draft and _is_unpublished_draft(instance)):
        return
    if isinstance(instance, data):
        bump()
    elif isinstance(instance, tagged):
        bump_tags(model_tag(instance._meta.label))
    else:
        bump_pages()


def _on_model_change(sender, instance, **kwargs):
    from wagtail.models import Page

    if kwargs.get("raw"):
        return  # fixtures being loaded
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    if isinstance(instance, Page):
        # Deleted, or at a new address: the routes and the addresses of other pages
        # change. Else what it shows changed, and the data that show it.
        if "created" not in kwargs or getattr(instance, "_pagecache_new_url_path", False):
            bump()
        else:
            bump_page(instance)
        return
    _bump_for(instance, unless_draft=True)


def _on_page_pre_save(sender, instance, **kwargs):
    """Note whether a page saved gets a new address (Wagtail's page_slug_changed is sent
    only once the transaction commits; the routes must go at once, as the data)."""
    from wagtail.models import Page

    instance._pagecache_new_url_path = False
    update_fields = kwargs.get("update_fields")
    if (kwargs.get("raw") or not isinstance(instance, Page) or instance.pk is None
            or (update_fields is not None and not {"slug", "url_path"} & set(update_fields))):
        return
    before = Page.objects.filter(pk=instance.pk).values_list("url_path", flat=True).first()
    instance._pagecache_new_url_path = before != instance.url_path


def purge_from_proxy(page):
    """Ask the caching proxy in front (WAGTAILFRONTENDCACHE; none in development) to drop
    what a publication or unpublication of `page` changed: the page, its translations
    (their language links name it) and the parents of both (the lists that show it),
    each under every language prefix (WAGTAILFRONTENDCACHE_LANGUAGES: an untranslated
    page is also served under /en/). Through wagtail.contrib.frontend_cache's purge
    batch, queued as its task and sent by the worker. What no purge names (a menu, the
    footer) lags by PROXY_CACHE_SECONDS at most."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch
    from wagtail.models import Page

    pages = (Page.objects.live().filter(translation_key=page.translation_key)
             if page.translation_key else Page.objects.filter(pk=page.pk))
    pages = [page, *pages.exclude(pk=page.pk)]
    paths = {other.path[:-Page.steplen] for other in pages}
    parents = Page.objects.live().filter(path__in=paths, depth__gt=1)
    batch = PurgeBatch()
    batch.add_pages([*pages, *parents])
    batch.purge()


def _on_page_published(sender, instance, **kwargs):
    bump_page(instance)
    purge_from_proxy(instance)


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

    for signal in (page_published, page_unpublished):
        signal.connect(_on_page_published, dispatch_uid=f"pagecache.page.{id(signal)}")
    for signal in (post_page_move, page_slug_changed):
        signal.connect(bump, dispatch_uid=f"pagecache.bump.{id(signal)}")
    for signal in (published, unpublished):
        signal.connect(_on_snippet_published, dispatch_uid=f"pagecache.snippet.{id(signal)}")
    pre_save.connect(_on_page_pre_save, dispatch_uid="pagecache.pre_save")
    post_save.connect(_on_model_change, dispatch_uid="pagecache.post_save")
    post_delete.connect(_on_model_change, dispatch_uid="pagecache.post_delete")
    m2m_changed.connect(bump, sender=PageViewRestriction.groups.through,
                        dispatch_uid="pagecache.restriction_groups")

"""A page's translation goes live once translated and approved, under an English address.

wagtail-localize 1.14 copies the Italian page when "Traduci questa pagina" starts and, by
default, publishes the copy if the Italian page is live: an Italian text under /en/ and
in the English feed at once. Here:

- the copy is a draft (`WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False` in
  website/settings/base.py), so /en/ answers 404 for it and no list, feed, sitemap,
  search or language link offers it until it is published;
- a translator who may not publish (Redazione) sends the translation to the page's
  workflow ("Revisione e approvazione") from wagtail-localize's editor
  (`submit_translation_for_moderation`); Approvazione's approval publishes it, as for
  any page. wagtail-localize's editor offers only "Pubblica in …", and only to those
  who may publish, so the translation editor gets a "submit" form
  (templates/wagtail_localize/admin/edit_translation.html);
- neither path puts a half-translated page live: `missing_strings` must be empty, and
  "Sync translated pages" loses its "Publish immediately" (`update_translations_view`);
- the English slug is set in the translation step: the translator translates the slug
  like any string (checked as it is saved: ASCII, free in its section,
  `check_slug_translation`); when they leave it untranslated, a page never published
  takes its slug from its translated title (`translated_page_slug`), never the
  Italian slug unless the translator chose it.
"""

from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.coreutils import find_available_slug
from wagtail.models import Page, WorkflowState
from wagtail_localize.models import StringSegment, StringTranslation, Translation

from .slugs import NOT_ASCII_SLUG, validate_ascii_slug

SLUG_TAKEN = _("Another page in this section already uses the slug “%(slug)s”: "
               "choose another one.")
NOT_TRANSLATED = _("Translate every text before sending the translation on: "
                   "%(count)d still to translate.")


class TranslationNotReady(Exception):
    """The translation cannot go on (the message says why, in the user's language)."""


def page_translation(page):
    """The enabled wagtail-localize `Translation` whose target is `page`, or None (an
    original page, a page translated by hand, a stopped translation)."""
    return (Translation.objects
            .filter(source__object_id=page.translation_key, target_locale_id=page.locale_id,
                    enabled=True)
            .exclude(source__locale_id=page.locale_id)
            .select_related("source", "target_locale").first())


def missing_strings(translation):
    """How many strings of `translation`'s source have no valid translation (int): a
    string saved with an error counts as missing. The slug does not: left untranslated,
    it is made from the translated title (`translated_page_slug`)."""
    return (StringSegment.objects.filter(source=translation.source)
            .exclude(context__path="slug")
            .annotate_translation(translation.target_locale)
            .filter(translation__isnull=True).count())


def _chosen_slug(translation):
    segment = (StringSegment.objects
               .filter(source=translation.source, context__path="slug")
               .annotate_translation(translation.target_locale).first())
    return segment.translation if segment is not None else None


def translated_page_slug(page, translation):
    """The slug (str) `page`, `translation`'s target, should have.

    The translator's own translation of the slug when there is one (wagtail-localize
    already made it ASCII and free in the section); otherwise, while the page was never
    published, an ASCII slug made from its title, free among its siblings; a page once
    published keeps its slug (its address was given out).
    """
    if _chosen_slug(translation) is not None:
        return page.slug
    if page.first_published_at:
        # wagtail-localize has just put the Italian slug back on the untranslated field
        return Page.objects.filter(pk=page.pk).values_list("slug", flat=True).first()
    derived = slugify(page.title) or page.slug
    parent = page.get_parent()
    if parent is None:
        return derived
    return find_available_slug(parent, derived, ignore_page_id=page.pk)


@receiver(pre_save, dispatch_uid="home.translations.set_translated_page_slug")
def set_translated_page_slug(sender, instance, raw=False, **kwargs):
    """Before wagtail-localize saves a translated page (`Translation.save_target`)."""
    if raw or not isinstance(instance, Page) or instance.pk is None or instance.is_root():
        return
    translation = page_translation(instance)
    if translation is not None:
        instance.slug = translated_page_slug(instance, translation)


def slug_translation_error(string_translation):
    """Why the translator's slug cannot be used (a localized str), or None.

    `string_translation` is a wagtail-localize StringTranslation of a page's slug. The
    slug must be ASCII (home/slugs.py) and no other page under the translated page's
    parent may already use it (Wagtail would otherwise add "-1" to it silently)."""
    try:
        validate_ascii_slug(string_translation.data)
    except Exception:  # noqa: BLE001 - ValidationError; the message is ours
        return str(NOT_ASCII_SLUG)
    page = (Page.objects.filter(translation_key=string_translation.context.object_id,
                                locale_id=string_translation.locale_id).first())
    parent = page.get_parent() if page is not None else None
    if parent is not None and parent.get_children().filter(
            slug=string_translation.data).exclude(pk=page.pk).exists():
        return gettext(SLUG_TAKEN) % {"slug": string_translation.data}
    return None


@receiver(pre_save, sender=StringTranslation,
          dispatch_uid="home.translations.check_slug_translation")
def check_slug_translation(sender, instance, raw=False, **kwargs):
    """A slug the translator typed is checked as it is saved: wagtail-localize's editor
    shows `field_error` beside the string, and an erroneous string is not used."""
    if raw or instance.context_id is None or instance.context.path != "slug":
        return
    error = slug_translation_error(instance)
    if error:
        instance.has_error = True
        instance.field_error = error


def check_translation_complete(translation):
    """Raise TranslationNotReady unless every string of `translation` is translated:
    wagtail-localize would publish the missing ones in Italian."""
    count = missing_strings(translation)
    if count:
        raise TranslationNotReady(gettext(NOT_TRANSLATED) % {"count": count})


@transaction.atomic
def submit_translation_for_moderation(page, user):
    """Save `page`'s translated strings as a new draft revision and send it to the
    page's workflow, as "Invia per la moderazione" does for an Italian page.

    `page` must be the target of a wagtail-localize translation and `user` able to edit
    it. Raises TranslationNotReady (a localized message) when strings are untranslated
    or the page has no workflow. Returns the WorkflowState. The live page, if any, stays
    as it is until the revision is approved.
    """
    translation = page_translation(page)
    if translation is None:
        raise TranslationNotReady(gettext("This page is not a translation."))
    check_translation_complete(translation)
    workflow = page.get_workflow()
    if workflow is None:
        raise TranslationNotReady(gettext(
            "No approval workflow covers this page: ask the editors who may publish."))
    live_row = page.specific if page.live else None
    translation.save_target(user=user, publish=False)
    if live_row is not None:
        # wagtail-localize writes the draft's fields into the page's row too: put the
        # live content back, the draft is in the revision.
        live_row.refresh_from_db(fields=["latest_revision", "has_unpublished_changes",
                                         "draft_title"])
        live_revision = live_row.live_revision
        if live_revision is not None:
            restored = live_revision.as_object()
            restored.latest_revision = live_row.latest_revision
            restored.draft_title = live_row.draft_title
            restored.has_unpublished_changes = True
            restored.save(clean=False)
    page = Page.objects.get(pk=page.pk).specific
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
        return state
    if state is not None:
        state.cancel(user=user)
    return workflow.start(page, user)


SUBMIT_ACTION = "submit-translation"


def translation_editor_post(request, page):
    """What wagtail-localize's translation editor POSTs, checked first (a response) or
    left to it (None): "Pubblica in …" is refused while strings are untranslated, and
    SUBMIT_ACTION sends the translation to the workflow."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect

    action = request.POST.get("action") if request.method == "POST" else None
    if action not in ("publish", SUBMIT_ACTION):
        return None
    translation = page_translation(page)
    if translation is None:
        return None
    try:
        if action == "publish":
            check_translation_complete(translation)
            return None
        if not page.permissions_for_user(request.user).can_submit_for_moderation():
            raise PermissionDenied
        submit_translation_for_moderation(page, request.user)
    except TranslationNotReady as reason:
        messages.error(request, str(reason))
    else:
        messages.success(request, gettext(
            "The translation “%(title)s” has been sent for approval.")
            % {"title": Page.objects.get(pk=page.pk).get_admin_display_title()})
    return redirect(request.path)


def update_translations_view():
    """wagtail-localize's "Sync translated pages" without its "Publish immediately",
    which puts the new, untranslated Italian strings live in every translation, past
    the workflow, and is offered to anyone who may start a translation. The updated
    strings wait in each translation's editor, to be translated and approved."""
    from wagtail_localize.views.update_translations import UpdateTranslationsView

    class UpdateTranslationsWithoutPublishing(UpdateTranslationsView):
        def get_form(self):
            form = super().get_form()
            form.fields.pop("publish_translations", None)
            return form

        def form_valid(self, form):
            form.cleaned_data["publish_translations"] = False
            return super().form_valid(form)

    return UpdateTranslationsWithoutPublishing.as_view()

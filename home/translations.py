"""A translation goes live once translated and approved (pages under an English address).

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

Draft-state snippets under a workflow (groups, venues, contact details) follow the same
path, read generically (home imports nothing of programme): wagtail-localize writes a
snippet's draft into its row and marks it not live, so a live translation would vanish
from /en/ until approved; `submit_translation_for_moderation` puts the published content
back on the row and keeps the draft in the revision, as for pages.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.coreutils import find_available_slug
from wagtail.models import DraftStateMixin, Page, WorkflowMixin, WorkflowState
from wagtail_localize.models import StringSegment, StringTranslation, Translation

from .slugs import NOT_ASCII_SLUG, validate_ascii_slug

SLUG_TAKEN = _("Another page in this section already uses the slug “%(slug)s”: "
               "choose another one.")
NOT_TRANSLATED = _("Translate every text before sending the translation on: "
                   "%(count)d still to translate.")


class TranslationNotReady(Exception):
    """The translation cannot go on (the message says why, in the user's language)."""


def target_translation(instance):
    """The enabled wagtail-localize `Translation` whose target is `instance` (a page or a
    translatable snippet), or None (an original, a translation made by hand, a stopped
    translation)."""
    return (Translation.objects
            .filter(source__object_id=instance.translation_key,
                    target_locale_id=instance.locale_id, enabled=True)
            .exclude(source__locale_id=instance.locale_id)
            .select_related("source", "target_locale").first())


def page_translation(page):
    """The enabled wagtail-localize `Translation` whose target is `page`, or None."""
    return target_translation(page)


def moderated_snippet(instance):
    """Whether `instance` is a snippet whose publication goes through a workflow (a
    draft-state snippet with WorkflowMixin, e.g. groups, venues, contact details)."""
    return (not isinstance(instance, Page) and isinstance(instance, DraftStateMixin)
            and isinstance(instance, WorkflowMixin))


def _snippet_permission(user, instance, action):
    # Wagtail's snippet permission policy: <app>.<action>_<model>, superusers included.
    from wagtail.snippets.permissions import get_permission_name

    return user.is_active and (
        user.is_superuser or user.has_perm(get_permission_name(action, type(instance))))


def may_send_translation_for_approval(user, instance):
    """Whether `user` may send `instance`, the target of a translation, to its workflow
    (bool): for a page, Wagtail's "submit for moderation" permission; for a moderated
    snippet, `<app>.change_<model>`, a workflow covering it and no lock of another
    user's."""
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_submit_for_moderation()
    if not moderated_snippet(instance) or not _snippet_permission(user, instance, "change"):
        return False
    lock = instance.get_lock() if hasattr(instance, "get_lock") else None
    if lock is not None and lock.for_user(user):
        return False
    return instance.get_workflow() is not None


def may_publish_translation(user, instance):
    """Whether `user` may publish `instance` directly (bool): Wagtail's page publish
    permission, or `<app>.publish_<model>` for a snippet."""
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_publish()
    return _snippet_permission(user, instance, "publish")


def offers_translation_submission(user, instance):
    """Whether the translation editor offers `user` "Send the translation for approval"
    on `instance` (bool): to those who may send it and may not publish it, to whom
    wagtail-localize offers nothing."""
    if target_translation(instance) is None:
        return False
    return (may_send_translation_for_approval(user, instance)
            and not may_publish_translation(user, instance))


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


def _keep_live_snippet_as_published(instance):
    """Put a live snippet's published content back on its row after wagtail-localize
    wrote a draft into it (and marked it not live); the draft stays in the latest
    revision, as Wagtail keeps an edited live snippet."""
    current = type(instance).objects.get(pk=instance.pk)
    live_revision = current.live_revision
    if live_revision is None:
        return
    restored = live_revision.as_object()
    # The revision's copy of these describes the snippet when it was saved, not now.
    for field in ("latest_revision", "live_revision", "last_published_at",
                  "first_published_at", "locked", "locked_at", "locked_by", "expired"):
        if hasattr(current, field):
            setattr(restored, field, getattr(current, field))
    restored.live = True
    restored.has_unpublished_changes = True
    restored.save()


def _keep_live_page_as_published(live_row):
    # wagtail-localize writes the draft's fields into the page's row too: put the live
    # content back, the draft is in the revision.
    live_row.refresh_from_db(fields=["latest_revision", "has_unpublished_changes",
                                     "draft_title"])
    live_revision = live_row.live_revision
    if live_revision is not None:
        restored = live_revision.as_object()
        restored.latest_revision = live_row.latest_revision
        restored.draft_title = live_row.draft_title
        restored.has_unpublished_changes = True
        restored.save(clean=False)


class _TranslatedTextRefused(Exception):
    pass


TEXT_REFUSED = _("A translated text is not valid: correct it in the editor and send the "
                 "translation again.")


def check_translated_texts_valid(translation):
    """Raise TranslationNotReady (TEXT_REFUSED) when the snippet `translation` would make
    is refused by its model's validation (e.g. a name longer than its field), and mark
    the refused strings in wagtail-localize's editor, as it does itself. Checked before
    wagtail-localize saves the row: PostgreSQL would refuse a text too long for its
    column with a DataError (a 500), SQLite stores it."""
    try:
        _check_translated_texts(translation)
    except _TranslatedTextRefused:
        raise TranslationNotReady(gettext(TEXT_REFUSED)) from None


def _check_translated_texts(translation):
    instance = translation.source.get_ephemeral_translated_instance(
        translation.target_locale, fallback=True)
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        strings = StringSegment.objects.filter(source=translation.source)
        for field, errors in getattr(error, "error_dict", {}).items():
            for string_translation in StringTranslation.objects.filter(
                    translation_of_id__in=strings.values_list("string_id", flat=True),
                    context__object_id=translation.source.object_id,
                    context__path=field, locale=translation.target_locale):
                string_translation.set_field_error(errors)
        raise _TranslatedTextRefused from error


def submit_translation_for_moderation(instance, user):
    """Save `instance`'s translated strings as a new draft revision and send it to its
    workflow, as "Invia per la moderazione" does for an Italian page or snippet.

    `instance` is a page or a moderated snippet (`moderated_snippet`), the target of a
    wagtail-localize translation; `user` may edit it. Raises TranslationNotReady (a
    localized message) when strings are untranslated, a translated text is refused by
    the model's validation, or no workflow covers it. Returns the WorkflowState. The
    live version, if any, stays as it is until the revision is approved.
    """
    with transaction.atomic():
        try:
            return _submit_translation(instance, user)
        except _TranslatedTextRefused:
            # Leave the transaction normally: wagtail-localize has marked the refused
            # strings, shown to the translator beside them; the snippet was not changed.
            pass
    raise TranslationNotReady(gettext(TEXT_REFUSED))


def _submit_translation(instance, user):
    is_page = isinstance(instance, Page)
    translation = target_translation(instance)
    if translation is None or not (is_page or moderated_snippet(instance)):
        raise TranslationNotReady(gettext("This page is not a translation.") if is_page
                                  else gettext("This item is not a translation."))
    check_translation_complete(translation)
    workflow = instance.get_workflow()
    if workflow is None:
        raise TranslationNotReady(gettext(
            "No approval workflow covers this page: ask the editors who may publish.")
            if is_page else gettext(
            "No approval workflow covers this item: ask the editors who may publish."))
    model = Page if is_page else type(instance)
    current = model.objects.get(pk=instance.pk)
    if is_page:
        live_row = current.specific if current.live else None
        translation.save_target(user=user, publish=False)
        if live_row is not None:
            _keep_live_page_as_published(live_row)
        instance = Page.objects.get(pk=instance.pk).specific
    else:
        _check_translated_texts(translation)
        try:
            translation.save_target(user=user, publish=False)
        except ValidationError as error:
            raise _TranslatedTextRefused from error
        if current.live:
            _keep_live_snippet_as_published(current)
        instance = model.objects.get(pk=instance.pk)
    state = instance.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
        return state
    if state is not None:
        state.cancel(user=user)
    return workflow.start(instance, user)


SUBMIT_ACTION = "submit-translation"


def _display_title(instance):
    if isinstance(instance, Page):
        return Page.objects.get(pk=instance.pk).get_admin_display_title()
    return str(type(instance).objects.get(pk=instance.pk))


def translation_editor_post(request, instance):
    """What wagtail-localize's translation editor POSTs for `instance` (a page or a
    moderated snippet), checked first (a response) or left to it (None): "Pubblica in …"
    is refused while strings are untranslated, and SUBMIT_ACTION sends the translation
    to the workflow."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect

    action = request.POST.get("action") if request.method == "POST" else None
    if action not in ("publish", SUBMIT_ACTION):
        return None
    if not (isinstance(instance, Page) or moderated_snippet(instance)):
        return None
    translation = target_translation(instance)
    if translation is None:
        return None
    try:
        if action == "publish":
            check_translation_complete(translation)
            if not isinstance(instance, Page):
                check_translated_texts_valid(translation)
            return None
        if not may_send_translation_for_approval(request.user, instance):
            raise PermissionDenied
        submit_translation_for_moderation(instance, request.user)
    except TranslationNotReady as reason:
        messages.error(request, str(reason))
    else:
        messages.success(request, gettext(
            "The translation “%(title)s” has been sent for approval.")
            % {"title": _display_title(instance)})
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

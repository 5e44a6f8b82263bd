"""What editors type: text that every page, feed and XML file can carry (`editor_text`,
`clean_editor_fields`). What people type into forms is typed_text's."""

import functools
import re

from django.db import models

from typed_text.characters import BIDI_CONTROLS, PASTED_LINE_BREAK

# What XML 1.0 cannot carry: the C0 controls but tab and line breaks, U+FFFE, U+FFFF and
# lone surrogates (an RSS feed holding one fails whole); DEL goes too.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
# What editors' text loses besides: the other control characters (C1 but NEL, a line
# break) and the bidirectional controls, dropped from what people type for the same
# reasons (typed_text.characters): an override in a title reverses what readers see.
NOT_IN_EDITOR_TEXT = re.compile(
    rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff{BIDI_CONTROLS}]")


def editor_text(value, *, multiline=False):
    """Text an editor typed, fit for any page, feed or XML file: a pasted line or page
    break becomes a line break (`multiline`) or a space, other characters XML 1.0 cannot
    carry, other control characters and bidirectional controls are dropped. Anything
    but a str is returned as it is."""
    if not isinstance(value, str):
        return value
    value = PASTED_LINE_BREAK.sub("\n" if multiline else " ", value)
    return NOT_IN_EDITOR_TEXT.sub("", value)


def editor_rich_text(html):
    """Rich text (HTML) as `editor_text`, a pasted line break becoming `<br/>`."""
    if not isinstance(html, str):
        return html
    return NOT_IN_EDITOR_TEXT.sub("", PASTED_LINE_BREAK.sub("<br/>", html))


def editor_data(value, *, multiline=False):
    """`editor_text` applied to every string in nested lists and dicts (JSON-like data:
    a StreamField's raw value, a JSON-LD document), keys included."""
    if isinstance(value, str):
        return editor_text(value, multiline=multiline)
    if isinstance(value, dict):
        return {editor_data(key): editor_data(item, multiline=multiline)
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [editor_data(item, multiline=multiline) for item in value]
    return value


def _needs_cleaning(value):
    return bool(NOT_IN_EDITOR_TEXT.search(value) or PASTED_LINE_BREAK.search(value))


# Models outside the site's own apps whose texts editors type and pages show.
EDITOR_TEXT_MODELS = {"wagtailimages.image", "wagtaildocs.document"}


@functools.cache
def _editor_model(model):
    from pathlib import Path

    from django.conf import settings

    # The site's own apps sit at the top of the project (home/, programme/, accounts/).
    own_app = Path(model._meta.app_config.path).parent == Path(settings.BASE_DIR)
    return own_app or model._meta.label_lower in EDITOR_TEXT_MODELS


def _is_editor_model(model):
    from django.apps import apps

    # A migration's historical models stay as the migration wrote them.
    return model._meta.apps is apps and _editor_model(model)


def clean_editor_fields(sender, instance, raw=False, **kwargs):
    """pre_save: the texts of every model of the site's own apps (pages, snippets, and
    what people's forms store: requests, organisations, users, contact messages) and of
    images and documents, as `editor_text` / `editor_rich_text` make them, before they
    are stored (titles and single-line fields: a pasted line break becomes a space; text
    areas, StreamField text and the strings in JSON: a line break; rich text: `<br/>`).
    The last guard for a form that forgot typed_text.characters.PlainTextFormMixin."""
    from wagtail.fields import RichTextField, StreamField

    if raw or not _is_editor_model(sender):
        return
    for field in sender._meta.concrete_fields:
        if not field.editable or field.primary_key:
            continue
        value = getattr(instance, field.attname)
        if isinstance(field, StreamField):
            if value is None:
                continue
            raw_data = field.stream_block.get_prep_value(value)
            cleaned = editor_data(raw_data, multiline=True)
            if cleaned != raw_data:
                setattr(instance, field.attname, field.to_python(cleaned))
        elif isinstance(field, models.JSONField):
            # A contact message's answers (home.models.ContactSubmission.form_data).
            cleaned = editor_data(value, multiline=True)
            if cleaned != value:
                setattr(instance, field.attname, cleaned)
        elif isinstance(value, str) and _needs_cleaning(value):
            if isinstance(field, RichTextField):
                setattr(instance, field.attname, editor_rich_text(value))
            else:
                multiline = isinstance(field, models.TextField)
                setattr(instance, field.attname, editor_text(value, multiline=multiline))

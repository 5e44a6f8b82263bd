"""Page slugs are ASCII: `gruppo-del-giovedi`, never `gioved%C3%AC`.

An address with an accent is percent-encoded wherever it is copied (a mail, a flyer's QR
code, a chat), and people retype it wrongly. So:

- `WAGTAIL_ALLOW_UNICODE_SLUGS = False` (website/settings/base.py): the slug Wagtail makes
  from a title, in the browser and on save, drops accents («giovedì» → `giovedi`);
- every slug field of the admin's model forms (pages, and any snippet that gets one)
  accepts ASCII letters, digits, hyphens and underscores only, and says so in the
  editor's language when a slug typed by hand has anything else.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin import widgets
from wagtail.admin.forms.models import register_form_field_override

NOT_ASCII_SLUG = _(
    "Use only letters without accents (a-z), digits and hyphens in the slug, "
    "for example “gruppo-del-giovedi”."
)


def validate_ascii_slug(slug):
    """Raise `ValidationError` (code "invalid", a localized message) unless `slug` (str)
    is made of ASCII letters, digits, hyphens and underscores only."""
    try:
        validate_slug(slug)
    except ValidationError:
        raise ValidationError(NOT_ASCII_SLUG, code="invalid") from None


def ascii_slug_form_field(db_field):
    """What the admin's form field for a model's slug is: ASCII only (Wagtail's Page.slug
    is declared with `allow_unicode=True`), with the message above, and Wagtail's own
    widget, which fills it from the title (this replaces Wagtail's override)."""
    return {"widget": widgets.SlugInput, "allow_unicode": False,
            "error_messages": {"invalid": NOT_ASCII_SLUG}}


register_form_field_override(models.SlugField, override=ascii_slug_form_field)

"""The topics ("Argomenti") editors tag pages with: a translatable taxonomy."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.snippets.models import register_snippet


@register_snippet
class Topic(TranslatableMixin, models.Model):
    """A topic of the Designers Italia model's taxonomy ("Argomenti"), as editors name it.

    Translatable: each language has its own name, slug and description; pages keep the
    topics of their original and show each in the reader's language (`topics.shown`).
    """

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, allow_unicode=False)
    description = models.TextField(_("description"), max_length=500, blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["locale", "slug"], name="topic_slug_unique_per_language",
                violation_error_message=_("Another topic in this language has this slug."),
            ),
        ]

    def __str__(self):
        return self.name

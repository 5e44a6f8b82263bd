from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail.snippets.models import register_snippet
from wagtail_localize.fields import SynchronizedField, TranslatableField

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class OpeningHoursBlock(blocks.StructBlock):
    first_day = blocks.ChoiceBlock(choices=WEEKDAYS, label=_("From"))
    last_day = blocks.ChoiceBlock(choices=WEEKDAYS, label=_("To"))
    opens = blocks.TimeBlock(label=_("Opens"))
    closes = blocks.TimeBlock(label=_("Closes"))

    class Meta:
        icon = "time"


@register_snippet
class Venue(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, TranslatableMixin,
            PreviewableMixin, index.Indexed, models.Model):
    """A municipal space where groups meet.

    A translatable snippet rather than a page: a venue is reference data that groups,
    the programme page and the intake form all point to (the form offers it as a
    choice), and citizens meet it where it is used — next to each group and on the
    programme page — rather than on a page of its own.
    """

    name = models.CharField(_("name"), max_length=150)
    street_address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100, default="Milano")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    opening_hours = StreamField(
        [("hours", OpeningHoursBlock())], verbose_name=_("opening hours"), blank=True
    )
    facilities = StreamField(
        [("facility", blocks.CharBlock(label=_("Facility"), max_length=150))],
        verbose_name=_("facilities"), blank=True,
    )
    accessibility_notes = models.TextField(_("accessibility"), blank=True)
    public_transport = models.TextField(_("how to get there by public transport"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("photo"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    photo_alt_text = models.CharField(_("photo description"), max_length=250, blank=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="venue")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState", content_type_field="base_content_type",
        object_id_field="object_id", related_query_name="venue", for_concrete_model=False,
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("street_address"),
                FieldRowPanel([FieldPanel("postal_code"), FieldPanel("city")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Address"),
        ),
        FieldPanel("opening_hours"),
        FieldPanel("facilities"),
        FieldPanel("accessibility_notes"),
        FieldPanel("public_transport"),
        MultiFieldPanel([FieldPanel("photo"), FieldPanel("photo_alt_text")], heading=_("Photo")),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("street_address"),
        index.FilterField("locale_id"),
    ]
    translatable_fields = [
        TranslatableField("name"),
        TranslatableField("opening_hours"),
        TranslatableField("facilities"),
        TranslatableField("accessibility_notes"),
        TranslatableField("public_transport"),
        TranslatableField("photo_alt_text"),
        SynchronizedField("street_address"),
        SynchronizedField("postal_code"),
        SynchronizedField("city"),
        SynchronizedField("latitude"),
        SynchronizedField("longitude"),
        SynchronizedField("photo"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def revisions(self):
        return self._revisions

    def get_preview_template(self, request, mode_name):
        return "programme/venue_preview.html"

    @property
    def anchor(self):
        # Stable across languages: the translation key, not the translated name.
        return f"venue-{str(self.translation_key)[:8]}"

    @property
    def openstreetmap_url(self):
        """Directions on OpenStreetMap: a link, never an embedded third-party map."""
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}#map=17/{self.latitude}/{self.longitude}"
        )

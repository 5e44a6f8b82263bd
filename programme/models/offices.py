"""The office responsible for a service (the service sheet's "Contatti")."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import TranslatableMixin
from wagtail.snippets.models import register_snippet
from wagtail_localize.fields import SynchronizedField, TranslatableField

from typed_text.phones import validate_phone


class ResponsibleOfficeForm(WagtailAdminModelForm):
    """Phone numbers phonenumbers accepts, kept as the editor wrote them."""

    def clean_phone(self):
        validate_phone(self.cleaned_data["phone"])
        return self.cleaned_data["phone"]


@register_snippet
class ResponsibleOffice(TranslatableMixin, models.Model):
    """The municipal office answerable for a service, as the Designers Italia model's
    service sheet names it under "Contatti" (data-element "service-area").

    Only its name and opening hours read differently per language; the address, numbers
    and addresses follow the Italian original.
    """

    name = models.CharField(_("office"), max_length=200)
    street_address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100, default="Milano")
    phone = models.CharField(_("phone"), max_length=30)
    email = models.EmailField(_("email"))
    pec = models.EmailField(_("certified email (PEC)"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=250, blank=True)

    base_form_class = ResponsibleOfficeForm
    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("street_address"), FieldPanel("postal_code"), FieldPanel("city")],
            heading=_("Address"),
        ),
        MultiFieldPanel([FieldPanel("phone"), FieldPanel("email"), FieldPanel("pec")],
                        heading=_("Phone and email")),
        FieldPanel("opening_hours"),
    ]
    translatable_fields = [
        TranslatableField("name"),
        TranslatableField("opening_hours"),
        SynchronizedField("street_address"),
        SynchronizedField("postal_code"),
        SynchronizedField("city"),
        SynchronizedField("phone"),
        SynchronizedField("email"),
        SynchronizedField("pec"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("responsible office")
        verbose_name_plural = _("responsible offices")

    def __str__(self):
        return self.name

    def in_language(self, locale):
        """This office as read in `locale` (its translation there, else itself). One
        query when the office is not already in `locale`."""
        if self.locale_id == locale.pk:
            return self
        return self.get_translation_or_none(locale) or self

"""The public page of the "Richiesta di partecipazione" form.

Apart from the requests it creates (participation.py): its routes call programme.views,
whose forms and rules import the request models, so the page and the models it serves
live in different modules and no import goes round in a circle.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from languages.routes import LocalizedRoutesMixin, localized_path


class ParticipationPage(LocalizedRoutesMixin, RoutablePageMixin, Page):
    """The public "Richiesta di partecipazione" form; its texts are the editors'."""

    introduction = RichTextField(_("introduction"), features=["bold", "italic", "link"],
                                 blank=True)
    privacy_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("privacy notice"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    thank_you_text = RichTextField(_("text after sending"),
                                   features=["bold", "italic", "link"], blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("privacy_page"),
        FieldPanel("thank_you_text"),
    ]
    max_count_per_parent = 1
    subpage_types = []

    class Meta:
        verbose_name = _("participation request page")

    @path("")
    def form(self, request):
        from programme.views import participation_form

        return participation_form(request, self)

    @localized_path({"it": "conferma/", "en": "confirmation/"}, name="confirmation")
    def confirmation(self, request):
        from programme.views import participation_confirmation

        return participation_confirmation(request, self)

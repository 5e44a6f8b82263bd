"""The public page of appointment booking ("Prenotazione appuntamento"), the Designers
Italia model's steps as routes of one page: Luogo, Data e orario, Dettagli appuntamento,
Richiedente, Riepilogo, then the confirmation; and the page a person's signed link opens
to view, move or cancel their booking.

The views live in views.py (the steps) and manage_views.py (the signed link's pages);
imported inside the routes so that the page model and the views' models do not import
each other in a circle.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from languages.routes import LocalizedRoutesMixin, localized_path


class BookingPage(LocalizedRoutesMixin, RoutablePageMixin, Page):
    """"Prenotazione appuntamento": citizens book a service of a venue without an
    account; its texts are the editors'."""

    introduction = RichTextField(_("introduction"), features=["bold", "italic", "link"],
                                 blank=True)
    privacy_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("privacy notice"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("privacy_page"),
    ]
    max_count_per_parent = 1
    subpage_types = []

    class Meta:
        verbose_name = _("appointment booking page")

    @path("")
    def place(self, request):
        from booking.views import choose_place

        return choose_place(request, self)

    @localized_path({"it": "data-e-orario/", "en": "date-and-time/"}, name="date")
    def date(self, request):
        from booking.views import choose_date

        return choose_date(request, self)

    @localized_path({"it": "dettagli/", "en": "details/"}, name="details")
    def details(self, request):
        from booking.views import appointment_details

        return appointment_details(request, self)

    @localized_path({"it": "richiedente/", "en": "applicant/"}, name="applicant")
    def applicant(self, request):
        from booking.views import applicant

        return applicant(request, self)

    @localized_path({"it": "riepilogo/", "en": "summary/"}, name="summary")
    def summary(self, request):
        from booking.views import summary

        return summary(request, self)

    @localized_path({"it": "conferma/<str:token>/", "en": "confirmation/<str:token>/"},
                    name="confirmation")
    def confirmation(self, request, token):
        from booking.views import confirmation

        return confirmation(request, self, token)

    @localized_path({"it": "prenotazione/<str:token>/", "en": "booking/<str:token>/"},
                    name="manage")
    def manage(self, request, token):
        from booking.manage_views import manage

        return manage(request, self, token)

    @localized_path({"it": "prenotazione/<str:token>/sposta/",
                     "en": "booking/<str:token>/move/"}, name="move")
    def move(self, request, token):
        from booking.manage_views import move

        return move(request, self, token)

    @localized_path({"it": "prenotazione/<str:token>/annulla/",
                     "en": "booking/<str:token>/cancel/"}, name="cancel")
    def cancel(self, request, token):
        from booking.manage_views import cancel

        return cancel(request, self, token)

    @localized_path({"it": "prenotazione/<str:token>/appuntamento.ics",
                     "en": "booking/<str:token>/appointment.ics"}, name="ics")
    def ics(self, request, token):
        from booking.manage_views import calendar_file

        return calendar_file(request, self, token)

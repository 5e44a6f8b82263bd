"""The admin's "Prenotazioni" menu: the calendar (the Segreteria's), the bookable services
(a translatable snippet, translated with wagtail-localize like the venues; no moderation
workflow: a service's texts are short and the Segreteria edits them directly), the
opening rules and the closures."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.roles import is_triage_staff

from .admin_views import (
    AffectedBookingsView,
    BookingActionView,
    CalendarView,
    ClosureViewSet,
    DayExportView,
    OpeningRuleViewSet,
)
from .models.bookings import BookableService


class BookableServiceViewSet(SnippetViewSet):
    model = BookableService
    icon = "form"
    menu_label = _("Bookable services")
    add_to_admin_menu = False
    list_display = ["name", "venue", "is_bookable"]


register_snippet(BookableServiceViewSet)


class CalendarMenuItem(MenuItem):
    def is_shown(self, request):
        return is_triage_staff(request.user)


class ServicesMenuItem(MenuItem):
    def is_shown(self, request):
        from wagtail.snippets.permissions import get_permission_name

        return any(request.user.has_perm(get_permission_name(action, BookableService))
                   for action in ("add", "change", "view"))


class BookingMenu(ViewSetGroup):
    menu_label = _("Bookings")
    menu_icon = "date"
    menu_order = 160
    menu_name = "bookings"
    items = (OpeningRuleViewSet, ClosureViewSet)

    def get_submenu_items(self):
        rules_and_closures = super().get_submenu_items()
        for order, item in enumerate(rules_and_closures, start=3):
            item.order = order
        return [
            CalendarMenuItem(_("Calendar"), reverse("booking_calendar"),
                             name="booking-calendar", icon_name="date", order=1),
            ServicesMenuItem(_("Bookable services"),
                             reverse("wagtailsnippets_booking_bookableservice:list"),
                             name="booking-services", icon_name="form", order=2),
            *rules_and_closures,
        ]


@hooks.register("register_admin_viewset")
def register_booking_menu():
    return BookingMenu()


@hooks.register("register_admin_urls")
def register_booking_admin_urls():
    return [
        path("booking/calendar/", CalendarView.as_view(), name="booking_calendar"),
        path("booking/calendar/export/", DayExportView.as_view(), name="booking_day_export"),
        path("booking/affected/", AffectedBookingsView.as_view(), name="booking_affected"),
        path("booking/bookings/<int:pk>/attended/",
             BookingActionView.as_view(action="attended"), name="booking_attended"),
        path("booking/bookings/<int:pk>/no-show/",
             BookingActionView.as_view(action="no_show"), name="booking_no_show"),
        path("booking/bookings/<int:pk>/cancel/",
             BookingActionView.as_view(action="cancel"), name="booking_cancel"),
    ]

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.contrib.forms.utils import get_form_types
from wagtail.models import Page

from accounts.roles import is_triage_staff
from home.contact import original_form_pages

from .adhesion_admin import AdhesionViewSet
from .attendance_admin import AttendanceDatesView, attendance_sheet
from .dashboard import panels_for
from .participation import can_triage
from .seat_admin import GroupSeatsView
from .triage import ParticipationRequestViewSet
from .waiting_list_admin import WaitingListView, accept_offer_view


@hooks.register("register_admin_viewset")
def register_participation_requests():
    return ParticipationRequestViewSet()


@hooks.register("register_admin_viewset")
def register_adhesions():
    return AdhesionViewSet()


@hooks.register("construct_homepage_panels")
def add_segreteria_panels(request, panels):
    panels[:0] = panels_for(request.user)


@hooks.register("register_admin_urls")
def register_group_seats_urls():
    view = GroupSeatsView.as_view()
    return [path("group-seats/", view, name="group_seats"),
            path("group-seats/<int:pk>/status/", view, name="group_seats_status"),
            path("group-seats/<int:pk>/attendance/", AttendanceDatesView.as_view(),
                 name="attendance_dates"),
            path("group-seats/<int:pk>/attendance/<str:day>/", attendance_sheet,
                 name="attendance_sheet"),
            path("group-seats/<int:pk>/waiting-list/", WaitingListView.as_view(),
                 name="group_waiting_list"),
            path("group-seats/offers/<int:pk>/assign/", accept_offer_view,
                 name="seat_offer_assign")]


class GroupSeatsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_triage(request.user)


@hooks.register("register_admin_menu_item")
def register_group_seats_menu_item():
    return GroupSeatsMenuItem(_("Groups and seats"), reverse("group_seats"),
                              name="group-seats", icon_name="group", order=155)


@hooks.register("construct_main_menu")
def count_new_requests_in_menu(request, menu_items):
    """"Richieste (3)" for those who triage: one count query per admin page."""
    import copy

    from django import urls

    from . import participation
    from .triage_alerts import menu_label_with_count, new_requests_count

    if not participation.can_triage(request.user):
        return
    url = urls.reverse("participation_requests:index")
    for index, item in enumerate(menu_items):
        if getattr(item, "url", None) == url:
            counted = copy.copy(item)  # menu items are shared by every request
            counted.label = menu_label_with_count(item.label, new_requests_count())
            menu_items[index] = counted


# Here rather than in home: the rule is the Segreteria's (accounts.roles), and home
# uses neither accounts nor programme.
@hooks.register("filter_form_submissions_for_user")
def only_triage_staff_read_submissions(user, editable_forms):
    """The Segreteria reads every form's messages without editing pages; editing a contact
    page does not mean reading what people wrote to us. A translated page's messages are
    read in its original's list, so only originals are offered."""
    if is_triage_staff(user):
        return original_form_pages(Page.objects.filter(content_type__in=get_form_types()))
    return editable_forms.none()

"""The Segreteria's "Facilitatori"/"Facilitators" screen in the admin menu."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.roles import is_triage_staff

from .admin_views import FacilitatorCreateView, FacilitatorEditView, FacilitatorListView


@hooks.register("register_admin_urls")
def register_facilitator_urls():
    return [path("facilitators/", FacilitatorListView.as_view(), name="facilitators"),
            path("facilitators/new/", FacilitatorCreateView.as_view(),
                 name="facilitator_create"),
            path("facilitators/<int:pk>/", FacilitatorEditView.as_view(),
                 name="facilitator_edit")]


class FacilitatorsMenuItem(MenuItem):
    def is_shown(self, request):
        return is_triage_staff(request.user)


@hooks.register("register_admin_menu_item")
def register_facilitators_menu_item():
    return FacilitatorsMenuItem(_("Facilitators"), reverse("facilitators"),
                                name="facilitators", icon_name="user", order=157)

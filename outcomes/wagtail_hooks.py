"""The outcomes dashboard in Wagtail's admin: its addresses, its menu item ("Risultati",
shown to whoever may read it) and its permission on the groups' screen."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .dashboard import OutcomesView, outcomes_csv
from .permissions import can_view_outcomes, outcomes_permissions


@hooks.register("register_admin_urls")
def register_outcomes_urls():
    return [path("outcomes/", OutcomesView.as_view(), name="outcomes_dashboard"),
            path("outcomes/csv/", outcomes_csv, name="outcomes_csv_all"),
            path("outcomes/csv/<slug:slug>/", outcomes_csv, name="outcomes_csv")]


class OutcomesMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_outcomes(request.user)


@hooks.register("register_admin_menu_item")
def register_outcomes_menu_item():
    return OutcomesMenuItem(_("Outcomes"), reverse("outcomes_dashboard"), name="outcomes",
                            icon_name="table", order=160)


@hooks.register("register_permissions")
def register_outcomes_permission():
    return outcomes_permissions()

"""The privacy app's admin screens, wired into Wagtail's admin."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from privacy.purge_admin import PurgeRunsView, may_see_purges


@hooks.register("register_admin_urls")
def register_purge_runs_url():
    return [path("privacy/purges/", PurgeRunsView.as_view(), name="privacy_purge_runs")]


class PurgeRunsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_purges(request.user)


@hooks.register("register_reports_menu_item")
def register_purge_runs_menu_item():
    return PurgeRunsMenuItem(_("Retention purges"), reverse("privacy_purge_runs"),
                             name="retention-purges", icon_name="bin", order=910)


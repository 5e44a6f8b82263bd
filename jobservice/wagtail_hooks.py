from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from programme.participation import can_triage

from . import admin_views


@hooks.register("register_admin_urls")
def register_jobservice_urls():
    return [
        path("job-service/", admin_views.UploadView.as_view(), name="jobservice_upload"),
        path("job-service/preview/<uuid:token>/", admin_views.PreviewView.as_view(),
             name="jobservice_preview"),
        path("job-service/preview/<uuid:token>/confirm/", admin_views.confirm_view,
             name="jobservice_confirm"),
        path("job-service/preview/<uuid:token>/cancel/", admin_views.cancel_view,
             name="jobservice_cancel"),
        path("job-service/imports/<int:pk>/", admin_views.RunView.as_view(),
             name="jobservice_run"),
        path("job-service/example.<str:kind>", admin_views.example_view,
             name="jobservice_example"),
    ]


class JobServiceMenuItem(MenuItem):
    def is_shown(self, request):
        return can_triage(request.user)


@hooks.register("register_admin_menu_item")
def register_jobservice_menu_item():
    return JobServiceMenuItem(_("Job service database"), reverse("jobservice_upload"),
                              name="job-service", icon_name="upload", order=157)

"""The pages of background exports (exports.views), in Wagtail's admin: only signed-in
staff with access to the admin reach them, in their admin language."""

from django.urls import path
from wagtail import hooks


@hooks.register("register_admin_urls")
def register_export_job_urls():
    from exports.views import ExportJobView, download_view

    return [
        path("exports/<uuid:job_id>/", ExportJobView.as_view(), name="exports_job"),
        path("exports/<uuid:job_id>/download/", download_view, name="exports_download"),
    ]

"""The pages of a background export (exports.background), for the person who asked.

`/admin/exports/<id>/` shows the job: waiting, rows written of the total (the page
refreshes by itself, no JavaScript), the download link once the file is ready, a plain
"failed, try again", or that the file was deleted for privacy. Someone else's job is
404, as any admin address that is not the person's to see; a job the purge has deleted
(or an id that never was one) is 410 Gone with the explanation: exports are deleted
after EXPORT_RETENTION_HOURS, export the list again. A job still waiting after
WAITING_TOO_LONG says the background worker may be stopped (nothing else would tell).
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from exports.background import expire
from exports.models import ExportJob
from exports.spreadsheets import spreadsheet_exported

# Seconds between two refreshes of the progress page.
REFRESH_SECONDS = 3
# A worker takes a queued export within seconds: waiting longer means it is not running.
WAITING_TOO_LONG = datetime.timedelta(minutes=2)
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def own_job(request, job_id):
    """`request`'s user's ExportJob `job_id`, or None when it is gone (purged); Http404
    when it is someone else's."""
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is not None and job.user_id != request.user.pk:
        raise Http404
    return job


def current(job):
    """`job`, its file deleted and marked expired when its time is over or the file
    has gone missing."""
    if job.status == ExportJob.Status.READY and (
            job.is_past_expiry() or not job.has_file()):
        return expire(job)
    return job


@method_decorator(never_cache, name="dispatch")
class ExportJobView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "exports/job.html"
    page_title = pgettext_lazy("export page", "Export")
    header_icon = "download"

    def get(self, request, job_id):
        self.job = own_job(request, job_id)
        if self.job is None:
            self.template_name = "exports/gone.html"
            return self.render_to_response(self.get_context_data(), status=410)
        self.job = current(self.job)
        return super().get(request, job_id)

    def get_page_subtitle(self):
        return self.job.title if getattr(self, "job", None) else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(job=self.job, refresh_seconds=REFRESH_SECONDS,
                       retention_hours=settings.EXPORT_RETENTION_HOURS,
                       waiting_too_long=bool(self.job and self.job.waits_too_long(
                           WAITING_TOO_LONG)))
        return context


@never_cache
def download_view(request, job_id):
    """The file of the person's ready job, recorded in the audit trail as an export
    (exports.spreadsheets.spreadsheet_exported); else back to the job's page."""
    job = own_job(request, job_id)
    if job is None:
        return ExportJobView.as_view()(request, job_id=job_id)
    job = current(job)
    if job.status != ExportJob.Status.READY:
        return redirect(job)
    try:
        file = job.open_file()
    except FileNotFoundError:  # deleted between the check above and now
        return redirect(expire(job))
    response = FileResponse(file, as_attachment=True,
                            filename=job.download_name,
                            content_type=CONTENT_TYPES[job.export_format])
    spreadsheet_exported.send(sender=ExportJob, request=request,
                              model=apps.get_model(job.model_label), rows=job.total_rows,
                              export_format=job.export_format)
    return response

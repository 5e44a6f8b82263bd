"""Exports too large to write within a request, written by the background worker.

The life of one (`ExportJob`): a staff member asks for an export of more than
settings.EXPORT_BACKGROUND_THRESHOLD rows; the list's view counts them and calls
`queue_export`, which records the job, queues `run_export` and sends the person to the
job's page (exports.views: progress, then the download link). The worker's
`run_export` replays the same admin address with the same query string as the same
user, so the list's own view applies the filters, the search and the permissions, and
writes the file to the exports' storage (exports.storage) through `write_job_file`,
recording the rows written after each chunk. The file and its record are deleted
settings.EXPORT_RETENTION_HOURS after it was written (`purge_expired_exports`, run by
the nightly purge; a download asked after that time deletes it at once).

No view needs its own task code: any view using exports.spreadsheets'
SafeSpreadsheetExportMixin gets this.
"""

import datetime
import io
import logging
import tempfile
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files import File
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import resolve
from django.utils import timezone, translation
from django_tasks import task

from exports.models import ExportJob
from exports.storage import export_storage

logger = logging.getLogger(__name__)

Status = ExportJob.Status
# What the replayed view answers once the file is on disk.
WRITTEN = 204


class ExportFailed(Exception):
    """The replayed view did not write the file (its status code in args[0]: the
    staff member lost the permission, the list's address is gone...)."""


def retention():
    """How long a written file is kept (a timedelta, settings.EXPORT_RETENTION_HOURS)."""
    return datetime.timedelta(hours=settings.EXPORT_RETENTION_HOURS)


def queue_export(request, *, model, rows, export_format, title, file_name):
    """Record and queue the export `request` asked for (its path and query string, its
    user, the active language) and answer with a redirect to the job's page.

    `model`: the model class exported (for the audit trail, on download); `rows`: the
    rows counted now; `export_format`: "csv" or "xlsx"; `title`, `file_name`: the sheet's
    and the file's names in the reader's language. The same export asked again while
    its job is waiting or running leads to that job instead of a second one.
    """
    query = request.GET.urlencode()
    waiting = ExportJob.objects.filter(
        user=request.user, path=request.path, query=query, export_format=export_format,
        status__in=[Status.QUEUED, Status.RUNNING]).first()
    if waiting is not None:
        return redirect(waiting)
    now = timezone.now()
    job = ExportJob.objects.create(
        user=request.user, path=request.path, query=query, export_format=export_format,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        model_label=model._meta.label_lower, title=str(title)[:200],
        file_name=str(file_name)[:200], total_rows=rows, created_at=now,
        # Never run (no worker): the record still goes once the period is over.
        expires_at=now + retention())
    run_export.enqueue(str(job.pk))
    return redirect(job)


def record_progress(job, rows_done):
    """Store that `rows_done` rows of `job` are written (one query)."""
    ExportJob.objects.filter(pk=job.pk).update(rows_done=rows_done)


def write_job_file(view, queryset, export_format, job):
    """Write `view`'s export of `queryset` to `job`'s file (through a temporary name, so
    a half-written file is never downloaded) and answer 204. Called by the view itself
    when the worker replays it (SafeSpreadsheetExportMixin.as_spreadsheet)."""
    total = queryset.count() if hasattr(queryset, "count") else len(queryset)
    ExportJob.objects.filter(pk=job.pk).update(total_rows=total, rows_done=0)
    view.export_progress = lambda rows_done: record_progress(job, rows_done)
    # Written to a local temporary file first, then stored whole: a half-written file is
    # never in the storage, and the job turns READY only after this returns.
    with tempfile.TemporaryFile() as out:
        if export_format == view.FORMAT_CSV:
            view.export_language = translation.get_language()
            for chunk in view.stream_csv(queryset):
                out.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))
        else:
            view.write_xlsx(queryset, out)
        out.seek(0)
        storage = export_storage()
        storage.delete(job.stored_name)  # a vanished worker's earlier attempt
        stored = storage.save(job.stored_name, File(out))
    if stored != job.stored_name:  # only if another writer raced this one: keep one file
        storage.delete(stored)
    return HttpResponse(status=WRITTEN)


def _replay_request(job):
    """A GET of `job`'s list address and query string by its user, on the site's own
    host (settings.WAGTAILADMIN_BASE_URL), marked with the job."""
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    secure = base.scheme == "https"
    request = WSGIRequest({
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": job.path,
        "QUERY_STRING": job.query, "SERVER_NAME": base.hostname or "localhost",
        "SERVER_PORT": str(base.port or (443 if secure else 80)),
        "HTTP_HOST": base.netloc or "localhost", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": base.scheme or "http", "wsgi.input": io.BytesIO(b""),
    })
    request.user = job.user
    request.LANGUAGE_CODE = job.language
    request.export_job = job
    return request


def replay(job):
    """Run `job`'s list view as its user asked it; raise ExportFailed unless the file
    was written."""
    request = _replay_request(job)
    match = resolve(job.path)
    request.resolver_match = match
    with translation.override(job.language):
        response = match.func(request, *match.args, **match.kwargs)
    if response.status_code != WRITTEN:
        raise ExportFailed(response.status_code)


@task()
def run_export(job_id):
    """Write the file of ExportJob `job_id` (a str uuid); returns its status. A job no
    longer waiting (purged, already written) is left alone; one left running by a worker
    that vanished is written again from the start."""
    job = (ExportJob.objects.select_related("user")
           .filter(pk=job_id, status__in=[Status.QUEUED, Status.RUNNING]).first())
    if job is None:
        return None
    ExportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING,
                                               started_at=timezone.now(), rows_done=0)
    try:
        replay(job)
    except Exception:
        # The traceback names the code, not the rows; the person sees "failed, try again".
        logger.exception("Export %s (%s) failed", job.pk, job.model_label)
        job.delete_file()
        ExportJob.objects.filter(pk=job.pk).update(status=Status.FAILED,
                                                   finished_at=timezone.now())
        return Status.FAILED.value
    now = timezone.now()
    job.refresh_from_db(fields=["total_rows"])
    ExportJob.objects.filter(pk=job.pk).update(
        status=Status.READY, finished_at=now, expires_at=now + retention(),
        rows_done=job.total_rows)
    return Status.READY.value


def expire(job):
    """Delete `job`'s file now and mark it EXPIRED (its time is over, the purge has not
    run yet); the record goes with the next purge."""
    job.delete_file()
    if job.status != Status.EXPIRED:
        job.status = Status.EXPIRED
        job.save(update_fields=["status"])
    return job


def purge_expired_exports(now=None):
    """Delete every export whose time is over at `now` (aware datetime, default the
    current time): its file and its record, whatever its status; and any file under
    the exports' storage older than the retention with no record (a worker killed while
    writing). Returns {"deleted": records deleted, "anonymised": 0}, as a rule of
    privacy.retention does."""
    now = now or timezone.now()
    old = list(ExportJob.objects.filter(expires_at__lte=now).only("id", "export_format"))
    for job in old:
        job.delete_file()
    deleted = ExportJob.objects.filter(pk__in=[job.pk for job in old]).delete()[0]
    storage = export_storage()
    try:
        _folders, names = storage.listdir("")
    except FileNotFoundError:  # the folder of EXPORTS_ROOT is made by the first export
        names = []
    known = {str(pk) for pk in ExportJob.objects.values_list("pk", flat=True)}
    cutoff = now - retention()
    for name in names:
        if name.split(".", 1)[0] not in known and storage.get_modified_time(name) < cutoff:
            storage.delete(name)
    return {"deleted": deleted, "anonymised": 0}

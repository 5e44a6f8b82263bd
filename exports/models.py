"""A spreadsheet export too large to write within a request (exports.background)."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from exports.storage import export_storage


class ExportJob(models.Model):
    """One staff member's export of one admin list, written by the background worker.

    The list is named by its admin address (`path`) and query string (`query`: filters,
    search, ordering, a selection, `export=csv|xlsx`), so the worker replays the list's
    own view with the staff member's permissions. The row and its file hold personal
    data (a search may be a name): both are deleted once `expires_at` has passed
    (`exports.background.purge_expired_exports`, run by the daily purge).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("export status", "waiting to start")
        RUNNING = "running", pgettext_lazy("export status", "being written")
        READY = "ready", pgettext_lazy("export status", "ready")
        FAILED = "failed", pgettext_lazy("export status", "failed")
        EXPIRED = "expired", pgettext_lazy("export status", "deleted")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    # Not a counter: an address nobody can guess, and one id for the file's name.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("asked by"),
                             on_delete=models.CASCADE, related_name="+")
    path = models.CharField(_("list address"), max_length=500)
    query = models.TextField(_("filters"), blank=True)
    export_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    language = models.CharField(_("language"), max_length=10)
    model_label = models.CharField(_("what is exported"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted after"), db_index=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.title} ({self.get_export_format_display()})"

    def get_absolute_url(self):
        return reverse("exports_job", args=[self.pk])

    @property
    def download_url(self):
        return reverse("exports_download", args=[self.pk])

    @property
    def export_url(self):
        """The export's own address: asked again, it makes a new file."""
        return f"{self.path}?{self.query}" if self.query else self.path

    @property
    def stored_name(self):
        """The file's name in the exports' storage (exports.storage)."""
        return f"{self.pk}.{self.export_format}"

    def has_file(self):
        return export_storage().exists(self.stored_name)

    def open_file(self):
        """The written file, opened for reading (bytes); FileNotFoundError when gone."""
        return export_storage().open(self.stored_name, "rb")

    def delete_file(self):
        """Delete the file, if there is one."""
        export_storage().delete(self.stored_name)

    @property
    def download_name(self):
        return f"{self.file_name}.{self.export_format}"

    @property
    def in_progress(self):
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def percent_done(self):
        """Whole percent of rows written (0–100)."""
        if not self.total_rows:
            return 100 if self.status == self.Status.READY else 0
        return min(100, self.rows_done * 100 // self.total_rows)

    def waits_too_long(self, delay, now=None):
        """Whether the job is still queued `delay` (a timedelta) after it was asked for."""
        return (self.status == self.Status.QUEUED
                and self.created_at + delay <= (now or timezone.now()))

    def is_past_expiry(self, now=None):
        return self.expires_at <= (now or timezone.now())

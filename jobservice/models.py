"""What an import of the job service's database leaves behind: the rows waiting for the
Segreteria's confirmation (`PendingImport`, gone once confirmed or cancelled, purged after
a day) and the record of each import made (`ImportRun`: who, when, which file, counts)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingImport(models.Model):
    """A file read and checked, waiting for confirmation.

    `rows` is a list of dicts, one a row of the file, each {"number": the row's number in
    the file (header = 1), "values": the request's fields as they would be stored (JSON
    types: dates as ISO text, the venue as its pk), "shown": the same as the preview shows
    them, "errors": [[kind, message], …]}. The tax code itself is never in it: only its
    keyed digest (jobservice.tax_codes). Deleted at confirmation or cancellation, and by
    the retention purge a day after upload (jobservice.retention).
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True, db_index=True)
    file_name = models.CharField(_("file name"), max_length=255)
    rows = models.JSONField(_("rows"), default=list)
    # How the file was read, for the preview (e.g. the encoding fallback used).
    notes = models.JSONField(_("reading notes"), default=list)

    class Meta:
        verbose_name = _("import waiting for confirmation")
        verbose_name_plural = _("imports waiting for confirmation")

    def __str__(self):
        return self.file_name


class ImportRun(models.Model):
    """One confirmed import: who, when, which file, and how many rows went where.

    `skipped` is {error kind: number of rows skipped for it} (a row with two errors
    counts under both). `token` is the PendingImport's: a second confirmation of the same
    preview (double click, Back then confirm) finds this row instead of importing again,
    and the unique key settles two confirmations at the same instant."""

    token = models.UUIDField(unique=True, editable=False)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+",
                                    verbose_name=_("imported by"))
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    imported = models.PositiveIntegerField(_("rows imported"), default=0)
    skipped = models.JSONField(_("rows skipped, by reason"), default=dict)
    first_reference = models.CharField(_("first reference"), max_length=20, blank=True)
    last_reference = models.CharField(_("last reference"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("job service import")
        verbose_name_plural = _("job service imports")
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"

    @property
    def skipped_total(self):
        return self.rows_read - self.imported

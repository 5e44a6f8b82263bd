from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """When a worker process last showed it was alive (worker/leases.py): a task it
    claimed is not taken from it while this is fresher than the lease."""

    # django-tasks-db's worker ids are at most 64 characters.
    # Written by the worker only; no form edits it.
    worker_id = models.CharField(_("worker id"), max_length=64, unique=True, editable=False)
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return self.worker_id

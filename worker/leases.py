"""Tasks whose worker vanished are claimed again once its lease has run out.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again:
a worker killed halfway (SIGKILL, out of memory, the machine restarted) leaves the task
RUNNING for ever, and a confirmation mail in it never leaves. Here each worker records a
heartbeat (`beat`, a `WorkerHeartbeat` row per worker id); a RUNNING task whose last
worker has not been seen for longer than the lease (settings.TASK_LEASE_SECONDS) goes
back to READY and runs again (`reclaim_orphaned_tasks`). A task that has already made
MAX_CLAIMS workers vanish is recorded as FAILED (`WorkerVanished`) instead, so that a task
which kills its worker cannot do so for ever.

Running a task again is "at least once": a task must tolerate it. Mail does
(mail/sending.py: an attempt whose successor is already queued does not send again); a
worker that died after sending but before recording it sends the mail twice.

Knows django-tasks-db, none of the site's apps.
"""

import datetime
import logging
from traceback import format_exception

from django.conf import settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from worker.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# A task claimed by this many workers that all vanished is not tried again.
MAX_CLAIMS = 3
# Heartbeats of workers gone this long are deleted: the health screens only need recent ones.
HEARTBEAT_KEPT = datetime.timedelta(days=7)


class WorkerVanished(Exception):
    """The workers that claimed a task stopped (killed, crashed) before recording its end,
    MAX_CLAIMS times: it is not tried again."""


def lease():
    """How long a worker may go unseen before its tasks are taken from it
    (settings.TASK_LEASE_SECONDS, a timedelta)."""
    return datetime.timedelta(seconds=settings.TASK_LEASE_SECONDS)


def heartbeat_interval():
    """Seconds between two heartbeats of a waiting worker: a quarter of the lease, at most
    30 (one small UPDATE each time)."""
    return min(30.0, settings.TASK_LEASE_SECONDS / 4)


# A worker counts as alive (health: "workers.alive", "no-worker") while its last heartbeat
# is younger than this many heartbeat intervals: two beats may be missed (the database
# busy) before it counts as gone. The lease, for reclaiming tasks, is much longer, so
# that a slow task is never taken from a worker that is merely late.
ALIVE_BEATS = 3


def alive_window():
    """How recently a worker must have beaten to count as alive: ALIVE_BEATS ×
    `heartbeat_interval()` (a timedelta; 90 seconds with the default lease)."""
    return datetime.timedelta(seconds=ALIVE_BEATS * heartbeat_interval())


def beat(worker_id, now=None):
    """Record that `worker_id` is alive at `now` (default: the current time)."""
    now = now or timezone.now()
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now):
        WorkerHeartbeat.objects.create(worker_id=worker_id, last_seen=now)


def forget(worker_id):
    """Delete `worker_id`'s heartbeat: the worker stopped cleanly and is no longer alive.
    (A worker killed with SIGKILL cannot; it stops counting as alive after
    `alive_window()`, and its tasks are reclaimed after the lease.)"""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def orphaned_tasks(now=None):
    """RUNNING tasks started more than a lease ago whose last worker has not been seen
    within the lease (no heartbeat at all counts as not seen: a worker without
    heartbeats, such as django-tasks-db's own db_worker). A list of DBTaskResult."""
    cutoff = (now or timezone.now()) - lease()
    alive = set(WorkerHeartbeat.objects.filter(last_seen__gte=cutoff)
                .values_list("worker_id", flat=True))
    candidates = (DBTaskResult.objects.running().filter(started_at__lt=cutoff)
                  .only("id", "started_at", "worker_ids", "task_path"))
    return [task for task in candidates
            if not task.worker_ids or task.worker_ids[-1] not in alive]


def reclaim_orphaned_tasks(now=None):
    """Put the tasks of vanished workers (`orphaned_tasks`) back in the queue, or record
    them as FAILED with `WorkerVanished` after MAX_CLAIMS workers vanished on them; delete
    heartbeats older than HEARTBEAT_KEPT. Returns (ids returned to the queue, ids failed).

    Each change applies only if the task is still the RUNNING one that was found (same
    started_at): two workers reclaiming at once, or a worker claiming it meanwhile,
    change it once."""
    now = now or timezone.now()
    returned, failed = [], []
    for task in orphaned_tasks(now):
        same_claim = DBTaskResult.objects.filter(
            id=task.id, status=TaskResultStatus.RUNNING, started_at=task.started_at)
        last_worker = task.worker_ids[-1] if task.worker_ids else "?"
        if len(task.worker_ids) >= MAX_CLAIMS:
            error = WorkerVanished(
                f"{len(task.worker_ids)} workers stopped while running this task "
                f"(last: {last_worker}); it is not tried again")
            if same_claim.update(
                    status=TaskResultStatus.FAILED, finished_at=now,
                    exception_class_path=f"{__name__}.WorkerVanished",
                    traceback="".join(format_exception(error)), return_value=None):
                failed.append(task.id)
                logger.error("Task %s (%s) given up: %s", task.id, task.task_path, error)
        elif same_claim.update(status=TaskResultStatus.READY, started_at=None):
            returned.append(task.id)
            # The task's path, never its arguments (they may hold addresses).
            logger.warning("Task %s (%s) returned to the queue: worker %s not seen for "
                           "more than %g s", task.id, task.task_path, last_worker,
                           settings.TASK_LEASE_SECONDS)
    WorkerHeartbeat.objects.filter(last_seen__lt=now - HEARTBEAT_KEPT).delete()
    return returned, failed

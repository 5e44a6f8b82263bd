"""How the queue is doing, for an operator: counts and ages, never a task's arguments.

`queue_health()` reads everything in two queries whatever the number of tasks (one
aggregate over the task results, one over the heartbeats). The queue is "degraded" when
no worker has been seen within the lease (`NO_WORKER`) or a task has been due for longer
than two leases (`WAITING_TOO_LONG`); failed mail is counted, not a cause of "degraded"
(a mail server refusing one address is not an outage), and listed for the Segreteria by
`undelivered_mails()`.

Besides django-tasks-db, knows which exception means "mail not delivered" (home.mail).
"""

import dataclasses
import datetime
import re

from django.conf import settings
from django.db.models import Case, Count, F, Max, Min, Q, When
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from home.mail import MailNotDelivered, not_delivered
from worker.models import WorkerHeartbeat

OK, DEGRADED = "ok", "degraded"
NO_WORKER = "no-worker"
WAITING_TOO_LONG = "waiting-too-long"
FAILED_WINDOW = datetime.timedelta(hours=24)
MAIL_NOT_DELIVERED = f"{MailNotDelivered.__module__}.{MailNotDelivered.__qualname__}"
# The references of requests and referrals (programme.participation: MA-2026-00042).
REFERENCE = re.compile(r"\b[A-Z]{2,}-\d{4}-\d{3,}\b")
UNDELIVERED_SHOWN = 50


@dataclasses.dataclass(frozen=True)
class QueueHealth:
    checked_at: datetime.datetime
    ready: int  # waiting, due or scheduled (a later mail attempt)
    due: int  # waiting, and their time has come
    running: int
    failed_last_24h: int
    mail_not_delivered: int  # mails given up after their last attempt, ever
    oldest_due_since: datetime.datetime | None  # since when the longest-waiting task is due
    last_heartbeat: datetime.datetime | None
    workers_alive: int  # seen within the lease
    lease_seconds: float
    max_wait_seconds: float

    @property
    def oldest_due_seconds(self):
        if self.oldest_due_since is None:
            return None
        return max(0, int((self.checked_at - self.oldest_due_since).total_seconds()))

    @property
    def last_heartbeat_seconds(self):
        if self.last_heartbeat is None:
            return None
        return max(0, int((self.checked_at - self.last_heartbeat).total_seconds()))

    @property
    def problems(self):
        found = []
        if not self.workers_alive:
            found.append(NO_WORKER)
        if self.oldest_due_seconds is not None and self.oldest_due_seconds > self.max_wait_seconds:
            found.append(WAITING_TOO_LONG)
        return found

    @property
    def status(self):
        return DEGRADED if self.problems else OK

    def as_json(self):
        """The health endpoint's body: counts, ages in seconds (int, or None when there is
        nothing to measure), status "ok"/"degraded" and its problems."""
        return {
            "status": self.status,
            "problems": self.problems,
            "tasks": {
                "ready": self.ready,
                "due": self.due,
                "running": self.running,
                "failed_last_24h": self.failed_last_24h,
            },
            "mail_not_delivered": self.mail_not_delivered,
            "oldest_due_seconds": self.oldest_due_seconds,
            "workers": {
                "alive": self.workers_alive,
                "last_heartbeat_seconds": self.last_heartbeat_seconds,
            },
            "lease_seconds": int(self.lease_seconds),
            "max_wait_seconds": int(self.max_wait_seconds),
            "checked_at": self.checked_at.isoformat(),
        }


def queue_health(now=None):
    """The queue's figures at `now` (default: the current time), in two queries."""
    now = now or timezone.now()
    lease = settings.TASK_LEASE_SECONDS
    ready = Q(status=TaskResultStatus.READY)
    due = ready & (Q(run_after=get_date_max()) | Q(run_after__lte=now))
    # A task queued without a time has run_after at the end of time: due since queued.
    due_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")),
                     default=F("run_after"))
    tasks = DBTaskResult.objects.aggregate(
        ready=Count("id", filter=ready),
        due=Count("id", filter=due),
        running=Count("id", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("id", filter=Q(status=TaskResultStatus.FAILED,
                                    finished_at__gte=now - FAILED_WINDOW)),
        not_delivered=Count("id", filter=Q(status=TaskResultStatus.FAILED,
                                           exception_class_path=MAIL_NOT_DELIVERED)),
        oldest_due=Min(due_since, filter=due),
    )
    workers = WorkerHeartbeat.objects.aggregate(
        last=Max("last_seen"),
        alive=Count("id", filter=Q(last_seen__gte=now - datetime.timedelta(seconds=lease))),
    )
    return QueueHealth(
        checked_at=now, ready=tasks["ready"], due=tasks["due"], running=tasks["running"],
        failed_last_24h=tasks["failed"], mail_not_delivered=tasks["not_delivered"],
        oldest_due_since=tasks["oldest_due"], last_heartbeat=workers["last"],
        workers_alive=workers["alive"], lease_seconds=lease, max_wait_seconds=2 * lease,
    )


@dataclasses.dataclass(frozen=True)
class UndeliveredMail:
    """A mail given up after its last attempt, as staff may see it: no body, no address."""

    finished_at: datetime.datetime | None
    reference: str  # "" when the subject carries none (adhesion mails)
    subject: str
    attempts: int | None
    error: str  # the server error's class name (ConnectionRefusedError…)
    detail: str  # its message, addresses replaced by "…"


def undelivered_mails(limit=UNDELIVERED_SHOWN):
    """The last `limit` mails given up (MailNotDelivered), newest first, in one query."""
    rows = (DBTaskResult.objects
            .filter(status=TaskResultStatus.FAILED, exception_class_path=MAIL_NOT_DELIVERED)
            .order_by("-finished_at").only("finished_at", "traceback")[:limit])
    mails = []
    for row in rows:
        said = not_delivered(row.traceback) or {}
        subject = said.get("subject", "")
        found = REFERENCE.search(subject)
        mails.append(UndeliveredMail(
            finished_at=row.finished_at, reference=found.group() if found else "",
            subject=subject, attempts=said.get("attempt"), error=said.get("error", ""),
            detail=said.get("detail", ""),
        ))
    return mails

"""How the queue is doing, for an operator: counts and ages, never a task's arguments.

`queue_health()` reads everything in two queries whatever the number of tasks (one
aggregate over the task results, one over the heartbeats). The queue is "degraded" when
no worker has beaten within `leases.alive_window()` (`NO_WORKER`), a task has been due
for longer than two leases (`WAITING_TOO_LONG`), the mail server is failing now
(`MAIL_FAILING`: the latest finished mail attempt failed) or a mail was given up in the
last 24 hours (`MAIL_GIVEN_UP`). One failed attempt among mails that are sent (a server
refusing one address) is counted, not a cause of "degraded". The Segreteria's screen
lists the latest failed attempts (`failed_attempts()`) and the mails given up
(`undelivered_mails()`).

Besides django-tasks-db, knows which exception means "mail not delivered" (mail.sending).
"""

import dataclasses
import datetime
import re

from django.conf import settings
from django.db.models import Case, Count, F, Max, Min, Q, When
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from mail.sending import MailAttemptFailed, MailNotDelivered, attempt_failed, not_delivered
from mail.sending import send_email as send_email_task
from worker.leases import alive_window
from worker.models import WorkerHeartbeat

OK, DEGRADED = "ok", "degraded"
NO_WORKER = "no-worker"
WAITING_TOO_LONG = "waiting-too-long"
MAIL_FAILING = "mail-failing"
MAIL_GIVEN_UP = "mail-given-up"
# Failed attempts counted, mails given up that keep the queue "degraded", and how far back
# a failed attempt still says the server is failing: 24 hours, twice the longest wait
# between two attempts (mail.sending.MAX_RETRY_DELAY), so a long outage with little mail
# stays visible until the next attempt finishes, and nothing stays degraded for ever.
FAILED_WINDOW = datetime.timedelta(hours=24)
MAIL_NOT_DELIVERED = f"{MailNotDelivered.__module__}.{MailNotDelivered.__qualname__}"
MAIL_ATTEMPT_FAILED = f"{MailAttemptFailed.__module__}.{MailAttemptFailed.__qualname__}"
# An attempt not sent again after its worker vanished fails without asking the server.
NOT_SENT_AGAIN = "MailAttemptFailed: Not sent again ("
FAILED_ATTEMPTS_SHOWN = 10
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
    mail_given_up_last_24h: int  # of those, given up within FAILED_WINDOW
    last_mail_sent: datetime.datetime | None  # the latest successful attempt's end
    last_mail_failed: datetime.datetime | None  # the latest failed one's, within the window
    oldest_due_since: datetime.datetime | None  # since when the longest-waiting task is due
    last_heartbeat: datetime.datetime | None
    workers_alive: int  # seen within alive_seconds
    alive_seconds: float
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
    def mail_failing(self):
        """Whether the mail server is failing now: the latest finished attempt to send a
        mail (within FAILED_WINDOW) failed at the server; back to False once one is sent."""
        if self.last_mail_failed is None:
            return False
        return self.last_mail_sent is None or self.last_mail_failed > self.last_mail_sent

    @property
    def problems(self):
        found = []
        if not self.workers_alive:
            found.append(NO_WORKER)
        if self.oldest_due_seconds is not None and self.oldest_due_seconds > self.max_wait_seconds:
            found.append(WAITING_TOO_LONG)
        if self.mail_failing:
            found.append(MAIL_FAILING)
        if self.mail_given_up_last_24h:
            found.append(MAIL_GIVEN_UP)
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
            "mail_given_up_last_24h": self.mail_given_up_last_24h,
            "oldest_due_seconds": self.oldest_due_seconds,
            "workers": {
                "alive": self.workers_alive,
                "last_heartbeat_seconds": self.last_heartbeat_seconds,
                "alive_seconds": int(self.alive_seconds),
            },
            "lease_seconds": int(self.lease_seconds),
            "max_wait_seconds": int(self.max_wait_seconds),
            "checked_at": self.checked_at.isoformat(),
        }


def queue_health(now=None):
    """The queue's figures at `now` (default: the current time), in two queries."""
    now = now or timezone.now()
    lease = settings.TASK_LEASE_SECONDS
    alive = alive_window()
    recent = Q(finished_at__gte=now - FAILED_WINDOW)
    mail = Q(task_path=send_email_task.module_path)
    given_up = Q(status=TaskResultStatus.FAILED, exception_class_path=MAIL_NOT_DELIVERED)
    server_failed = mail & recent & Q(status=TaskResultStatus.FAILED) & (
        given_up | (Q(exception_class_path=MAIL_ATTEMPT_FAILED)
                    & ~Q(traceback__contains=NOT_SENT_AGAIN)))
    ready = Q(status=TaskResultStatus.READY)
    due = ready & (Q(run_after=get_date_max()) | Q(run_after__lte=now))
    # A task queued without a time has run_after at the end of time: due since queued.
    due_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")),
                     default=F("run_after"))
    tasks = DBTaskResult.objects.aggregate(
        ready=Count("id", filter=ready),
        due=Count("id", filter=due),
        running=Count("id", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("id", filter=Q(status=TaskResultStatus.FAILED) & recent),
        not_delivered=Count("id", filter=given_up),
        given_up_recently=Count("id", filter=given_up & recent),
        last_sent=Max("finished_at", filter=mail & Q(status=TaskResultStatus.SUCCESSFUL)),
        last_failed=Max("finished_at", filter=server_failed),
        oldest_due=Min(due_since, filter=due),
    )
    workers = WorkerHeartbeat.objects.aggregate(
        last=Max("last_seen"),
        alive=Count("id", filter=Q(last_seen__gte=now - alive)),
    )
    return QueueHealth(
        checked_at=now, ready=tasks["ready"], due=tasks["due"], running=tasks["running"],
        failed_last_24h=tasks["failed"], mail_not_delivered=tasks["not_delivered"],
        mail_given_up_last_24h=tasks["given_up_recently"], last_mail_sent=tasks["last_sent"],
        last_mail_failed=tasks["last_failed"],
        oldest_due_since=tasks["oldest_due"], last_heartbeat=workers["last"],
        workers_alive=workers["alive"], alive_seconds=alive.total_seconds(),
        lease_seconds=lease, max_wait_seconds=2 * lease,
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


@dataclasses.dataclass(frozen=True)
class FailedAttempt:
    """One failed attempt at a mail whose next attempt is queued, as staff may see it: no
    body, no address."""

    finished_at: datetime.datetime | None
    reference: str  # "" when the subject carries none (adhesion mails)
    attempt: int | None  # n of mail.sending.MAX_ATTEMPTS
    next_attempt: datetime.datetime | None
    error: str  # the server error's class name (TimeoutError…), "" if unknown
    detail: str  # its message, addresses replaced by "…"


def failed_attempts(limit=FAILED_ATTEMPTS_SHOWN, now=None):
    """The last `limit` failed attempts (MailAttemptFailed at the server) of the last
    FAILED_WINDOW, newest first, in one query: why mail is failing before any is given up."""
    now = now or timezone.now()
    rows = (DBTaskResult.objects
            .filter(status=TaskResultStatus.FAILED, exception_class_path=MAIL_ATTEMPT_FAILED,
                    finished_at__gte=now - FAILED_WINDOW)
            .exclude(traceback__contains=NOT_SENT_AGAIN)
            .order_by("-finished_at").only("finished_at", "traceback")[:limit])
    attempts = []
    for row in rows:
        said = attempt_failed(row.traceback) or {}
        found = REFERENCE.search(said.get("subject", ""))
        attempts.append(FailedAttempt(
            finished_at=row.finished_at, reference=found.group() if found else "",
            attempt=said.get("attempt"), next_attempt=said.get("next_attempt"),
            error=said.get("error", ""), detail=said.get("detail", ""),
        ))
    return attempts

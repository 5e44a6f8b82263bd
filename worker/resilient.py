"""A django-tasks-db worker that survives the database going away.

django-tasks-db's `Worker.run` lets any database error other than SQLite's "database is
locked" (while claiming a task) end the process: SQLite busy for longer than its timeout
when the transaction starts, PostgreSQL restarted ("the connection is closed"), or the
database gone while a task's result is recorded. Queued confirmation mails then wait
until a person restarts the worker. Here the same loop runs again after such an error,
on fresh connections, after a back-off that grows while the outage lasts.

It also keeps the lease of worker/leases.py: a heartbeat and a reclaim of vanished
workers' tasks when the loop (re)starts, then, while it runs for ever, a heartbeat every
`heartbeat_interval()` and a reclaim every half lease from a small thread of its own
(the loop itself may be busy with one task for a while).
"""

import atexit
import logging
import threading
import time
from traceback import format_exception

from django.conf import settings
from django.db import Error, InterfaceError, OperationalError, connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from worker.leases import beat, forget, heartbeat_interval, reclaim_orphaned_tasks

logger = logging.getLogger(__name__)

# What a database outage raises; anything else (a missing table, a bug) still stops the
# worker, loudly, rather than loop on it.
OUTAGE_ERRORS = (OperationalError, InterfaceError)
MAX_BACKOFF = 60  # seconds between two tries while the database stays down
BATCH_MAX_OUTAGES = 5  # `--batch` (scripts, CI) gives up after this many in a row


def backoff_seconds(outages):
    """Seconds to wait after the `outages`-th error in a row (1, 2, …): 1, 2, 4… up to
    MAX_BACKOFF."""
    return min(2 ** (outages - 1), MAX_BACKOFF)


def close_database_connections():
    """Drop every connection this process opened: a broken one would fail again."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Error:  # closing a connection the server already dropped
            pass


class Pulse(threading.Thread):
    """Beats for `worker_id` every `heartbeat_interval()` seconds and reclaims vanished
    workers' tasks every half lease, until `stop()`. A database error is logged and
    the next beat tries again; the thread's connection is closed after each pulse."""

    def __init__(self, worker_id):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def stop(self):
        self.stopped.set()

    def run(self):
        last_reclaim = time.monotonic()
        while not self.stopped.wait(heartbeat_interval()):
            try:
                beat(self.worker_id)
                if time.monotonic() - last_reclaim >= settings.TASK_LEASE_SECONDS / 2:
                    last_reclaim = time.monotonic()
                    reclaim_orphaned_tasks()
            except Error as error:
                logger.warning("Worker %s could not record its heartbeat (%s: %s)",
                               self.worker_id, type(error).__name__, error)
            finally:
                close_database_connections()


class ResilientWorker(Worker):
    # The task whose outcome the database could not take, and that outcome: {} (the task
    # never returned), {"successful": value} or {"failed": exception}. See run_task.
    unrecorded = None

    def run(self):
        """django-tasks-db's loop, run again after a database outage (OUTAGE_ERRORS):
        connections closed, a wait of `backoff_seconds`, then the same queue. Returns as
        the loop does (`--batch` done, `--max-tasks` reached); a signal still stops it.
        Each (re)start records a heartbeat and reclaims vanished workers' tasks; a worker
        that runs until stopped keeps beating from a `Pulse` thread. However it stops
        (returned, SIGTERM/SIGINT, which django-tasks-db turns into sys.exit), it deletes
        its heartbeat (`stop_beating`)."""
        pulse = None if self.batch else Pulse(self.worker_id)
        if pulse:
            pulse.start()
        # Under the autoreloader (`make run`: --reload, the default with DEBUG) this loop
        # runs in a daemon thread and a signal ends the process from the main thread,
        # skipping the `finally` below; the exit hook still says goodbye.
        atexit.register(self.stop_beating, pulse)
        try:
            return self._run_through_outages()
        finally:
            atexit.unregister(self.stop_beating)
            self.stop_beating(pulse)

    def stop_beating(self, pulse):
        """Stop the heartbeat thread `pulse` (or None) and delete this worker's heartbeat
        (leases.forget), so that health stops counting a worker that stopped cleanly.
        A database error is logged: the heartbeat then ages out (leases.alive_window)."""
        if pulse:
            pulse.stop()
            pulse.join(timeout=settings.TASK_LEASE_SECONDS / 4)  # a beat under way ends
        try:
            forget(self.worker_id)
        except Error as error:
            logger.warning("Worker %s could not delete its heartbeat (%s: %s)",
                           self.worker_id, type(error).__name__, error)

    def _run_through_outages(self):
        outages = 0
        while True:
            started = time.monotonic()
            try:
                self.record_unrecorded()
                beat(self.worker_id)
                reclaim_orphaned_tasks()
                return super().run()
            except OUTAGE_ERRORS as error:
                if time.monotonic() - started > MAX_BACKOFF:
                    outages = 0  # it had been working: a new outage starts with a short wait
                outages += 1
                if self.batch and outages > BATCH_MAX_OUTAGES:
                    raise
                delay = backoff_seconds(outages)
                logger.warning(
                    "Database unavailable (%s: %s); worker %s tries again in %s s",
                    type(error).__name__, error, self.worker_id, delay,
                )
                close_database_connections()
                self.startup_delay = False
                time.sleep(delay)
                if not self.running:  # stopped by a signal during a task
                    return None

    def run_task(self, db_task_result):
        """django-tasks-db's `run_task`, remembering the task's outcome when the database
        fails while the task runs or while its outcome is recorded (OUTAGE_ERRORS), so
        that `record_unrecorded` records it once the database answers again. Without
        this the row stays RUNNING under a worker that is alive (its lease never lapses)
        until that worker is killed, and the task then runs again: a second mail."""
        outcome = {}
        record_success, record_failure = (db_task_result.set_successful,
                                          db_task_result.set_failed)

        def set_successful(value):
            outcome.setdefault("successful", value)
            record_success(value)

        def set_failed(error):
            outcome.setdefault("failed", error)
            if "successful" in outcome or isinstance(error, OUTAGE_ERRORS):
                # Not a failure of the task: the database failed it or its record.
                # Recording FAILED would lose a mail whose next attempt was never queued.
                raise error
            record_failure(error)

        db_task_result.set_successful, db_task_result.set_failed = set_successful, set_failed
        try:
            super().run_task(db_task_result)
        except OUTAGE_ERRORS:
            self.unrecorded = (db_task_result, outcome)
            raise

    def record_unrecorded(self):
        """Record the outcome of the task an outage interrupted (`run_task`): SUCCESSFUL
        with its value; READY again if the task itself met the outage (it could not do
        its work: a mail whose next attempt could not be queued is tried again); FAILED
        with its own error otherwise. Only if the row is still this worker's claim (a
        reclaim may have given it to another worker meanwhile). Raises OUTAGE_ERRORS
        while the database is still down; the caller backs off and calls again."""
        if self.unrecorded is None:
            return
        task, outcome = self.unrecorded
        same_claim = DBTaskResult.objects.filter(
            id=task.id, status=TaskResultStatus.RUNNING, started_at=task.started_at)
        now = timezone.now()
        if "successful" in outcome:
            changed = same_claim.update(
                status=TaskResultStatus.SUCCESSFUL, finished_at=now,
                return_value=outcome["successful"], exception_class_path="", traceback="")
        elif "failed" in outcome and not isinstance(outcome["failed"], OUTAGE_ERRORS):
            error = outcome["failed"]
            changed = same_claim.update(
                status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
                exception_class_path=f"{type(error).__module__}.{type(error).__qualname__}",
                traceback="".join(format_exception(error)))
        else:
            changed = same_claim.update(status=TaskResultStatus.READY, started_at=None)
        if changed:
            logger.warning("Task %s (%s): outcome recorded after the database came back",
                           task.id, task.task_path)
        self.unrecorded = None

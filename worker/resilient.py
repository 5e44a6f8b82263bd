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

import logging
import threading
import time

from django.conf import settings
from django.db import Error, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker

from worker.leases import beat, heartbeat_interval, reclaim_orphaned_tasks

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
    def run(self):
        """django-tasks-db's loop, run again after a database outage (OUTAGE_ERRORS):
        connections closed, a wait of `backoff_seconds`, then the same queue. Returns as
        the loop does (`--batch` done, `--max-tasks` reached); a signal still stops it.
        Each (re)start records a heartbeat and reclaims vanished workers' tasks; a worker
        that runs until stopped keeps beating from a `Pulse` thread."""
        pulse = None if self.batch else Pulse(self.worker_id)
        if pulse:
            pulse.start()
        try:
            return self._run_through_outages()
        finally:
            if pulse:
                pulse.stop()

    def _run_through_outages(self):
        outages = 0
        while True:
            started = time.monotonic()
            try:
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

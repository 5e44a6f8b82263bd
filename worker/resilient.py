"""A django-tasks-db worker that survives the database going away.

django-tasks-db's `Worker.run` lets any database error other than SQLite's "database is
locked" (while claiming a task) end the process: SQLite busy for longer than its timeout
when the transaction starts, PostgreSQL restarted ("the connection is closed"), or the
database gone while a task's result is recorded. Queued confirmation mails then wait
until a person restarts the worker. Here the same loop runs again after such an error,
on fresh connections, after a back-off that grows while the outage lasts.
"""

import logging
import time

from django.db import Error, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker

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


class ResilientWorker(Worker):
    def run(self):
        """django-tasks-db's loop, run again after a database outage (OUTAGE_ERRORS):
        connections closed, a wait of `backoff_seconds`, then the same queue. Returns as
        the loop does (`--batch` done, `--max-tasks` reached); a signal still stops it."""
        outages = 0
        while True:
            started = time.monotonic()
            try:
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

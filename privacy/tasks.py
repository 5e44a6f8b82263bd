"""The daily retention purge as a task of the queue: it runs by itself every night.

`daily_purge` runs privacy.retention.purge() and queues its own next run for the next
PURGE_TIME in Milan. `ensure_daily_purge_queued()` queues it when no run is waiting or
running: the privacy app calls it after every `migrate` (so `make run` and a production
deploy get the daily purge with no extra step), and the task calls it before it ends.
A run is queued only on a backend that can wait until a time (django-tasks-db); on the
tests' immediate backend nothing is queued.
"""

import datetime
import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from privacy.retention import purge

logger = logging.getLogger(__name__)

# Milan time of the daily run: the quietest hour of the site and its office.
PURGE_TIME = datetime.time(3, 30)


def next_purge_time(now=None):
    """The first PURGE_TIME in Milan after `now` (aware datetime, default the current
    time), as an aware datetime; right across daylight-saving changes."""
    now = now or timezone.now()
    zone = timezone.get_default_timezone()  # settings.TIME_ZONE: Europe/Rome
    local = timezone.localtime(now, zone)
    day = local.date()
    when = datetime.datetime.combine(day, PURGE_TIME, tzinfo=zone)
    if when <= local:
        when = datetime.datetime.combine(day + datetime.timedelta(days=1), PURGE_TIME,
                                         tzinfo=zone)
    return when


@task(takes_context=True)
def daily_purge(context):
    """Run the retention purge, then queue the next run. Returns the PurgeRun's counts.
    When the purge raises, the next run is queued all the same and the error logged (its
    kind only: a message could quote a row) before it is raised again, so the task is
    FAILED for the worker and tomorrow's run still comes."""
    try:
        run = purge()
    except Exception as error:
        logger.error("Retention purge failed: %s", type(error).__name__)
        raise
    finally:
        ensure_daily_purge_queued(besides=context.task_result.id)
    return run.counts


def ensure_daily_purge_queued(besides=None, now=None):
    """Queue `daily_purge` for next_purge_time(now) unless a run other than task id
    `besides` is waiting or running. Returns the queued task result, or None when one was
    there already or the backend cannot wait until a time (not django-tasks-db)."""
    backend = daily_purge.get_backend()
    if not (isinstance(backend, DatabaseBackend) and backend.supports_defer):
        return None
    waiting = DBTaskResult.objects.filter(
        task_path=daily_purge.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    if besides is not None:
        waiting = waiting.exclude(pk=besides)
    if waiting.exists():
        return None
    when = next_purge_time(now)
    logger.info("Retention purge queued for %s", when.isoformat())
    return daily_purge.using(run_after=when).enqueue()


def queue_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate receiver (privacy.apps): the daily purge queued once the default
    database, where the queue lives, is migrated."""
    if using != DEFAULT_DB_ALIAS:
        return
    try:
        ensure_daily_purge_queued()
    except DatabaseError as error:
        # The queue's table unmigrated (`migrate django_tasks_db zero`): the next full
        # migrate queues it.
        logger.warning("Retention purge not queued: %s", type(error).__name__)

"""Tasks whose worker vanished are claimed again after the lease (issue 12).

The issue's reproduction: a silent SMTP server, an intake, `kill -9` on the worker, the
server back, the worker restarted: the task stayed RUNNING for ever and the confirmation
never left. Here the killed worker is a RUNNING row claimed by a worker id whose
heartbeat is older than the lease (or missing); a batch run of the restarted worker
sends it. A worker whose heartbeat is fresh keeps its task; an attempt whose successor
is already queued is not sent again.
"""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mail.sending import send_email
from worker.leases import MAX_CLAIMS, beat, reclaim_orphaned_tasks
from worker.models import WorkerHeartbeat
from worker.resilient import Pulse

ROOT = Path(__file__).resolve().parent.parent
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LEASE = 300


@pytest.fixture(autouse=True)
def _database_queue(settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    settings.TASK_LEASE_SECONDS = LEASE
    # The worker closes "old" connections between tasks; inside a test's transaction that
    # would close the test's own connection (PostgreSQL).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def restart_worker():
    call_command("run_worker", batch=True, startup_delay=False, reload=False, verbosity=0,
                 worker_id="restarted")


def ago(seconds):
    return timezone.now() - datetime.timedelta(seconds=seconds)


def left_running(result, worker_ids=("killed",), started=LEASE + 60):
    """The row as a worker killed while running it leaves it."""
    DBTaskResult.objects.filter(id=result.id).update(
        status="RUNNING", started_at=ago(started), worker_ids=list(worker_ids))
    return DBTaskResult.objects.get(id=result.id)


def queue_confirmation():
    return send_email.enqueue(["giulia.rossi@example.org"],
                              "Abbiamo ricevuto la tua richiesta MA-2026-00042", "Testo")


@pytest.mark.django_db
def test_a_task_of_a_vanished_worker_is_sent_after_the_lease():
    task = left_running(queue_confirmation())
    WorkerHeartbeat.objects.create(worker_id="killed", last_seen=ago(LEASE + 30))

    restart_worker()

    assert [message.subject for message in mail.outbox] == [
        "Abbiamo ricevuto la tua richiesta MA-2026-00042"]
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.worker_ids == ["killed", "restarted"]


@pytest.mark.django_db
def test_a_worker_that_never_beat_loses_its_task_after_the_lease():
    # django-tasks-db's own db_worker records no heartbeat.
    task = left_running(queue_confirmation(), worker_ids=["db-worker"])

    restart_worker()

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_task_whose_worker_is_alive_is_left_to_it():
    # A long task: started before the lease, but its worker was seen a moment ago.
    task = left_running(queue_confirmation(), worker_ids=["busy"])
    beat("busy")

    restart_worker()

    task.refresh_from_db()
    assert task.status == "RUNNING" and task.worker_ids == ["busy"]
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_task_started_within_the_lease_is_left_to_its_worker():
    task = left_running(queue_confirmation(), worker_ids=["new"], started=LEASE - 60)

    restart_worker()

    task.refresh_from_db()
    assert task.status == "RUNNING" and mail.outbox == []


@pytest.mark.django_db
def test_the_lease_is_the_setting(settings):
    settings.TASK_LEASE_SECONDS = 3600
    task = left_running(queue_confirmation())  # 6 minutes ago: within an hour's lease

    assert reclaim_orphaned_tasks() == ([], [])
    task.refresh_from_db()
    assert task.status == "RUNNING"


# --- No second chain of attempts ---------------------------------------------------------


@pytest.mark.django_db
def test_an_attempt_whose_next_attempt_is_queued_is_not_sent_again():
    # The worker was killed between queueing attempt 2 and recording attempt 1's failure.
    first = left_running(queue_confirmation())
    second = send_email.using(run_after=timezone.now() + datetime.timedelta(minutes=2)).enqueue(
        ["giulia.rossi@example.org"], "Abbiamo ricevuto la tua richiesta MA-2026-00042",
        "Testo", 2, chain=str(first.id))

    restart_worker()

    first.refresh_from_db()
    assert first.status == "FAILED"
    assert first.exception_class_path == "mail.sending.MailAttemptFailed"
    assert "attempt 2" in first.traceback
    assert mail.outbox == []
    # One chain: attempt 2 alone waits; when its time comes, one mail leaves.
    assert list(DBTaskResult.objects.filter(status="READY").values_list("id", flat=True)) == [
        second.db_result.id]
    DBTaskResult.objects.filter(id=second.db_result.id).update(run_after=timezone.now())
    restart_worker()
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.filter(args_kwargs__args__3=3).count() == 0


@pytest.mark.django_db
def test_a_reclaimed_attempt_with_no_successor_is_sent():
    # The same chain's key, but the next attempt was never queued: the send is retried.
    first = left_running(queue_confirmation())
    send_email.enqueue(["mario@example.org"], "Altro oggetto", "Testo", 2, chain="another")

    restart_worker()

    first.refresh_from_db()
    assert first.status == "SUCCESSFUL"
    assert mail.outbox[0].subject == "Abbiamo ricevuto la tua richiesta MA-2026-00042"


@pytest.mark.django_db
def test_a_task_that_made_its_workers_vanish_is_given_up():
    task = left_running(queue_confirmation(),
                        worker_ids=[f"killed-{n}" for n in range(MAX_CLAIMS)])

    returned, failed = reclaim_orphaned_tasks()

    assert (returned, failed) == ([], [task.id])
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == "worker.leases.WorkerVanished"
    assert "giulia.rossi" not in task.traceback


@pytest.mark.django_db
def test_a_task_claimed_again_meanwhile_is_not_reclaimed_twice(monkeypatch):
    import worker.leases

    task = left_running(queue_confirmation())
    found = worker.leases.orphaned_tasks()
    # Another worker reclaimed and claimed it between our look and our change.
    DBTaskResult.objects.filter(id=task.id).update(started_at=timezone.now(),
                                                   worker_ids=["killed", "other"])
    monkeypatch.setattr(worker.leases, "orphaned_tasks", lambda now=None: found)

    assert reclaim_orphaned_tasks() == ([], [])
    task.refresh_from_db()
    assert task.status == "RUNNING" and task.worker_ids == ["killed", "other"]


@pytest.mark.django_db
def test_old_heartbeats_are_forgotten():
    WorkerHeartbeat.objects.create(worker_id="last-month", last_seen=ago(30 * 86400))
    beat("today")

    reclaim_orphaned_tasks()

    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["today"]


# --- The heartbeat of a worker that runs until stopped -----------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_waiting_worker_keeps_beating(monkeypatch):
    monkeypatch.setattr("worker.resilient.heartbeat_interval", lambda: 0.01)
    pulse = Pulse("forever")
    pulse.start()
    try:
        deadline = time.monotonic() + 20
        seen = set()
        while len(seen) < 2 and time.monotonic() < deadline:
            seen.update(WorkerHeartbeat.objects.filter(worker_id="forever")
                        .values_list("last_seen", flat=True))
            time.sleep(0.02)
    finally:
        pulse.stop()
        pulse.join(timeout=20)
    assert len(seen) >= 2  # beat, then beat again: not once at start only
    assert not pulse.is_alive()


# --- The setting ----------------------------------------------------------------------


def lease_setting(value, email_timeout=None):
    env = {key: val for key, val in os.environ.items()
           if key not in ("TASK_LEASE_SECONDS", "EMAIL_TIMEOUT")}
    env["DJANGO_SETTINGS_MODULE"] = "website.settings.test"
    if value is not None:
        env["TASK_LEASE_SECONDS"] = value
    if email_timeout is not None:
        env["EMAIL_TIMEOUT"] = email_timeout
    child = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; "
         "print(settings.TASK_LEASE_SECONDS)"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    return child.returncode, child.stdout.strip(), child.stderr


def test_the_lease_comes_from_the_environment_with_a_safe_default():
    assert lease_setting(None)[:2] == (0, "300.0")
    assert lease_setting("600")[:2] == (0, "600.0")


@pytest.mark.parametrize("value,email_timeout", [
    ("0", None), ("-5", None), ("nan", None), ("inf", None), ("5 minuti", None),
    ("300", "60"),  # shorter than a slow mail server may take
])
def test_a_lease_that_is_not_a_number_or_too_short_is_refused(value, email_timeout):
    status, _, errors = lease_setting(value, email_timeout)
    assert status != 0
    assert "TASK_LEASE_SECONDS must be a number of seconds" in errors

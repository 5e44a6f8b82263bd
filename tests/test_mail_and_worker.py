"""Mail is never lost silently: a silent server costs at most EMAIL_TIMEOUT, each failed
attempt is recorded as a failure with its reason, and the last one is identifiable."""

import datetime
import logging
import socket
import threading
import time

import pytest
from django.conf import settings as project_settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mail.sending import MAX_ATTEMPTS, retry_delay, send_email

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket closes


@pytest.fixture
def silent_smtp_server():
    """(host, port) of a server that accepts connections and never says a word."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


@pytest.fixture(autouse=True)
def _worker_keeps_the_test_connection(monkeypatch):
    # The worker closes "old" database connections between tasks; inside a test's
    # transaction that would close the test's own connection (PostgreSQL).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def smtp_at(settings, host, port, timeout=2):
    settings.TASKS = DATABASE_TASKS
    # Django's test runner forces the in-memory backend; a real outage needs SMTP.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = host, port, timeout


# --- 1. A mail server that accepts and never answers ------------------------------------


def test_the_site_waits_a_bounded_time_for_the_mail_server():
    # Django's default (None) waits for a silent server for ever; the test settings keep
    # the project's value.
    timeout = project_settings.EMAIL_TIMEOUT
    assert timeout is not None
    assert 0 < timeout <= 60


def test_a_silent_mail_server_costs_at_most_the_timeout(settings, silent_smtp_server):
    smtp_at(settings, *silent_smtp_server, timeout=1)
    send_email.enqueue(["giulia.rossi@example.org"], "Richiesta MA-2026-00001", "Testo")

    started = time.monotonic()
    run_worker()
    waited = time.monotonic() - started

    assert waited < 15  # 1 s of timeout, generously bounded: never minutes
    attempt = DBTaskResult.objects.get(status="FAILED")
    assert "timed out" in attempt.traceback
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # tried again later


# --- 2. A failed attempt is a failure, with its reason; the last one says so -------------


def test_a_failed_attempt_is_recorded_as_failed_with_its_reason(settings):
    smtp_at(settings, "127.0.0.1", closed_port())
    send_email.enqueue(["giulia.rossi@example.org"], "Abbiamo ricevuto la tua richiesta "
                       "MA-2026-00042", "Il corpo del messaggio, con dati personali")

    run_worker()

    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.return_value is None
    assert failed.exception_class_path == "mail.sending.MailAttemptFailed"
    assert "ConnectionRefusedError" in failed.traceback  # the reason
    assert f"attempt 1 of {MAX_ATTEMPTS}" in failed.traceback
    assert "MA-2026-00042" in failed.traceback  # which mail
    assert "Il corpo del messaggio" not in failed.traceback
    retry = DBTaskResult.objects.get(status="READY")  # the next attempt, later
    assert retry.args_kwargs["args"][0] == ["giulia.rossi@example.org"]
    # The next attempt names the first (its chain): a reclaimed attempt finds it.
    assert retry.args_kwargs["kwargs"] == {"chain": str(failed.id)}
    assert retry.args_kwargs["args"][3] == 2
    assert retry.run_after > timezone.now()
    assert not DBTaskResult.objects.filter(status="SUCCESSFUL").exists()


def test_attempts_go_on_for_two_days():
    # A mail server down from Friday night is back on Monday: no mail is given up before.
    span = sum((retry_delay(attempt) for attempt in range(1, MAX_ATTEMPTS)), datetime.timedelta())
    assert span >= datetime.timedelta(days=2)
    assert span <= datetime.timedelta(days=3)  # a mail days late is no use either


def test_the_last_attempt_fails_loudly_and_is_not_retried(settings, caplog):
    smtp_at(settings, "127.0.0.1", closed_port())
    send_email.enqueue(["giulia.rossi@example.org"], "Abbiamo ricevuto la tua richiesta "
                       "MA-2026-00042", "Il corpo del messaggio", MAX_ATTEMPTS)

    with caplog.at_level(logging.ERROR, logger="mail.sending"):
        run_worker()

    final = DBTaskResult.objects.get()
    assert final.status == "FAILED"
    assert final.exception_class_path == "mail.sending.MailNotDelivered"
    assert "no further attempt" in final.traceback
    assert "MA-2026-00042" in final.traceback
    assert final.args_kwargs["args"][0] == ["giulia.rossi@example.org"]  # whom to call
    logged = [record.getMessage() for record in caplog.records if record.name == "mail.sending"]
    assert any("MA-2026-00042" in line and "no further attempt" in line for line in logged)
    assert not any("giulia.rossi" in line or "corpo" in line for line in logged)


def test_each_attempt_is_a_row_until_the_mail_goes_out(settings):
    from django.core import mail

    smtp_at(settings, "127.0.0.1", closed_port())
    send_email.enqueue(["giulia.rossi@example.org"], "Oggetto MA-2026-00007", "Testo")
    run_worker()
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # server back
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()

    statuses = list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True))
    assert statuses == ["FAILED", "FAILED", "SUCCESSFUL"]
    assert DBTaskResult.objects.get(status="SUCCESSFUL").return_value == "sent"
    assert [message.subject for message in mail.outbox] == ["Oggetto MA-2026-00007"]


# --- 4. The worker keeps running through database outages -------------------------------


class OutageOnce:
    """Stands in for `target` (a callable): raises `error` on the first `times` calls,
    then calls the real one."""

    def __init__(self, target, error, times=1):
        self.target, self.error, self.left = target, error, times

    def __call__(self, *args, **kwargs):
        if self.left:
            self.left -= 1
            raise self.error
        return self.target(*args, **kwargs)


def outage_where(monkeypatch, where, error, times=1):
    from django_tasks_db.management.commands import db_worker

    if where == "transaction start":  # SQLite busy past its timeout, PostgreSQL down
        monkeypatch.setattr(db_worker, "exclusive_transaction",
                            OutageOnce(db_worker.exclusive_transaction, error, times))
    else:  # the connection dropped while the task was being claimed
        real_claim = DBTaskResult.claim
        failing = OutageOnce(real_claim, error, times)
        monkeypatch.setattr(DBTaskResult, "claim", lambda self, *a: failing(self, *a))


@pytest.fixture
def waits(monkeypatch, settings):
    """The worker's back-off waits (not slept) and its connection resets (not done: the
    test's transaction lives on the connection), on the database queue."""
    settings.TASKS = DATABASE_TASKS
    record = {"sleeps": [], "closes": 0}
    monkeypatch.setattr("worker.resilient.time.sleep", record["sleeps"].append)

    def close():
        record["closes"] += 1

    monkeypatch.setattr("worker.resilient.close_database_connections", close)
    return record


OUTAGES = {
    "sqlite-locked": ("transaction start", "OperationalError", "database is locked"),
    "postgresql-closed": ("transaction start", "InterfaceError", "connection already closed"),
    "dropped-while-claiming": ("claim", "OperationalError", "the connection is closed"),
}


def outage_error(kind, message):
    from django.db import utils

    return getattr(utils, kind)(message)


@pytest.mark.parametrize("where,kind,message", OUTAGES.values(), ids=OUTAGES.keys())
def test_the_worker_carries_on_after_a_database_outage(monkeypatch, waits, where, kind,
                                                        message):
    from django.core import mail

    send_email.enqueue(["giulia.rossi@example.org"], "Oggetto MA-2026-00009", "Testo")
    outage_where(monkeypatch, where, outage_error(kind, message))

    call_command("run_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert [message.subject for message in mail.outbox] == ["Oggetto MA-2026-00009"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert waits == {"sleeps": [1], "closes": 1}  # fresh connections after a pause


@pytest.mark.parametrize("where,kind,message", OUTAGES.values(), ids=OUTAGES.keys())
def test_django_tasks_db_own_worker_still_stops_on_a_database_outage(monkeypatch, settings,
                                                                     where, kind, message):
    # Why run_worker exists: when this fails after an upgrade, db_worker survives outages
    # by itself and worker/resilient.py can go.
    from django.db import utils

    settings.TASKS = DATABASE_TASKS
    send_email.enqueue(["giulia.rossi@example.org"], "Oggetto", "Testo")
    outage_where(monkeypatch, where, outage_error(kind, message))
    with pytest.raises((utils.OperationalError, utils.InterfaceError)):
        run_worker()


def test_a_long_outage_waits_longer_each_time_and_a_batch_run_gives_up(monkeypatch, waits):
    from django.db import utils

    from worker.resilient import BATCH_MAX_OUTAGES, MAX_BACKOFF, backoff_seconds

    outage_where(monkeypatch, "transaction start", utils.OperationalError("database is locked"),
                 times=1000)
    with pytest.raises(utils.OperationalError):
        call_command("run_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert waits["sleeps"] == [1, 2, 4, 8, 16][:BATCH_MAX_OUTAGES]
    assert backoff_seconds(100) == MAX_BACKOFF  # a forever worker tries at least every minute


def test_make_run_starts_the_worker_that_survives_outages(monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "run_site", project_settings.BASE_DIR / "scripts" / "run_site.py")
    run_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_site)
    started = []
    monkeypatch.setattr(run_site, "run_together",
                        lambda commands, **options: started.extend(commands))

    run_site.main(["run_site.py", "8001"])

    worker_command = next(command for command in started if "runserver" not in command)
    assert "run_worker" in worker_command


class FailsFirstRecord:
    """DBTaskResult.save that raises `error` for the first six saves of a task's outcome:
    the database went away just after the task ran, for longer than django-tasks-db's own
    three tries of set_successful and then of set_failed."""

    def __init__(self, error, times=6):
        self.error, self.left = error, times
        self.real_save = DBTaskResult.save

    def __call__(self, row, *args, **kwargs):
        if self.left and "finished_at" in (kwargs.get("update_fields") or ()):
            self.left -= 1
            raise self.error
        return self.real_save(row, *args, **kwargs)


@pytest.mark.parametrize("kind", ["OperationalError", "InterfaceError"])
def test_a_mail_sent_while_the_database_went_away_is_recorded_and_not_sent_again(
        monkeypatch, waits, kind):
    """The mail left, then the database refused its SUCCESSFUL record: once the database
    answers, the row is SUCCESSFUL (it stayed RUNNING under a live worker, and went out
    a second time when that worker was later killed and its lease lapsed)."""
    from django.core import mail

    send_email.enqueue(["giulia.rossi@example.org"], "Oggetto MA-2026-00010", "Testo")
    failing = FailsFirstRecord(outage_error(kind, "the connection is closed"))
    monkeypatch.setattr(DBTaskResult, "save", lambda row, *a, **kw: failing(row, *a, **kw))

    call_command("run_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    row = DBTaskResult.objects.get()
    assert row.status == "SUCCESSFUL" and row.return_value == "sent"
    assert len(row.worker_ids) == 1
    assert [message.subject for message in mail.outbox] == ["Oggetto MA-2026-00010"]
    assert waits["sleeps"][-1] == 1  # the worker's own back-off, after django-tasks-db's


def test_a_task_that_met_the_outage_itself_runs_again(monkeypatch, waits):
    """The mail server refused and the next attempt could not be queued (database gone):
    the attempt is not recorded FAILED with nobody to try again, it runs again."""
    from django.core import mail
    from django.db import utils

    send_email.enqueue(["giulia.rossi@example.org"], "Oggetto MA-2026-00011", "Testo")
    real_send, real_using = mail.EmailMessage.send, type(send_email).using
    calls = []

    def using_while_the_database_is_gone(task, **options):
        if options.get("run_after") and len(calls) == 1 and "gone" not in calls:
            calls.append("gone")  # queueing the next attempt, once
            raise utils.OperationalError("server closed the connection unexpectedly")
        return real_using(task, **options)

    def send_once_refused(message, *args, **kwargs):
        calls.append(message.subject)
        if not calls[1:]:
            raise OSError("connection refused")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(type(send_email), "using", using_while_the_database_is_gone)
    monkeypatch.setattr(mail.EmailMessage, "send", send_once_refused)
    call_command("run_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert calls == ["Oggetto MA-2026-00011", "gone", "Oggetto MA-2026-00011"]
    assert [message.subject for message in mail.outbox] == ["Oggetto MA-2026-00011"]
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"]

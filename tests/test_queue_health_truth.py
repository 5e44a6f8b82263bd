"""Queue health tells the truth during a mail outage (issue 12's review).

A mail server that accepts and never answers left /health/ "ok" and the admin's screen
saying all was well; a mail given up did too; staff could not see why attempts failed
until a mail was given up two days later; and `workers.alive` counted stopped workers
until their lease ran out.
"""

import datetime
import json
import os
import signal
import smtplib
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.users.models import UserProfile

from mail.sending import MAX_ATTEMPTS, attempt_failed, send_email
from tests.partner_helpers import make_user
from worker.leases import alive_window, beat, heartbeat_interval
from worker.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
ADDRESS = "giulia.rossi@example.org"
BODY = "Gentile Giulia, abbiamo ricevuto la tua richiesta di partecipazione"
SUBJECT = "Abbiamo ricevuto la tua richiesta MA-2026-00042"
PERSONAL = [ADDRESS, "giulia.rossi", "Gentile Giulia", BODY]


@pytest.fixture(autouse=True)
def _database_queue(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_LEASE_SECONDS = 300
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


class SilentBackend:
    """A server that accepts the connection and never answers (EMAIL_TIMEOUT runs out)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise TimeoutError("timed out")


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused(
            {address: (550, f"5.1.1 <{address}> unknown".encode())
             for message in messages for address in message.to})


def run_worker():
    call_command("run_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def send(settings, backend, to=ADDRESS, subject=SUBJECT, attempt=1):
    """Queue a mail and let the worker try it once with `backend`."""
    settings.EMAIL_BACKEND = backend
    result = send_email.enqueue([to], subject, BODY, attempt).db_result
    run_worker()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result.refresh_from_db()
    return result


SILENT = "tests.test_queue_health_truth.SilentBackend"
REFUSING = "tests.test_queue_health_truth.RefusingBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def health():
    response = Client().get("/health/")
    return response, json.loads(response.content)


# --- mail-failing -----------------------------------------------------------------------


def test_a_silent_mail_server_makes_the_queue_degraded_until_a_mail_is_sent(settings):
    beat("worker-1")
    send(settings, LOCMEM)  # the server worked earlier
    first = send(settings, SILENT)
    assert first.status == "FAILED" and first.exception_class_path.endswith("MailAttemptFailed")

    response, body = health()

    assert response.status_code == 503
    assert body["status"] == "degraded" and body["problems"] == ["mail-failing"]
    # The server answers again: the next mail (or the next attempt) goes out.
    send(settings, LOCMEM, to="altra.persona@example.org")
    response, body = health()
    assert response.status_code == 200 and body["problems"] == []


def test_one_refused_address_among_mails_that_are_sent_is_not_an_outage(settings):
    beat("worker-1")
    send(settings, REFUSING)
    send(settings, LOCMEM, to="altra.persona@example.org")

    response, body = health()

    assert response.status_code == 200 and body["tasks"]["failed_last_24h"] == 1


def test_an_attempt_not_sent_again_after_a_vanished_worker_is_not_a_server_failure(settings):
    beat("worker-1")
    send(settings, LOCMEM)
    row = send_email.enqueue([ADDRESS], SUBJECT, BODY).db_result
    DBTaskResult.objects.filter(id=row.id).update(
        status="FAILED", finished_at=timezone.now(),
        exception_class_path="mail.sending.MailAttemptFailed",
        traceback="mail.sending.MailAttemptFailed: Not sent again (attempt 1 of 13, subject "
                  f"«{SUBJECT}»): its worker stopped after queueing attempt 2, which carries on")

    assert health()[1]["problems"] == []


def test_a_failure_older_than_the_window_no_longer_counts(settings):
    beat("worker-1")
    failed = send(settings, SILENT)
    DBTaskResult.objects.filter(id=failed.id).update(
        finished_at=timezone.now() - datetime.timedelta(hours=25))
    # Its next attempt has not finished: nothing says the server still fails.
    DBTaskResult.objects.filter(status="READY").delete()

    assert health()[1]["problems"] == []


# --- mail-given-up ----------------------------------------------------------------------


def test_a_mail_given_up_makes_the_queue_degraded_for_24_hours(settings):
    beat("worker-1")
    given_up = send(settings, REFUSING, attempt=MAX_ATTEMPTS)
    assert given_up.exception_class_path.endswith("MailNotDelivered")
    send(settings, LOCMEM, to="altra.persona@example.org")  # others are sent

    response, body = health()

    assert response.status_code == 503 and body["problems"] == ["mail-given-up"]
    assert body["mail_given_up_last_24h"] == 1 and body["mail_not_delivered"] == 1
    DBTaskResult.objects.filter(id=given_up.id).update(
        finished_at=timezone.now() - datetime.timedelta(hours=25))
    response, body = health()
    assert response.status_code == 200 and body["mail_given_up_last_24h"] == 0
    assert body["mail_not_delivered"] == 1  # still counted (and listed), no longer degraded


def test_health_reveals_no_personal_data_and_keeps_its_query_count(
        settings, django_assert_max_num_queries):
    beat("worker-1")
    for n in range(3):
        send(settings, SILENT, to=f"persona{n}@example.org")
    send(settings, REFUSING, attempt=MAX_ATTEMPTS)
    with django_assert_max_num_queries(2):
        response, body = health()
    assert body["problems"] == ["mail-failing", "mail-given-up"]
    text = response.content.decode()
    assert not [secret for secret in [*PERSONAL, "persona0", "MA-2026-00042"] if secret in text]


# --- workers.alive ----------------------------------------------------------------------


def test_alive_counts_only_workers_seen_within_a_few_heartbeats():
    window = alive_window()
    assert window == datetime.timedelta(seconds=3 * heartbeat_interval())
    assert window < datetime.timedelta(seconds=300)  # much shorter than the lease
    now = timezone.now()
    beat("running", now - datetime.timedelta(seconds=5))
    beat("killed-two-minutes-ago", now - window - datetime.timedelta(seconds=30))

    _response, body = health()

    assert body["workers"]["alive"] == 1
    assert body["workers"]["alive_seconds"] == int(window.total_seconds())
    assert body["problems"] == []


def test_no_worker_when_the_only_one_was_killed_a_few_minutes_ago():
    beat("killed", timezone.now() - alive_window() - datetime.timedelta(seconds=1))

    response, body = health()

    assert response.status_code == 503 and body["problems"] == ["no-worker"]
    assert body["workers"]["alive"] == 0


def test_a_worker_that_returns_deletes_its_heartbeat():
    call_command("run_worker", batch=True, startup_delay=False, reload=False, verbosity=0,
                 worker_id="batch")
    assert not WorkerHeartbeat.objects.filter(worker_id="batch").exists()


def heartbeats(database):
    try:
        with sqlite3.connect(database, timeout=20) as connection:
            return connection.execute("SELECT worker_id FROM worker_workerheartbeat").fetchall()
    except sqlite3.OperationalError:  # not migrated yet
        return None


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    database = tmp_path_factory.mktemp("worker") / "db.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}",
           "DJANGO_SETTINGS_MODULE": "website.settings.dev"}
    for app in ("django_tasks_database", "worker"):
        subprocess.run([sys.executable, "manage.py", "migrate", app, "-v0"], cwd=ROOT,
                       env=env, check=True)
    return database, env


@pytest.mark.own_sqlite
@pytest.mark.parametrize("reload", ["--reload", "--no-reload"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_a_stopped_worker_deletes_its_heartbeat(migrated_database, reload, sig):
    # `make run` runs the worker under the autoreloader (DEBUG); systemd, without it. Both
    # stop it with a signal to its process group.
    database, env = migrated_database
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-startup-delay", reload, "-v0"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_for(lambda: heartbeats(database)), worker.poll()
        os.killpg(worker.pid, sig)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    assert heartbeats(database) == [], output


# --- The admin screen -------------------------------------------------------------------

TEXTS = {
    "it": ["Ultimi tentativi non riusciti", "Prossimo tentativo",
           "Il server di posta non ha risposto in tempo.", f"1 di {MAX_ATTEMPTS}",
           "Il server di posta non funziona", "EMAIL_URL",
           "1 messaggio è stato abbandonato nelle ultime 24 ore"],
    "en": ["Latest failed attempts", "Next attempt",
           "The mail server did not answer in time.", f"1 of {MAX_ATTEMPTS}",
           "The mail server is failing", "EMAIL_URL",
           "1 mail was given up in the last 24 hours"],
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_screen_lists_why_attempts_fail_and_what_to_do(settings, language):
    beat("worker-1")
    send(settings, SILENT)
    send(settings, REFUSING, attempt=MAX_ATTEMPTS)
    user = make_user("segreteria@comune.example.org", is_staff=True, is_superuser=True)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client = Client()
    client.force_login(user)

    response = client.get("/admin/queue/")

    text = response.content.decode()
    assert response.status_code == 200
    for expected in TEXTS[language]:
        assert expected.replace("'", "&#x27;") in text, expected
    assert "MA-2026-00042" in text
    assert not [secret for secret in PERSONAL if secret in text]
    assert text.count('<th scope="col">') >= 10 and text.count("<caption") >= 3
    assert "La coda funziona" not in text and "The queue is working" not in text


def test_a_failed_attempt_says_which_mail_why_and_when_next():
    said = attempt_failed(
        "Traceback…\nTimeoutError: timed out\n\nThe above exception…\n"
        "mail.sending.MailAttemptFailed: Not sent (attempt 3 of 13, subject «Richiesta "
        "MA-2026-00042 per giulia.rossi@example.org»): SMTPRecipientsRefused: "
        "{'…': (550, b'5.1.1 <…> unknown')}; next attempt at 2026-11-30T01:16:00+00:00\n")
    assert said["attempt"] == 3 and said["error"] == "SMTPRecipientsRefused"
    assert said["subject"] == "Richiesta MA-2026-00042 per …"
    assert said["next_attempt"] == datetime.datetime(2026, 11, 30, 1, 16, tzinfo=datetime.UTC)
    assert attempt_failed("mail.sending.MailAttemptFailed: Not sent again (attempt 1 of 13, "
                          "subject «x»): its worker stopped") is None


# --- make run's mail settings -----------------------------------------------------------


def mail_settings(**variables):
    env = {key: value for key, value in os.environ.items()
           if key not in ("EMAIL_URL", "EMAIL_TIMEOUT")}
    env.update(variables, DJANGO_SETTINGS_MODULE="website.settings.dev")
    child = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import "
         "settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_TIMEOUT)"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return child.stdout.split()


def test_make_run_sends_through_email_url_when_it_is_set():
    # README: EMAIL_URL and EMAIL_TIMEOUT work under `make run` (development settings).
    assert mail_settings(EMAIL_URL="smtp://mail.example.org:2525", EMAIL_TIMEOUT="10") == [
        "django.core.mail.backends.smtp.EmailBackend", "mail.example.org", "2525", "10.0"]
    assert mail_settings()[0] == "django.core.mail.backends.filebased.EmailBackend"


def make_run_first_lines(**variables):
    """What `make run`'s launcher prints before it starts the worker and the server (the
    two are replaced by nothing: only the line about mail is looked at)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("EMAIL_URL", "EMAIL_TIMEOUT", "DJANGO_SETTINGS_MODULE")}
    env.update(variables)
    code = ("import sys; sys.path.insert(0, 'scripts'); import run_site; "
            "run_site.run_together = lambda *a, **k: 0; sys.exit(run_site.main(['x', '8123']))")
    child = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                           capture_output=True, text=True, check=True, timeout=60)
    return child.stdout


def test_make_run_says_where_mail_goes():
    # Issue 15: nobody sends a test message without knowing where it lands.
    assert make_run_first_lines().splitlines()[0] == (
        "Mail: written to files in var/mail/ (nobody receives it)")
    said = make_run_first_lines(EMAIL_URL="smtp://clerk:s3cret-pw@mail.example.org:2525")
    assert said.splitlines()[0] == "Mail: sent through smtp://mail.example.org:2525"
    assert "s3cret-pw" not in said and "clerk" not in said  # never the credentials
    said = make_run_first_lines(EMAIL_URL="smtp+tls://clerk:pw@mail.example.org:587")
    assert said.splitlines()[0] == "Mail: sent through smtp://mail.example.org:587 (TLS)"
    assert make_run_first_lines(EMAIL_URL="consolemail://").splitlines()[0] == (
        "Mail: printed in this terminal (console backend)")

"""The queue's health for an operator (issue 12): /health/ (JSON, 200 or 503, no
personal data, a fixed number of queries, never cached) and the admin's "Message queue"
screen for the Segreteria (figures and the mails given up: reference, date, attempts,
reason; never a body or an address).
"""

import datetime
import json

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mail.sending import MAX_ATTEMPTS, send_email
from tests.admin_helpers import speaks
from tests.partner_helpers import make_organisation, make_user
from worker.leases import beat
from worker.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ADDRESS = "giulia.rossi@example.org"
BODY = "Gentile Giulia, abbiamo ricevuto la tua richiesta di partecipazione"
SUBJECT = "Abbiamo ricevuto la tua richiesta MA-2026-00042"
PERSONAL = [ADDRESS, "giulia.rossi", "Gentile Giulia", BODY]


@pytest.fixture(autouse=True)
def _database_queue(settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    settings.TASK_LEASE_SECONDS = 300
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


def queue_mail(to=ADDRESS, subject=SUBJECT, attempt=1):
    return send_email.enqueue([to], subject, BODY, attempt).db_result


def undelivered(settings, to=ADDRESS, subject=SUBJECT):
    """A mail given up after its last attempt: the server refused the recipient (whose
    address the server's answer repeats)."""
    settings.EMAIL_BACKEND = "tests.test_queue_health.RefusingBackend"
    queue_mail(to, subject, MAX_ATTEMPTS)
    call_command("run_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return DBTaskResult.objects.get(status="FAILED", exception_class_path__endswith="Delivered")


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused(
            {address: (550, f"5.1.1 <{address}> unknown".encode())
             for message in messages for address in message.to})


def health(client=None):
    response = (client or Client()).get("/health/")
    return response, json.loads(response.content)


# --- /health/ ----------------------------------------------------------------------------


def test_ok_while_a_worker_beats_and_nothing_waits():
    beat("worker-1")

    response, body = health()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body["status"] == "ok" and body["problems"] == []
    assert body["workers"]["alive"] == 1
    assert body["workers"]["last_heartbeat_seconds"] <= 5
    assert body["tasks"] == {"ready": 0, "due": 0, "running": 0, "failed_last_24h": 0}
    assert body["oldest_due_seconds"] is None
    assert body["lease_seconds"] == 300


def test_degraded_without_a_worker_seen_within_the_lease():
    WorkerHeartbeat.objects.create(worker_id="gone", last_seen=ago(minutes=6))

    response, body = health()

    assert response.status_code == 503
    assert body["status"] == "degraded" and body["problems"] == ["no-worker"]
    assert 355 <= body["workers"]["last_heartbeat_seconds"] <= 370


def test_degraded_without_any_worker_ever():
    response, body = health()
    assert response.status_code == 503 and body["problems"] == ["no-worker"]
    assert body["workers"] == {"alive": 0, "last_heartbeat_seconds": None, "alive_seconds": 90}


def test_degraded_when_a_task_has_waited_too_long():
    beat("worker-1")
    waiting = queue_mail()
    DBTaskResult.objects.filter(id=waiting.id).update(enqueued_at=ago(minutes=11))
    later = send_email.using(run_after=timezone.now() + datetime.timedelta(hours=1)).enqueue(
        [ADDRESS], SUBJECT, BODY, 2).db_result  # a later attempt is not waiting yet

    response, body = health()

    assert response.status_code == 503
    assert body["problems"] == ["waiting-too-long"]
    assert body["tasks"]["ready"] == 2 and body["tasks"]["due"] == 1
    assert 655 <= body["oldest_due_seconds"] <= 670
    # The same queue a minute after the task was queued is fine.
    DBTaskResult.objects.filter(id=waiting.id).update(enqueued_at=ago(minutes=1))
    assert health()[0].status_code == 200
    assert later.status == "READY"


def test_a_retry_whose_time_has_come_waits_since_then():
    beat("worker-1")
    retry = send_email.using(run_after=ago(minutes=3)).enqueue([ADDRESS], SUBJECT, BODY, 2)
    DBTaskResult.objects.filter(id=retry.db_result.id).update(enqueued_at=ago(hours=2))

    _response, body = health()

    assert 175 <= body["oldest_due_seconds"] <= 190  # since run_after, not since queued


def test_counts_running_failed_and_undelivered(settings):
    beat("worker-1")
    undelivered(settings)
    old_failure = queue_mail()
    DBTaskResult.objects.filter(id=old_failure.id).update(status="FAILED",
                                                          finished_at=ago(days=2))
    running = queue_mail()
    DBTaskResult.objects.filter(id=running.id).update(status="RUNNING",
                                                      started_at=timezone.now())

    _response, body = health()

    assert body["tasks"]["running"] == 1
    assert body["tasks"]["failed_last_24h"] == 1  # the last attempt; not the one 2 days ago
    assert body["mail_not_delivered"] == 1


def test_reveals_no_personal_data(settings):
    beat("worker-1")
    undelivered(settings)
    queue_mail()

    response, _body = health()

    text = response.content.decode()
    assert not [secret for secret in PERSONAL if secret in text]
    assert "MA-2026-00042" not in text  # nor which request: counts only
    assert "noindex" in response["X-Robots-Tag"]


def test_the_number_of_queries_does_not_grow_with_the_queue(
        settings, django_assert_max_num_queries):
    beat("worker-1")
    for n in range(30):
        queue_mail(f"persona{n}@example.org")
    for n in range(5):
        beat(f"worker-{n + 2}")
    with django_assert_max_num_queries(2):
        assert health()[0].status_code == 200


def test_never_cached(settings):
    settings.PAGE_CACHE_SECONDS = 300
    beat("worker-1")
    client = Client()
    assert health(client)[1]["tasks"]["ready"] == 0
    queue_mail()

    response, body = health(client)

    assert body["tasks"]["ready"] == 1
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_only_reads():
    assert Client().post("/health/").status_code == 405


def test_a_database_that_does_not_answer_is_degraded(monkeypatch):
    from django.db import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("worker.views.queue_health", down)
    response, body = health(Client(raise_request_exception=False))
    assert response.status_code == 503
    assert body == {"status": "degraded", "problems": ["database"]}


# --- The admin screen ----------------------------------------------------------------------

QUEUE = "/admin/queue/"


def staff(email, group=None):
    user = make_user(email, is_staff=True)
    if group:
        user.groups.add(AuthGroup.objects.get(name=group))
    return user


@pytest.fixture
def segreteria():
    return staff("segreteria@comune.example.org", "Segreteria")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


TEXTS = {
    "it": ["Coda dei messaggi", "Messaggi non consegnati", "Codice", "Tentativi",
           "Il server di posta ha rifiutato l'indirizzo del destinatario."],
    "en": ["Message queue", "Mails not delivered", "Reference", "Attempts",
           "The mail server refused the recipient's address."],
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_segreteria_sees_the_mails_given_up(settings, segreteria, language):
    failed = undelivered(settings)
    DBTaskResult.objects.filter(id=failed.id).update(
        finished_at=datetime.datetime(2026, 11, 30, 0, 8, tzinfo=datetime.UTC))
    beat("worker-1")
    speaks(segreteria, language)

    response = signed_in(segreteria).get(QUEUE)

    assert response.status_code == 200
    text = response.content.decode()
    for expected in TEXTS[language]:
        assert expected.replace("'", "&#x27;") in text, expected
    assert "MA-2026-00042" in text
    assert {"it": "30 novembre 2026, 01:08", "en": "30 November 2026, 01:08"}[language] in text
    assert f"<td>{MAX_ATTEMPTS}</td>" in text
    assert not [secret for secret in PERSONAL if secret in text]
    assert '<th scope="col">' in text and "<caption" in text


def test_a_queue_without_a_worker_says_so(segreteria):
    speaks(segreteria, "it")
    text = signed_in(segreteria).get(QUEUE).content.decode()
    assert "La coda ha bisogno di attenzione." in text
    assert "Nessun processo in background è stato visto negli ultimi 90 secondi" in text


def test_a_superuser_sees_it():
    admin = make_user("admin@comune.example.org", is_staff=True, is_superuser=True)
    assert signed_in(admin).get(QUEUE).status_code == 200


def test_linked_from_the_reports_menu_for_the_segreteria_only(segreteria):
    editor = staff("redattrice@comune.example.org", "Redazione")
    assert QUEUE in signed_in(segreteria).get("/admin/").content.decode()
    assert QUEUE not in signed_in(editor).get("/admin/").content.decode()


def editor():
    return staff("redattrice@comune.example.org", "Redazione")


def approver():
    return staff("approvatore@comune.example.org", "Approvazione")


def admin_access_only():
    user = staff("ospite@comune.example.org")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def partner():
    _organisation, admin = make_organisation()
    return admin


@pytest.mark.parametrize("who", [editor, approver, admin_access_only, partner])
def test_no_one_else_sees_it(settings, who):
    undelivered(settings)
    client = Client(raise_request_exception=False)
    client.force_login(who())

    response = client.get(QUEUE)

    assert response.status_code in (302, 403)
    assert "MA-2026-00042" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get(QUEUE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_log_of_a_refused_address_does_not_repeat_it(settings, caplog):
    # The server's answer names the recipient; the log names the mail by its subject.
    with caplog.at_level("WARNING", logger="mail.sending"):
        undelivered(settings)
    logged = [record.getMessage() for record in caplog.records if record.name == "mail.sending"]
    assert logged and all("MA-2026-00042" in line for line in logged)
    assert not [line for line in logged if "giulia.rossi" in line]

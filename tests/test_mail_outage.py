"""When the mail server is down, nothing a person sent is lost and the mail goes out later."""

import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from programme.models import ParticipationRequest
from tests.forms_helpers import intake_data

pytestmark = pytest.mark.django_db


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket closes


@pytest.fixture(autouse=True)
def _worker_keeps_the_test_connection(monkeypatch):
    # The worker closes "old" database connections between tasks; inside a test's
    # transaction that would close the test's own connection (PostgreSQL).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def test_submission_survives_a_mail_outage_and_the_mail_is_delivered_later(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # Django's test runner forces the in-memory backend; a real outage needs SMTP.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2

    response = client.post("/it/partecipa/", intake_data(), follow=True)

    stored = ParticipationRequest.objects.get()
    assert stored.reference in response.content.decode()  # the person sees the confirmation
    run_worker()  # first attempt: the server is down
    assert len(mail.outbox) == 0
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after > timezone.now()  # retried later, not dropped
    failed = DBTaskResult.objects.get(status="FAILED")  # an outage is not a success
    assert stored.reference in failed.traceback and "ConnectionRefusedError" in failed.traceback

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # server back
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # time passes
    run_worker()

    assert len(mail.outbox) == 1
    assert stored.reference in mail.outbox[0].body
    assert ParticipationRequest.objects.count() == 1
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == [
        "FAILED", "SUCCESSFUL"]


def test_contact_message_survives_a_mail_outage(client, settings):
    from django.utils.html import strip_tags
    from wagtail.contrib.forms.models import FormSubmission

    from home.models import ContactPage
    from tests.forms_helpers import contact_data

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2

    response = client.post("/it/contatti/", contact_data())

    assert response.status_code == 200
    page = ContactPage.objects.get(locale__language_code="it")
    assert 'id="form-errors"' not in response.content.decode()  # no error summary
    assert strip_tags(page.thank_you_text).strip()[:40] in response.content.decode()
    assert FormSubmission.objects.count() == 1
    run_worker()
    assert len(mail.outbox) == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["segreteria@example.org"]
    assert "Mario Bianchi" in mail.outbox[0].body

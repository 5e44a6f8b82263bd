"""Outgoing mail moved from home/mail.py to mail/sending.py (issue 14). The queue names
tasks and failures by dotted path: mails queued before the update are renamed by
mail's migration 0001 and still sent, and failures recorded before it are still read
by the queue's health screen."""

import importlib

import pytest
from django.apps import apps
from django_tasks_db.models import DBTaskResult

from mail.sending import attempt_failed, not_delivered, send_email

pytestmark = pytest.mark.django_db

renamed = importlib.import_module("mail.migrations.0001_tasks_renamed")


@pytest.fixture(autouse=True)
def _database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_mail_queued_before_the_move_is_renamed_and_can_run():
    row = send_email.enqueue(["persona@example.org"], "Oggetto", "Testo", 1).db_result
    DBTaskResult.objects.filter(pk=row.pk).update(task_path="home.mail.send_email")
    failed = send_email.enqueue(["persona@example.org"], "Oggetto", "Testo", 1).db_result
    DBTaskResult.objects.filter(pk=failed.pk).update(
        exception_class_path="home.mail.MailNotDelivered")

    renamed.rename(renamed.RENAMED)(apps, None)

    row.refresh_from_db()
    failed.refresh_from_db()
    assert row.task_path == "mail.sending.send_email"
    assert row.task.func is send_email.func  # what the worker imports to run it
    assert failed.exception_class_path == "mail.sending.MailNotDelivered"


@pytest.mark.parametrize("module", ["home.mail", "mail.sending"])
def test_failures_recorded_before_and_after_the_move_are_read(module):
    given_up = (f"{module}.MailNotDelivered: Not delivered, no further attempt (attempt 13 "
                "of 13, subject «Richiesta MA-2026-00042»): SMTPRecipientsRefused: refused")
    failed = (f"{module}.MailAttemptFailed: Not sent (attempt 3 of 13, subject «Richiesta "
              "MA-2026-00042»): TimeoutError: timed out; next attempt at "
              "2026-11-30T10:00:00+00:00")

    assert not_delivered(given_up)["error"] == "SMTPRecipientsRefused"
    assert attempt_failed(failed)["attempt"] == 3

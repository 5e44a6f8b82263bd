"""Issue 15's review: answered data-protection requests have a retention period of their
own (RETENTION_SUBJECT_REQUEST_DAYS), run by the daily purge; and a purge that fails
still queues the next day's run and logs the failure without personal data."""

import datetime
import logging

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from privacy import retention
from privacy.models import DataSubjectRequest, PurgeRun
from privacy.tasks import daily_purge, ensure_daily_purge_queued, next_purge_time

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOW = timezone.now()
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
Status = DataSubjectRequest.Status


@pytest.fixture(autouse=True)
def _period(settings):
    settings.RETENTION_SUBJECT_REQUEST_DAYS = 365


def dp_request(number, status=Status.ANSWERED, answered_at=None, received_at=None):
    return DataSubjectRequest.objects.create(
        reference=f"DP-2025-{number:05}", kind=DataSubjectRequest.Kind.ERASURE,
        name="Giulia Quartararo", email="giulia.quartararo@example.org",
        phone="+393331234567", request_reference="MA-2025-00042",
        message="Cancellate i miei dati", language="it",
        received_at=received_at or NOW - 800 * DAY, due_by=(NOW - 770 * DAY).date(),
        status=status, answered_at=answered_at)


PERSONAL = ("name", "email", "phone", "request_reference", "message")


def test_answered_requests_lose_their_contact_after_the_period():
    outside = dp_request(1, answered_at=NOW - 365 * DAY - HOUR)
    inside = dp_request(2, answered_at=NOW - 365 * DAY + HOUR)
    still_open = dp_request(3, status=Status.OPEN)

    assert retention.subject_requests(NOW) == {"deleted": 0, "anonymised": 1}

    outside.refresh_from_db()
    assert all(getattr(outside, name) == "" for name in PERSONAL)
    assert (outside.reference, outside.kind, outside.status, outside.language) == (
        "DP-2025-00001", "erasure", "answered", "it")
    assert outside.received_at and outside.due_by and outside.answered_at
    for kept in (inside, still_open):
        kept.refresh_from_db()
        assert kept.email == "giulia.quartararo@example.org"
        assert kept.message == "Cancellate i miei dati"
    # Idempotent: nothing left to do the second time.
    assert retention.subject_requests(NOW) == {"deleted": 0, "anonymised": 0}


def test_the_period_comes_from_the_setting(settings):
    settings.RETENTION_SUBJECT_REQUEST_DAYS = 30
    answered = dp_request(1, answered_at=NOW - 31 * DAY)

    assert retention.subject_requests(NOW)["anonymised"] == 1
    answered.refresh_from_db()
    assert answered.name == ""


def test_the_purge_runs_the_rule():
    dp_request(1, answered_at=NOW - 400 * DAY)

    run = retention.purge(now=NOW)

    assert run.counts["subject_requests"] == {"deleted": 0, "anonymised": 1}
    assert not DataSubjectRequest.objects.exclude(email="").exists()


def test_a_failing_purge_still_queues_the_next_run_and_logs_no_personal_data(
        settings, monkeypatch, caplog):
    settings.TASKS = DATABASE_TASKS
    settings.TASK_LEASE_SECONDS = 300
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    def broken_purge(now=None):
        raise ValueError("giulia.quartararo@example.org")

    monkeypatch.setattr("privacy.tasks.purge", broken_purge)
    rows = DBTaskResult.objects.filter(task_path=daily_purge.module_path)
    rows.delete()
    first = ensure_daily_purge_queued()
    DBTaskResult.objects.filter(pk=first.id).update(run_after=NOW - HOUR)
    caplog.set_level(logging.INFO, logger="privacy.tasks")

    call_command("run_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert DBTaskResult.objects.get(pk=first.id).status == "FAILED"
    following = rows.get(status="READY")
    assert following.run_after == next_purge_time()
    assert not PurgeRun.objects.exists()
    failures = [r for r in caplog.records
                if r.name == "privacy.tasks" and r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in failures] == ["Retention purge failed: ValueError"]
    assert "giulia" not in "\n".join(r.getMessage() for r in caplog.records
                                     if r.name == "privacy.tasks")

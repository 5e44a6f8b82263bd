"""The reminder 48 hours before an appointment: queued with the booking, sent once, not
for a moved booking's old time, none for a booking made less than 48 hours ahead."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from booking import bookings, reminders
from booking.models.bookings import Booking
from programme.public_holidays import is_public_holiday
from readable.dates import programme_timezone
from tests.booking_helpers import booking_page, make_services

pytestmark = pytest.mark.django_db
ZONE = programme_timezone()


@pytest.fixture(autouse=True)
def database_queue(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker closes "old" connections between tasks: inside a test's transaction
    # that would close the test's own connection (PostgreSQL).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def next_weekday(days_ahead, hour):
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    while day.weekday() > 4 or is_public_holiday(day):
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZONE)


def book(service, starts_at, email="giulia@example.org", capture=None):
    with capture(execute=True):
        return bookings.book(service=service, starts_at=starts_at,
                             data={"reason": "x", "first_name": "Giulia",
                                   "last_name": "Rossi", "email": email, "phone": ""},
                             language="it")


def reminder_tasks():
    return DBTaskResult.objects.filter(task_path=reminders.send_reminder.module_path)


def time_passes():
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_a_reminder_is_queued_for_48_hours_before_and_sent_once(
        django_capture_on_commit_callbacks):
    booking_page()
    interview, _ = make_services()
    start = next_weekday(7, 9)
    booking = book(interview, start, capture=django_capture_on_commit_callbacks)
    [task] = reminder_tasks()
    assert task.run_after == start - datetime.timedelta(hours=48)
    run_worker()  # the confirmation mail; the reminder waits
    assert len(mail.outbox) == 1
    time_passes()
    run_worker()  # the reminder task queues the reminder mail, the worker sends it
    run_worker()
    assert len(mail.outbox) == 2
    booking.refresh_from_db()
    assert booking.reminder_sent_at is not None
    # Run again: nothing more.
    assert reminders.send_reminder.call(booking.pk, start.astimezone(datetime.UTC)
                                        .isoformat()) is False
    run_worker()
    assert len(mail.outbox) == 2


def test_a_moved_booking_old_reminder_does_not_send(django_capture_on_commit_callbacks):
    booking_page()
    interview, _ = make_services()
    old = next_weekday(7, 9)
    booking = book(interview, old, capture=django_capture_on_commit_callbacks)
    new = old + datetime.timedelta(hours=2, minutes=15)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.move(booking, new)
    assert sorted(task.run_after for task in reminder_tasks()) == [
        old - datetime.timedelta(hours=48), new - datetime.timedelta(hours=48)]
    old_task = min(reminder_tasks(), key=lambda task: task.run_after)
    assert reminders.send_reminder.call(*old_task.args_kwargs["args"]) is False
    assert Booking.objects.get(pk=booking.pk).reminder_sent_at is None
    new_task = max(reminder_tasks(), key=lambda task: task.run_after)
    assert reminders.send_reminder.call(*new_task.args_kwargs["args"]) is True


def test_no_reminder_for_a_booking_less_than_48_hours_ahead_or_without_email(
        django_capture_on_commit_callbacks):
    interview, _ = make_services()
    soon = timezone.now() + datetime.timedelta(hours=47)
    assert reminders.schedule_reminder(
        Booking(starts_at=soon, email="a@example.org")) is None
    assert reminders.schedule_reminder(
        Booking(starts_at=soon + datetime.timedelta(days=5), email="")) is None


def test_a_cancelled_booking_gets_no_reminder(django_capture_on_commit_callbacks):
    booking_page()
    interview, _ = make_services()
    start = next_weekday(7, 9)
    booking = book(interview, start, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.cancel(booking)
    assert reminders.send_reminder.call(
        booking.pk, start.astimezone(datetime.UTC).isoformat()) is False

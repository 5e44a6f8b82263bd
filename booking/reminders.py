"""The reminder mail 48 hours before an appointment, queued by itself.

When a booking is made or moved, `schedule_reminder` queues `send_reminder` to run at
its start − REMINDER_BEFORE (django-tasks-db waits until then). The task names the
start it was queued for: a booking moved since then has another start, and the old
task sends nothing (the move queued a new one). A booking made less than 48 hours ahead
gets no reminder (its confirmation is recent). On a backend that cannot wait until a
time (the tests' immediate backend) nothing is queued.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import notices
from .models.bookings import Booking

logger = logging.getLogger(__name__)

REMINDER_BEFORE = datetime.timedelta(hours=48)


def reminder_time(booking):
    """The aware instant the reminder of `booking` is due: its start − 48 hours."""
    return booking.starts_at - REMINDER_BEFORE


def schedule_reminder(booking, *, now=None):
    """Queue `send_reminder` for `booking` at reminder_time(booking). Returns the task
    result, or None when none is queued: the reminder time has passed (booked less than
    48 hours ahead), the booking has no email, or the backend cannot defer."""
    now = now or timezone.now()
    when = reminder_time(booking)
    if not booking.email or when <= now:
        return None
    if not send_reminder.get_backend().supports_defer:
        return None
    return send_reminder.using(run_after=when).enqueue(booking.pk, booking.starts_at.isoformat())


@task()
def send_reminder(booking_id, starts_at_iso):
    """Send the reminder of booking `booking_id` queued for its start `starts_at_iso`
    (ISO 8601). Sends at most once: only for a confirmed booking with an email, still
    starting at that instant, in the future, whose reminder was not sent; the mail is
    queued in the same transaction that records `reminder_sent_at`. Returns True when
    it queued the mail."""
    try:
        queued_for = datetime.datetime.fromisoformat(starts_at_iso)
    except (TypeError, ValueError):
        return False
    now = timezone.now()
    with transaction.atomic():
        booking = Booking.objects.select_for_update().filter(pk=booking_id).first()
        if (booking is None or booking.status != Booking.Status.CONFIRMED
                or not booking.email or booking.reminder_sent_at is not None
                or booking.starts_at.astimezone(datetime.UTC) != queued_for.astimezone(datetime.UTC)
                or booking.starts_at <= now):
            return False
        booking.reminder_sent_at = now
        booking.save(update_fields=["reminder_sent_at", "updated_at"])
        notices.notify(booking, "reminder")
    logger.info("Booking reminder queued for booking %s", booking_id)
    return True

"""Outgoing mail, sent by the background worker and retried when the server is down.

Messages are rendered in the request, in the recipient's language, and queued in the
same database transaction as whatever caused them: if the transaction rolls back, no
mail is queued; if it commits, the mail is in the queue even if the process dies next.

Each attempt is one task in the queue (django-tasks-db's `DBTaskResult`): an attempt
that fails is recorded as FAILED, with its reason, after queueing the next attempt; the
last attempt's failure (`MailNotDelivered`) is logged as an error. Both name the mail by
its subject (which carries the request's or referral's reference), never by its body.

The attempts at one mail form a chain (`chain`: the first attempt's task id). A worker
killed after queueing attempt n + 1 but before recording attempt n's failure leaves
attempt n RUNNING; when it is claimed again (worker/leases.py) it finds its successor
and does not send, so a mail never gets two chains of attempts.
"""

import datetime
import logging
import re
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task, task_backends

logger = logging.getLogger(__name__)

# With the back-off below the last attempt comes 2 days 5 hours after the first: a server
# down for a weekend loses no mail (8 attempts gave up after 4 hours).
MAX_ATTEMPTS = 13


class MailAttemptFailed(Exception):
    """One attempt failed and a later one is queued: the task is recorded as FAILED
    (monitoring counts it), the mail is not lost."""


class MailNotDelivered(Exception):
    """The last attempt failed: nobody will try again. The task row keeps the recipients
    (its arguments) and the subject and reason (its traceback); the log, the subject."""


# The longest wait between two attempts, whatever MAIL_RETRY_BASE_SECONDS says.
MAX_RETRY_DELAY = datetime.timedelta(hours=12)


def retry_delay(attempt):
    """Wait after failed attempt `attempt` (1, 2, …): MAIL_RETRY_BASE_SECONDS × 2**attempt
    seconds — by default 2, 4, 8… minutes — at most MAX_RETRY_DELAY."""
    seconds = settings.MAIL_RETRY_BASE_SECONDS * 2**attempt
    return min(datetime.timedelta(seconds=seconds), MAX_RETRY_DELAY)


def queue_email(to, template_prefix, context, language, reply_to=None):
    """Render `<template_prefix>_subject.txt` and `_body.txt` in `language` and queue them.
    `reply_to`: an address answers go to (the person who wrote to the staff), or None."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        body = render_to_string(f"{template_prefix}_body.txt", context)
    recipients = [to] if isinstance(to, str) else list(to)
    if reply_to:
        return send_email.enqueue(recipients, subject, body, reply_to=[reply_to])
    return send_email.enqueue(recipients, subject, body)


# The last line of a MailNotDelivered task's traceback, as send_email writes it.
# The module is named as well: rows recorded before the move from home/mail.py say
# "home.mail.", later ones "mail.sending.".
_MODULE = r"(?:mail\.sending|home\.mail)"
_NOT_DELIVERED = re.compile(
    rf"^{_MODULE}\.MailNotDelivered: Not delivered, no further attempt "
    r"\(attempt (?P<attempt>\d+) of \d+, subject «(?P<subject>.*)»\): "
    r"(?P<error>[A-Za-z_][\w.]*)(?:: (?P<detail>.*))?$", re.MULTILINE)
_ADDRESS = re.compile(r"[^\s@'\"<>(){}\[\],;:]+@[^\s@'\"<>(){}\[\],;:]+")


def not_delivered(traceback):
    """What a MailNotDelivered task's `traceback` (text) says, for staff screens:
    {"attempt": int, "subject": str, "error": the server error's class name, "detail": its
    message with any email address replaced by "…"} — or None if it does not say. The
    subject carries the request's reference; the body and recipients are not there."""
    matches = list(_NOT_DELIVERED.finditer(traceback or ""))
    if not matches:
        return None
    found = matches[-1]  # the exception raised last, after those it chains
    return {
        "attempt": int(found["attempt"]),
        "subject": _ADDRESS.sub("…", found["subject"]),
        "error": found["error"],
        "detail": _ADDRESS.sub("…", found["detail"] or ""),
    }


# The last line of a MailAttemptFailed task's traceback for a server failure, as
# send_email writes it ("Not sent again …", after a vanished worker, is not one).
_ATTEMPT_FAILED = re.compile(
    rf"^{_MODULE}\.MailAttemptFailed: Not sent "
    r"\(attempt (?P<attempt>\d+) of \d+, subject «(?P<subject>.*)»\): "
    r"(?P<error>[A-Za-z_][\w.]*)(?:: (?P<detail>.*))?; next attempt at (?P<next>\S+)$",
    re.MULTILINE)


def attempt_failed(traceback):
    """What a MailAttemptFailed task's `traceback` (text) says, for staff screens:
    {"attempt": int, "subject": str, "error": the server error's class name, "detail": its
    message with any email address replaced by "…", "next_attempt": an aware datetime or
    None} — or None if it does not say (an attempt not sent again after its worker
    vanished). Like `not_delivered`, never the body or the recipients."""
    matches = list(_ATTEMPT_FAILED.finditer(traceback or ""))
    if not matches:
        return None
    found = matches[-1]
    try:
        next_attempt = datetime.datetime.fromisoformat(found["next"])
    except ValueError:
        next_attempt = None
    return {
        "attempt": int(found["attempt"]),
        "subject": _ADDRESS.sub("…", found["subject"]),
        "error": found["error"],
        "detail": _ADDRESS.sub("…", found["detail"] or ""),
        "next_attempt": next_attempt,
    }


def describe(subject, attempt):
    """'attempt 3 of 8, subject «…»': which mail, without its body or addresses (they
    stay out of the logs). The subject carries the request's or referral's reference."""
    return f"attempt {attempt} of {MAX_ATTEMPTS}, subject «{subject}»"


def later_attempt_queued(chain, attempt):
    """Whether attempt `attempt` + 1 of the mail whose first attempt is task `chain` (a
    task id, str) is already queued (on django-tasks-db's queue; False on others)."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends[send_email.backend], DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=send_email.module_path, args_kwargs__kwargs__chain=chain,
        args_kwargs__args__3=attempt + 1,
    ).exists()


@task(takes_context=True)
def send_email(context, recipients, subject, body, attempt=1, reply_to=None, chain=None):
    """Send one mail (`recipients`: list of addresses; `attempt`: 1 to MAX_ATTEMPTS;
    `chain`: the first attempt's task id, None for the first attempt itself).

    Returns "sent". When the server refuses, is down or does not answer within
    EMAIL_TIMEOUT seconds, queues attempt + 1 after `retry_delay(attempt)` and raises
    MailAttemptFailed; the last attempt (or a backend that cannot defer) raises
    MailNotDelivered (`reply_to`: list of addresses for Reply-To, or None). Both chain
    the server's error: the task row (status FAILED) holds
    which mail (its recipients in the arguments, its subject in the message) and why.

    An attempt run again after its worker vanished (claimed by more than one worker)
    whose next attempt is already queued raises MailAttemptFailed without sending: it
    had failed, and the next attempt carries on.
    """
    chain = chain or str(context.task_result.id)
    if len(context.task_result.worker_ids) > 1 and later_attempt_queued(chain, attempt):
        which = describe(subject, attempt)
        raise MailAttemptFailed(f"Not sent again ({which}): its worker stopped after "
                                f"queueing attempt {attempt + 1}, which carries on")
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients,
                     reply_to=reply_to).send()
    except (OSError, smtplib.SMTPException) as error:
        which = describe(subject, attempt)
        # A server refusing a recipient repeats the address: it stays out of logs too.
        reason = _ADDRESS.sub("…", f"{type(error).__name__}: {error}")
        backend = task_backends[send_email.backend]
        if attempt >= MAX_ATTEMPTS or not backend.supports_defer:
            logger.error("Mail not delivered, no further attempt (%s): %s", which, reason)
            message = f"Not delivered, no further attempt ({which}): {reason}"
            raise MailNotDelivered(message) from error
        run_after = timezone.now() + retry_delay(attempt)
        extra = {"reply_to": reply_to} if reply_to else {}  # rows as before without it
        send_email.using(run_after=run_after).enqueue(recipients, subject, body, attempt + 1,
                                                      chain=chain, **extra)
        logger.warning("Mail not sent (%s): %s; next attempt at %s", which, reason,
                       run_after.isoformat())
        message = f"Not sent ({which}): {reason}; next attempt at {run_after.isoformat()}"
        raise MailAttemptFailed(message) from error
    return "sent"

"""Outgoing mail, sent by the background worker and retried when the server is down.

Messages are rendered in the request, in the recipient's language, and queued in the
same database transaction as whatever caused them: if the transaction rolls back, no
mail is queued; if it commits, the mail is in the queue even if the process dies next.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task, task_backends

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # with the back-off below: about 2 days of retries


def retry_delay(attempt):
    return datetime.timedelta(minutes=min(2**attempt, 12 * 60))


def queue_email(to, template_prefix, context, language):
    """Render `<template_prefix>_subject.txt` and `_body.txt` in `language` and queue them."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        body = render_to_string(f"{template_prefix}_body.txt", context)
    recipients = [to] if isinstance(to, str) else list(to)
    return send_email.enqueue(recipients, subject, body)


@task()
def send_email(recipients, subject, body, attempt=1):
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
    except (OSError, smtplib.SMTPException) as error:
        backend = task_backends[send_email.backend]
        if attempt >= MAX_ATTEMPTS or not backend.supports_defer:
            logger.error("Mail not delivered after %s attempts: %s", attempt, error)
            raise
        run_after = timezone.now() + retry_delay(attempt)
        send_email.using(run_after=run_after).enqueue(recipients, subject, body, attempt + 1)
        logger.warning("Mail server unavailable (%s); retry %s at %s", error, attempt + 1,
                       run_after.isoformat())
        return "retry scheduled"
    return "sent"

"""The queue's health: a JSON endpoint for monitoring, an admin screen for the Segreteria."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.roles import is_triage_staff
from mail.sending import MAX_ATTEMPTS
from worker.health import (
    DEGRADED,
    MAIL_FAILING,
    MAIL_GIVEN_UP,
    NO_WORKER,
    WAITING_TOO_LONG,
    failed_attempts,
    queue_health,
    undelivered_mails,
)

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def health(request):
    """GET /health/: `QueueHealth.as_json()`, 200 when "ok", 503 when "degraded" (and
    when the database does not answer: problems ["database"]). Counts and ages only."""
    try:
        figures = queue_health().as_json()
    except DatabaseError as error:
        logger.warning("Health check: database unavailable (%s)", type(error).__name__)
        figures = {"status": DEGRADED, "problems": ["database"]}
    response = JsonResponse(figures, status=503 if figures["status"] == DEGRADED else 200)
    response["X-Robots-Tag"] = "noindex"
    return response


# Reasons a mail server gives, as staff read them; any other: REASON_OTHER.
REASONS = {
    "ConnectionRefusedError": gettext_lazy("The mail server refused the connection."),
    "TimeoutError": gettext_lazy("The mail server did not answer in time."),
    "SMTPServerDisconnected": gettext_lazy("The mail server closed the connection."),
    "SMTPConnectError": gettext_lazy("The mail server could not be reached."),
    "SMTPAuthenticationError": gettext_lazy(
        "The mail server did not accept the site's user name or password."),
    "SMTPRecipientsRefused": gettext_lazy("The mail server refused the recipient's address."),
    "SMTPSenderRefused": gettext_lazy("The mail server refused the sender's address."),
    "SMTPDataError": gettext_lazy("The mail server refused the message."),
}
REASON_OTHER = gettext_lazy("The mail server could not be reached or refused the message.")


class QueueView(WagtailAdminTemplateMixin, TemplateView):
    """Reports › "Message queue": the queue's figures, what is wrong and what to do, the
    latest failed attempts and the mails given up, for the Segreteria and superusers
    (accounts.roles.is_triage_staff); 403 for anyone else."""

    template_name = "worker/queue.html"
    page_title = gettext_lazy("Message queue")
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not is_triage_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        figures = queue_health()
        problems = {
            NO_WORKER: _("No background worker has been seen in the last %(seconds)s "
                         "seconds: mail is not being sent. Check that the worker is "
                         "running (README, \"Operating the background worker\").")
            % {"seconds": round(figures.alive_seconds)},
            WAITING_TOO_LONG: _("A task has been waiting for more than %(minutes)s "
                                "minutes: the worker cannot keep up or is stuck.")
            % {"minutes": round(figures.max_wait_seconds / 60)},
            MAIL_FAILING: _("The mail server is failing: the latest attempt to send a mail "
                            "failed (the reasons are listed below). The mails are kept and "
                            "tried again later. Check the mail server and the site's mail "
                            "settings (EMAIL_URL; README, \"Operating the background "
                            "worker\")."),
            MAIL_GIVEN_UP: ngettext(
                "%(count)s mail was given up in the last 24 hours: nobody will try to send "
                "it again. Check the mail server settings (EMAIL_URL), then contact the "
                "person concerned (list below).",
                "%(count)s mails were given up in the last 24 hours: nobody will try to "
                "send them again. Check the mail server settings (EMAIL_URL), then contact "
                "the people concerned (list below).",
                figures.mail_given_up_last_24h) % {"count": figures.mail_given_up_last_24h},
        }
        mails = [
            {"mail": mail, "reason": REASONS.get(mail.error, REASON_OTHER)}
            for mail in undelivered_mails()
        ]
        attempts = [
            {"attempt": attempt, "reason": REASONS.get(attempt.error, REASON_OTHER)}
            for attempt in failed_attempts()
        ]
        return super().get_context_data(
            **kwargs, figures=figures, mails=mails, attempts=attempts,
            max_attempts=MAX_ATTEMPTS,
            problems=[problems[problem] for problem in figures.problems],
        )

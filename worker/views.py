"""The queue's health: a JSON endpoint for monitoring, an admin screen for the Segreteria."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.roles import is_triage_staff
from worker.health import DEGRADED, NO_WORKER, WAITING_TOO_LONG, queue_health, undelivered_mails

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
    """Reports › "Message queue": the queue's figures and the mails given up, for the
    Segreteria and superusers (accounts.roles.is_triage_staff); 403 for anyone else."""

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
            NO_WORKER: _("No background worker has been seen for %(minutes)s minutes: "
                         "mail is not being sent.")
            % {"minutes": round(figures.lease_seconds / 60)},
            WAITING_TOO_LONG: _("A task has been waiting for more than %(minutes)s "
                                "minutes: the worker cannot keep up or is stuck.")
            % {"minutes": round(figures.max_wait_seconds / 60)},
        }
        mails = [
            {"mail": mail, "reason": REASONS.get(mail.error, REASON_OTHER)}
            for mail in undelivered_mails()
        ]
        return super().get_context_data(
            **kwargs, figures=figures, mails=mails,
            problems=[problems[problem] for problem in figures.problems],
        )

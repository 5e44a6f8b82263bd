"""The Segreteria's daily digest of requests: which day each member was sent it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TriageDigest(models.Model):
    """One digest mail queued for `recipient` on `day` (Milan's date). The unique key makes
    the daily command idempotent: run twice on the same day, it mails nobody twice."""

    day = models.DateField(_("day"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+", verbose_name=_("recipient"))
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [models.UniqueConstraint(
            fields=["day", "recipient"], name="one_triage_digest_a_day",
            violation_error_message=_("This person was already sent the digest of that "
                                      "day."))]

    def __str__(self):
        return f"{self.day} → {self.recipient_id}"

from django.db import models
from django.utils.translation import gettext_lazy as _


class UsedChallenge(models.Model):
    """A spam-check solution already accepted once (antispam.altcha.consume_challenge).

    In the database rather than the cache: a unique key makes "first use wins" hold when
    the same solution arrives at two workers at the same instant, whatever the cache
    backend (the file cache's `add` is a read then a write). Kept until the challenge
    expires; holds no personal data.
    """

    signature = models.CharField(max_length=128, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("used spam-check solution")
        verbose_name_plural = _("used spam-check solutions")

    def __str__(self):
        return self.signature

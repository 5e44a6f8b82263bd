from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PurgeRun(models.Model):
    """One run of the daily retention purge (privacy.retention): when it ran and how many
    rows of each kind it deleted or anonymised, as {"kind": {"deleted": n, "anonymised":
    n}}. Holds no personal data."""

    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    counts = models.JSONField(_("rows"), default=dict, blank=True)

    class Meta:
        verbose_name = _("retention purge")
        verbose_name_plural = _("retention purges")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class DataSubjectRequest(models.Model):
    """A person's request about their own data, sent from the site (GDPR arts. 15-22):
    the Segreteria answers it within one month of receipt (art. 12(3)), `due_by`."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("a copy of my data")
        ERASURE = "erasure", _("erasure of my data")
        RECTIFICATION = "rectification", _("correction of my data")
        OTHER = "other", _("something else")

    class Status(models.TextChoices):
        OPEN = "open", _("to be answered")
        ANSWERED = "answered", _("answered")

    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True,
                                 blank=True, editable=False)
    kind = models.CharField(_("request"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name and surname"), max_length=150)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    request_reference = models.CharField(_("reference of a participation request"),
                                         max_length=20, blank=True)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    due_by = models.DateField(_("answer due by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("answered by"))

    class Meta:
        verbose_name = _("data protection request")
        verbose_name_plural = _("data protection requests")
        ordering = ["due_by", "received_at"]

    def __str__(self):
        return self.reference or str(self.pk)


class ErasureRecord(models.Model):
    """An erasure done for one person (GDPR art. 17): who, when, why and how many rows of
    each kind were erased or anonymised ({"kind": n}) — never the erased data itself."""

    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+",
                                     verbose_name=_("performed by"))
    performed_at = models.DateTimeField(_("performed"), default=timezone.now, db_index=True)
    reason = models.TextField(_("reason"), max_length=1000)
    counts = models.JSONField(_("rows"), default=dict, blank=True)
    subject_request = models.ForeignKey(DataSubjectRequest, on_delete=models.SET_NULL,
                                        null=True, blank=True, related_name="erasures",
                                        verbose_name=_("data protection request"))

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-performed_at"]

    def __str__(self):
        return f"{self.performed_at:%Y-%m-%d %H:%M}"


class AccessEvent(models.Model):
    """One line of the audit trail (GDPR arts. 30 and 32): a staff member viewed,
    changed, exported or erased a record. `label` names the record by its reference
    (MA-2026-00042), never by the person's name; an export names how many rows it held."""

    class Action(models.TextChoices):
        VIEWED = "viewed", pgettext_lazy("audit action", "viewed")
        CHANGED = "changed", pgettext_lazy("audit action", "changed")
        EXPORTED = "exported", pgettext_lazy("audit action", "exported")
        ERASED = "erased", pgettext_lazy("audit action", "erased")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                              null=True, related_name="+", verbose_name=_("staff member"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT,
                                     verbose_name=_("kind of record"))
    object_id = models.CharField(_("record"), max_length=64, blank=True, db_index=True)
    label = models.CharField(_("reference"), max_length=40, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=1)

    class Meta:
        verbose_name = _("audit trail entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.label}"

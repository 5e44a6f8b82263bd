from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AdhesionQuerySet(models.QuerySet):
    def listed(self):
        """Organisations that joined the protocol and have not withdrawn, oldest first."""
        return (
            self.filter(status=Adhesion.Status.APPROVED)
            .select_related("organisation")
            .order_by("decided_at", "organisation__name")
        )


class Adhesion(models.Model):
    """An organisation's request to join the protocol, and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
        related_name="adhesions",
    )
    protocol_version = models.CharField(_("protocol version"), max_length=30)
    # Once per version: a new version's notice goes to those not told of it yet.
    told_of_version = models.CharField(_("told of protocol version"), max_length=30,
                                       blank=True, editable=False)
    signatory_name = models.CharField(_("signatory"), max_length=150)
    signatory_role = models.CharField(_("signatory's role"), max_length=150)
    declares_authority = models.BooleanField(_("declares authority to sign"), default=False)
    # The organisation's name and kind are listed on the protocol page once approved; its
    # website, email and phone only with this consent (the open data, the protocol page).
    publish_contact_details = models.BooleanField(
        _("publish the organisation's website, email and phone"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    objects = AdhesionQuerySet.as_manager()

    class Meta:
        verbose_name = _("adhesion to the protocol")
        verbose_name_plural = _("adhesions to the protocol")
        ordering = ["-submitted_at"]
        constraints = [
            # At most one pending or approved adhesion per organisation at a time.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="one_live_adhesion_per_organisation",
                violation_error_message=_("This organisation already has an adhesion to "
                                          "the protocol being reviewed or approved."),
            )
        ]

    def __str__(self):
        return f"{self.organisation} – {self.get_status_display()}"

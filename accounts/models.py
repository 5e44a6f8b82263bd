import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: staff of the city and the union, or of a partner.

    Email is the login (allauth); the username is kept because Wagtail's user admin
    shows it, and allauth fills it in.
    """

    email = models.EmailField(
        _("email address"), unique=True,
        error_messages={"unique": _("An account with this email address already exists.")},
    )
    language = models.CharField(
        _("language for emails"), max_length=5, choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")


# One message wherever a second organisation with the same code is refused (the form,
# `organisations.create_organisation`, the unique key).
TAX_CODE_TAKEN = _("An organisation with this tax code is already registered: ask its "
                   "administrator to invite you.")


class Organisation(models.Model):
    """A partner organisation: association, agency, public body... that may join the protocol."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        EMPLOYMENT_AGENCY = "employment_agency", _("Employment agency")
        COOPERATIVE = "cooperative", _("Cooperative")
        PUBLIC_BODY = "public_body", _("Public body")
        TRADE_UNION = "trade_union", _("Trade union")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # Stored compact (accounts.organisations.normalise_tax_code): one spelling per code,
    # so the unique key catches the same code typed another way.
    tax_code = models.CharField(
        _("tax code or VAT number"), max_length=16, unique=True,
        help_text=_("Codice fiscale or partita IVA."),
        error_messages={"unique": TAX_CODE_TAKEN},
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact email"))
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The organisation's public identifier (the open data's HSDS `organization.id`): a
    # UUID stored once, never derived from the database's id, never changed.
    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True,
                                 editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's place in their organisation. A user belongs to one organisation."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        REFERRER = "referrer", _("Referrer")
        VIEWER = "viewer", _("Viewer")

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="membership",
        error_messages={"unique": _("This person already belongs to an organisation.")},
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                           expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An organisation admin's invitation for a colleague to join, by email."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"),
                                     on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=10, choices=Membership.Role.choices)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(User, verbose_name=_("invited by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(User, verbose_name=_("accepted by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def state(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

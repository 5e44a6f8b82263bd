"""Requests to join a group, and what staff did with each one."""

from django.conf import settings
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Lower, Replace
from django.utils.translation import gettext_lazy as _

NOTE_MAX_LENGTH = 500
# What a person reads when they give neither email nor phone (the database constraint
# below says the same to the database; its name never reaches anyone).
NO_CONTACT_MESSAGE = _("Give us at least an email address or a phone number, so we can "
                       "contact you.")


# Dropped from a name before comparing: "De Luca" = "Deluca", "D'Amico" = "DAmico",
# "Nicolo'" (an accent typed as an apostrophe) = "Nicolò".
_NAME_NOISE = (" ", "'", "\u2019", "-")
# The accented letters of Italian names, lower case: lower() comes first (on PostgreSQL
# it lowers "Ò" too; SQLite's lowers ASCII only, so "NICOLÒ" in capitals is missed
# there). Each fold is one nested REPLACE: SQLite's parser refuses a much deeper nest.
_FOLD = {"à": "a", "è": "e", "é": "e", "ì": "i", "ò": "o", "ù": "u"}


def name_key(expression):
    """A database expression: `expression` (a name) lower-cased, without spaces,
    apostrophes, hyphens and the accents of Italian names. Built the same on both sides of a
    comparison, so SQLite and PostgreSQL agree with themselves; stored for every request
    as `first_key`/`last_key` (programme.duplicates compares them)."""
    key = Lower(expression)
    for noise in _NAME_NOISE:
        key = Replace(key, Value(noise), Value(""))
    for accented, plain in _FOLD.items():
        key = Replace(key, Value(accented), Value(plain))
    return key


def _matching_key(expression, max_length):
    # Computed and stored by the database, so every way a row is written (forms, bulk
    # inserts, the purge's anonymisation) keeps it right, and indexed: finding a person's
    # other requests is an index lookup, not a scan of every request.
    return models.GeneratedField(expression=expression, db_persist=True,
                                 output_field=models.CharField(max_length=max_length))


class ParticipationRequest(models.Model):
    """One person asking to join a mutual-aid group (or referred by a partner)."""

    # Personal data, never referenced by content: keep it out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        ASSIGNED = "assigned", _("Assigned to a group")
        ATTENDING = "attending", _("Attending")
        COMPLETED = "completed", _("Completed")
        WAITING_LIST = "waiting_list", _("Waiting list")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        UNREACHABLE = "unreachable", _("Unreachable")
        # The same person asked twice: this request was merged into `merged_into`.
        MERGED = "merged", _("Merged into another request")

    class Source(models.TextChoices):
        SELF = "self", _("Self (public form)")
        PARTNER_REFERRAL = "partner_referral", _("Partner referral")
        # A referral by a partner organisation that is a trade union (programme.referrals):
        # the source of the request, never anything about the person's membership.
        TRADE_UNION = "trade_union", _("Trade union")
        # Imported from the job service's database (jobservice.imports).
        JOB_SERVICE = "job_service", _("Job service database")
        # Entered by the Segreteria for a person who phoned or came to the office.
        PHONE = "phone", _("Phone call to the office")
        DESK = "desk", _("In person at the office")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone call")

    class EmploymentStatus(models.TextChoices):
        UNEMPLOYED = "unemployed", _("Unemployed (I lost my job)")
        NEVER_EMPLOYED = "never_employed", _("Never employed")
        WAGE_SUPPORT = "wage_support", _("On wage support (cassa integrazione)")
        OTHER = "other", _("Other")

    class HeardFrom(models.TextChoices):
        FLYER = "flyer", _("Brochure or flyer")
        POSTER = "poster", _("Poster at a venue")
        WEBSITE = "website", _("Website")
        FACEBOOK = "facebook", _("Facebook")
        TRADE_UNION = "trade_union", _("Trade union")
        JOB_SERVICE = "job_service", _("Job service")
        ASSOCIATION = "association", _("Association")
        OTHER = "other", _("Other")

    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True,
                                 editable=False)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True,
                             help_text=_("Stored in international format."))
    preferred_channel = models.CharField(_("preferred contact channel"), max_length=10,
                                         choices=Channel.choices)
    employment_status = models.CharField(_("employment situation"), max_length=20,
                                         choices=EmploymentStatus.choices)
    situation_since = models.DateField(_("since"), help_text=_("First day of the month."))
    preferred_venue = models.ForeignKey(
        "programme.Venue", verbose_name=_("preferred venue"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    # The group a person chose on arriving from a group's flyer (its QR code, issue 21);
    # the Segreteria still decides where they are seated (`group`).
    preferred_group = models.ForeignKey(
        "programme.Group", verbose_name=_("preferred group"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    prefers_mornings = models.BooleanField(_("weekday mornings"), default=False)
    prefers_afternoons = models.BooleanField(_("weekday afternoons"), default=False)
    # Blank for referrals: the partner is not asked how the person heard of the groups.
    heard_from = models.CharField(_("heard of the programme from"), max_length=20,
                                  choices=HeardFrom.choices, blank=True)
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    privacy_notice_version = models.CharField(_("privacy notice version"), max_length=20)
    privacy_acknowledged_at = models.DateTimeField(_("privacy notice acknowledged"))
    # A person who phones or comes to the office consents orally: the staff member who
    # read them the notice is on record (programme.participation.submit_request).
    privacy_read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("privacy notice read to the person by"),
        null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    # The office form that entered the request (programme.office_requests): the same form
    # sent again (Back, then "Enter the request") finds it instead of entering it twice.
    # The unique key settles two sends at the same instant.
    entry_token = models.CharField(
        _("office form used"), max_length=32, unique=True, null=True, blank=True,
        editable=False,
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices,
                              default=Source.SELF)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("referring organisation"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="referrals",
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referred by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.NEW)
    group = models.ForeignKey(
        "programme.Group", verbose_name=_("group"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="participants",
    )
    # A waiting-list entry keeps its group; the list is served in this order.
    waiting_since = models.DateTimeField(_("on the waiting list since"), null=True,
                                         blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="merged_requests",
    )
    # Pairs staff checked and found to be two different people: not flagged again.
    not_duplicates = models.ManyToManyField(
        "self", verbose_name=_("checked: not the same person as"), blank=True,
        symmetrical=True,
    )
    # The tax code is never stored: a keyed digest of it (jobservice.tax_codes) finds the
    # same person in a later import of the job service's database, and nothing more.
    tax_code_digest = models.CharField(_("tax code (digest)"), max_length=64, blank=True,
                                       editable=False, db_index=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set by privacy.retention when the person's data went after the retention period:
    # only what statistics need is left.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True,
                                         editable=False)

    # How programme.duplicates and privacy.subjects recognise the same person.
    email_key = _matching_key(Lower("email"), 254)
    first_key = _matching_key(name_key(F("first_name")), 100)
    last_key = _matching_key(name_key(F("last_name")), 100)

    class Meta:
        verbose_name = _("participation request")
        verbose_name_plural = _("participation requests")
        ordering = ["-created_at"]
        # The triage list's default order, so its page of 20 is read from the index:
        # sorting every request first costs each one its duplicate check.
        indexes = [models.Index(fields=["status", "-created_at"]),
                   models.Index(fields=["-created_at"], name="participation_received"),
                   # Seats taken in a group (programme.seats.with_seats).
                   models.Index(fields=["group", "status"], name="participation_seats"),
                   models.Index(fields=["email_key"], name="participation_email_key"),
                   models.Index(fields=["phone"], name="participation_phone"),
                   models.Index(fields=["first_key", "last_key"],
                                name="participation_name_key")]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(email="") & models.Q(phone="")),
                name="participation_request_has_email_or_phone",
                violation_error_code="no_contact",
                violation_error_message=NO_CONTACT_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.reference or '—'} {self.first_name} {self.last_name}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


class StatusChange(models.Model):
    """One step in a request's history: who changed what, when, and why."""

    request = models.ForeignKey(ParticipationRequest, on_delete=models.CASCADE,
                                related_name="history",
                                verbose_name=_("participation request"))
    from_status = models.CharField(_("from"), max_length=20,
                                   choices=ParticipationRequest.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20,
                                 choices=ParticipationRequest.Status.choices)
    group = models.ForeignKey("programme.Group", verbose_name=_("group"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), max_length=1000, blank=True)
    # A correction puts right a status set by mistake: any status may follow, and the
    # note holds the reason (programme.participation.correct_status).
    is_correction = models.BooleanField(_("correction"), default=False)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "pk"]
        indexes = [
            # The outcomes' durations and completed paths (outcomes.figures) read, per
            # request, the first or last change from or to a status: found in the index
            # alone, without reading the rows.
            models.Index(fields=["request", "from_status", "to_status", "changed_at"],
                         name="statuschange_steps"),
        ]

    def __str__(self):
        return f"{self.request_id}: {self.from_status} → {self.to_status}"

"""Appointments at a venue: the services people book, when they are open, when they are
closed, and the bookings themselves.

A service is a translatable snippet (its name, description and reasons are read by
citizens in their language). Everything about time and places belongs to the service in
the site's default language (Italian), which stands for all its translations: rules,
closures and bookings point to it, so that a booking made through the English pages takes
a place from the same slot as one made through the Italian pages
(`BookableService.canonical()`).

Times: rules and closures are Milan's wall-clock times and dates; a booking's `starts_at`
and `ends_at` are aware instants (UTC in the database), so a slot on the day the clocks
change is one instant, never two (booking/availability.py).
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Locale, TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField


class BookableService(TranslatableMixin, models.Model):
    """Something a person books at a venue: "Colloquio di orientamento" (one place per
    operator in each slot), "Postazione informatica" (10 places per slot)."""

    venue = models.ForeignKey("programme.Venue", verbose_name=_("venue"),
                              on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(
        _("description"), blank=True,
        help_text=_("What the appointment is for and what to bring; shown to citizens."))
    reasons = StreamField(
        [("reason", blocks.CharBlock(label=_("Reason"), max_length=120))],
        verbose_name=_("reasons"), blank=True,
        help_text=_("The short list of reasons a person chooses from when booking."))
    is_bookable = models.BooleanField(
        _("open for booking"), default=True,
        help_text=_("Untick to stop new bookings; existing bookings stay."))
    bookings_per_week = models.PositiveSmallIntegerField(
        _("active bookings per person per week"), default=1,
        help_text=_("How many upcoming bookings of this service one person (the same "
                    "email or phone) may hold in the same week."))
    days_ahead = models.PositiveSmallIntegerField(
        _("bookable days ahead"), default=60,
        help_text=_("How far ahead people may book, in days."))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("venue"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("reasons"),
        FieldPanel("is_bookable"),
        FieldPanel("bookings_per_week"),
        FieldPanel("days_ahead"),
        FieldPanel("sort_order"),
    ]
    translatable_fields = [
        TranslatableField("name"),
        TranslatableField("description"),
        TranslatableField("reasons"),
        TranslatableField("venue"),
        SynchronizedField("is_bookable"),
        SynchronizedField("bookings_per_week"),
        SynchronizedField("days_ahead"),
        SynchronizedField("sort_order"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("bookable service")
        verbose_name_plural = _("bookable services")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def canonical(self):
        """The service in the default locale, which owns rules, closures and bookings
        (self when it is that one)."""
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return self
        return self.get_translation(default)

    def reason_choices(self):
        """[(text, text)] of the reasons, in this translation's language."""
        return [(block.value, block.value) for block in self.reasons]


# A slot's bounds: 5 minutes is the shortest appointment the venues give, 12 hours a
# whole opening day; 500 places is above the largest room (the Segreteria's estimate)
# and keeps a typo (70000) from offering a slot no venue can hold.
SLOT_MINUTES = (5, 720)
PLACES = (1, 500)
SLOT_MINUTES_RANGE = _("A slot lasts from 5 to 720 minutes (12 hours).")
PLACES_RANGE = _("A slot has from 1 to 500 places.")
VALID_RANGE = _("The rule cannot end before it starts: “valid until” must be on or "
                "after “valid from”, or empty.")


class OpeningRule(models.Model):
    """When a service can be booked: on `weekdays` (0 = Monday … 6 = Sunday), slots of
    `slot_minutes` from `opens` while they end by `closes`, Milan time, each with
    `places` places, from `valid_from` to `valid_until` (inclusive, open-ended when
    empty). Public holidays are closed unless `open_on_public_holidays`."""

    service = models.ForeignKey(BookableService, verbose_name=_("service"),
                                on_delete=models.CASCADE, related_name="opening_rules")
    weekdays = models.JSONField(_("days of the week"), default=list)
    opens = models.TimeField(pgettext_lazy("opening hours", "from"))
    closes = models.TimeField(pgettext_lazy("opening hours", "to"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        validators=[MinValueValidator(SLOT_MINUTES[0], message=SLOT_MINUTES_RANGE),
                    MaxValueValidator(SLOT_MINUTES[1], message=SLOT_MINUTES_RANGE)])
    places = models.PositiveSmallIntegerField(
        _("places per slot"),
        validators=[MinValueValidator(PLACES[0], message=PLACES_RANGE),
                    MaxValueValidator(PLACES[1], message=PLACES_RANGE)])
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    open_on_public_holidays = models.BooleanField(_("open on public holidays"),
                                                  default=False)

    class Meta:
        verbose_name = _("opening rule")
        verbose_name_plural = _("opening rules")
        ordering = ["service", "valid_from", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(slot_minutes__gte=SLOT_MINUTES[0],
                                                 slot_minutes__lte=SLOT_MINUTES[1]),
                                   name="booking_rule_slot_minutes",
                                   violation_error_message=SLOT_MINUTES_RANGE),
            models.CheckConstraint(condition=Q(places__gte=PLACES[0],
                                                 places__lte=PLACES[1]),
                                   name="booking_rule_places",
                                   violation_error_message=PLACES_RANGE),
            models.CheckConstraint(condition=Q(valid_until__isnull=True)
                                   | Q(valid_until__gte=models.F("valid_from")),
                                   name="booking_rule_valid_range",
                                   violation_error_message=VALID_RANGE),
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")),
                                   name="booking_rule_closes_after_opens",
                                   violation_error_message=_(
                                       "The closing time must come after the opening "
                                       "time.")),
        ]

    def __str__(self):
        return f"{self.service} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def overlaps(self, other):
        """Whether this rule and `other` (of one service) can give slots on the same day
        at overlapping times: a shared weekday, overlapping validity dates and overlapping
        hours (touching ends do not overlap)."""
        if not set(self.weekdays or []) & set(other.weekdays or []):
            return False
        far = datetime.date.max
        if (self.valid_from > (other.valid_until or far)
                or other.valid_from > (self.valid_until or far)):
            return False
        return self.opens < other.closes and other.opens < self.closes

    def clean(self):
        """Refuse weekdays outside 0–6, `valid_until` before `valid_from` (an error on
        `valid_until`; the database refuses it too, booking_rule_valid_range) and a rule
        whose slots would overlap another rule of the same service on some day (a
        shared weekday, overlapping validity dates and hours): a slot must have one
        number of places."""
        super().clean()
        weekdays = self.weekdays or []
        if not isinstance(weekdays, list) or any(
                isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6
                for day in weekdays):
            raise ValidationError({"weekdays": _(
                "Choose days of the week between Monday and Sunday.")})
        if self.service_id is None or self.opens is None or self.closes is None \
                or self.valid_from is None:
            return
        if self.valid_until is not None and self.valid_until < self.valid_from:
            # An inverted range would also make the overlap check below misleading.
            raise ValidationError({"valid_until": VALID_RANGE})
        others = OpeningRule.objects.filter(service_id=self.service_id)
        if self.pk is not None:
            others = others.exclude(pk=self.pk)
        for other in others:
            if self.overlaps(other):
                raise ValidationError(_(
                    "These hours overlap another opening rule of this service "
                    "(%(rule)s, from %(valid_from)s): change the days, the hours or the "
                    "validity dates.") % {"rule": f"{other.opens:%H:%M}–{other.closes:%H:%M}",
                                          "valid_from": other.valid_from.strftime("%d/%m/%Y")})


class Closure(models.Model):
    """Days a venue (or one of its services) takes no bookings, from `first_day` to
    `last_day` inclusive, with the reason citizens read in each language."""

    venue = models.ForeignKey("programme.Venue", verbose_name=_("venue"),
                              on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(
        BookableService, verbose_name=_("service"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="closures",
        help_text=_("Empty: every service of the venue is closed."))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason (Italian)"), max_length=200)
    reason_en = models.CharField(_("reason (English)"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["-first_day"]
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=models.F("first_day")),
                                   name="booking_closure_range",
                                   violation_error_message=_(
                                       "The last day cannot come before the first day.")),
        ]

    def __str__(self):
        return f"{self.first_day}–{self.last_day}: {self.reason}"


def new_access_key():
    return secrets.token_urlsafe(16)


class Booking(models.Model):
    """One person's appointment: a place in one slot of a service.

    No two bookings that are not cancelled hold the same place of the same slot: the
    database refuses it (`booking_place_taken`), so two people taking the last place at
    the same moment cannot both get it (booking/bookings.py chooses the place).
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")
        CANCELLED = "cancelled", _("Cancelled")

    service = models.ForeignKey(BookableService, verbose_name=_("service"),
                                on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.PositiveSmallIntegerField(_("place"))
    reference = models.CharField(
        _("reference"), max_length=20, unique=True, null=True, blank=True,
        error_messages={"unique": _("Another booking already has this reference.")})
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.CONFIRMED)
    reason = models.CharField(_("reason"), max_length=120)
    details = models.CharField(_("details"), max_length=200, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=8, default="it")
    privacy_notice_version = models.CharField(_("privacy notice version"), max_length=20)
    privacy_acknowledged_at = models.DateTimeField(_("privacy notice acknowledged at"))
    access_key = models.CharField(max_length=32, default=new_access_key, editable=False)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "accounts.User", verbose_name=_("cancelled by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("Empty when the person cancelled it themselves."))
    cancellation_reason = models.CharField(_("cancellation reason"), max_length=200,
                                           blank=True)
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "place"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "starts_at", "place"],
                condition=~Q(status="cancelled"),
                name="booking_place_taken",
                violation_error_message=_("This place has just been taken."),
            ),
            models.CheckConstraint(condition=Q(place__gte=1), name="booking_place_positive",
                                   violation_error_message=_("A place number starts at 1.")),
            models.CheckConstraint(condition=~Q(email="", phone=""),
                                   name="booking_email_or_phone",
                                   violation_error_message=_(
                                       "Give an email address or a phone number.")),
        ]
        indexes = [models.Index(fields=["service", "starts_at"]),
                   models.Index(fields=["starts_at"], name="booking_starts")]

    def __str__(self):
        return self.reference or f"#{self.pk}"

    @property
    def is_active(self):
        return self.status == self.Status.CONFIRMED


class BookingEvent(models.Model):
    """One change of a booking's life, who made it and when: booked, moved, cancelled,
    attended, no-show (booking/bookings.py writes them). `by` is empty when the person
    did it through their link; `note` holds the old and new start of a move or the
    reason of a cancellation."""

    class Kind(models.TextChoices):
        BOOKED = "booked", _("Booked")
        MOVED = "moved", _("Moved")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    booking = models.ForeignKey(Booking, verbose_name=_("booking"), on_delete=models.CASCADE,
                                related_name="events")
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                           blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.booking} {self.kind}"

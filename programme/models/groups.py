import uuid

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import (
    DraftStateMixin,
    Locale,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail.snippets.models import register_snippet
from wagtail_localize.fields import SynchronizedField, TranslatableField

from . import group_statuses
from .venues import WEEKDAYS

# What a group's dated meetings are made of (programme.schedule.upcoming_meetings): its
# weekly slots, the editors' cancelled dates, the holidays it opened and the facilitators'
# changes to single meetings (programme.models.MeetingChange).
SCHEDULE_PREFETCH = ("slots", "cancelled_meetings", "holiday_meetings", "meeting_changes")


class GroupQuerySet(models.QuerySet):
    def canonical(self):
        """One row per group: the default-language original.

        Schedules, capacity and status are read from the original, so a translation that
        was not re-synced can never show a stale timetable; only texts are translated.
        """
        return self.filter(locale=Locale.get_default())

    def published(self):
        """Groups citizens and other systems may read: published (a draft never
        published is nobody's business yet) and meeting at a published venue.

        A published group with a pending change is its published version: Wagtail keeps
        the draft in a revision and the row as published (DraftStateMixin)."""
        return self.filter(live=True, venue__live=True)

    def for_listing(self):
        return (
            self.canonical()
            .select_related("venue")
            .prefetch_related(*SCHEDULE_PREFETCH)
            .order_by("name")
        )


@register_snippet
class Group(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, TranslatableMixin,
            PreviewableMixin, index.Indexed, ClusterableModel):
    """A mutual-aid group: who meets, where, when, and whether it takes new people.

    Drafts, revisions, locking and the moderation workflow as pages have them: what a
    Redazione member saves is a draft until Approvazione publishes it.
    """

    # In a module of their own: programme.seats reads them, and this model asks
    # programme.seats for its seats and public status.
    Status = group_statuses.GroupStatus
    PublicStatus = group_statuses.PublicStatus

    class Language(models.TextChoices):
        ITALIAN = "it", _("Italian")
        ENGLISH = "en", _("English")

    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("short description"), max_length=600)
    venue = models.ForeignKey(
        "programme.Venue", verbose_name=_("venue"), on_delete=models.PROTECT,
        related_name="groups",
    )
    facilitators = models.CharField(
        _("facilitators"), max_length=200, blank=True,
        help_text=_("First names only, separated by commas."),
    )
    language = models.CharField(
        _("language of the meetings"), max_length=5, choices=Language.choices,
        default=Language.ITALIAN,
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=12, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.AUTOMATIC,
        help_text=_("Automatic follows the seats: full when every seat is taken, open "
                    "again when one frees."),
    )

    objects = GroupQuerySet.as_manager()
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="group")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState", content_type_field="base_content_type",
        object_id_field="object_id", related_query_name="group", for_concrete_model=False,
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("venue"),
        FieldPanel("facilitators"),
        # The status is the Segreteria's, set in "Groups and seats" outside the workflow
        # (programme.seats.set_group_status): not a field of an editor's draft.
        FieldRowPanel([FieldPanel("language"), FieldPanel("capacity")]),
        MultiFieldPanel([InlinePanel("slots", min_num=1, label=_("Meeting"))],
                        heading=_("Weekly schedule")),
        MultiFieldPanel([InlinePanel("cancelled_meetings", label=_("Cancelled date"))],
                        heading=_("Cancelled dates")),
        MultiFieldPanel(
            [InlinePanel("holiday_meetings", label=_("Holiday with a meeting"))],
            heading=_("Meetings held on a public holiday"),
            help_text=_("The group does not meet on Italian public holidays or on Milan's "
                        "patron day (7 December) unless the date is listed here."),
        ),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("description"),
                     index.FilterField("locale_id")]
    translatable_fields = [
        TranslatableField("name"),
        TranslatableField("description"),
        TranslatableField("venue"),
        SynchronizedField("facilitators"),
        SynchronizedField("language"),
        SynchronizedField("capacity"),
        SynchronizedField("status"),
        SynchronizedField("slots"),
        # The dates are copied, the reasons translated (each cancelled date is translatable).
        TranslatableField("cancelled_meetings"),
        SynchronizedField("holiday_meetings"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]

    def __str__(self):
        return self.name

    # Operational data the Segreteria changes outside the workflow: a revision (an older
    # draft published, a revert) never brings back the value it had when it was saved.
    OPERATIONAL_FIELDS = ("status",)

    @property
    def revisions(self):
        return self._revisions

    def with_content_json(self, content):
        """The group as `content` (a revision's JSON) has it, except the operational
        fields (OPERATIONAL_FIELDS), kept as they are in the database now."""
        obj = super().with_content_json(content)
        for field in self.OPERATIONAL_FIELDS:
            setattr(obj, field, getattr(self, field))
        self._keep_slot_identifiers(obj, content)
        return obj

    def _keep_slot_identifiers(self, obj, content):
        """A revision saved before weekly meetings had a public identifier gives its slots
        new ones: give them back those stored for the same slots (by row)."""
        missing = {row.get("pk") for row in content.get("slots", [])
                   if "public_id" not in row and row.get("pk")}
        if not missing or self.pk is None:
            return
        stored = dict(MeetingSlot.objects.filter(group=self, pk__in=missing)
                      .values_list("pk", "public_id"))
        for slot in obj.slots.all():
            if slot.pk in stored:
                slot.public_id = stored[slot.pk]

    def get_preview_template(self, request, mode_name):
        return "programme/group_preview.html"

    def clean(self):
        super().clean()
        if self.pk is not None:  # a new group has nobody in it yet
            from programme.seats import check_capacity, count_seats_taken

            check_capacity(self.capacity, count_seats_taken(self))

    @property
    def facilitator_names(self):
        return [name.strip() for name in self.facilitators.split(",") if name.strip()]

    @property
    def seats_taken_now(self):
        """Seats taken: the `seats_taken` annotation (programme.seats.with_seats) when
        the group was loaded with it, else one query."""
        from programme.seats import count_seats_taken

        taken = getattr(self, "seats_taken", None)
        return count_seats_taken(self) if taken is None else taken

    @property
    def seats_left(self):
        from programme.seats import seats_left

        return seats_left(self.capacity, self.seats_taken_now)

    @property
    def public_status(self):
        """Group.PublicStatus: what citizens read (programme.seats.public_status)."""
        from programme.seats import public_status

        return public_status(self.status, self.capacity, self.seats_taken_now)

    @property
    def is_open(self):
        return self.public_status == self.PublicStatus.OPEN

    @property
    def calendar_uid(self):
        # The same in every language, so a calendar app never sees two groups.
        return f"group-{self.translation_key}@mutuoaiutolavoro"


class MeetingSlot(Orderable):
    """A weekly meeting: every <weekday> from <start> to <end>, local time in Milan,
    from `valid_from` to `valid_until` (both included; empty: no limit on that side).

    A group that changes its time from a date gets two slots: the old one ending the day
    before, the new one starting that day. Existing slots (migration 0011) have no
    `valid_from`: they were already meeting.
    """

    group = ParentalKey(Group, on_delete=models.CASCADE, related_name="slots")
    # The weekly meeting's public identifier (the open data's HSDS schedule id): drawn
    # once, kept when its day or time changes and in every revision, so other systems
    # see the same meeting moved rather than one removed and another added.
    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, editable=False)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    start = models.TimeField(_("starts at"))
    end = models.TimeField(_("ends at"))
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True,
        help_text=_("The first day of this schedule. Empty: the group already meets."),
    )
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True,
        help_text=_("The last day of this schedule. Empty: until further notice."),
    )

    panels = [
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("start"), FieldPanel("end")]),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("weekly meeting")
        verbose_name_plural = _("weekly meetings")

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The meeting must end after it starts.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _(
                "The schedule cannot end before it starts: choose a date on or after "
                "the “valid from” date.")
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, day):
        """Whether this schedule holds on `day` (a date), its limits included."""
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_until is None or day <= self.valid_until))

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class CancelledMeeting(TranslatableMixin, Orderable):
    """A date on which the group does not meet (holidays, the venue closed, ...).

    Translatable, so the English page gives the reason in English: wagtail-localize
    copies the date to the group's translations and offers the reason for translation.
    The groups page shows the date as cancelled, with its reason.
    """

    group = ParentalKey(Group, on_delete=models.CASCADE, related_name="cancelled_meetings")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("reason")])]
    translatable_fields = [TranslatableField("reason"), SynchronizedField("date")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("cancelled date")
        verbose_name_plural = _("cancelled dates")

    def __str__(self):
        return f"{self.date:%Y-%m-%d}"


class HolidayMeeting(Orderable):
    """A public holiday on which the group meets all the same.

    Weekly meetings skip Italian public holidays and Milan's patron day
    (programme.public_holidays.is_public_holiday); an editor opens one by listing its date here.
    """

    group = ParentalKey(Group, on_delete=models.CASCADE, related_name="holiday_meetings")
    date = models.DateField(_("date"))

    panels = [FieldPanel("date")]

    class Meta(Orderable.Meta):
        verbose_name = _("meeting held on a public holiday")
        verbose_name_plural = _("meetings held on a public holiday")

    def clean(self):
        from programme.public_holidays import is_public_holiday

        if self.date and not is_public_holiday(self.date):
            raise ValidationError({"date": _(
                "This date is not a public holiday: the group meets on it anyway.")})

    def __str__(self):
        return f"{self.date:%Y-%m-%d}"

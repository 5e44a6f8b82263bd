"""Who facilitates which group, and who came to each meeting."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FacilitatorAssignment(models.Model):
    """A facilitator runs a group: they see its meetings and the people assigned to it.

    `group` is the group's canonical row (the default-language original), like every
    operational link to a group (requests, seats)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("facilitator"),
                             on_delete=models.CASCADE, related_name="facilitated_groups")
    group = models.ForeignKey("programme.Group", verbose_name=_("group"),
                              on_delete=models.CASCADE,
                              related_name="facilitator_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("facilitator of a group")
        verbose_name_plural = _("facilitators of groups")
        constraints = [models.UniqueConstraint(
            fields=["user", "group"], name="facilitator_once_per_group",
            violation_error_message=_("This facilitator already runs this group."))]

    def __str__(self):
        return f"{self.user_id} → {self.group_id}"


class AttendanceRecord(models.Model):
    """One person at one meeting: present or absent, who marked it and when.

    A meeting is its group, date and start time (local time in Milan): a group may meet
    twice a day. Nothing else about the person is recorded here: no notes (health data
    has no place in a register). The row outlives the request's anonymisation, so the
    outcome figures keep their attendance rates after the retention purge."""

    request = models.ForeignKey("programme.ParticipationRequest",
                                verbose_name=_("participation request"),
                                on_delete=models.CASCADE, related_name="attendance")
    group = models.ForeignKey("programme.Group", verbose_name=_("group"),
                              on_delete=models.PROTECT, related_name="attendance_records")
    date = models.DateField(_("date"))
    start = models.TimeField(_("starts at"))
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["date", "start"]
        constraints = [models.UniqueConstraint(
            fields=["request", "group", "date", "start"], name="attendance_once_per_meeting",
            violation_error_message=_("This person's attendance at this meeting is already "
                                      "recorded: open the register again to change it."))]
        indexes = [models.Index(fields=["group", "date"], name="attendance_meeting")]

    def __str__(self):
        return f"{self.request_id} {self.date:%Y-%m-%d} {self.start:%H:%M}"

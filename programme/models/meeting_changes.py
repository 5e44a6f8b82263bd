"""A facilitator's change to one meeting of a group (issue 20): cancelled, or moved.

Not part of the group's revisions: a plain foreign key, not a ParentalKey, so no
publication, revert or moderation of the group brings back or drops it. Stored on the
canonical group (the default-language row), which holds the schedule.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingChange(models.Model):
    """One meeting of `group` — the one of `date` at `start` (local time in Milan, as the
    weekly slot says) — cancelled (`kind` CANCELLED) or held instead on `new_date` from
    `new_start` to `new_end` (`kind` MOVED). At most one change per meeting: a second
    change of the same meeting updates this row (programme.meeting_changes)."""

    class Kind(models.TextChoices):
        CANCELLED = "cancelled", pgettext_lazy("meeting change", "cancelled")
        MOVED = "moved", pgettext_lazy("meeting change", "moved")

    group = models.ForeignKey("programme.Group", verbose_name=_("group"),
                              on_delete=models.CASCADE, related_name="meeting_changes")
    date = models.DateField(_("date of the meeting"))
    start = models.TimeField(_("start of the meeting"))
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    new_date = models.DateField(_("new date"), null=True, blank=True)
    new_start = models.TimeField(_("new start"), null=True, blank=True)
    new_end = models.TimeField(_("new end"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("change to a meeting")
        verbose_name_plural = _("changes to meetings")
        ordering = ["date", "start"]
        constraints = [models.UniqueConstraint(
            fields=["group", "date", "start"], name="one_change_per_meeting",
            violation_error_message=_("This meeting was already changed: open it again to "
                                      "see its new date or time."))]

    def __str__(self):
        return f"{self.group_id} {self.date:%Y-%m-%d} {self.start:%H:%M} {self.kind}"

    @property
    def is_moved(self):
        return self.kind == self.Kind.MOVED

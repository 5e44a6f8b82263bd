"""A group's statuses, used as Group.Status (the one staff set) and Group.PublicStatus
(the one citizens read, computed by programme.seats.public_status)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupStatus(models.TextChoices):
    """The status staff set; the public reads PublicStatus (programme.seats)."""

    AUTOMATIC = "auto", _("Automatic: open while seats are free, full when not")
    CLOSED = "closed", _("Closed to new participants")
    PAUSED = "paused", _("Paused")


class PublicStatus(models.TextChoices):
    OPEN = "open", _("Open to new participants")
    FULL = "full", _("Full")
    CLOSED = "closed", _("Not taking new participants")
    PAUSED = "paused", _("Paused")

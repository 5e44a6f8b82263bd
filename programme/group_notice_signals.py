"""When a group's change becomes public, its people are told (programme.group_notices).

The schedule is read from the database just before the group's row is saved and again
once the transaction commits: a ClusterableModel saves its slots and cancelled dates
after its own row, so only the committed state is the new one. A draft of a live group
saves no schedule (Wagtail updates only the row's revision fields), so nothing is sent
until the change is published; a rolled-back save sends nothing either.
"""

from django.db import connection, transaction
from django.db.models.signals import pre_save
from wagtail.models import Locale
from wagtail.signals import published

from .group_notices import notify_schedule_change, read_schedule
from .models.groups import Group

# What a save must write for the schedule to change: Wagtail's draft and revision saves
# name only their own fields.
SCHEDULE_FIELDS = {"venue", "venue_id", "slots", "cancelled_meetings", "holiday_meetings"}


class _NoticeAfterCommit:
    """The on-commit callback of one group in one transaction (one mail per change,
    however many times the group is saved before the commit)."""

    def __init__(self, group_id, before):
        self.group_id = group_id
        self.before = before

    def __call__(self):
        notify_schedule_change(self.group_id, self.before)


def _notice_pending(group_id):
    return any(isinstance(callback, _NoticeAfterCommit) and callback.group_id == group_id
               for _savepoints, callback, *_robust in connection.run_on_commit)


def _schedule_may_change(instance, raw, update_fields):
    if raw or instance.pk is None:
        return False
    if update_fields is not None and not SCHEDULE_FIELDS & set(update_fields):
        return False
    # People are seated in the original group; its translations copy its schedule.
    return instance.locale_id == Locale.get_default().pk


def before_group_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if not _schedule_may_change(instance, raw, update_fields):
        return
    if not connection.in_atomic_block:
        # Saved outside a transaction (a publication run from a script): the slots are
        # written after this row, so compare once Wagtail says it is published.
        instance._schedule_before = read_schedule(instance.pk)
        return
    if _notice_pending(instance.pk):
        return  # the first save of this transaction holds the schedule before it
    before = read_schedule(instance.pk)
    if before is not None:
        # robust: a failure to queue the mails is logged; the saved change stays saved.
        transaction.on_commit(_NoticeAfterCommit(instance.pk, before), robust=True)


def after_group_published(sender, instance, **kwargs):
    before = instance.__dict__.pop("_schedule_before", None)
    if before is not None:
        notify_schedule_change(instance.pk, before)


def connect():
    pre_save.connect(before_group_save, sender=Group,
                     dispatch_uid="programme.group_notices.before_save")
    published.connect(after_group_published, sender=Group,
                      dispatch_uid="programme.group_notices.published")

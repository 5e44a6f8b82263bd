import uuid

import django.db.models.deletion
from django.db import migrations, models


def set_locale_and_keys(apps, schema_editor):
    """Each cancelled date takes its group's language, and a key shared with the same
    date in the group's translations (wagtail-localize had copied the rows one by one),
    derived from the group's translation key, the date and its rank among equal dates."""
    CancelledMeeting = apps.get_model("programme", "CancelledMeeting")
    seen = {}
    for cancelled in CancelledMeeting.objects.select_related("group").order_by(
        "group_id", "date", "sort_order", "pk"
    ):
        group = cancelled.group
        rank = seen.setdefault((group.pk, cancelled.date), 0)
        seen[(group.pk, cancelled.date)] = rank + 1
        cancelled.locale_id = group.locale_id
        cancelled.translation_key = uuid.uuid5(
            group.translation_key, f"cancelled-{cancelled.date.isoformat()}-{rank}")
        cancelled.save(update_fields=["locale", "translation_key"])


class Migration(migrations.Migration):
    """Schedules get valid-from/valid-until dates (existing slots none: they were already
    meeting, and groups record no creation date), and cancelled dates become translatable
    (their reason is shown on the groups page in each language)."""

    dependencies = [
        ("programme", "0010_heard_from_blank_for_referrals"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingslot",
            name="valid_from",
            field=models.DateField(
                blank=True, null=True, verbose_name="valid from",
                help_text="The first day of this schedule. Empty: the group already meets.",
            ),
        ),
        migrations.AddField(
            model_name="meetingslot",
            name="valid_until",
            field=models.DateField(
                blank=True, null=True, verbose_name="valid until",
                help_text="The last day of this schedule. Empty: until further notice.",
            ),
        ),
        migrations.AddField(
            model_name="cancelledmeeting",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AddField(
            model_name="cancelledmeeting",
            name="locale",
            field=models.ForeignKey(
                null=True, editable=False,
                on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="wagtailcore.locale", verbose_name="locale",
            ),
        ),
        migrations.RunPython(set_locale_and_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="cancelledmeeting",
            name="locale",
            field=models.ForeignKey(
                editable=False, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="wagtailcore.locale", verbose_name="locale",
            ),
        ),
        migrations.AlterUniqueTogether(
            name="cancelledmeeting", unique_together={("translation_key", "locale")},
        ),
    ]

import uuid

from django.db import migrations, models


def give_each_slot_its_identifier(apps, schema_editor):
    """One UUID per existing weekly meeting; a translation's copy of a slot gets the
    original's (same group translation key, same day, time and dates, and the same rank
    among identical slots of its group, so two identical slots never share one)."""
    MeetingSlot = apps.get_model("programme", "MeetingSlot")
    drawn, seen = {}, {}
    for slot in MeetingSlot.objects.select_related("group").order_by(
            "group__locale_id", "group_id", "sort_order", "pk"):
        fields = (slot.group.translation_key, slot.weekday, slot.start, slot.end,
                  slot.valid_from, slot.valid_until)
        rank = seen[(slot.group_id, fields)] = seen.get((slot.group_id, fields), -1) + 1
        public_id = drawn.setdefault((fields, rank), uuid.uuid4())
        MeetingSlot.objects.filter(pk=slot.pk).update(public_id=public_id)


class Migration(migrations.Migration):
    """A stored UUID per weekly meeting (the open data's HSDS schedule id): added empty,
    drawn for the existing ones, then filled for every new one."""

    dependencies = [("programme", "0025_adhesion_publish_contact_details")]

    operations = [
        migrations.AddField(
            model_name="meetingslot", name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="public identifier"),
        ),
        migrations.RunPython(give_each_slot_its_identifier, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="meetingslot", name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False,
                                   verbose_name="public identifier"),
        ),
    ]

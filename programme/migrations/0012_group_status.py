from django.db import migrations, models

# The former statuses: "open" said open whatever the seats, "full" was set by hand.
FORWARD = {"open": "auto", "full": "closed"}
BACKWARD = {"auto": "open", "closed": "full"}


def _rename(mapping):
    def rename(apps, schema_editor):
        Group = apps.get_model("programme", "Group")
        for old, new in mapping.items():
            Group.objects.filter(status=old).update(status=new)
    return rename


class Migration(migrations.Migration):
    """A group's public status follows its seats unless the Segreteria closed or paused
    it; a status change may be a correction (with its reason in the note)."""

    dependencies = [
        ("programme", "0011_schedule_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="statuschange",
            name="is_correction",
            field=models.BooleanField(default=False, verbose_name="correction"),
        ),
        migrations.AlterField(
            model_name="group",
            name="status",
            field=models.CharField(
                choices=[("auto", "Automatic: open while seats are free, full when not"),
                         ("closed", "Closed to new participants"), ("paused", "Paused")],
                default="auto",
                help_text="Automatic follows the seats: full when every seat is taken, "
                          "open again when one frees.",
                max_length=10, verbose_name="status"),
        ),
        migrations.RunPython(_rename(FORWARD), _rename(BACKWARD)),
    ]

"""The "Facilitatori" auth group (accounts.roles.FACILITATOR_GROUP), with no permission:
its members use the facilitators' area, never the admin."""

from django.db import migrations

FACILITATORS = "Facilitatori"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=FACILITATORS)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=FACILITATORS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("facilitation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]

from django.db import migrations

# The Segreteria runs the calendar: it reads and updates bookings, keeps the opening
# rules and closures, and reads the services; Redazione and Approvazione write the
# services' texts (translatable content, like the venues).
GRANTS = {
    "Segreteria": {
        "booking": ["view", "change"],
        "openingrule": ["view", "add", "change", "delete"],
        "closure": ["view", "add", "change", "delete"],
        "bookableservice": ["view"],
    },
    "Redazione": {"bookableservice": ["view", "add", "change"]},
    "Approvazione": {"bookableservice": ["view", "add", "change"]},
}
NAMES = {"booking": "booking", "openingrule": "opening rule", "closure": "closure",
         "bookableservice": "bookable service"}


def grant(apps, schema_editor):
    # Permissions are normally created after migrations run; make sure these exist now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, models in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        for model, actions in models.items():
            content_type, _created = ContentType.objects.get_or_create(
                app_label="booking", model=model)
            for action in actions:
                permission, _created = Permission.objects.get_or_create(
                    content_type=content_type, codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {NAMES[model]}"})
                group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0003_booking_events"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

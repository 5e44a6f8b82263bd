from django.db import migrations

DECIDING_GROUPS = ["Segreteria", "Approvazione"]


def grant(apps, schema_editor):
    # Deciding on adhesions is the staff's job: the triage office and the approvers.
    # Permissions are normally created after migrations run; make sure these exist now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(
        app_label="programme", model="adhesion"
    )
    perms = [
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in [
            ("view_adhesion", "Can view adhesion to the protocol"),
            ("change_adhesion", "Can change adhesion to the protocol"),
        ]
    ]
    for name in DECIDING_GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0003_participation_requests"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

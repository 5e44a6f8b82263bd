from django.db import migrations

DECIDING_GROUPS = ["Segreteria", "Approvazione"]


def grant(apps, schema_editor):
    # Deciding on adhesions is the staff's job: the triage office and the approvers.
    from django.contrib.auth.management import create_permissions

    create_permissions(apps.get_app_config("programme"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="programme", codename__in=["view_adhesion", "change_adhesion"]
    )
    for name in DECIDING_GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("programme", "0003_participation_requests")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

from django.db import migrations

# Who reads the ratings' report: the editors (who write and approve the pages rated)
# and the Segreteria (who answers the public). The groups are the editorial migration's
# (programme 0002); get_or_create keeps either order of the two migrations working.
REPORT_GROUPS = ["Redazione", "Approvazione", "Segreteria"]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(
        app_label="rating", model="pagerating")
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename="view_pagerating",
        defaults={"name": "Can view page rating"})
    for name in REPORT_GROUPS:
        Group.objects.get_or_create(name=name)[0].permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=REPORT_GROUPS):
        group.permissions.remove(*Permission.objects.filter(
            content_type__app_label="rating", codename="view_pagerating"))


class Migration(migrations.Migration):
    dependencies = [
        ("rating", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

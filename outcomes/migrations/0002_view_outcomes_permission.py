"""The dashboard's permission "outcomes.view_outcomes" moves to OutcomesPage's Meta.

Before, it was made after each migrate under a content type of its own with no model
("outcomes.outcomes"), which Django's remove_stale_contenttypes would delete with every
grant. The data step makes the permission under OutcomesPage's content type (Django
would make it only after the migrations), moves the groups and users who held the old
one to it, and deletes the old permission and content type."""

from django.conf import settings
from django.db import migrations

CODENAME = "view_outcomes"
NAME = "Can view the outcomes dashboard"


def move_grants(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    page_type, _created = ContentType.objects.get_or_create(app_label="outcomes",
                                                            model="outcomespage")
    new, _created = Permission.objects.get_or_create(
        content_type=page_type, codename=CODENAME, defaults={"name": NAME})
    old = Permission.objects.filter(content_type__app_label="outcomes",
                                    content_type__model="outcomes", codename=CODENAME)
    for permission in old:
        for group in Group.objects.filter(permissions=permission):
            group.permissions.add(new)
        for user in User.objects.filter(user_permissions=permission):
            user.user_permissions.add(new)
        permission.delete()
    ContentType.objects.filter(app_label="outcomes", model="outcomes").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("outcomes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="outcomespage",
            options={"permissions": [("view_outcomes", "Can view the outcomes dashboard")],
                     "verbose_name": "programme in numbers page"},
        ),
        migrations.RunPython(move_grants, migrations.RunPython.noop),
    ]

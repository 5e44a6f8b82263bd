from django.db import migrations

# Who promotes search results ("Impostazioni → Risultati di ricerca in evidenza"): the
# editors who write the pages and those who approve them. A promotion only reorders
# what the search shows, like a menu: no moderation. The groups are the editorial
# migration's (programme 0002); get_or_create keeps either order working.
GROUPS = ["Redazione", "Approvazione"]
ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(
        app_label="wagtailsearchpromotions", model="searchpromotion")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type, codename=f"{action}_searchpromotion",
            defaults={"name": f"Can {action} search promotion"})[0]
        for action in ACTIONS
    ]
    for name in GROUPS:
        Group.objects.get_or_create(name=name)[0].permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailsearchpromotions",
        codename__in=[f"{action}_searchpromotion" for action in ACTIONS])
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0012_standard_page_content_licence"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

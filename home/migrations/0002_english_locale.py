from django.db import migrations


def add_english(apps, schema_editor):
    # Wagtail creates the default locale (it) from LANGUAGE_CODE; the second language
    # must exist everywhere too, tests included.
    Locale = apps.get_model("wagtailcore", "Locale")
    Locale.objects.get_or_create(language_code="en")


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(add_english, migrations.RunPython.noop)]

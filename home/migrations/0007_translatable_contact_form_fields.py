"""Contact form fields become translatable (TranslatableMixin).

Existing rows take their page's locale; the rows of a page and of its translations that
store answers under the same `clean_name` share one translation key, so wagtail-localize
sees them as one field in two languages.
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

NAMESPACE = uuid.UUID("0e6f7b0a-52c5-4a55-9d0e-7a3c1f1f6a51")


def fill_locale_and_translation_key(apps, schema_editor):
    ContactFormField = apps.get_model("home", "ContactFormField")
    Page = apps.get_model("wagtailcore", "Page")
    pages = {
        row["pk"]: row
        for row in Page.objects.filter(
            pk__in=ContactFormField.objects.values("page_id")
        ).values("pk", "locale_id", "translation_key")
    }
    for field in ContactFormField.objects.all():
        page = pages[field.page_id]
        field.locale_id = page["locale_id"]
        field.translation_key = uuid.uuid5(
            NAMESPACE, f"{page['translation_key']}:{field.clean_name or field.pk}"
        )
        field.save(update_fields=["locale", "translation_key"])


class Migration(migrations.Migration):

    dependencies = [
        ("home", "0006_contact_message_proxy"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactformfield",
            name="locale",
            field=models.ForeignKey(
                null=True, editable=False, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="wagtailcore.locale", verbose_name="locale",
            ),
        ),
        migrations.AddField(
            model_name="contactformfield",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_locale_and_translation_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contactformfield",
            name="locale",
            field=models.ForeignKey(
                editable=False, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="wagtailcore.locale", verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="contactformfield",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(
            name="contactformfield",
            unique_together={("translation_key", "locale")},
        ),
    ]

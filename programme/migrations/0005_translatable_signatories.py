import uuid

import django.db.models.deletion
from django.db import migrations, models


def set_locale_and_keys(apps, schema_editor):
    # Each existing signatory takes its page's language and a key of its own.
    Signatory = apps.get_model("programme", "ProtocolSignatory")
    for signatory in Signatory.objects.select_related("page"):
        signatory.locale_id = signatory.page.locale_id
        signatory.translation_key = uuid.uuid4()
        signatory.save(update_fields=["locale", "translation_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0004_adhesion_permissions"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="protocolsignatory",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AddField(
            model_name="protocolsignatory",
            name="locale",
            field=models.ForeignKey(
                null=True, editable=False,
                on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="wagtailcore.locale", verbose_name="locale",
            ),
        ),
        migrations.RunPython(set_locale_and_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="protocolsignatory",
            name="locale",
            field=models.ForeignKey(
                editable=False, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="wagtailcore.locale", verbose_name="locale",
            ),
        ),
        migrations.AlterUniqueTogether(
            name="protocolsignatory", unique_together={("translation_key", "locale")},
        ),
    ]

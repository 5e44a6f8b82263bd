"""UsedChallenge moves from `home` to this app: the table is created here and the replay
markers in `home_usedchallenge` are copied into it (a solution accepted before the move
stays spent); home's migration 0010 then drops the old table."""

from django.db import migrations, models

BATCH = 500


def copy_markers(source_app, target_app):
    def copy(apps, schema_editor):
        source = apps.get_model(source_app, "UsedChallenge")
        target = apps.get_model(target_app, "UsedChallenge")
        batch = []
        for marker in source.objects.all().iterator(chunk_size=BATCH):
            batch.append(target(signature=marker.signature, expires_at=marker.expires_at))
            if len(batch) >= BATCH:
                target.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        target.objects.bulk_create(batch, ignore_conflicts=True)

    return copy


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("home", "0009_contact_details_drafts"),
    ]

    operations = [
        migrations.CreateModel(
            name="UsedChallenge",
            fields=[
                ("signature", models.CharField(max_length=128, primary_key=True, serialize=False)),
                ("expires_at", models.DateTimeField(db_index=True)),
            ],
            options={
                "verbose_name": "used spam-check solution",
                "verbose_name_plural": "used spam-check solutions",
            },
        ),
        migrations.RunPython(copy_markers("home", "antispam"), copy_markers("antispam", "home")),
    ]

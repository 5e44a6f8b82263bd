import uuid

from django.db import migrations, models


def give_each_organisation_its_identifier(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    for organisation in Organisation.objects.filter(public_id__isnull=True).only("pk"):
        Organisation.objects.filter(pk=organisation.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    """A stored UUID per organisation (the open data's HSDS identifier): added empty, one
    drawn for each existing organisation, then required and unique."""

    dependencies = [("accounts", "0005_encrypt_mfa_secrets")]

    operations = [
        migrations.AddField(
            model_name="organisation", name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="public identifier"),
        ),
        migrations.RunPython(give_each_organisation_its_identifier, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organisation", name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True,
                                   verbose_name="public identifier"),
        ),
    ]

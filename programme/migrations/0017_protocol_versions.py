# The protocol's versions (issue 13): each version a row with its number, date and PDF,
# the page's former version/signed_document becoming its first version; adhesions
# remember the version they were last told of.
import django.core.validators
import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models


def versions_from_the_signed_document(apps, schema_editor):
    ProtocolPage = apps.get_model("programme", "ProtocolPage")
    ProtocolVersion = apps.get_model("programme", "ProtocolVersion")
    Adhesion = apps.get_model("programme", "Adhesion")
    for page in ProtocolPage.objects.exclude(signed_document=None):
        ProtocolVersion.objects.create(
            page_id=page.pk, sort_order=0, number=(page.version or "1.0").strip() or "1.0",
            date=page.signed_on, document_id=page.signed_document_id,
        )
    # Every adhesion so far accepted the version it records: nothing to tell it.
    Adhesion.objects.update(told_of_version=models.F("protocol_version"))


def signed_document_from_the_first_version(apps, schema_editor):
    ProtocolPage = apps.get_model("programme", "ProtocolPage")
    ProtocolVersion = apps.get_model("programme", "ProtocolVersion")
    for page in ProtocolPage.objects.all():
        first = ProtocolVersion.objects.filter(page_id=page.pk).order_by("date", "pk").first()
        if first is not None:
            page.version, page.signed_document_id = first.number, first.document_id
            page.save(update_fields=["version", "signed_document"])


class Migration(migrations.Migration):

    dependencies = [
        ("programme", "0016_snippet_moderation"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.AddField(
            model_name="adhesion",
            name="told_of_version",
            field=models.CharField(blank=True, editable=False, max_length=30,
                                   verbose_name="told of protocol version"),
        ),
        migrations.CreateModel(
            name="ProtocolVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                ("number", models.CharField(
                    help_text="For example 2.0. Part of the address of this version's PDF.",
                    max_length=30,
                    validators=[django.core.validators.RegexValidator(
                        "^[0-9A-Za-z][0-9A-Za-z.-]*$",
                        "Write the version number with digits, letters, dots and hyphens only "
                        "(for example 2.0): it is part of the PDF's address.")],
                    verbose_name="version number")),
                ("date", models.DateField(verbose_name="date of the version")),
                ("document", models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                    to="wagtaildocs.document", verbose_name="protocol (PDF)")),
                ("page", modelcluster.fields.ParentalKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="versions",
                    to="programme.protocolpage")),
            ],
            options={
                "verbose_name": "version of the protocol",
                "verbose_name_plural": "versions of the protocol",
                "ordering": ["sort_order"],
                "abstract": False,
            },
        ),
        migrations.RunPython(versions_from_the_signed_document,
                             signed_document_from_the_first_version),
        migrations.RemoveField(model_name="protocolpage", name="signed_document"),
        migrations.RemoveField(model_name="protocolpage", name="version"),
    ]

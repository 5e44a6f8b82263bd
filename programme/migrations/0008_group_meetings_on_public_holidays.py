import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("programme", "0007_group_index_intake_page"),
    ]

    operations = [
        migrations.CreateModel(
            name="HolidayMeeting",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                ("date", models.DateField(verbose_name="date")),
                ("group", modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name="holiday_meetings", to="programme.group")),
            ],
            options={
                "verbose_name": "meeting held on a public holiday",
                "verbose_name_plural": "meetings held on a public holiday",
                "ordering": ["sort_order"],
                "abstract": False,
            },
        ),
    ]

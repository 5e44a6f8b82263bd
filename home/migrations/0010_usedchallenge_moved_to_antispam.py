"""UsedChallenge now lives in the antispam app, whose first migration copied the replay
markers: the old table goes."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("home", "0009_contact_details_drafts"),
        ("antispam", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="UsedChallenge"),
    ]

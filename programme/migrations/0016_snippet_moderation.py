# Placeholder kept in the chain for issue 13's snippet moderation (filled in by that work).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("programme", "0015_drafts_waiting_list_duplicates"),
        ("home", "0009_contact_details_drafts"),
    ]

    operations = []

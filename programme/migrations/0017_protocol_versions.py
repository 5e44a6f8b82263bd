# Placeholder kept in the chain for issue 13's protocol versions (filled in by that work).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("programme", "0016_snippet_moderation"),
    ]

    operations = []

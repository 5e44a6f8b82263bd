from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_EDITOR_EMAIL, ensure_demo_editor
from home import demo as home_demo
from programme import demo as programme_demo


class Command(BaseCommand):
    help = (
        "Build the demo site (Italian pages with English translations) from the press "
        "release. Safe to run again: what exists is kept."
    )

    def handle(self, *args, **options):
        t = home_demo.Strings()
        home, pages, to_translate = home_demo.build(t)
        to_translate += programme_demo.build(t, home, pages)
        home_demo.put_contact_last(home, pages, to_translate)
        home_demo.translate_all(to_translate, t)
        programme_demo.assign_moderation_workflow_to_sections()  # English sections too
        with transaction.atomic():
            _user, password = ensure_demo_editor()
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
        if password:
            self.stdout.write(
                "Demo editor (shown only now): "
                f"{DEMO_EDITOR_EMAIL} / {password}  -> {settings.WAGTAILADMIN_BASE_URL}/admin/"
            )
        else:
            self.stdout.write(
                f"Demo editor {DEMO_EDITOR_EMAIL} already exists; to choose a new password run "
                "`.venv/bin/python manage.py changepassword redazione`."
            )

from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.signal_handlers import disable_reference_index_auto_update

from accounts.demo import DEMO_EDITOR_EMAIL, ensure_demo_editor
from booking import demo as booking_demo
from home import demo as home_demo
from opendata import demo as opendata_demo
from outcomes import demo as outcomes_demo
from programme import demo as programme_demo


class Command(BaseCommand):
    help = (
        "Build the demo site (Italian pages with English translations) from the press "
        "release. Safe to run again: what exists is kept."
    )

    def handle(self, *args, **options):
        # The demo saves its pages several times and replaces inline rows (a programme
        # page's venues) in one run: each save would queue a reference-index task naming
        # a row that is gone by the time the worker runs it (FAILED, DoesNotExist, at the
        # first `make run`). The index is built once, from the final content, instead.
        with disable_reference_index_auto_update():
            t = home_demo.Strings()
            home, pages, to_translate = home_demo.build(t)
            to_translate += programme_demo.build(t, home, pages)
            to_translate += booking_demo.build(t, home, pages)
            to_translate += opendata_demo.build(t, home, pages)
            to_translate += outcomes_demo.build(t, home, pages)
            home_demo.put_contact_last(home, pages, to_translate)
            home_demo.translate_all(to_translate, t)
            programme_demo.assign_moderation_workflow_to_sections()  # English sections too
        call_command("rebuild_references_index", stdout=StringIO())
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

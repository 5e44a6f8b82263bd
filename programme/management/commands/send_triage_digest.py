"""`manage.py send_triage_digest`: today's digest of requests to each Segreteria member.

Run once a day (deploy/systemd/mutuo-aiuto-lavoro-triage-digest.timer); running it again
the same day mails nobody twice. The mails are queued: the worker sends them.
"""

from django.core.management.base import BaseCommand

from programme.triage_alerts import send_triage_digest


class Command(BaseCommand):
    help = "Queue today's digest of participation requests for each Segreteria member."

    def handle(self, *args, **options):
        queued = send_triage_digest()
        self.stdout.write(f"{queued} digest mail(s) queued.")

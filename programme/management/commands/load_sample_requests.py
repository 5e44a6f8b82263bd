"""Fictional participation requests for training the Segreteria and for walk-throughs.

Not part of `make run`'s demo content: a fresh site has no requests, as in production.
`manage.py load_sample_requests --count 14` adds that many new requests (invented
names, example.org addresses, 02 numbers that are not assigned) through the same
domain function as the public form, so each gets its reference, history and
confirmation mail (queued). Refuses to run with DEBUG off, so it never reaches a live
database by mistake.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programme.models.participation import ParticipationRequest
from programme.models.venues import Venue
from programme.participation import submit_request

FIRST_NAMES = ["Marta", "Luca", "Giulia", "Ahmed", "Sara", "Paolo", "Elena", "Davide",
               "Fatima", "Marco", "Chiara", "Andrea", "Ioana", "Stefano", "Laura", "Omar"]
LAST_NAMES = ["Colombo", "Ferrari", "Esposito", "Bianchi", "Romano", "Ricci", "Marino",
              "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Costa", "Fontana", "Moretti",
              "Rinaldi"]


class Command(BaseCommand):
    help = "Add fictional participation requests (training and walk-throughs only)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=14)

    def handle(self, *args, count, **options):
        if not settings.DEBUG:
            raise CommandError("Sample requests are for development sites (DEBUG on) only.")
        if not 1 <= count <= 500:
            raise CommandError("--count must be between 1 and 500.")
        venue = Venue.objects.filter(locale__language_code=settings.LANGUAGE_CODE).first()
        start = ParticipationRequest.objects.count()
        for n in range(start, start + count):
            first = FIRST_NAMES[n % len(FIRST_NAMES)]
            last = LAST_NAMES[(n * 7) % len(LAST_NAMES)]
            submit_request(
                data={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{first}.{last}.{n}@example.org".lower().replace(" ", ""),
                    "phone": f"+39024000{n:04d}",
                    "preferred_channel": ParticipationRequest.Channel.EMAIL,
                    "employment_status": ParticipationRequest.EmploymentStatus.UNEMPLOYED,
                    "situation_since": datetime.date(2026, 1 + n % 10, 1),
                    "preferred_venue": venue,
                    "prefers_mornings": n % 2 == 0,
                    "prefers_afternoons": n % 2 == 1,
                    "heard_from": ParticipationRequest.HeardFrom.WEBSITE,
                },
                language="en" if n % 5 == 4 else "it",
            )
        self.stdout.write(f"{count} sample requests added.")

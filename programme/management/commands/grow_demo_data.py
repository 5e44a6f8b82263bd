"""Grow a copy of the database to the size of years of use (programme/demo_scale.py).

`manage.py grow_demo_data --news 2000 --groups 300 --venues 50 --requests 20000
--adherents 200` is issue 16's large dataset. For benchmarks and rehearsals on a copy:
refuses a production database unless --i-know-this-is-a-copy.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programme.demo_scale import STATUS_CHANGES_PER_REQUEST, grow


class Command(BaseCommand):
    help = "Add many fictional rows (news, venues, groups, requests, adherents) at once."

    def add_arguments(self, parser):
        for name in ("news", "groups", "venues", "requests", "adherents"):
            parser.add_argument(f"--{name}", type=int, default=0)
        parser.add_argument("--status-changes-per-request", type=float,
                            default=STATUS_CHANGES_PER_REQUEST)
        parser.add_argument("--english-share", type=float, default=0.5)
        parser.add_argument("--no-search-index", action="store_true")
        parser.add_argument("--i-know-this-is-a-copy", action="store_true",
                            help="allow it with DEBUG off (a copy run with production settings)")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["i_know_this_is_a_copy"]:
            raise CommandError("This adds fictional people: run it on a copy, with DEBUG on "
                               "or --i-know-this-is-a-copy.")
        try:
            counts = grow(
                news=options["news"], groups=options["groups"], venues=options["venues"],
                requests=options["requests"], adherents=options["adherents"],
                status_changes_per_request=options["status_changes_per_request"],
                english_share=options["english_share"],
                search_index=not options["no_search_index"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(", ".join(f"{n:,} {name.replace('_', ' ')}"
                                    for name, n in counts.items()) + " added.")

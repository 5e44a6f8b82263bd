"""What the open data publishes, read once per answer in a bounded number of queries
whatever the number of groups, venues or organisations: the published originals (in the
default language, which hold schedules and identifiers) with their texts in the asked
language when a published translation exists, else in Italian.

Every function takes the Locale whose texts are wanted (`locale_for(code)`); none reads
the request. Used by the HSDS API (`hsds.py`) and the downloads (`datasets.py`).
"""

from django.db.models import Max
from django.utils import timezone
from wagtail.models import Locale

from programme.models.adhesions import Adhesion
from programme.models.groups import SCHEDULE_PREFETCH, Group
from programme.models.meeting_changes import MeetingChange
from programme.models.pages import ProgrammePage, ProtocolPage
from programme.models.venues import Venue
from programme.schedule import with_translated_texts
from programme.seats import with_seats


def locale_for(code):
    """The Locale of language `code` ("it" or "en"), or the default one when the site has
    none for it. One query."""
    return Locale.objects.filter(language_code=code).first() or Locale.get_default()


def published_groups(locale):
    """The published groups meeting at a published venue, by name: canonical rows with
    `seats_taken`, `venue`, `slots`, `cancelled_meetings`, `holiday_meetings` and the
    facilitators' `meeting_changes` prefetched, and `.text`/`.venue_text`
    (programme.schedule.with_translated_texts) in `locale`, the cancelled dates' reasons
    in it too (`.cancelled_texts`). Seven queries at most."""
    groups = (
        with_seats(Group.objects.published().filter(locale=Locale.get_default()))
        .select_related("venue", "venue__locale", "locale")
        .prefetch_related(*SCHEDULE_PREFETCH)
        .order_by("name", "pk")
    )
    return with_translated_texts(groups, reasons=True, locale=locale)


def published_venues(locale):
    """The published venues (canonical rows, by name), each with `.text`: its published
    translation in `locale`, else itself. Two queries."""
    venues = list(Venue.objects.filter(live=True, locale=Locale.get_default())
                  .order_by("name", "pk"))
    texts = {}
    if venues and locale.pk != venues[0].locale_id:
        texts = {v.translation_key: v for v in Venue.objects.filter(
            live=True, locale=locale, translation_key__in=[v.translation_key for v in venues])}
    for venue in venues:
        venue.text = texts.get(venue.translation_key, venue)
    return venues


def adhering_organisations():
    """The approved adhesions to the protocol (not withdrawn), each with its
    `organisation`, oldest first (Adhesion.objects.listed). Publish an organisation's
    website, email and phone only when `adhesion.publish_contact_details`. One query."""
    return list(Adhesion.objects.listed())


def _live_in(model, locale):
    pages = model.objects.live().select_related("locale")
    return pages.filter(locale=locale).first() or pages.filter(
        locale=Locale.get_default()).first()


def programme_page(locale):
    """The live programme sheet in `locale`, else in the default language, or None."""
    return _live_in(ProgrammePage, locale)


def founding_signatories(locale):
    """The protocol's founding signatories (ProtocolSignatory rows: `organisation` is the
    name, `translation_key` the same UUID in every language), in `locale` when the
    protocol page is translated. Two queries at most."""
    protocol = _live_in(ProtocolPage, locale)
    return list(protocol.signatories.all()) if protocol else []


def today():
    """Milan's date now: what "upcoming" and "in force" are measured from."""
    return timezone.localdate()


def last_modified():
    """When what the open data shows last changed (an aware datetime, or None when nothing
    is published): the latest publication of a group, a venue, the programme sheet or the
    protocol page, the latest decision on or withdrawal of an adhesion, and the latest
    facilitator's change to a meeting. One aggregate query per model (six); what it reads
    is what a publication, a decision or a facilitator changes."""
    candidates = [
        Group.objects.filter(live=True).aggregate(at=Max("last_published_at"))["at"],
        Venue.objects.filter(live=True).aggregate(at=Max("last_published_at"))["at"],
        ProgrammePage.objects.live().aggregate(at=Max("last_published_at"))["at"],
        ProtocolPage.objects.live().aggregate(at=Max("last_published_at"))["at"],
        *Adhesion.objects.aggregate(decided=Max("decided_at"),
                                    withdrawn=Max("withdrawn_at")).values(),
        # A facilitator's cancelled or moved meeting changes the upcoming meetings.
        MeetingChange.objects.filter(group__live=True).aggregate(
            at=Max("changed_at"))["at"],
    ]
    return max((at for at in candidates if at is not None), default=None)


def contact_details(locale):
    """The programme office's published ContactDetails in `locale`, else in the default
    language, or None. One query."""
    from home.models import ContactDetails

    rows = list(ContactDetails.objects.filter(live=True).order_by("pk")[:10])
    return next((row for row in rows if row.locale_id == locale.pk),
                next((row for row in rows if row.locale_id == Locale.get_default().pk),
                     rows[0] if rows else None))


def group_index_page(locale):
    """The live groups page in `locale`, else in the default language, or None: where the
    groups' iCalendar feeds are (its `calendar_group` route)."""
    from programme.models.pages import GroupIndexPage

    return _live_in(GroupIndexPage, locale)

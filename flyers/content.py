"""What a flyer shows, read from the content editors keep: the programme's service sheet,
the published groups and their schedules, the venues and the office's contact details.

Each function returns a dict for templates/flyers/; texts in the active language where a
published translation exists, else the Italian original (as the public pages do).
"""

from urllib.parse import urlencode

from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Locale

from home.contact import absolute_url
from home.models import ContactDetails
from programme.models import ParticipationRequest
from programme.models.groups import Group
from programme.models.pages import ProgrammePage
from programme.models.participation_page import ParticipationPage
from programme.models.venues import Venue
from programme.schedule import slots_in_force, upcoming_meetings, with_translated_texts

# How far ahead a flyer lists meetings, and how many at most.
WEEKS_AHEAD = 4
MEETINGS_SHOWN = 4
# What the QR code's address tells the intake form (ParticipationRequest.HeardFrom).
FLYER = ParticipationRequest.HeardFrom.FLYER
POSTER = ParticipationRequest.HeardFrom.POSTER


def _in_language(queryset, language):
    """The live row of `queryset` in `language`, else the default language's, or None."""
    rows = list(queryset.filter(live=True).select_related("locale"))
    default = Locale.get_default().language_code
    for code in (language, default):
        for row in rows:
            if row.locale.language_code == code:
                return row
    return rows[0] if rows else None


def intake_url(language, *, heard_from=FLYER, group=None, venue=None):
    """The intake form's absolute address in `language` with what the QR code tells it:
    `?heard_from=flyer` (or "poster") and, for a group's flyer, `&group=<id>` (the
    canonical group's id), for a venue's poster `&venue=<id>`. None when no intake page
    is published. The host is the site's configured address (WAGTAILADMIN_BASE_URL, as
    in the mails): what is printed must lead to the public site, whoever downloads it."""
    page = _in_language(ParticipationPage.objects.all(), language)
    if page is None:
        return None
    query = {"heard_from": heard_from}
    if group is not None:
        query["group"] = group.pk
    if venue is not None:
        query["venue"] = venue.pk
    url = page.get_url()
    url = url if url.startswith("http") else absolute_url(url)
    return f"{url}?{urlencode(query)}"


def plain_text(stream_value, words=60):
    """A service sheet's section (a StreamValue) as plain text of at most `words` words:
    a flyer has room for a paragraph, not for the section's images or tables."""
    text = " ".join(strip_tags(str(stream_value or "")).split())
    return Truncator(text).words(words, truncate=" …")


def contacts(language):
    """The office's ContactDetails in `language` (or the original), or None."""
    return _in_language(ContactDetails.objects.all(), language)


def published_groups():
    """The published canonical groups with their schedules, texts not yet translated."""
    return list(Group.objects.published().for_listing())


def group_context(group_id, language):
    """What a group's flyer shows, or None when `group_id` is no published group:
    {"group" (with .text, .venue_text), "slots", "meetings", "intake_url",
    "contacts", "language", "today"}."""
    group = next((g for g in published_groups() if g.pk == group_id), None)
    if group is None:
        return None
    today = timezone.localdate()
    with translation.override(language):
        (group,) = with_translated_texts([group], reasons=True)
        meetings = upcoming_meetings([group], start=today, days=7 * WEEKS_AHEAD)
        return {
            "group": group,
            "slots": slots_in_force(group, today),
            "meetings": meetings[:MEETINGS_SHOWN],
            "intake_url": intake_url(language, group=group),
            "contacts": contacts(language),
            "language": language,
            "today": today,
        }


def programme_context(language):
    """What the programme's flyer shows: {"page" (the service sheet or None), "for_whom"
    and "how_to" (its sections as plain text), "groups"
    (published, with .text, .venue_text and .slots_shown), "intake_url", "contacts",
    "language", "today"}."""
    today = timezone.localdate()
    with translation.override(language):
        groups = with_translated_texts(published_groups())
        for group in groups:
            group.slots_shown = slots_in_force(group, today)
        page = _in_language(ProgrammePage.objects.all(), language)
        return {
            "page": page,
            "for_whom": plain_text(page.for_whom) if page else "",
            "how_to": plain_text(page.how_to) if page else "",
            "groups": [g for g in groups if g.status != g.Status.PAUSED],
            "intake_url": intake_url(language),
            "contacts": contacts(language),
            "language": language,
            "today": today,
        }



def venue_context(venue_id, language):
    """What a venue's A4 poster shows, or None when `venue_id` is no published venue in
    the default language: {"page" (the service sheet or None), "for_whom" (its section as
    plain text), "venue" (its text in `language`), "groups" (published, meeting there, with
    .text and .slots_shown), "intake_url" (heard_from=poster&venue=<id>), "contacts",
    "language", "today"}."""
    venue = Venue.objects.filter(pk=venue_id, live=True,
                                 locale=Locale.get_default()).first()
    if venue is None:
        return None
    today = timezone.localdate()
    with translation.override(language):
        groups = with_translated_texts(
            [g for g in published_groups() if g.venue_id == venue.pk])
        for group in groups:
            group.slots_shown = slots_in_force(group, today)
        translated = Venue.objects.filter(translation_key=venue.translation_key)
        page = _in_language(ProgrammePage.objects.all(), language)
        return {
            "page": page,
            "for_whom": plain_text(page.for_whom, words=40) if page else "",
            "venue": _in_language(translated, language) or venue,
            "groups": [g for g in groups if g.status != g.Status.PAUSED],
            "intake_url": intake_url(language, heard_from=POSTER, venue=venue),
            "contacts": contacts(language),
            "language": language,
            "today": today,
        }


def published_venues():
    """The published venues in the default language, by name."""
    return list(Venue.objects.filter(live=True, locale=Locale.get_default()).order_by("name"))

"""What the public reads of the moderated snippets (groups, venues, contact details).

Groups, venues and contact details go live through "Revisione e approvazione"
(migration 0016): an editor's save is a draft, Approvazione publishes. Wagtail keeps a
published row's pending changes in a revision, so the row itself is what the public may
read when `live` is true; a row never published (`live` false) is read by nobody outside
the admin. Querysets of groups have `published()` (programme.models.groups).
"""

from wagtail.models import Locale


def published_versions(venues):
    """`venues` (a list of Venue) as the public may read them, order kept.

    A published venue stays; one not published (a translation still a draft) is replaced
    by its published original in the default language, or left out when there is none.
    Duplicates are dropped. One query at most.
    """
    from programme.models.venues import Venue

    missing = {v.translation_key for v in venues if not v.live}
    originals = {}
    if missing:
        originals = {
            v.translation_key: v
            for v in Venue.objects.filter(translation_key__in=missing, live=True,
                                          locale=Locale.get_default())
            .select_related("photo")
        }
    shown, seen = [], set()
    for venue in venues:
        venue = venue if venue.live else originals.get(venue.translation_key)
        if venue is not None and venue.pk not in seen:
            seen.add(venue.pk)
            shown.append(venue)
    return shown

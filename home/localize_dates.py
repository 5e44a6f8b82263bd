"""Dates in wagtail-localize's translation editor in the reader's language.

wagtail-localize 1.14.5 writes the note under each translated string ("Tradotto
manualmente il {date}") with `updated_at.strftime("%-d %B %Y")` (wagtail_localize.models,
StringTranslation.get_comment): strftime knows only the C locale, so the Italian admin
reads "Tradotto manualmente il 30 November 2026". Reported upstream as: "get_comment
formats dates with strftime, not Django's localized formats". Until it is fixed,
`localize_translation_comments` puts in a get_comment that formats the same date with
Django's DATE_FORMAT in the active language and Milan's time ("30 novembre 2026",
"30 November 2026"), and the editor's props carry numeric dates;
tests/test_admin_language.py checks both languages and that the
upstream method still needs it.
"""

from django.utils import formats, timezone
from django.utils.translation import gettext


def translated_on(moment):
    """`moment` (an aware datetime) as the active language writes a date, local time."""
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def string_translation_comment(string_translation):
    """The editor's note for one StringTranslation: how and when it was translated.

    Returns a str in the active language; the msgids are wagtail-localize's own, so its
    catalogue translates them.
    """
    date = translated_on(string_translation.updated_at)
    if string_translation.tool_name:
        return gettext("Translated with {tool_name} on {date}").format(
            tool_name=string_translation.tool_name, date=date)
    if string_translation.translation_type == string_translation.TRANSLATION_TYPE_MANUAL:
        return gettext("Translated manually on {date}").format(date=date)
    if string_translation.translation_type == string_translation.TRANSLATION_TYPE_MACHINE:
        return gettext("Machine translated on {date}").format(date=date)
    return None


def localize_translation_comments():
    """Install string_translation_comment as StringTranslation.get_comment (idempotent)."""
    from wagtail_localize.models import StringTranslation
    from wagtail_localize.views import edit_translation

    global upstream_get_comment
    if upstream_get_comment is None:
        upstream_get_comment = StringTranslation.get_comment
    StringTranslation.get_comment = string_translation_comment
    # The editor's props carry the page's last publication date the same way; the
    # compiled editor does not show it today, but a numeric date reads right in any
    # language if a later version does.
    edit_translation.DATE_FORMAT = "%d/%m/%Y"


# wagtail-localize's own method, kept so a test can tell when an upgrade fixes it.
upstream_get_comment = None

"""Translate a page or snippet through wagtail-localize from a table of strings.

Used by the demo content: the English pages are real wagtail-localize translations
(the admin shows them as such and editors can keep translating them), not copies.
"""

import json

from wagtail.models import Locale
from wagtail_localize.models import (
    OverridableSegment,
    SegmentOverride,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)


class MissingStrings(ValueError):
    def __init__(self, instance, strings):
        self.strings = strings
        listing = "\n".join(f"  - {s!r}" for s in strings)
        super().__init__(f"No translation for these strings of {instance!r}:\n{listing}")


def translate(instance, language_code, strings, user=None):
    """Create or update `instance`'s translation into `language_code` and publish it.

    `strings` maps each source string (as wagtail-localize segments it: one per
    paragraph or list item, slugs included) to its translation, and may map a link's
    address to the translation's. A source string
    missing from the table raises MissingStrings, so demo content never ships half
    translated.
    """
    locale = Locale.objects.get(language_code=language_code)
    source, _created = TranslationSource.update_or_create_from_instance(instance)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    missing = []
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        text = strings.get(segment.string.data)
        if text is None:
            missing.append(segment.string.data)
            continue
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={
                "data": text,
                "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                "last_translated_by": user,
            },
        )
    if missing:
        raise MissingStrings(instance, missing)
    # A link's address is not a string to translate but an overridable segment, kept as
    # in the source unless overridden: an address the table maps (the Italian licence
    # page to the English one) is overridden, so the English page links the English.
    for segment in OverridableSegment.objects.filter(source=source).select_related("context"):
        data = segment.data
        if isinstance(data, str) and strings.get(data, data) != data:
            SegmentOverride.objects.update_or_create(
                locale=locale, context=segment.context,
                defaults={"data_json": json.dumps(strings[data]), "last_translated_by": user},
            )
    translation.save_target(user=user, publish=True)
    return source.get_translated_instance(locale)

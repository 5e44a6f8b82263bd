"""Which topics a reader sees: the page's topics in the reader's language."""

from .models import Topic


def in_language(topics, locale):
    """`topics` (Topic rows of any language) as read in `locale`: each topic's version
    in that language where it is translated, else the topic itself; sorted by name.

    One query at most, whatever the number of topics (a page's topics are synchronised
    from its original by wagtail-localize, so an English page holds the Italian rows).
    """
    topics = list(topics)
    missing = {t.translation_key for t in topics if t.locale_id != locale.pk}
    translated = {}
    if missing:
        translated = {t.translation_key: t for t in Topic.objects.filter(
            translation_key__in=missing, locale=locale)}
    shown = {}
    for topic in topics:
        topic = translated.get(topic.translation_key, topic)
        shown.setdefault(topic.translation_key, topic)
    return sorted(shown.values(), key=lambda t: t.name.casefold())

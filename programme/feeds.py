"""The news section's RSS feed, one per language (served by NewsIndexPage's `rss.xml` route)."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone, translation
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext

from typed_text.editor_text import editor_text


class NewsFeed(Feed):
    """The live articles of one news index, newest first, in the index's language."""

    feed_type = Rss201rev2Feed
    limit = 20

    def __init__(self, index):
        self.index = index
        self.language = index.locale.language_code
        self.request = None

    def __call__(self, request, *args, **kwargs):
        self.request = request
        # Channel texts in the page's language, whatever the URL prefix activated.
        with translation.override(self.language):
            return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return self.index

    # Every text as editors typed it, but never a character XML 1.0 refuses (older rows
    # may hold Word's line break U+000B): one would take the whole feed down.

    def title(self, index):
        site = gettext("Mutual Aid for Work")  # outside the f-string: xgettext
        return editor_text(f"{index.title} · {site}")

    def link(self, index):
        return index.get_url(self.request)

    def description(self, index):
        return editor_text(
            index.search_description
            or index.introduction
            or gettext("News from the mutual self-help groups for people looking for work."),
            multiline=True,
        )

    def items(self, index):
        return list(index.news()[: self.limit])

    def item_title(self, item):
        return editor_text(item.title)

    def item_description(self, item):
        return editor_text(item.summary, multiline=True)

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        # Articles carry a date, not a time: midnight in the site's time zone.
        return datetime.datetime.combine(
            item.date, datetime.time.min, tzinfo=timezone.get_default_timezone()
        )

    def item_updateddate(self, item):
        return item.last_published_at

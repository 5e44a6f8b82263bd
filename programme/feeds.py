"""The news section's RSS feed, one per language (served by NewsIndexPage's `rss.xml` route)."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone, translation
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext


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

    def title(self, index):
        return f"{index.title} · {gettext('Mutual Aid for Work')}"

    def link(self, index):
        return index.get_url(self.request)

    def description(self, index):
        return (
            index.search_description
            or index.introduction
            or gettext("News from the mutual self-help groups for people looking for work.")
        )

    def items(self, index):
        return list(index.news()[: self.limit])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        # Articles carry a date, not a time: midnight in the site's time zone.
        return datetime.datetime.combine(
            item.date, datetime.time.min, tzinfo=timezone.get_default_timezone()
        )

    def item_updateddate(self, item):
        return item.last_published_at

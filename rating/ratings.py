"""The rules of page ratings: which pages are rated, recording one, summing them up.

A rating is anonymous by construction (rating.models.PageRating stores nothing that
points to a person); these functions take and return plain values so tests call them
directly.
"""

from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import pgettext

from rating.models import COMMENT_MAX_LENGTH, Answer, PageRating, answers_for

# Wagtail's tree: the root is depth 1, each language's home page depth 2. The model
# puts the rating on every first- and second-level page (the home page's children and
# grandchildren) and on every service sheet, wherever it is.
HOME_DEPTH = 2
RATED_LEVELS = (HOME_DEPTH + 1, HOME_DEPTH + 2)


def rated_page_types():
    """The page types ("app_label.model", lower case) rated at any depth: the service
    sheet, by name (this service cannot import the programme app).
    settings.RATING_PAGE_TYPES."""
    return {name.lower() for name in getattr(settings, "RATING_PAGE_TYPES", ())}


def may_be_rated(page, site=None):
    """Whether `page` (a Wagtail Page, specific or not, or None) shows the rating
    component and accepts ratings: a live page that anyone may read (no password, login
    or group restriction on it or an ancestor: a rating would show a private page's
    title to anyone), of the first or second level below a home page or of a type of
    `rated_page_types()`, and, when `site` (a wagtail Site) is given, one of its pages.
    The view restrictions are read last (a query, unless the page serving answers them
    from its cached route: pagecache.routing), so they may be a list or a queryset."""
    if page is None or not getattr(page, "pk", None) or not page.live:
        return False
    if page.depth not in RATED_LEVELS:
        content_type = page.cached_content_type
        if f"{content_type.app_label}.{content_type.model}" not in rated_page_types():
            return False
    if site is not None and not _on_site(page, site):
        return False
    return not page.get_view_restrictions()


def _on_site(page, site):
    parts = page.get_url_parts()
    return parts is not None and parts[0] == site.pk


def branch_error(stars, answer):
    """None when `answer` (a code) answers the question `stars` (1-5) asked, else the
    message people read (str)."""
    if answer in answers_for(stars):
        return None
    return pgettext(
        "rating",
        "This answer belongs to the other question: for 1 to 3 stars choose where you "
        "had difficulties, for 4 or 5 stars what you liked best.")


def record_rating(*, page, stars, answer, comment=""):
    """Store one rating and return it (a PageRating).

    `page` a page for which `may_be_rated` holds, `stars` an int 1-5, `answer` an Answer
    code of the stars' branch, `comment` plain text of at most COMMENT_MAX_LENGTH
    characters (cleaned by the form). Raises ValidationError otherwise. The language is
    the page's (an Italian page rated through the English address is an Italian page's
    rating); the date is today's in Milan; nothing else is recorded.
    """
    if not may_be_rated(page):
        raise ValidationError(pgettext("rating", "This page cannot be rated."))
    problem = branch_error(stars, answer)
    if problem:
        raise ValidationError(problem)
    rating = PageRating(page=page, language=page.locale.language_code, stars=stars, answer=answer,
                        comment=(comment or "").strip(), created=timezone.localdate())
    rating.full_clean()
    rating.save()
    return rating


@dataclass
class PageSummary:
    """The ratings of one page over a period, as the report shows them."""

    page: object
    count: int = 0
    total_stars: int = 0
    answers: Counter = field(default_factory=Counter)
    comments: list = field(default_factory=list)  # (date, stars, text), newest first

    @property
    def title(self):
        return self.page.title

    @property
    def language(self):
        return self.page.locale.language_code

    @property
    def mean(self):
        """The mean of the stars (float, 1.0-5.0), to one decimal."""
        return round(self.total_stars / self.count, 1) if self.count else None

    def answer_count(self, code):
        return self.answers.get(code, 0)

    @property
    def distribution(self):
        """[(label, count)] for every answer given at least once, in the model's order."""
        return [(answer_label(code), self.answers[code]) for code in Answer.values
                if self.answers.get(code)]

    @property
    def comment_text(self):
        """The comments in one cell of the export, newest first, each with its date and
        stars (comment_line), separated by " | "."""
        return " | ".join(comment_line(*comment) for comment in self.comments)


def comment_line(day, stars, text):
    """One comment as the report's export reads it (str): "30/11/2026 (4/5): text", the
    date in the active language's short format."""
    return f"{date_format(day, 'SHORT_DATE_FORMAT')} ({stars}/5): {text}"


def answer_label(code):
    """An answer's text for staff (str): the two "Other" say which question they answer."""
    label = str(Answer(code).label)
    # The words outside the f-strings, where xgettext finds them.
    if code == Answer.OTHER_POSITIVE:
        question = pgettext("rating", "liked")
        return f"{label} ({question})"
    if code == Answer.OTHER_NEGATIVE:
        question = pgettext("rating", "difficulty")
        return f"{label} ({question})"
    return label


def summaries(ratings):
    """Per page, the ratings of `ratings` (a PageRating queryset, filtered as wanted):
    a list of PageSummary, most rated first. Two queries whatever the number of rows
    (the ratings with their pages and locales)."""
    rows = (ratings.select_related("page", "page__locale")
            .order_by("page_id", "-created", "-pk"))
    result = []
    for _page_id, group in groupby(rows.iterator(chunk_size=2000), key=lambda r: r.page_id):
        summary = None
        for rating in group:
            if summary is None:
                summary = PageSummary(page=rating.page)
            summary.count += 1
            summary.total_stars += rating.stars
            summary.answers[rating.answer] += 1
            if rating.comment:
                summary.comments.append((rating.created, rating.stars, rating.comment))
        result.append(summary)
    result.sort(key=lambda summary: (-summary.count, summary.title.lower()))
    return result


__all__ = ["COMMENT_MAX_LENGTH", "PageRating", "may_be_rated", "record_rating",
           "summaries", "branch_error"]

"""How clear visitors found a page ("Valuta questo sito"): anonymous ratings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import pgettext_lazy

# The model's threshold (pa-website-validator-ng, feedbackComponentStructure.ts,
# rate.positiveThreshold = 3): 1-3 stars ask what went wrong, 4-5 what went well.
POSITIVE_FROM = 4
COMMENT_MAX_LENGTH = 200


class Answer(models.TextChoices):
    """The five answers of each branch, stored as stable codes (the texts are the
    model's, design-comuni-pagine-statiche cmp-rating.hbs, and may be reworded)."""

    # "Quali sono stati gli aspetti che hai preferito?" (4-5 stars)
    CLEAR = "clear", pgettext_lazy("rating", "The instructions were clear")
    COMPLETE = "complete", pgettext_lazy("rating", "The instructions were complete")
    ON_TRACK = "on_track", pgettext_lazy(
        "rating", "I always understood that I was proceeding correctly")
    NO_PROBLEMS = "no_problems", pgettext_lazy("rating", "I had no technical problems")
    OTHER_POSITIVE = "other_positive", pgettext_lazy("rating", "Other")
    # "Dove hai incontrato le maggiori difficoltà?" (1-3 stars)
    UNCLEAR = "unclear", pgettext_lazy("rating", "Sometimes the instructions were not clear")
    INCOMPLETE = "incomplete", pgettext_lazy(
        "rating", "Sometimes the instructions were not complete")
    LOST = "lost", pgettext_lazy(
        "rating", "Sometimes I did not understand whether I was proceeding correctly")
    PROBLEMS = "problems", pgettext_lazy("rating", "I had technical problems")
    OTHER_NEGATIVE = "other_negative", pgettext_lazy("rating", "Other")


POSITIVE_ANSWERS = (Answer.CLEAR, Answer.COMPLETE, Answer.ON_TRACK, Answer.NO_PROBLEMS,
                    Answer.OTHER_POSITIVE)
NEGATIVE_ANSWERS = (Answer.UNCLEAR, Answer.INCOMPLETE, Answer.LOST, Answer.PROBLEMS,
                    Answer.OTHER_NEGATIVE)


def is_positive(stars):
    """Whether `stars` (int 1-5) leads to the positive question (4-5) or not (1-3)."""
    return stars >= POSITIVE_FROM


def answers_for(stars):
    """The five answers (Answer members, in the model's order) offered for `stars`."""
    return POSITIVE_ANSWERS if is_positive(stars) else NEGATIVE_ANSWERS


class PageRating(models.Model):
    """One visitor's rating of one page. Nothing personal on purpose: no IP address, no
    browser, no session, no account, and the day only (a time to the second could be
    matched with a web server's access log to find the visitor's address)."""

    # A rating speaks of a page as it is: the page deleted, its ratings go with it.
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE,
                             related_name="ratings",
                             verbose_name=pgettext_lazy("rating", "page"))
    language = models.CharField(pgettext_lazy("rating", "language"), max_length=8,
                                choices=settings.LANGUAGES)
    stars = models.PositiveSmallIntegerField(
        pgettext_lazy("rating", "stars"),
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    answer = models.CharField(pgettext_lazy("rating", "answer"), max_length=20,
                              choices=Answer.choices)
    comment = models.CharField(pgettext_lazy("rating", "comment"),
                               max_length=COMMENT_MAX_LENGTH, blank=True)
    created = models.DateField(pgettext_lazy("rating", "date"), default=timezone.localdate,
                               db_index=True)

    class Meta:
        verbose_name = pgettext_lazy("rating", "page rating")
        verbose_name_plural = pgettext_lazy("rating", "page ratings")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="rating_stars_1_to_5",
                violation_error_message=pgettext_lazy(
                    "rating", "Choose how clear the page was, from 1 to 5 stars.")),
            # The answer belongs to the question the stars asked.
            models.CheckConstraint(
                condition=(Q(stars__gte=POSITIVE_FROM, answer__in=POSITIVE_ANSWERS)
                           | Q(stars__lt=POSITIVE_FROM, answer__in=NEGATIVE_ANSWERS)),
                name="rating_answer_of_its_branch",
                violation_error_message=pgettext_lazy(
                    "rating", "Choose one of the answers to the question.")),
        ]

    def __str__(self):
        return f"{self.page_id}: {self.stars}/5"

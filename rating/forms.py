"""The rating form: the same fields whether the browser runs the component's script or
posts the plain form (rating/views.py)."""

from django import forms
from django.utils.translation import pgettext_lazy

from rating.models import COMMENT_MAX_LENGTH, Answer
from rating.ratings import branch_error
from typed_text.characters import PlainTextFormMixin

STAR_CHOICES = [(str(stars), str(stars)) for stars in range(5, 0, -1)]  # the model's order


class RatingForm(PlainTextFormMixin, forms.Form):
    """Stars 1-5, the answer of the stars' branch, an optional comment (one line, at
    most COMMENT_MAX_LENGTH characters, control characters dropped first)."""

    stars = forms.TypedChoiceField(
        choices=STAR_CHOICES, coerce=int, widget=forms.RadioSelect,
        error_messages={
            "required": pgettext_lazy(
                "rating", "Choose how clear the page was, from 1 to 5 stars."),
            "invalid_choice": pgettext_lazy(
                "rating", "Choose how clear the page was, from 1 to 5 stars."),
        })
    answer = forms.ChoiceField(
        choices=Answer.choices, widget=forms.RadioSelect,
        error_messages={
            "required": pgettext_lazy("rating", "Choose one of the answers to the question."),
            "invalid_choice": pgettext_lazy(
                "rating", "Choose one of the answers to the question."),
        })
    comment = forms.CharField(
        required=False, max_length=COMMENT_MAX_LENGTH,
        error_messages={
            "max_length": pgettext_lazy(
                "rating",
                "The details can be at most %(limit_value)d characters long "
                "(they are %(show_value)d)."),
        })

    def clean(self):
        cleaned = super().clean()
        stars, answer = cleaned.get("stars"), cleaned.get("answer")
        if stars and answer:
            problem = branch_error(stars, answer)
            if problem:
                self.add_error("answer", problem)
        return cleaned


def component_context(form, page):
    """What templates/rating/component.html needs: the form (blank or bound, its values
    kept after an error), the page rated, the stars from 5 to 1 (the model's order, drawn
    1 to 5) with their labels, and each branch's answers."""
    from django.utils.translation import npgettext

    from rating.models import NEGATIVE_ANSWERS, POSITIVE_ANSWERS

    def chosen(name):
        return str(form[name].value() or "") if form.is_bound else ""

    labels = dict(Answer.choices)
    return {
        "rating_form": form,
        "rated_page": page,
        "stars": [(stars, npgettext("rating", "Rate %(count)d star out of 5",
                                    "Rate %(count)d stars out of 5", stars)
                   % {"count": stars})
                  for stars in range(5, 0, -1)],
        "positive_answers": [(code.value, labels[code]) for code in POSITIVE_ANSWERS],
        "negative_answers": [(code.value, labels[code]) for code in NEGATIVE_ANSWERS],
        "chosen_stars": chosen("stars"),
        "chosen_answer": chosen("answer"),
        "comment_value": chosen("comment"),
    }

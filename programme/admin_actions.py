"""Staff act on one object from an admin screen: the shape every such POST view shares.

A view checks who may act and finds the object; `act_and_report` does the rest, so each
screen reports a refusal the same way: a form's errors, and every message of the
ValidationError the domain rule raised, become error messages (the rules' own sentences,
translated; a developer's text never reaches staff), anything else the success message,
and staff go back to the screen they came from.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect


def act_and_report(request, form, action, success_message, redirect_to):
    """Run `action(form.cleaned_data)` when the bound `form` is valid; report; redirect.

    `action` is the domain rule (it raises ValidationError to refuse, having saved
    nothing it should not keep); `success_message` is the text shown when it returns, or
    a function of the cleaned data giving it (when the text depends on what was chosen);
    `redirect_to` is anything django.shortcuts.redirect takes. Returns the redirect
    (HTTP 302), whatever happened: refusals are messages, never an error page.
    """
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(redirect_to)
    try:
        action(form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if callable(success_message):
            success_message = success_message(form.cleaned_data)
        messages.success(request, success_message)
    return redirect(redirect_to)

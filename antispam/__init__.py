"""Spam protection for the public forms, with no third party.

Three layers, each refusing with a clear, localized message and a log line on the
`antispam` logger (never a silent drop):

1. a honeypot field hidden from people (a bot that fills it is refused) and a signed
   timestamp token (a form sent faster than `SPAM_MIN_SECONDS`, or after
   `SPAM_TOKEN_MAX_AGE`, or with a forged token, is refused): `forms.py`;
2. a proof-of-work challenge (ALTCHA, classic "v1" format) served by the site itself at
   /altcha/challenge/ (`views.py`, `urls.py`), solved in the browser by the `altcha` npm
   widget, each solution accepted once (`altcha.py`, the replay markers are
   `UsedChallenge` rows);
3. a per-IP rate limit on the shared cache, answered with HTTP 429 (`rate_limit.py`).

Layers 1 and 2 judge only a submission that is otherwise valid: a form refused for what
the person typed (a required field left empty...) says only that, never "sent too
quickly" beside it, and spends no challenge.

How a new form opts in:

    from antispam.forms import SpamProtectedForm

    class ContactForm(SpamProtectedForm, forms.Form):   # or forms.ModelForm
        spam_form_name = "contact"

    form = ContactForm(request.POST or None, request=request)

and, inside the form's `<form>` element, `{% include "antispam/fields.html" %}`.
A function view calls `antispam.rate_limit.rate_limit()` before validating a POST and,
when it says the visitor is over the limit, `form.refuse_rate_limited(limited)` and
answers with `too_many_requests(response, limited)` (programme/views.py does so); a
class-based view uses `antispam.views.SpamProtectedFormViewMixin`;
a Wagtail form page uses `antispam.forms.SpamProtectedFormPageMixin`. The form's tests
post with `tests/forms_helpers.py`, which solves the challenge.

The spam inputs are read from the raw POST data, not declared as form fields: they never
reach `cleaned_data` (so Wagtail's form builder neither stores nor mails them) and
`{% for field in form %}` or `form.as_div` never render them twice.

Uses no other app of the site (the rate-limit exemption for office staff is a dotted
path in settings, `SPAM_RATE_LIMIT_EXEMPT`).
"""

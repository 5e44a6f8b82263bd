"""The form side of spam protection: the honeypot, the signed timestamp token, the
messages people read, and the mixins a form or a Wagtail form page opts in with (see
the package's docstring)."""

import logging
import secrets
import time
from functools import cached_property

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy

from antispam.altcha import verify_challenge, widget_strings
from antispam.rate_limit import (
    ip_hash,
    rate_limit,
    rate_limited_message,
    refund_attempt,
    too_many_requests,
)

# One logger for every refusal, whichever layer refused.
logger = logging.getLogger("antispam")

# The signing namespaces keep the names they had in home/spam.py: renaming them would
# void the tokens of forms open while the site is updated.
TOKEN_SALT = "home.spam.form-token"  # noqa: S105 (a signing namespace, not a secret)
# Bots fill fields that look like these; the first one free in the form is used.
HONEYPOT_NAMES = ("website", "homepage", "company_website", "url")

# Why a submission was refused -> what the person reads. English msgids, Italian in locale/.
MESSAGES = {
    "honeypot": gettext_lazy(
        "We could not send your form because a field that must stay empty was filled in. "
        "Please leave it empty and send the form again."
    ),
    "too_fast": gettext_lazy(
        "The form was sent too quickly after it was opened, so we could not tell it apart "
        "from an automated one. Please wait a few seconds and send it again."
    ),
    "expired_token": gettext_lazy(
        "The form was open for a long time and has expired. "
        "Your answers have been kept: please send the form again."
    ),
    "bad_token": gettext_lazy(
        "We could not verify this form. Please reload the page and send it again."
    ),
    "challenge_missing": gettext_lazy(
        "The automatic anti-spam check did not finish. Please wait until it says "
        "“Verified” and send the form again."
    ),
    "challenge_invalid": gettext_lazy(
        "The automatic anti-spam check could not be confirmed. Please wait until it says "
        "“Verified” again and send the form again."
    ),
    "challenge_expired": gettext_lazy(
        "The automatic anti-spam check has expired. Please wait until it says "
        "“Verified” again and send the form again."
    ),
    "challenge_replayed": gettext_lazy(
        "This anti-spam check has already been used. Please wait until it says "
        "“Verified” again and send the form again."
    ),
}
REASONS = (*MESSAGES, "rate_limited")


def log_refusal(reason, form_name, request, **details):
    extra = " ".join(f"{key}={value}" for key, value in details.items())
    logger.warning(
        "Spam protection refused a submission: reason=%s form=%s ip_hash=%s%s",
        reason, form_name, ip_hash(request), f" {extra}" if extra else "",
        extra={"spam_reason": reason, "spam_form": form_name},
    )



# --- Signed timestamp token ----------------------------------------------------------------


def issue_token(form_name, issued_at=None):
    """A signed token saying when the form was first shown (and to which form)."""
    issued_at = int(time.time()) if issued_at is None else int(issued_at)
    return signing.dumps(
        {"f": form_name, "t": issued_at, "n": secrets.token_hex(8)}, salt=TOKEN_SALT
    )


def read_token(token, form_name):
    """The token's issue time, or None when it is missing, forged or for another form."""
    if not token or len(token) > 512:
        return None
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("f") != form_name:
        return None
    issued_at = payload.get("t")
    if not isinstance(issued_at, int) or issued_at > time.time() + 5:
        return None
    return issued_at



# --- The form mixin ------------------------------------------------------------------------


class SpamProtectedForm:
    """Mix into a `forms.Form` or `forms.ModelForm` (first in the bases).

    Pass `request=request` when building the form: it is used only for the logged IP
    hash. After a refusal, `form.spam_reason` says why and the form carries one
    non-field error with a polite message; re-rendered, it gets a fresh challenge and a
    fresh token (which keeps the first display time when the old token was genuine).
    """

    spam_form_name = None  # the scope in logs, tokens and rate limits; default: class name
    token_field_name = "form_token"  # noqa: S105 (a field name)
    altcha_field_name = "altcha"
    noscript_field_name = "spam_noscript"
    # A form people must be able to send without JavaScript (the booking steps, whose
    # issue asks for it) sets this: a submission from a browser without JavaScript —
    # it posts the marker the template puts inside <noscript>, which a browser running
    # scripts never sends — skips the proof of work and is counted instead against
    # SPAM_NOSCRIPT_RATE_LIMIT per SPAM_NOSCRIPT_RATE_PERIOD from its network, far
    # stricter than the form's own limit. The honeypot and the signed timestamp apply
    # as always. A bot that always claims to have no JavaScript gets no more than that
    # limit: the proof of work only ever made mass sending slower, never impossible.
    accepts_noscript = False

    def __init__(self, *args, request=None, **kwargs):
        self.spam_request = request
        self.spam_reason = None
        self._spam_checked = False
        self._spam_error = None
        self._noscript_limited = None
        super().__init__(*args, **kwargs)
        if not self.spam_form_name:
            self.spam_form_name = type(self).__name__.lower()
        used = {self.token_field_name, self.altcha_field_name, self.noscript_field_name,
                *self.fields}
        self.honeypot_field_name = next(
            (name for name in HONEYPOT_NAMES if name not in used), "contact_website"
        )

    # What was posted, read raw (these are not form fields).
    def _posted(self, name):
        value = self.data.get(self.add_prefix(name), "") if self.is_bound else ""
        return value if isinstance(value, str) else ""

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return
        if self._spam_error is not None:  # validated again: the verdict stands
            self.add_error(None, self._spam_error)
        elif self._errors:
            # Refused already for what the person typed: say only that. A person who
            # presses "Send" at once on an empty form is told what is missing, not that
            # they were too quick or that the anti-spam check had not finished; and the
            # challenge stays unspent. Spam checks run on a submission that could be stored.
            # Nor does the attempt count towards the rate limit.
            if self.spam_request is not None:
                refund_attempt(self.spam_request, self.spam_form_name)
            return
        elif not self._spam_checked:  # checked once per form: checking spends the challenge
            self._spam_checked = True
            reason = self.check_spam()
            if reason:
                self.refuse(reason)

    def check_spam(self):
        """None when the submission looks human, else the reason (the challenge is spent)."""
        if self._posted(self.honeypot_field_name).strip():
            return "honeypot"
        issued_at = read_token(self._posted(self.token_field_name), self.spam_form_name)
        if issued_at is None:
            return "bad_token"
        age = time.time() - issued_at
        if age > settings.SPAM_TOKEN_MAX_AGE:
            return "expired_token"
        if age < settings.SPAM_MIN_SECONDS:
            return "too_fast"
        solution = self._posted(self.altcha_field_name).strip()
        if self.accepts_noscript and not solution and self._posted(self.noscript_field_name):
            return self._check_noscript()
        return verify_challenge(solution)

    def _check_noscript(self):
        """The check of a submission sent without JavaScript (see `accepts_noscript`):
        None, or "rate_limited" when the network is over the no-script limit."""
        limited = rate_limit(self.spam_request, f"{self.spam_form_name}:noscript",
                             limit=settings.SPAM_NOSCRIPT_RATE_LIMIT,
                             period=settings.SPAM_NOSCRIPT_RATE_PERIOD)
        if limited:
            self._noscript_limited = limited
            return "rate_limited"
        return None

    def refuse(self, reason, message=None):
        """Refuse this submission: a non-field error, `spam_reason`, a log line."""
        self.spam_reason = reason
        self._spam_checked = True
        if message is None and reason == "rate_limited" and self._noscript_limited:
            message = rate_limited_message(self._noscript_limited.retry_after)
        self._spam_error = ValidationError(message or MESSAGES[reason], code=f"spam_{reason}")
        if not hasattr(self, "cleaned_data"):  # refused before validation (rate limit)
            self._errors = ErrorDict(renderer=self.renderer)
            self.cleaned_data = {}
        self.add_error(None, self._spam_error)
        log_refusal(reason, self.spam_form_name, self.spam_request)

    def refuse_rate_limited(self, limited):
        """Mark a bound form refused for the rate limit, without validating it."""
        self.refuse("rate_limited", rate_limited_message(limited.retry_after))

    # What the template include renders.
    @cached_property
    def spam_token(self):
        issued_at = None
        if self.is_bound:
            previous = read_token(self._posted(self.token_field_name), self.spam_form_name)
            if previous is not None and time.time() - previous <= settings.SPAM_TOKEN_MAX_AGE:
                issued_at = previous
        return issue_token(self.spam_form_name, issued_at)

    @property
    def spam_widget(self):
        honeypot_name = self.add_prefix(self.honeypot_field_name)
        return {
            "honeypot_name": honeypot_name,
            "honeypot_id": f"id_{honeypot_name}",
            "token_name": self.add_prefix(self.token_field_name),
            "token": self.spam_token,
            "altcha_name": self.add_prefix(self.altcha_field_name),
            "noscript_name": self.add_prefix(self.noscript_field_name),
            "accepts_noscript": self.accepts_noscript,
            "challenge_url": reverse("spam:challenge"),
            "max_number": settings.ALTCHA_MAX_NUMBER,
            "strings": widget_strings(),
            "help_id": f"id_{self.add_prefix('spam_help')}",
        }


def protect_form_class(form_class, form_name):
    """`form_class` with `SpamProtectedForm` mixed in (for classes built at run time)."""
    return type(
        f"SpamProtected{form_class.__name__}",
        (SpamProtectedForm, form_class),
        {"spam_form_name": form_name, "__module__": __name__},
    )


class SpamProtectedFormPageMixin:
    """For a Wagtail form page (`AbstractForm` / `AbstractEmailForm`), first in the bases.

    Mixes `SpamProtectedForm` into the form builder's form, rate-limits POSTs (429 with
    the form and a message), and keeps the page out of caches (it carries a token).
    The page's template still includes "antispam/fields.html" inside its form.
    """

    spam_form_name = "contact"

    def get_form_class(self):
        return protect_form_class(super().get_form_class(), self.spam_form_name)

    def get_form(self, *args, **kwargs):
        kwargs.setdefault("request", getattr(self, "_spam_request", None))
        return super().get_form(*args, **kwargs)

    def serve(self, request, *args, **kwargs):
        self._spam_request = request
        if request.method == "POST":
            limited = rate_limit(request, self.spam_form_name)
            if limited:
                form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
                form.refuse_rate_limited(limited)
                context = self.get_context(request)
                context["form"] = form
                response = TemplateResponse(request, self.get_template(request), context)
                return too_many_requests(response, limited)
        response = super().serve(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response


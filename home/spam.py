"""Spam protection for the public forms, with no third party.

Three layers, each refusing with a clear, localized message and a log line (never a
silent drop):

1. a honeypot field hidden from people (a bot that fills it is refused) and a signed
   timestamp token (a form sent faster than `SPAM_MIN_SECONDS`, or after
   `SPAM_TOKEN_MAX_AGE`, or with a forged token, is refused);
2. a proof-of-work challenge (ALTCHA, classic "v1" format) served by the site itself,
   solved in the browser by the `altcha` npm widget, each solution accepted once;
3. a per-IP rate limit on the shared cache, answered with HTTP 429.

Layers 1 and 2 judge only a submission that is otherwise valid: a form refused for what
the person typed (a required field left empty...) says only that, never "sent too
quickly" beside it, and spends no challenge.

How a form uses it:

    class ContactForm(SpamProtectedForm, forms.Form):   # or forms.ModelForm
        spam_form_name = "contact"

    form = ContactForm(request.POST or None, request=request)

and, inside the form's `<form>` element, `{% include "includes/spam_fields.html" %}`.
A view calls `rate_limit()` before validating a POST (see `too_many_requests`), or uses
`home.spam_views.SpamProtectedFormViewMixin`; a Wagtail form page uses
`SpamProtectedFormPageMixin`.

The spam inputs are read from the raw POST data, not declared as form fields: they never
reach `cleaned_data` (so Wagtail's form builder neither stores nor mails them) and
`{% for field in form %}` or `form.as_div` never render them twice.
"""

import base64
import binascii
import datetime
import ipaddress
import json
import logging
import math
import secrets
import time
from dataclasses import dataclass
from functools import cached_property

from altcha import v1 as altcha_v1
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.utils import ErrorDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_lazy, ngettext

logger = logging.getLogger("home.spam")

TOKEN_SALT = "home.spam.form-token"  # noqa: S105 (a signing namespace, not a secret)
ALTCHA_ALGORITHM = altcha_v1.SHA256
MAX_PAYLOAD_LENGTH = 4096  # a real ALTCHA payload is about 300 characters
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


def rate_limited_message(retry_after):
    minutes = max(1, math.ceil(retry_after / 60))
    return ngettext(
        "This form has been sent too many times from your connection in a short time. "
        "Please try again in %(count)d minute.",
        "This form has been sent too many times from your connection in a short time. "
        "Please try again in %(count)d minutes.",
        minutes,
    ) % {"count": minutes}


def widget_strings():
    """The ALTCHA widget's texts in the active language, as the JSON its `strings` wants."""
    return json.dumps(
        {
            "label": gettext("I'm not a robot"),
            "verifying": gettext("Verifying…"),
            "verified": gettext("Verified"),
            "waitAlert": gettext("Verifying… please wait."),
            "verificationRequired": gettext("Verification required."),
            "error": gettext("Verification failed. Please try again later."),
            "expired": gettext("Verification expired. Please try again."),
        },
        ensure_ascii=False,
    )


# --- Client IP and rate limit ----------------------------------------------------------


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except (ValueError, AttributeError):
        return None


def client_ip(request):
    """The visitor's IP address.

    With `TRUSTED_PROXY_COUNT = 0` it is REMOTE_ADDR. Behind n proxies that each append
    to X-Forwarded-For, it is the n-th address from the right (the one the outermost
    trusted proxy saw); anything further left was written by the client and is ignored.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return _valid_ip(forwarded[-count]) or remote


def _network(ip):
    """The unit a visitor controls: the address for IPv4, its /64 for IPv6."""
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return ip


def ip_hash(request):
    """A keyed hash of the visitor's network: logged and used in cache keys, never the IP."""
    if request is None:
        return "-"
    return salted_hmac("home.spam.client-ip", _network(client_ip(request))).hexdigest()[:16]


@dataclass(frozen=True)
class RateLimit:
    """The outcome of `rate_limit()`: true when the visitor is over the limit."""

    limited: bool
    count: int
    limit: int
    retry_after: int  # seconds until the current window ends

    def __bool__(self):
        return self.limited


def rate_limit_exempt(request):
    """Whether this visitor skips the per-IP limit: signed-in staff who enter requests
    from the office (the desk shares one address with everyone it serves). Who counts
    is settings.SPAM_RATE_LIMIT_EXEMPT, a dotted path to a `user -> bool` function
    (accounts.roles.is_triage_staff): `home` does not import the accounts app."""
    user = getattr(request, "user", None)
    path = getattr(settings, "SPAM_RATE_LIMIT_EXEMPT", "")
    if user is None or not path or not user.is_authenticated:
        return False
    return bool(import_string(path)(user))


def _rate_key(request, scope, period, now):
    return f"spam:rate:{scope}:{ip_hash(request)}:{int(now // period)}"


def rate_limit(request, scope, limit=None, period=None):
    """Count one attempt for this visitor in `scope`; true (a `RateLimit`) when over.

    Call it once per POST (per challenge request for the challenge endpoint). Fixed
    windows of `period` seconds on the default cache, which must be shared by every
    worker in production. Defaults: `SPAM_RATE_LIMIT` per `SPAM_RATE_PERIOD`.
    Exempt visitors (`rate_limit_exempt`) are neither counted nor limited.
    """
    limit = limit if limit is not None else settings.SPAM_RATE_LIMIT
    period = period if period is not None else settings.SPAM_RATE_PERIOD
    if request is not None and rate_limit_exempt(request):
        return RateLimit(False, 0, limit, 0)
    now = time.time()
    window = int(now // period)
    key = _rate_key(request, scope, period, now)
    retry_after = max(1, math.ceil((window + 1) * period - now))
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=period + 1)
        count = 1
    else:
        # Some backends (the file cache) reset the expiry to the default on incr().
        cache.touch(key, timeout=retry_after + 1)
    if request is not None:
        counted = getattr(request, "_spam_rate_counted", {})
        counted[scope] = key
        request._spam_rate_counted = counted
    return RateLimit(count > limit, count, limit, retry_after)


def refund_attempt(request, scope):
    """Take back the attempt `rate_limit` counted for this request in `scope` (once):
    a form refused for what the person typed is corrected and sent again, and those
    attempts must not lock the person (or their office) out. Submissions refused as
    spam stay counted."""
    key = getattr(request, "_spam_rate_counted", {}).pop(scope, None)
    if key is None:
        return
    try:
        if cache.decr(key) < 0:
            cache.set(key, 0, timeout=settings.SPAM_RATE_PERIOD + 1)
    except ValueError:  # the window ended meanwhile: nothing left to take back
        pass


def too_many_requests(response, limited):
    """Turn a re-rendered form's response into a 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(limited.retry_after)
    add_never_cache_headers(response)
    return response


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


# --- ALTCHA proof of work ------------------------------------------------------------------


def altcha_hmac_key():
    """`ALTCHA_HMAC_KEY`, or a key derived from SECRET_KEY when it is empty."""
    return getattr(settings, "ALTCHA_HMAC_KEY", "") or salted_hmac(
        "home.spam.altcha", "altcha-hmac-key"
    ).hexdigest()


def create_challenge():
    """A new challenge, as the JSON the widget fetches (the salt carries its expiry)."""
    expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        seconds=settings.ALTCHA_CHALLENGE_EXPIRY
    )
    challenge = altcha_v1.create_challenge(
        algorithm=ALTCHA_ALGORITHM,
        max_number=settings.ALTCHA_MAX_NUMBER,
        salt_length=altcha_v1.DEFAULT_SALT_LENGTH,
        hmac_key=altcha_hmac_key(),
        salt="",
        number=None,
        expires=expires,
        params=None,
    )
    return {
        "algorithm": challenge.algorithm,
        "challenge": challenge.challenge,
        "maxnumber": challenge.max_number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }


def verify_challenge(payload, consume=True):
    """None when the solved payload is genuine, unexpired and unused, else the reason.

    A genuine payload is then remembered until it expires (`consume_challenge`): the
    same solution sent again is refused as replayed.
    """
    if not payload:
        return "challenge_missing"
    if len(payload) > MAX_PAYLOAD_LENGTH:
        return "challenge_invalid"
    try:
        data = json.loads(base64.b64decode(payload, validate=True).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return "challenge_invalid"
    if not isinstance(data, dict) or not all(
        isinstance(data.get(key), str) for key in ("algorithm", "challenge", "salt", "signature")
    ) or not isinstance(data.get("number"), int) or isinstance(data.get("number"), bool):
        return "challenge_invalid"
    if data["algorithm"] != ALTCHA_ALGORITHM:
        return "challenge_invalid"
    expires = altcha_v1.extract_params(data).get("expires")
    try:
        expires_at = int(expires[0]) if expires else None
    except ValueError:
        expires_at = None
    if expires_at is None:  # every challenge this site issues carries its expiry
        return "challenge_invalid"
    ok, _error = altcha_v1.verify_solution(data, altcha_hmac_key(), check_expires=False)
    if not ok:
        return "challenge_invalid"
    now = time.time()
    if expires_at < now:
        return "challenge_expired"
    if consume and not consume_challenge(data["signature"], expires_at):
        return "challenge_replayed"
    return None


def consume_challenge(signature, expires_at):
    """Mark a solution used; False when it already was (by this or another worker).

    The insert of a unique key decides atomically which of two simultaneous uses wins.
    Expired marks go first: a solution cannot be accepted after its expiry anyway.
    """
    from .models import UsedChallenge

    now = datetime.datetime.now(datetime.UTC)
    UsedChallenge.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            UsedChallenge.objects.create(
                signature=signature,
                expires_at=datetime.datetime.fromtimestamp(expires_at, datetime.UTC),
            )
    except IntegrityError:
        return False
    return True


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

    def __init__(self, *args, request=None, **kwargs):
        self.spam_request = request
        self.spam_reason = None
        self._spam_checked = False
        self._spam_error = None
        super().__init__(*args, **kwargs)
        if not self.spam_form_name:
            self.spam_form_name = type(self).__name__.lower()
        used = {self.token_field_name, self.altcha_field_name, *self.fields}
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
        return verify_challenge(self._posted(self.altcha_field_name).strip())

    def refuse(self, reason, message=None):
        """Refuse this submission: a non-field error, `spam_reason`, a log line."""
        self.spam_reason = reason
        self._spam_checked = True
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
    The page's template still includes "includes/spam_fields.html" inside its form.
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

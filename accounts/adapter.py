"""allauth, in the language the person was using and in the site's name.

Every account page lives under /it/ or /en/ (website/urls.py), so the language active
while allauth runs is the one the person was reading. allauth's defaults forget it:
its redirects are fixed paths ("/", settings.LOGIN_URL) that LocaleMiddleware then
sends to the *browser's* language, and its mails name the site after the request's host
("Hello from 127.0.0.1:8101!") because django.contrib.sites is not installed.
Here every redirect is a URL name reversed in the active language, and every mail names
the site and is queued, not sent in the request (see `send_mail`).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language, gettext

from mail.links import site_url
from mail.sending import send_email

from .roles import is_facilitator

# The partner area: where a partner who signs in, signs up or verifies an email goes.
# A URL name, reversed in the active language (the view lives outside this app).
PARTNER_AREA = "partner:dashboard"
# The facilitators' area (facilitation app): where a facilitator who signs in goes.
FACILITATOR_AREA = "facilitation:home"


@dataclass(frozen=True)
class SiteIdentity:
    """What allauth's mail templates read as `current_site`: the site's name, in the
    active language, in place of a host and port (`domain` too: allauth's templates
    write "an account on {{ site_domain }}")."""

    name: str
    domain: str


def site_identity():
    name = gettext("Mutual Aid for Work")
    return SiteIdentity(name=name, domain=name)


def _active_language():
    """The language of the page being answered, one of settings.LANGUAGES."""
    language = get_language()
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def home_url():
    """The home page of the active language: "/it/" or "/en/"."""
    return reverse("wagtail_serve", args=("",))


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """Staff to the admin, everyone else to the partner area, in the active language.

        Only when no `next` was given (allauth gives `next` precedence).
        """
        if request.user.has_perm("wagtailadmin.access_admin"):
            return reverse("wagtailadmin_home")
        if is_facilitator(request.user):
            return reverse(FACILITATOR_AREA)
        return reverse(PARTNER_AREA)

    def get_signup_redirect_url(self, request):
        return reverse(PARTNER_AREA)

    def get_logout_redirect_url(self, request):
        return home_url()

    def get_email_verification_redirect_url(self, email_address):
        """After entering the code: signed in (allauth signs in on confirmation), so the
        partner area; an address added from the account pages returns to them."""
        if self.request.user.is_authenticated and not self._is_first_address(email_address):
            return reverse("account_email")
        return reverse(PARTNER_AREA)

    @staticmethod
    def _is_first_address(email_address):
        return not email_address.user.emailaddress_set.exclude(pk=email_address.pk).exists()

    def save_user(self, request, user, form, commit=True):
        user.language = _active_language()
        return super().save_user(request, user, form, commit=commit)

    def login(self, request, user):
        """Sign in, and remember the language of the page: the programme's mails to this
        person (adhesion, referrals) are written in it."""
        super().login(request, user)
        language = _active_language()
        if user.pk and getattr(user, "language", language) != language:
            user.language = language
            user.save(update_fields=["language"])

    def format_email_subject(self, subject):
        return f"[{site_identity().name}] {subject}"

    def send_mail(self, template_prefix, email, context):
        """Render allauth's mail `template_prefix` to `email` in the request (its language,
        the site's name) and queue it for the worker (mail.sending.send_email: retried while
        the mail server is down), as the site's other mails are.

        allauth sends in the request: an SMTP server that is slow or down made sign-up
        slow or a 500, and the "account already exists" mail and the verification code
        mail took different times to send (issue 12). Queued, each is one row in the
        same transaction. allauth's mails are plain text (no *_message.html templates):
        the text body is what is queued.
        """
        context = {
            "request": allauth_context.request, "email": email,
            **context, "current_site": site_identity(),
        }
        context = on_base_url(context, context["request"])
        message = self.render_mail(template_prefix, email, context)
        send_email.enqueue(list(message.to), message.subject, message.body)


def on_base_url(context, request):
    """`context` with each address allauth built on the request's host ("password_reset_url",
    "signup_url", …) moved to the configured base URL (mail.links.site_url): the host a
    request came in on (a proxy, an internal name) is not where the reader goes."""
    if request is None:
        return context
    host = request.get_host()
    moved = {}
    for key, value in context.items():
        if isinstance(value, str) and "://" in value:
            parts = urlsplit(value)
            if parts.scheme in ("http", "https") and parts.netloc == host:
                value = site_url(urlunsplit(("", "", parts.path, parts.query, parts.fragment)))
        moved[key] = value
    return moved

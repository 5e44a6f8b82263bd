"""Production: everything that matters must come from the environment.

Start-up fails loudly, with a message that says which variable is missing, rather than
run with an unsafe default.
"""

from cryptography.fernet import Fernet
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALTCHA_HMAC_KEY, MFA_ENCRYPTION_KEYS, VAR_DIR, cache_from_env, env


def required(name, value):
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. Production settings need it: see .env.example."
        )
    return value


def strong_secret(name, value):
    """`value` if Django's deploy check would accept it as SECRET_KEY (security.W009, in
    django/core/checks/security/base.py: at least 50 characters, 5 of them different,
    not 'django-insecure-…'); else ImproperlyConfigured naming `name`, never the value.

    A short key only made `check --deploy` warn, and the site started with it: sessions,
    password-reset links and signed form timestamps rest on it."""
    if (
        len(value) < SECRET_KEY_MIN_LENGTH
        or len(set(value)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or value.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        raise ImproperlyConfigured(
            f"{name} is too weak: it needs at least {SECRET_KEY_MIN_LENGTH} characters, "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different, and must not start with "
            f"'{SECRET_KEY_INSECURE_PREFIX}'. Generate one with: "
            "python -c \"import secrets; print(secrets.token_urlsafe(50))\""
        )
    return value


def fernet_keys(name, keys):
    """`keys` (list of str) if each is a Fernet key (32 bytes in url-safe base64, as
    `Fernet.generate_key()` makes); else ImproperlyConfigured naming `name` and the
    position of the bad key, never a key."""
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:  # binascii.Error is a ValueError
            raise ImproperlyConfigured(
                f"{name}: key {position} is not a Fernet key (32 bytes in url-safe "
                "base64). Generate one with: python -c \"from cryptography.fernet import "
                "Fernet; print(Fernet.generate_key().decode())\"") from None
    return keys


DEBUG = False
SECRET_KEY = strong_secret("SECRET_KEY", required("SECRET_KEY", env("SECRET_KEY", default="")))
if ALTCHA_HMAC_KEY:  # optional: derived from SECRET_KEY when empty
    strong_secret("ALTCHA_HMAC_KEY", ALTCHA_HMAC_KEY)
# TOTP secrets are encrypted with it (accounts/mfa_secrets.py): not derived from SECRET_KEY,
# whose rotation would otherwise lock every administrator out.
MFA_ENCRYPTION_KEYS = fernet_keys(
    "MFA_ENCRYPTION_KEY", required("MFA_ENCRYPTION_KEY", MFA_ENCRYPTION_KEYS))
ALLOWED_HOSTS = required("ALLOWED_HOSTS", env.list("ALLOWED_HOSTS", default=[]))
if "*" in ALLOWED_HOSTS:
    # Any Host header would be accepted, and links in account emails are built from it.
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts, not '*'.")
# ".example.org" (a domain and its subdomains) is a valid host pattern, not a host name.
WAGTAILADMIN_BASE_URL = env(
    "WAGTAILADMIN_BASE_URL", default=f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
)

# Who mail comes from and which staff addresses receive it: required, so that production
# never mails from or to base.py's development defaults.
DEFAULT_FROM_EMAIL = required("DEFAULT_FROM_EMAIL", env("DEFAULT_FROM_EMAIL", default=""))
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
STAFF_NOTIFICATION_EMAILS = required(
    "STAFF_NOTIFICATION_EMAILS", env.list("STAFF_NOTIFICATION_EMAILS", default=[]))

# A cache shared by every gunicorn worker (rate limits and page cache depend on it): a
# folder on one machine, Redis (CACHE_URL=redis://...) for several app servers.
CACHES = {"default": cache_from_env(f"filecache://{VAR_DIR / 'cache'}")}
vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))

STORAGES = {
    **STORAGES,  # noqa: F405 (media and exports: base.py, MEDIA_STORAGE)
    "staticfiles": {"BACKEND": "website.static_storage.ModuleAwareStaticFilesStorage"},
}

# HTTPS everywhere; the proxy in front terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host- cookies are only accepted over HTTPS, for this host, on path /.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
# Proxies in front of the site that append to X-Forwarded-For: allauth's rate limits
# (and any other per-IP limit reading TRUSTED_PROXY_COUNT) see the client's address.
TRUSTED_PROXY_COUNT = ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
# The language cookie (Django's set_language) is as strict as the others.
LANGUAGE_COOKIE_NAME = "__Host-django_language"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Browsers fetch any http:// URL left in content (an old link in rich text) over HTTPS.
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,  # noqa: F405
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],  # noqa: F405
        "upgrade-insecure-requests": True,
    },
}

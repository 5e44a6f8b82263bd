"""Settings shared by every environment.

Values that differ between machines come from the environment (12-factor); see
`.env.example` for the full list. `dev`, `test` and `production` adjust this base.
"""

import math
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # local state in development: SQLite file, mail, media

env = environ.Env()
# A .env file is a convenience for development; real deployments set variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "home.views.csrf_failure"

INSTALLED_APPS = [
    "website",
    "home",
    "programme",
    "accounts",
    "antispam",
    "pagecache",
    "mail",
    "exports",
    "seo",
    "privacy",
    "topics",
    "rating",
    "booking",
    "opendata",
    "facilitation",
    "jobservice",
    "outcomes",
    "flyers",
    "auditlog",  # the audit trail's record of changes (privacy/audit.py)
    "worker",  # the background worker's command (run_worker)
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.search_promotions",  # editors' promoted results (home/site_search.py)
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (CONTENT_SECURITY_POLICY)
    "website.middleware.SecurityHeadersMiddleware",  # admin CSP, Permissions-Policy, no-store
    # Before anything reads the request: NUL in a path (400), bodies too large or with
    # files no form asks for (413), NUL dropped from parameters and cookies.
    "website.request_hygiene.RequestHygieneMiddleware",
    # A view's database outage (OperationalError, InterfaceError): the 503 page with
    # Retry-After instead of the 500 page; handler500 covers the middlewares
    # (website/outage.py).
    "website.outage.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware: picks the language from the /it/ or /en/ prefix.
    "languages.middleware.LocaleMiddleware",  # Django's, keeping the admin's 404s
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who made a change, for django-auditlog's log entries (privacy/audit.py).
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.AdminAccessMiddleware",  # partners: 403; staff: 2FA first
    # After the access checks: views of personal data recorded in the audit trail.
    "privacy.middleware.AccessTrailMiddleware",
    # Wagtail admin views that answer junk parameters with a 500: 404/400 first.
    "website.admin_guards.WagtailInputGuardMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "website.urls"
WSGI_APPLICATION = "website.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# SQLite is the embedded default. WAL and a busy timeout make concurrent writers wait
# for each other instead of failing with "database is locked"; IMMEDIATE transactions
# take the write lock up front so a read-then-write request cannot deadlock.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA temp_store=MEMORY;"
        "PRAGMA mmap_size=134217728;PRAGMA journal_size_limit=27103364;"
    ),
}


def database_from_env(default_sqlite_path):
    """DATABASE_URL when set (PostgreSQL in production and CI), else a local SQLite file."""
    config = env.db_url("DATABASE_URL", default=f"sqlite:///{default_sqlite_path}")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    else:
        config.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
        config.setdefault("CONN_HEALTH_CHECKS", True)
    config["ATOMIC_REQUESTS"] = False
    return config


# Seconds a person (and a client honouring Retry-After) is asked to wait when the
# database is unavailable: the 503 page of website/outage.py. SQLite waits up to
# SQLITE_OPTIONS["timeout"] (20 s) for a lock before that page is sent.
DATABASE_UNAVAILABLE_RETRY_AFTER = env.int("DATABASE_UNAVAILABLE_RETRY_AFTER", default=30)
# The flyers' links give the PDF's size ("PDF, 18 KB"): the page that shows a link draws
# the flyer when it is not in the cache yet (about 0.4 s each, once per change). False:
# the link says "(PDF)" until someone downloads it (the test settings: a page view in a
# test should not cost a WeasyPrint run).
FLYERS_DRAW_FOR_SIZE = env.bool("FLYERS_DRAW_FOR_SIZE", default=True)


DATABASES = {"default": database_from_env(VAR_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Languages -------------------------------------------------------------------------
# LANGUAGE_CODE must be "it" before the first migrate: Wagtail creates the default
# Locale from it.
LANGUAGE_CODE = "it"
# Each language by its own name, as a language switcher offers them.
LANGUAGES = [
    ("it", "Italiano"),
    ("en", "English"),
]
# The same languages as the admin names a page's or snippet's locale: in the reader's
# language («Inglese» in the Italian admin), not in their own.
WAGTAIL_CONTENT_LANGUAGES = [
    ("it", gettext_lazy("Italian")),
    ("en", gettext_lazy("English")),
]
WAGTAIL_I18N_ENABLED = True
# Slugs made from titles are ASCII («giovedì» → giovedi): an accented address is
# percent-encoded wherever it is copied. Slugs typed by hand: home/slugs.py.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# The site's catalogue first; then Italian month and weekday names in lower case, as
# Italian writes them (Django's own catalogue capitalises them): locale_overrides/.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides" / "locale"]
# One way to write dates and times in each language, the one readable.dates writes:
# «30 novembre 2026, 01:08», "30 November 2026, 01:08" (Django's are «Lunedì 30 Novembre…»
# and "Nov. 30, 2026, 1:08 a.m."); what is not set there is Django's.
FORMAT_MODULE_PATH = ["website.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Rome"
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
BOOTSTRAP_ITALIA_DIST = BASE_DIR / "node_modules" / "bootstrap-italia" / "dist"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap Italia's dist, served by the site itself: CSS, icons, fonts and its
    # components as ES modules (plugins/*.js, which import one another and ../_virtual,
    # ../version.js: the whole dist, or collectstatic's rewriting of their imports fails).
    # A page loads only what it names (static/js/site.js, static/js/page-index.js).
    ("bootstrap-italia", BOOTSTRAP_ITALIA_DIST),
    # The two packages those modules import by bare name, resolved by the import map in
    # base.html (home/static_modules.py).
    ("animejs", BASE_DIR / "node_modules" / "animejs" / "lib"),
    ("uuid", BASE_DIR / "node_modules" / "uuid" / "dist"),
]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Where uploaded images and documents (and the images' renditions) are kept: "filesystem"
# (MEDIA_ROOT, one machine) or "s3", an S3-compatible object store every app server
# reads (issue 22; README, "Several app servers"): bucket MEDIA_BUCKET at S3_ENDPOINT_URL
# with S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY. Media stay addressed under MEDIA_URL
# (/media/...): the proxy in front passes /media/images/ to the bucket, so pages load
# nothing from another origin; documents are always served by the site
# (WAGTAILDOCS_SERVE_METHOD), which checks their privacy first.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
S3_OPTIONS = {
    "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
    "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
    "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
    "region_name": env.str("S3_REGION", default="") or None,
    # Objects are private; nothing is sent with an ACL or a signed, expiring address.
    "default_acl": None,
    "querystring_auth": False,
    # Two uploads of one name never replace each other (Wagtail's own expectation).
    "file_overwrite": False,
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if MEDIA_STORAGE == "s3":
    from botocore.config import Config as S3ClientConfig

    # botocore waits 60 s to connect by default: a request would hold its app server that
    # long while the object store is down (then the 503 page, website/outage.py).
    S3_OPTIONS["client_config"] = S3ClientConfig(
        connect_timeout=env.float("S3_CONNECT_TIMEOUT", default=2.0),
        read_timeout=env.float("S3_READ_TIMEOUT", default=20.0),
        retries={"max_attempts": 3, "mode": "standard"})
    STORAGES["default"] = {
        "BACKEND": "website.media_storage.MediaStorage",
        "OPTIONS": {**S3_OPTIONS, "bucket_name": env.str("MEDIA_BUCKET", default="media")},
    }
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")
# Documents through the site's own view, whatever the storage: a private document's
# privacy is checked before a byte is sent (Wagtail would redirect to the object store).
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# --- Cache, mail, background tasks ---------------------------------------------------


def cache_from_env(default):
    """CACHE_URL (django-environ's cache URLs), with Redis (redis://host:port/db) through
    pagecache.backends.SharedRedisCache: Django's own backend, short timeouts, and an
    outage that slows the site down instead of failing every page."""
    config = env.cache_url("CACHE_URL", default=default)
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        config["BACKEND"] = "pagecache.backends.SharedRedisCache"
    return config


CACHES = {"default": cache_from_env("locmemcache://")}
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds to connect to the SMTP server and for each of its answers. Django's default
# (None) lets a server that accepts and never answers hold the worker, and every mail
# queued behind it, indefinitely; on a timeout the mail is retried later (mail/sending.py).
EMAIL_TIMEOUT = env.str("EMAIL_TIMEOUT", default="20")
try:
    EMAIL_TIMEOUT = float(EMAIL_TIMEOUT)  # env.float reads "nan" or "2 s" as ""
except ValueError:
    EMAIL_TIMEOUT = math.nan
if not (math.isfinite(EMAIL_TIMEOUT) and EMAIL_TIMEOUT > 0):
    raise ImproperlyConfigured("EMAIL_TIMEOUT must be a number of seconds greater than 0.")
# The unit of the waits between attempts at a failed mail: after attempt n the next one
# comes MAIL_RETRY_BASE_SECONDS x 2**n seconds later (60: 2, 4, 8… minutes, at most 12
# hours; mail/sending.py). Only the fault benchmark (benchmarks/faults.py) shortens it.
MAIL_RETRY_BASE_SECONDS = env.str("MAIL_RETRY_BASE_SECONDS", default="60")
try:
    MAIL_RETRY_BASE_SECONDS = float(MAIL_RETRY_BASE_SECONDS)
except ValueError:
    MAIL_RETRY_BASE_SECONDS = math.nan
if not (math.isfinite(MAIL_RETRY_BASE_SECONDS) and MAIL_RETRY_BASE_SECONDS > 0):
    raise ImproperlyConfigured(
        "MAIL_RETRY_BASE_SECONDS must be a number of seconds greater than 0."
    )
# Development defaults are on example.org (RFC 2606), which receives no mail: a developer's
# test message must never reach a real office. Production requires both (production.py).
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Mutuo Aiuto Lavoro <noreply@example.org>"
)
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Mail and other slow work run outside the request; `manage.py db_worker` executes them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Seconds a worker may go without a heartbeat before the tasks it was running are claimed
# again (worker/leases.py): a worker killed halfway leaves them RUNNING. At least ten
# EMAIL_TIMEOUTs (an SMTP exchange is about ten commands, each may take one), so that a
# slow mail is never taken from a worker that is still sending it.
TASK_LEASE_SECONDS = env.str("TASK_LEASE_SECONDS", default="300")
try:
    TASK_LEASE_SECONDS = float(TASK_LEASE_SECONDS)
except ValueError:
    TASK_LEASE_SECONDS = math.nan
if not (math.isfinite(TASK_LEASE_SECONDS) and TASK_LEASE_SECONDS >= 10 * EMAIL_TIMEOUT):
    raise ImproperlyConfigured(
        "TASK_LEASE_SECONDS must be a number of seconds, at least 10 x EMAIL_TIMEOUT."
    )

# --- Wagtail -------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Mutuo Aiuto Lavoro"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAIL_ENABLE_UPDATE_CHECK = False  # the server calls no third party
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_PASSWORD_RESET_ENABLED = False  # one account path: allauth
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILEMBEDS_FINDERS = []
# Wagtail's database backend (FTS5 on SQLite, tsvector on PostgreSQL) indexing the Italian
# or English stems of each page's words too, the same on both engines (home/stemming.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "home.search_backend"}}
# The public search shows at most this many results, best first, and says when more
# matched (home/site_search.py); the sitemap's pages hold at most this many URLs each
# (seo/sitemap.py; the sitemaps protocol allows 50,000).
SEARCH_MAX_RESULTS = 100
SITEMAP_PAGE_SIZE = 2000
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "docx"]
# A protocol version's PDF cannot be replaced in place (programme/protocol_documents.py).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "programme.protocol_documents.ProtocolDocumentForm"
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "avif"]
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = None  # no third-party translation service
# Starting a translation makes a draft, whatever the source's state: a translation goes
# live once translated and approved (home/translations.py), never as a copy of the Italian.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

# --- Accounts (django-allauth) ---------------------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# A logged-in user without admin rights who opens /admin/ would otherwise loop between
# Wagtail's login redirect and allauth's "already logged in" redirect.
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="https")
# Redirects and mails in the language the person was using, mails in the site's name
# (the subject prefix too): accounts/adapter.py.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Sign-up and added emails cleaned like every form (typed_text.characters); sign-up as slow
# for an email that has an account as for a new one (accounts/signup.py).
ACCOUNT_FORMS = {"signup": "accounts.signup.SignupForm",
                 "add_email": "accounts.forms.AddEmailForm"}
# URL names, not paths: reversed in the active language ("/accounts/login/" would be
# sent to the browser's language by LocaleMiddleware).
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "partner:dashboard"
USERSESSIONS_TRACK_ACTIVITY = True

# --- Security defaults (production tightens them) --------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000  # Wagtail's page editor posts many fields
# Request bodies (website/request_hygiene.py). Outside UPLOAD_PATH_PREFIXES no form takes
# files: a body over DATA_UPLOAD_MAX_MEMORY_SIZE bytes (Django's default, 2.5 MiB) or with
# a file gets the 413 page. The admin's image and document forms take files up to
# Wagtail's own limits, in a body up to UPLOAD_MAX_REQUEST_SIZE.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
UPLOAD_PATH_PREFIXES = ["/admin/"]
UPLOAD_MAX_REQUEST_SIZE = 24 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "WARNING"},
        # WeasyPrint (flyers/) logs each step of each PDF at INFO, and every CSS rule it
        # ignores at WARNING: its errors are what the operator needs.
        "weasyprint": {"level": "ERROR"},
        "weasyprint.progress": {"level": "ERROR"},
    },
}

# The privacy notice version citizens acknowledge (forms store it with each request).
PRIVACY_NOTICE_VERSION = env("PRIVACY_NOTICE_VERSION", default="2026-11")
# Whole days a new participation request may wait before the admin dashboard lists it as
# waiting too long (programme.participation.requests_waiting_too_long).
TRIAGE_WAITING_DAYS = max(env.int("TRIAGE_WAITING_DAYS", default=7), 0)

# --- Retention of personal data (privacy/retention.py, GDPR art. 5(1)(e)) --------------
# Whole days each kind of personal data is kept; the daily purge (privacy.tasks, 03:30
# Milan time) deletes or anonymises what is older. Each at least 1; a value that is not
# a whole number of days stops the site at start-up. The README's "Data protection" and
# the demo's privacy notice list the same periods.


def retention_days(name, default):
    try:
        days = env.int(name, default=default)
    except ValueError:
        days = 0
    if days < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of days, at least 1.")
    return days


# Closed participation requests and referrals (completed, not eligible, withdrawn,
# unreachable, merged), counted from their last status change: two years leave time for
# a person to come back, for a complaint and for the programme's yearly reports; then
# the request is anonymised (statistics kept), not deleted.
RETENTION_CLOSED_REQUEST_DAYS = retention_days("RETENTION_CLOSED_REQUEST_DAYS", 730)
# Contact messages (the contact pages' submissions): a year, since an answered message is
# rarely needed again and people write about their own situation.
RETENTION_CONTACT_MESSAGE_DAYS = retention_days("RETENTION_CONTACT_MESSAGE_DAYS", 365)
# Staff's free-text notes in a request's history (blanked, the status change stays): a
# year; they may say more about a person than any field.
RETENTION_STATUS_NOTE_DAYS = retention_days("RETENTION_STATUS_NOTE_DAYS", 365)
# Signatory's name and role of a rejected or withdrawn adhesion, from the decision or
# withdrawal: a year covers an appeal or a new adhesion by the same organisation.
RETENTION_ADHESION_SIGNATORY_DAYS = retention_days("RETENTION_ADHESION_SIGNATORY_DAYS", 365)
# Invitations that expired or were revoked (an email address and a token nobody can use
# any more): a month, enough for the organisation to see what became of them.
RETENTION_INVITATION_DAYS = retention_days("RETENTION_INVITATION_DAYS", 30)
# Finished mail tasks of the queue (they hold the rendered mail: recipient, subject,
# body): a week, longer than the two days of attempts and enough to tell a person whether
# a mail left; the "Message queue" screen lists mails given up for that long.
RETENTION_MAIL_TASK_DAYS = retention_days("RETENTION_MAIL_TASK_DAYS", 7)
# Sessions: expired sessions go at once; allauth's sign-in records (IP address, browser,
# last seen) a month after they were last seen, which covers a security check.
RETENTION_SESSION_DAYS = retention_days("RETENTION_SESSION_DAYS", 30)
# The audit trail (who viewed, changed, exported or erased a record): two years, the
# period in which a data breach or a complaint is usually investigated.
RETENTION_AUDIT_DAYS = retention_days("RETENTION_AUDIT_DAYS", 730)
# Answered data-protection requests (name, email, phone, message blanked; reference, kind,
# dates and status kept): a year, enough for a complaint to the Garante about the answer.
RETENTION_SUBJECT_REQUEST_DAYS = retention_days("RETENTION_SUBJECT_REQUEST_DAYS", 365)
# Comments of page ratings (blanked, the rating stays): a year of reports to learn from;
# the comment is free text, which may name someone.
RETENTION_RATING_COMMENT_DAYS = retention_days("RETENTION_RATING_COMMENT_DAYS", 365)
# Bookings of appointments (booking/retention.py), from the appointment's end: three
# months cover a complaint or a question about the appointment; then the person's name,
# email, phone and details go (reference, service, times, status and reason stay).
RETENTION_BOOKING_DAYS = retention_days("RETENTION_BOOKING_DAYS", 90)
# Retention rules and data-subject sources of apps privacy/ must not import: the wiring
# names them here (privacy.retention.extra_rules, privacy.subjects.extra_sources).
RETENTION_EXTRA_RULES = ["booking.retention.anonymise_bookings",
                         "jobservice.imports.purge_pending"]
PRIVACY_EXTRA_SUBJECT_SOURCES = ["booking.retention", "facilitation.retention"]

# --- Spreadsheet exports (exports/) ---------------------------------------------------
# Exports of more rows than this are written by the background worker, with a progress
# page, instead of within the request (which must not hold a web worker for seconds).
EXPORT_BACKGROUND_THRESHOLD = env.int("EXPORT_BACKGROUND_THRESHOLD", default=2000)
# Where the background worker writes those files: never under MEDIA_ROOT or the static
# files (exports/checks.py), since only the person who asked may download one.
EXPORTS_ROOT = env.path("EXPORTS_ROOT", default=str(VAR_DIR / "exports"))
# With MEDIA_STORAGE=s3 they go to a bucket of their own, EXPORTS_BUCKET, that no proxy
# serves: the worker that writes a file and the app server that hands it to its owner may
# be two machines (exports.storage).
if MEDIA_STORAGE == "s3":
    STORAGES["exports"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**S3_OPTIONS, "bucket_name": env.str("EXPORTS_BUCKET", default="exports"),
                    "file_overwrite": True},
    }
# Hours such a file (and its record, which holds the list's filters) is kept once
# written: long enough to download it, short for a file full of personal data.
EXPORT_RETENTION_HOURS = env.int("EXPORT_RETENTION_HOURS", default=24)

# The audit trail's changes (django-auditlog) name the staff member, not their IP
# address: the account says who it was, and an address is one more personal datum kept.
AUDITLOG_DISABLE_REMOTE_ADDR = True

# --- Spam protection for the public forms (antispam/), no third party ----------------
# The ALTCHA widget (npm `altcha` 2.x, classic challenge format) served by the site:
# altcha.js, altcha.css and worker.js under /static/altcha/.
STATICFILES_DIRS += [("altcha", BASE_DIR / "node_modules" / "altcha" / "dist_external")]
SPAM_MIN_SECONDS = env.int("SPAM_MIN_SECONDS", default=3)  # a form sent faster is refused
SPAM_TOKEN_MAX_AGE = 4 * 60 * 60  # seconds a displayed form stays valid
# Empty: derived from SECRET_KEY at run time (salted_hmac). Set it to rotate it apart.
ALTCHA_HMAC_KEY = env("ALTCHA_HMAC_KEY", default="")
ALTCHA_MAX_NUMBER = 100000  # about 1-1.6 s of work on a modest machine
ALTCHA_CHALLENGE_EXPIRY = 20 * 60  # seconds; the widget fetches a new one by itself
SPAM_RATE_LIMIT = env.int("SPAM_RATE_LIMIT", default=10)  # submissions per IP per form...
SPAM_RATE_PERIOD = 10 * 60  # ...per this many seconds; over it: 429
# Forms that accept a submission without JavaScript (antispam.forms.SpamProtectedForm.
# accepts_noscript: the booking steps) count those per network, instead of the proof
# of work: this many per this many seconds.
SPAM_NOSCRIPT_RATE_LIMIT = env.int("SPAM_NOSCRIPT_RATE_LIMIT", default=3)
SPAM_NOSCRIPT_RATE_PERIOD = 60 * 60
# Signed-in staff who enter requests from the office skip the limit (antispam/).
SPAM_RATE_LIMIT_EXEMPT = "accounts.roles.is_triage_staff"
ALTCHA_CHALLENGE_RATE_LIMIT = 60  # challenges per IP...
ALTCHA_CHALLENGE_RATE_PERIOD = 60  # ...per minute
# Page ratings ("Valuta questo sito", rating/): ratings per IP per SPAM_RATE_PERIOD
# before a 429, and the page types rated at any depth besides the home page's children
# and grandchildren (the service sheet).
RATING_RATE_LIMIT = env.int("RATING_RATE_LIMIT", default=20)
RATING_PAGE_TYPES = ["programme.programmepage"]
# Proxies in front of the site that append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Staff addresses told when an organisation asks to join the protocol; the demo's contact
# page writes to them too. The default receives no mail (example.org); production requires
# the variable.
STAFF_NOTIFICATION_EMAILS = env.list(
    "STAFF_NOTIFICATION_EMAILS", default=["segreteria@example.org"]
)

# --- Accounts: rate limits, two-factor authentication, admin access ------------------
# allauth's rate limits live in the default cache (CACHES above; production needs one
# shared by every worker). Its defaults are kept; failed logins: 10 a minute per IP,
# 5 per 5 minutes per account.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Mail the user when a password, an email address or two-factor authentication changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# "Signed in as ...": the email people sign in with, not the username allauth makes up.
ACCOUNT_USER_DISPLAY = lambda user: user.email  # noqa: E731
# Two-factor authentication: an authenticator app (TOTP) and one-time recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Mutuo Aiuto Lavoro"
# TOTP secrets and recovery seeds encrypted in the database (accounts/mfa_secrets.py) with
# MFA_ENCRYPTION_KEY: Fernet keys, comma-separated, the first encrypts, all decrypt
# (rotation). Empty: derived from SECRET_KEY (development, tests); production requires it.
MFA_ADAPTER = "accounts.mfa_secrets.MFAAdapter"
MFA_ENCRYPTION_KEYS = [
    key.strip() for key in env.list("MFA_ENCRYPTION_KEY", default=[]) if key.strip()
]
# accounts.middleware.AdminAccessMiddleware: everyone with access to the Wagtail admin
# must have set up an authenticator app before entering it (optional for partners).
ADMIN_MFA_REQUIRED = True

# --- Content-Security-Policy and other response headers ---------------------------------
# django-csp 4 (csp.middleware.CSPMiddleware) sends the public policy. Everything the
# site loads is its own: Bootstrap Italia (CSS, JS, fonts via static/build/css/fonts.css, not
# the library's loadFonts(), which injects an inline <style>), the ALTCHA widget
# (altcha.js as a module, altcha.css, and its proof-of-work worker at
# /static/altcha/worker.js: hence worker-src 'self', with no blob: worker) and its
# challenge fetched from /altcha/ (connect-src 'self'). No inline scripts and no inline
# styles of ours: ALTCHA and Bootstrap's JavaScript set element.style through the CSSOM,
# which CSP allows. Checked in Chromium: no violation on the public pages, and ALTCHA
# solves its challenge. Exceptions, each the narrowest that silences a violation:
# - img-src data: the SVG icons inside Bootstrap Italia's stylesheet.
# Fonts are the site's own files only: the library's full stylesheet embedded video.js's
#   icon font as a data: URL, which the site's cut of it (static/build/css/, issue 23)
#   leaves out with the rest of video.js.
# No inline style at all: the site loads only the Bootstrap Italia ES modules it uses
#   (static/js/site.js, static/js/page-index.js), not its bundle, whose video.js would
#   add a <style> to every page. No 'unsafe-inline' anywhere.
# One inline script, the import map those modules need (home/static_modules.py), allowed
#   by its hash, which website.middleware.SecurityHeadersMiddleware adds to script-src.
# upgrade-insecure-requests is turned on in production.py.
CSP_SELF, CSP_NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    # The Wagtail admin gets ADMIN_CONTENT_SECURITY_POLICY below from
    # website.middleware.SecurityHeadersMiddleware instead.
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "worker-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "frame-ancestors": [CSP_NONE],
        "form-action": [CSP_SELF],
        "upgrade-insecure-requests": False,
    },
}
# The Wagtail admin (/admin/) still uses inline scripts and style attributes (its date
# pickers, for one) and shows page previews in a frame of its own: a looser policy,
# still limited to the site itself.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, "'unsafe-inline'"],
        "style-src": [CSP_SELF, "'unsafe-inline'"],
        "img-src": [CSP_SELF, "data:", "blob:"],
        "font-src": [CSP_SELF, "data:"],
        "connect-src": [CSP_SELF],
        "worker-src": [CSP_SELF, "blob:"],
        "frame-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "frame-ancestors": [CSP_SELF],  # Wagtail's live preview frames admin URLs
        "form-action": [CSP_SELF],
        "upgrade-insecure-requests": False,
    },
}
# website.middleware.SecurityHeadersMiddleware: powerful browser features the site never
# uses are turned off for it and for anything it might embed. (browsing-topics replaces
# FLoC's interest-cohort, which browsers no longer recognise and log an error for.)
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "encrypted-media", "geolocation", "gyroscope", "hid", "magnetometer",
        "microphone", "midi", "payment", "screen-wake-lock", "serial", "usb",
        "xr-spatial-tracking",
    ]
}
# Pages with personal data are never stored by browsers or proxies: allauth's account
# pages and the partner area, under every language prefix (SecurityHeadersMiddleware).
NO_STORE_PATH_PREFIXES = ["accounts/", "partner/"]
# Django's SecurityMiddleware: Referrer-Policy, X-Content-Type-Options (above) and
# Cross-Origin-Opener-Policy; XFrameOptionsMiddleware: X-Frame-Options DENY (above).
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Performance: caches and the page cache (issue 7; pagecache/, pagecache/routing.py) -----
# Anonymous visitors' public pages are served whole from each worker's memory, per URL
# and so per language; publishing, unpublishing or saving anything public pages show
# clears them at once in every worker (versions in the shared default cache). Off while
# DEBUG is on; 0 turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# How long a caching proxy in front (Varnish, nginx) may keep an anonymous visitor's
# public page (`Cache-Control: s-maxage`; browsers always ask again). Wagtail purges a
# page from it when the page is published (WAGTAILFRONTENDCACHE, below); this bounds how
# long what no purge names (a menu, the footer's contacts) can lag. 0: not kept.
PROXY_CACHE_SECONDS = env.int("PROXY_CACHE_SECONDS", default=60)
# The caching proxy in front, purged on publication through wagtail.contrib.frontend_cache
# (an HTTP PURGE of each URL, sent by the worker; pagecache.invalidation.purge_from_proxy
# says which, so the app itself is not installed: its handler would queue a purge task
# for every publication even with no proxy): FRONTEND_CACHE_PURGE_URL is where it
# listens for them (http://127.0.0.1:8080 for `make cluster`'s nginx; README, "Several
# app servers"). Each URL is purged under both language prefixes: an untranslated page
# is served under /en/ too. Unset: no purge is sent.
FRONTEND_CACHE_PURGE_URL = env.str("FRONTEND_CACHE_PURGE_URL", default="")
WAGTAILFRONTENDCACHE = {
    "proxy": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
              "LOCATION": FRONTEND_CACHE_PURGE_URL},
} if FRONTEND_CACHE_PURGE_URL else {}
WAGTAILFRONTENDCACHE_LANGUAGES = [code for code, _name in LANGUAGES]
# Menus, footer links, contact details, language versions and routes, same invalidation.
SITE_CACHE_SECONDS = env.int("SITE_CACHE_SECONDS", default=3600)
# Right after WhiteNoise: a cached page skips sessions, languages, CSRF and authentication.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "pagecache.middleware.PageCacheMiddleware",
)
# Last: remembers which page answers a path (one query instead of Wagtail's 7 to 10).
MIDDLEWARE.append("pagecache.routing.CachedRoutingMiddleware")
# SQLite too keeps its connection between requests (a new one costs about 2 ms: opening
# the file and its PRAGMAs); each worker thread has its own.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=600))

# Addresses other programs read: their errors (400, 403, 404, 413 from Django's handlers)
# are JSON, not the site's HTML pages (home.views).
JSON_ERROR_PATH_PREFIXES = ["/api/"]

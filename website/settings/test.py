"""Tests: fast hashing, in-memory cache and mail, tasks run immediately."""

import atexit
import shutil
import tempfile

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
FLYERS_DRAW_FOR_SIZE = False  # tests/test_flyers.py turns it on where it checks the size
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
WAGTAILADMIN_BASE_URL = "http://testserver"
# Uploads made by tests go to a private directory of this run (not a fixed /tmp path
# another user could prepare), removed when the run ends.
MEDIA_ROOT = env("TEST_MEDIA_ROOT", default="")
if not MEDIA_ROOT:
    MEDIA_ROOT = tempfile.mkdtemp(prefix="mutuo-aiuto-lavoro-test-media-")
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
LOGGING = {"version": 1, "disable_existing_loggers": False}

# No collectstatic before tests: whitenoise finds files where `runserver` would (the
# finders), per request, instead of scanning a static_collected/ that does not exist
# (which warned "No directory at ..." on every test client).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests that sign staff in with client.force_login do not set up two-factor first;
# tests/test_accounts_auth.py turns the rule back on.
ADMIN_MFA_REQUIRED = False
# Every request renders its page (tests count queries and read response.context);
# tests/test_page_cache.py turns the page cache on where it is what is tested.
PAGE_CACHE_SECONDS = 0

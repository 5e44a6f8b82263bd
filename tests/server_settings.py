"""The production settings for a server that a test starts (tests/test_intake_burst.py).

One difference: static files are found where `runserver` finds them, so the tests need
no `collectstatic` (production's manifest storage refuses to render a page without it).
"""

from website.settings.production import *  # noqa: F403
from website.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

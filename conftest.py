"""Shared fixtures.

The demo content is built once per test session, on top of the migrated test database,
outside any test transaction (so wagtail-localize's on-commit publishing runs). Each
test then runs in a transaction that is rolled back, so tests see the demo site and
cannot change it for the next one.
"""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def demo_editor(db):
    from django.contrib.auth import get_user_model

    from accounts.demo import DEMO_EDITOR_EMAIL

    return get_user_model().objects.get(email=DEMO_EDITOR_EMAIL)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and used challenges live in the cache: each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _not_at_a_rate_window_end(settings):
    """The rate limit counts in fixed windows of SPAM_RATE_PERIOD seconds: a test that
    fills it across a window's end would start again at zero. A test that would start in
    the last 15 s of a window waits for the next one (at most 15 s per window)."""
    import time

    period = settings.SPAM_RATE_PERIOD
    left = period - time.time() % period
    if left < 15:
        time.sleep(left + 0.05)

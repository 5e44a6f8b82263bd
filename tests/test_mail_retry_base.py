"""MAIL_RETRY_BASE_SECONDS: the waits between mail attempts, from the environment.

The default keeps the production back-off (2, 4, 8… minutes, two days in all); the fault
benchmark sets a second so that retries come within its run."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mail.sending import MAX_ATTEMPTS, retry_delay

ROOT = Path(__file__).resolve().parent.parent


def test_default_waits_are_minutes(settings):
    settings.MAIL_RETRY_BASE_SECONDS = 60.0
    assert [retry_delay(n) for n in (1, 2, 3)] == [
        datetime.timedelta(minutes=2), datetime.timedelta(minutes=4),
        datetime.timedelta(minutes=8),
    ]
    assert retry_delay(MAX_ATTEMPTS - 1) == datetime.timedelta(hours=12)


def test_a_short_base_makes_the_retries_come_in_seconds(settings):
    settings.MAIL_RETRY_BASE_SECONDS = 0.5
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 8]


def test_the_wait_never_exceeds_twelve_hours(settings):
    settings.MAIL_RETRY_BASE_SECONDS = 3600.0
    assert retry_delay(5) == datetime.timedelta(hours=12)


def settings_value(value):
    """MAIL_RETRY_BASE_SECONDS as the test settings read it with the environment at
    `value` (None: unset); the child's exit status and output."""
    env = {key: val for key, val in os.environ.items() if key != "MAIL_RETRY_BASE_SECONDS"}
    env["DJANGO_SETTINGS_MODULE"] = "website.settings.test"
    if value is not None:
        env["MAIL_RETRY_BASE_SECONDS"] = value
    child = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; "
         "print(settings.MAIL_RETRY_BASE_SECONDS)"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    return child.returncode, child.stdout.strip(), child.stderr


def test_read_from_the_environment_with_the_production_default():
    assert settings_value(None)[:2] == (0, "60.0")
    assert settings_value("1.5")[:2] == (0, "1.5")


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "due"])
def test_a_wait_that_is_not_a_positive_number_is_refused(value):
    status, _, errors = settings_value(value)
    assert status != 0
    assert "MAIL_RETRY_BASE_SECONDS must be a number of seconds greater than 0" in errors

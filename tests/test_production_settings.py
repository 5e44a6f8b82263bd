"""Production settings: `check --deploy` is clean, and missing configuration fails loudly.

Each check runs `manage.py` in a subprocess, as a deployment would, with an environment
built from scratch: nothing leaks in from pytest (DJANGO_SETTINGS_MODULE) or from the
developer's shell. The settings also read a `.env` file next to the project when there is
one; so that a developer's `.env` cannot supply the variable a test removes, the
subprocess runs a copy of the `website` package (settings locate the project from their
own file) next to links to everything else.
"""

import os
import secrets
import shutil
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

# A SQLite file of its own in a child process: the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.own_sqlite

# Not linked into the copy: the settings package (copied), local state and secrets.
NOT_LINKED = {"website", "manage.py", ".env", ".git", ".venv", "var", "static_collected"}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A stand-in for the project directory without any .env file."""
    source = settings.BASE_DIR
    target = tmp_path_factory.mktemp("project")
    shutil.copytree(
        source / "website", target / "website",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy2(source / "manage.py", target / "manage.py")
    for entry in source.iterdir():
        if entry.name not in NOT_LINKED:
            (target / entry.name).symlink_to(entry)
    assert not (target / ".env").exists()
    return target


def production_env(tmp_path, **overrides):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MFA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "example.org",
        "DEFAULT_FROM_EMAIL": "noreply@example.org",
        "STAFF_NOTIFICATION_EMAILS": "segreteria@example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def run_manage(project, env, *args):
    assert "DJANGO_SETTINGS_MODULE" not in env
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--settings=website.settings.production"],
        cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_the_subprocess_does_not_inherit_pytest_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "website.settings.test")
    monkeypatch.setenv("SECRET_KEY", "from-the-parent-environment")
    env = production_env(tmp_path)
    assert "DJANGO_SETTINGS_MODULE" not in env
    assert env["SECRET_KEY"] != "from-the-parent-environment"


def test_deploy_check_passes_without_warnings(project, tmp_path):
    result = run_manage(project, production_env(tmp_path), "check", "--deploy")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified some issues" not in output
    assert "System check identified no issues" in output


# DEFAULT_FROM_EMAIL and STAFF_NOTIFICATION_EMAILS: without them production would mail
# from and to the development defaults (issue 15).
@pytest.mark.parametrize("name", ["SECRET_KEY", "ALLOWED_HOSTS", "DEFAULT_FROM_EMAIL",
                                  "STAFF_NOTIFICATION_EMAILS"])
@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
def test_missing_required_variable_stops_start_up(project, tmp_path, name, value):
    result = run_manage(project, production_env(tmp_path, **{name: value}), "check", "--deploy")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name} is not set" in result.stderr


def test_wildcard_allowed_hosts_is_refused(project, tmp_path):
    # Any Host header would be accepted, and allauth builds its emails' links from it.
    result = run_manage(project, production_env(tmp_path, ALLOWED_HOSTS="*"), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr


def test_debug_stays_off_whatever_the_environment_says(project, tmp_path):
    result = run_manage(
        project, production_env(tmp_path, DEBUG="true"), "shell", "-c",
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.WAGTAILADMIN_BASE_URL)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["False", "True", "True", "https://example.org"]


# Django's deploy check (security.W009) only warns about these; the site started anyway.
WEAK_KEYS = {
    "five-characters": "abcde",
    "49-characters": secrets.token_urlsafe(50)[:49],
    "four-different-characters": "abcd" * 20,
    "django-insecure-prefix": "django-insecure-" + secrets.token_urlsafe(50),
}


@pytest.mark.parametrize("key", WEAK_KEYS.values(), ids=WEAK_KEYS.keys())
def test_a_weak_secret_key_stops_start_up(project, tmp_path, key):
    result = run_manage(project, production_env(tmp_path, SECRET_KEY=key), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is too weak" in result.stderr
    assert "at least 50 characters" in result.stderr
    assert key not in result.stderr  # a secret is never printed, even a bad one


def test_a_weak_altcha_key_stops_start_up(project, tmp_path):
    # Optional (derived from SECRET_KEY when empty), but when set it signs the spam checks.
    env = production_env(tmp_path, ALTCHA_HMAC_KEY="short")
    result = run_manage(project, env, "check")
    assert result.returncode != 0
    assert "ALTCHA_HMAC_KEY is too weak" in result.stderr


def test_the_mail_server_timeout_comes_from_the_environment(project, tmp_path):
    show = ("shell", "-c", "from django.conf import settings as s; print(s.EMAIL_TIMEOUT)")
    default = run_manage(project, production_env(tmp_path), *show)
    chosen = run_manage(project, production_env(tmp_path, EMAIL_TIMEOUT="7.5"), *show)
    assert default.stdout.split()[-1:] == ["20.0"], default.stderr
    assert chosen.stdout.split()[-1:] == ["7.5"], chosen.stderr


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "20 s"])
def test_a_mail_server_timeout_that_is_no_timeout_stops_start_up(project, tmp_path, value):
    result = run_manage(project, production_env(tmp_path, EMAIL_TIMEOUT=value), "check")
    assert result.returncode != 0
    assert "EMAIL_TIMEOUT must be a number of seconds greater than 0" in result.stderr

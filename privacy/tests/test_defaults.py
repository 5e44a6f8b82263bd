"""No real address in defaults or demo content, and where `make run` says mail goes
(issue 15, "Defaults"; GDPR art. 32: a developer's test message must not reach a real
office).

The domains allowed are those RFC 2606 reserves for examples: mail to them goes nowhere.
"""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from wagtail.fields import StreamField

from home.models import ContactPage

ROOT = Path(settings.BASE_DIR)
# Not the credentials of a URL (postgres://user:password@host): those are no mail address.
ADDRESS = re.compile(r"(?<![A-Za-z0-9._%+:-])[A-Za-z0-9._%+-]+"
                     r"@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
# The files that hold defaults, demo content, templates and documentation; not the
# dependencies, the compiled catalogue or what the tests make up.
SCANNED_SUFFIXES = {".py", ".html", ".txt", ".md", ".example", ".service", ".timer", ".toml"}
NOT_SCANNED = {".venv", "node_modules", ".git", "locale", "locale_overrides", "var",
               "static_collected", ".ruff_cache", "htmlcov"}


def is_example_domain(domain):
    """True for example.org, example.com, example.net and their subdomains, and for the
    reserved top-level domains .example, .test, .invalid and .localhost (RFC 2606)."""
    domain = domain.lower().rstrip(".")
    return (re.search(r"(^|\.)example\.(org|com|net)$", domain) is not None
            or domain.rsplit(".", 1)[-1] in {"example", "test", "invalid", "localhost"})


def real_addresses(text):
    """The mail addresses in `text` (str) whose domain is not an example domain."""
    return sorted({match.group(0) for match in ADDRESS.finditer(text or "")
                   if not is_example_domain(match.group(1))})


def test_the_example_domains_are_told_apart_from_real_ones():
    assert real_addresses("a@example.org, b@x.example.com, c@associazione.example") == []
    assert real_addresses("scrivi a PLO.infolavoro@comune.milano.it.") == [
        "PLO.infolavoro@comune.milano.it"]
    assert real_addresses("x@example.org.evil.it") == ["x@example.org.evil.it"]
    assert real_addresses("postgres://user:password@db.internal:5432/x") == []


def scanned_files():
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in NOT_SCANNED or not path.is_file():
            continue
        if relative == Path(__file__).relative_to(ROOT):  # names a real one to refuse it
            continue
        if path.suffix in SCANNED_SUFFIXES or path.name in {"Makefile", ".env.example"}:
            yield relative, path


def test_no_file_of_the_project_holds_a_real_mail_address():
    found = {}
    for relative, path in scanned_files():
        addresses = real_addresses(path.read_text(encoding="utf-8", errors="replace"))
        if addresses:
            found[str(relative)] = addresses
    assert found == {}


@pytest.mark.parametrize("name", ["DEFAULT_FROM_EMAIL", "SERVER_EMAIL",
                                  "STAFF_NOTIFICATION_EMAILS"])
def test_the_mail_settings_default_to_example_org(name):
    # The test settings keep base.py's defaults (no .env variable sets them in CI).
    value = getattr(settings, name)
    values = value if isinstance(value, list | tuple) else [value]
    assert values and all(ADDRESS.search(v) for v in values)
    assert real_addresses(" ".join(values)) == []
    assert all("example.org" in v for v in values)


def test_no_staff_recipient_is_configured_besides_the_environment_s():
    # ADMINS and MANAGERS would receive Django's error mails: none unless configured.
    assert real_addresses(" ".join(str(entry) for entry in settings.ADMINS)) == []
    assert real_addresses(" ".join(str(entry) for entry in settings.MANAGERS)) == []


def text_fields(model):
    return [field for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField
                          | StreamField)]


@pytest.mark.django_db
def test_the_demo_content_holds_no_real_mail_address():
    # Every text column of every table after load_demo_content (conftest.py): EmailFields,
    # the contact page's recipients, rich text, StreamFields, revisions, translations.
    found = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in text_fields(model):
            for value in model._default_manager.values_list(field.attname, flat=True):
                addresses = real_addresses(value if isinstance(value, str) else str(value))
                if addresses:
                    found.setdefault(f"{model._meta.label}.{field.name}", set()).update(
                        addresses)
    assert found == {}


@pytest.mark.django_db
def test_every_email_field_and_the_contact_page_recipients_of_the_demo_are_examples():
    checked = 0
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.EmailField):
                for value in model._default_manager.values_list(field.attname, flat=True):
                    assert value == "" or value is None or is_example_domain(
                        value.rsplit("@", 1)[-1]), (model._meta.label, field.name, value)
                    checked += 1
    assert checked  # the demo editor, the contact details at least
    pages = ContactPage.objects.all()
    assert pages.exists()
    for page in pages:
        recipients = [address.strip() for address in page.to_address.split(",") if address]
        assert recipients == list(settings.STAFF_NOTIFICATION_EMAILS)


@pytest.mark.django_db
def test_a_development_site_s_former_demo_editor_moves_to_example_org():
    from django.contrib.auth import get_user_model

    from accounts.demo import DEMO_EDITOR_EMAIL, FORMER_DEMO_EDITOR_EMAIL, ensure_demo_editor

    editor = get_user_model().objects.get(email=DEMO_EDITOR_EMAIL)
    editor.email = FORMER_DEMO_EDITOR_EMAIL  # as a database made before issue 15 has it
    editor.save()
    user, password = ensure_demo_editor()
    assert user.pk == editor.pk and password is None  # the same account, its password kept
    assert user.email == DEMO_EDITOR_EMAIL
    assert list(user.emailaddress_set.values_list("email", "verified")) == [
        (DEMO_EDITOR_EMAIL, True)]

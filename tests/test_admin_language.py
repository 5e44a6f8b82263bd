"""The Italian admin reads Italian: strings Wagtail and wagtail-localize ship without an
Italian translation, and wagtail-localize's English dates (issue 13).

The upstream faults are listed in locale_overrides/ and home/localize_dates.py; the
tests marked "upstream" fail when an upgrade fixes them, so the local fix can go.
"""

import datetime
import re
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

OVERRIDES = Path(settings.BASE_DIR) / "locale_overrides/locale/it/LC_MESSAGES/django.po"
ENGLISH_MONTHS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b")
SITE_PACKAGES = Path(polib.__file__).parent


def upstream_strings():
    """The msgids of the overrides' Wagtail section (after its heading comment)."""
    entries = polib.pofile(str(OVERRIDES))
    return [e for e in entries if e.msgid and "%(start_index)s" in e.msgid
            or e.msgid in {"Meta description is empty", "Currently idle",
                           "A network error occurred", "Locale '{0}' created.",
                           "Maximum filesize: %(max_upload_size)s.", "Actions (footer)"}]


def shipped_italian_msgids():
    have = set()
    for root in ("wagtail", "wagtail_localize"):
        for path in (SITE_PACKAGES / root).rglob("locale/it/LC_MESSAGES/django.po"):
            have.update(e.msgid for e in polib.pofile(str(path)) if e.msgstr)
    return have


def test_upstream_catalogues_still_lack_the_overridden_strings():
    """Upstream: when Wagtail's Italian catalogue gains one, its override can go."""
    shipped = shipped_italian_msgids()
    assert [e.msgid for e in upstream_strings() if e.msgid in shipped] == []


@pytest.mark.parametrize("entry", upstream_strings(), ids=lambda e: e.msgid[:40])
def test_each_overridden_string_reads_italian_in_the_italian_admin(entry):
    with translation.override("it"):
        assert translation.gettext(entry.msgid) == entry.msgstr
    with translation.override("en"):
        assert translation.gettext(entry.msgid) == entry.msgid


@pytest.fixture
def italian_admin(client, demo_editor):
    demo_editor.is_superuser = True
    demo_editor.save()
    profile = UserProfile.get_for_user(demo_editor)
    profile.preferred_language = "it"
    profile.save()
    client.force_login(demo_editor)
    return client


def visible_text(response):
    soup = BeautifulSoup(response.content, "html.parser")
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    return " ".join(soup.stripped_strings)


@pytest.mark.django_db
def test_the_page_listing_counts_in_italian(italian_admin):
    from programme.models import NewsIndexPage

    news = NewsIndexPage.objects.get(locale__language_code="it")
    text = visible_text(italian_admin.get(f"/admin/pages/{news.pk}/"))
    assert re.search(r"\b1-\d+ di \d+ \(", text), text[:500]
    assert not re.search(r"\b1-\d+ of \d+", text)


@pytest.mark.django_db
def test_translation_editor_notes_give_the_date_in_the_admins_language():
    from wagtail_localize.models import StringTranslation

    from home import localize_dates

    note = StringTranslation(translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
                             updated_at=timezone.make_aware(datetime.datetime(2026, 11, 30, 9)))
    with translation.override("it"):
        assert note.get_comment() == "Tradotto manualmente il 30 novembre 2026"
        # Upstream: wagtail-localize's own method writes the month in English.
        assert ENGLISH_MONTHS.search(localize_dates.upstream_get_comment(note))
    with translation.override("en"):
        assert note.get_comment() == "Translated manually on 30 November 2026"


@pytest.mark.django_db
def test_the_translation_editor_in_italian_has_no_english_month(italian_admin):
    from wagtail_localize.models import StringTranslation

    from programme.models import NewsPage

    english = NewsPage.objects.filter(locale__language_code="en").first()
    assert StringTranslation.objects.filter(locale=english.locale).exists()
    # A synced translation's edit screen is wagtail-localize's translation editor.
    page = italian_admin.get(f"/admin/pages/{english.pk}/edit/").content.decode()
    assert "Tradotto manualmente il" in page or "Tradotto con" in page
    assert not ENGLISH_MONTHS.search(page)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading", "empty"), [
    ("it", "Richiesta di partecipazione", "Nessun risultato per la ricerca"),
    ("en", "Participation request", "No participation requests match your query."),
])
def test_the_request_screen_and_an_empty_search_read_right(client, language, heading, empty):
    from django.contrib.auth.models import Group as AuthGroup

    from accounts.models import User
    from programme.models import ParticipationRequest

    clerk = User.objects.create_user(username="clerk", email="clerk@example.org",
                                     password="x" * 12, is_staff=True)
    clerk.groups.add(AuthGroup.objects.get(name="Segreteria"))
    profile = UserProfile.get_for_user(clerk)
    profile.preferred_language = language
    profile.save()
    client.force_login(clerk)
    request_obj = ParticipationRequest.objects.create(
        first_name="Marta", last_name="Colombo", email="m@example.org",
        preferred_channel="email", employment_status="unemployed",
        situation_since="2026-01-01", privacy_notice_version="t",
        privacy_acknowledged_at="2026-01-01T00:00Z", language="it", reference="MA-2026-00077")
    page = visible_text(client.get(f"/admin/participation_requests/inspect/{request_obj.pk}/"))
    assert f"{heading}: MA-2026-00077" in page
    assert "Controlla" not in page and "Inspect" not in page
    listing = visible_text(client.get("/admin/participation_requests/?q=zzzqqq"))
    assert empty in listing
    assert "Nessun richieste" not in listing

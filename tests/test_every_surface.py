"""Every surface a person reads tells the truth (issue 11's acceptance test).

One request, one referral, one contact message and one adhesion are seeded through the
forms people use, at one instant with microseconds (00:08:36.667626 UTC, 01:08 in Milan).
Then every public, partner and admin page, every mail and every export is read in both
languages, and none may show what a person should never read: `None`, `True`, `False`, a
UTC offset, microseconds, a database constraint's name, an internal choice code where a
label belongs, or (on an Italian surface) one of our English msgids left untranslated.
"""

import csv
import io
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group as AuthGroup
from django.core import mail
from django.db import models
from django.urls import reverse
from django.utils import translation
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Page
from wagtail.users.models import UserProfile

from accounts.models import Membership
from home.legal_demo import site_cookies
from home.models import ContactPage
from programme.models import (
    Adhesion,
    Group,
    ParticipationPage,
    ParticipationRequest,
    StatusChange,
)
from programme.participation import change_status
from tests.forms_helpers import contact_data, intake_data
from tests.partner_helpers import VAT_NUMBERS, add_member, make_organisation, make_user

pytestmark = pytest.mark.django_db

INSTANT = datetime(2026, 11, 30, 0, 8, 36, 667626, tzinfo=UTC)
OUR_APPS = ["home", "programme", "accounts"]

FORBIDDEN_WORDS = re.compile(r"\b(None|True|False)\b")
MICROSECONDS = re.compile(r"\d:\d\d\.\d{3,6}\b")
UTC_OFFSET = re.compile(r"[+-]00:?00\b")
# «30 Novembre»: Django's Italian month names are capitalised; Italian writes «30 novembre».
CAPITALISED_MONTH = re.compile(
    r"\d (Gennaio|Febbraio|Marzo|Aprile|Maggio|Giugno|Luglio|Agosto|Settembre|Ottobre|"
    r"Novembre|Dicembre)\b")


# --- What may never be read ------------------------------------------------------------


def constraint_names():
    names = set()
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            names.update(constraint.name for constraint in model._meta.constraints)
    return names


def choice_codes():
    """Stored values of our choice fields whose label differs from the value; language
    codes are left out ("it" and "en" are also the switcher's visible short names)."""
    codes = set()
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if not isinstance(field, models.Field) or not field.choices:
                    continue
                if field.name == "language":
                    continue
                for value, label in field.flatchoices:
                    if isinstance(value, str) and value and value != str(label):
                        codes.add(value)
    return codes


WORD = re.compile(r"[^\W\d_]+")


PLACEHOLDER = re.compile(r"%\(\w+\)\w|\{\w*\}|<[^>]*>")  # not words a person reads


def english_only_words(msgids):
    """Words of the English msgids (ours, Django's, Wagtail's, allauth's) that no Italian
    translation uses: a text on an Italian surface made only of them is English a person
    was not meant to read ("Full name", "Actions")."""
    import allauth
    import django
    import wagtail

    catalogues = [settings.BASE_DIR / "locale/it/LC_MESSAGES/django.po"]
    for package in (django, wagtail, allauth):
        catalogues += Path(package.__file__).parent.glob("**/locale/it/LC_MESSAGES/django.po")
    english, italian = set(), set()
    for path in catalogues:
        for entry in polib.pofile(str(path)):
            english.update(word.lower() for word in WORD.findall(
                PLACEHOLDER.sub(" ", entry.msgid)))
            italian.update(word.lower() for word in WORD.findall(
                PLACEHOLDER.sub(" ", entry.msgstr)))
    for text in [*Page.objects.values_list("title", flat=True),
                 *(name for _code, name in settings.LANGUAGES),
                 *(name for name, _purpose, _duration in site_cookies())]:
        italian.update(word.lower() for word in WORD.findall(text))
    return {word for word in english - italian if len(word) > 2}


def looks_english(text, words):
    if any(character.isdigit() or character == "@" for character in text):
        return False  # a reference, a username, an address: data, not UI text
    found = [word.lower() for word in WORD.findall(text)]
    if not found or any(word not in words for word in found):
        return False
    return len(found) >= 2 or len(found[0]) >= 6


def untranslated_msgids():
    """Our English msgids whose Italian differs: on an Italian surface, a text that is
    exactly one of them was not translated."""
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale/it/LC_MESSAGES/django.po"))
    # Not UI text: each language's own name (the switcher says "English" in Italian too)
    # and content an editor wrote in English (the English page titles listed in the admin).
    content = {name for _code, name in settings.LANGUAGES}
    content.update(Page.objects.values_list("title", flat=True))
    # The cookies' own names, listed by the legal notes' cookie statement ("messages").
    content.update(name for name, _purpose, _duration in site_cookies())
    return {
        entry.msgid for entry in catalogue.translated_entries()
        if entry.msgstr and entry.msgstr != entry.msgid and not entry.msgid_plural
        and len(entry.msgid) > 3 and "%" not in entry.msgid and "{" not in entry.msgid
        and entry.msgid not in content
    }


class TextNodes(HTMLParser):
    """The text a person reads on a page: text nodes and the attributes read aloud or
    shown (title, alt, aria-label, placeholder), never scripts or styles."""

    # <code> is a machine name shown as one (the open data's JSON keys): meant for
    # developers, marked as code for every reader.
    SKIPPED = {"script", "style", "template", "code"}
    READ_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        for name, value in attrs:
            if name in self.READ_ATTRIBUTES and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(" ".join(data.split()))


def texts_of_html(html):
    parser = TextNodes()
    parser.feed(html)
    return parser.texts


class Surfaces:
    """Collects what is wrong on each surface read, to report them all at once."""

    def __init__(self):
        self.constraints = constraint_names()
        self.codes = choice_codes()
        self.msgids = untranslated_msgids()
        self.english_words = english_only_words(self.msgids)
        self.problems = []
        self.read = []

    def check(self, where, texts, italian, machine_times=False):
        """`texts`: the strings a person reads there (text nodes, cells, mail lines).
        `machine_times`: a feed's dates are in its standard's form, for programs."""
        self.read.append(where)
        for text in texts:
            found = []
            if FORBIDDEN_WORDS.search(text):
                found.append("raw value")
            if not machine_times and MICROSECONDS.search(text):
                found.append("microseconds")
            if not machine_times and UTC_OFFSET.search(text):
                found.append("UTC offset")
            if italian and CAPITALISED_MONTH.search(text):
                found.append("capitalised month")
            if any(name in text for name in self.constraints):
                found.append("constraint name")
            value = text.rsplit(": ", 1)[-1].strip()
            if text in self.codes or value in self.codes:
                found.append("choice code")
            if italian and not machine_times and (text.rstrip(":.") in self.msgids
                            or looks_english(text, self.english_words)):
                found.append("untranslated msgid")
            for kind in found:
                self.problems.append(f"{where}: {kind}: {text[:120]!r}")

    def html(self, where, response, italian):
        if response.status_code != 200:
            self.problems.append(f"{where}: answered {response.status_code}")
            return
        body = b"".join(response.streaming_content) if response.streaming else response.content
        self.check(where, texts_of_html(body.decode()), italian)

    def plain(self, where, text, italian, machine_times=False):
        self.check(where, [line.strip() for line in text.splitlines() if line.strip()],
                   italian, machine_times)

    def csv(self, where, response, italian):
        assert response.status_code == 200, (where, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if not body.startswith(b"\xef\xbb\xbf"):
            self.problems.append(f"{where}: no BOM, Excel reads the accents as mojibake")
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")),
                               delimiter=";" if italian else ","))
        if rows and len(rows[0]) < 2:
            self.problems.append(f"{where}: one column: not the separator Excel expects")
        self.check(where, [cell for row in rows for cell in row if cell], italian)

    def xlsx(self, where, response, italian):
        assert response.status_code == 200, (where, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        cells = []
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, datetime):
                    if value.tzinfo is not None or value.microsecond:
                        self.problems.append(f"{where}: datetime cell {value!r}")
                    if (value.hour, value.minute) == (0, 8):
                        self.problems.append(f"{where}: UTC time in a cell {value!r}")
                elif value not in (None, ""):
                    cells.append(str(value))
        self.check(where, cells, italian)


# --- The seeded data -------------------------------------------------------------------


def pages_in(language):
    return [
        page for page in Page.objects.live().public().filter(
            locale__language_code=language, depth__gt=1).specific()
        if page.url
    ]


@pytest.fixture
def seeded(client):
    """The data each kind of user meets, sent through the forms they use."""
    mail.outbox.clear()
    with translation.override("it"):
        intake_it = ParticipationPage.objects.get(locale__language_code="it").url
    intake_en = ParticipationPage.objects.get(locale__language_code="en").url
    assert client.post(intake_it, intake_data()).status_code == 302
    confirmation_it = client.get(client.post(
        intake_it, intake_data(first_name="Lucia", email="lucia@example.org")
    )["Location"])
    english = client.post(intake_en, intake_data(first_name="John", email="john@example.org"))
    assert english.status_code == 302
    confirmation_en = client.get(english["Location"])

    contact_it = ContactPage.objects.get(locale__language_code="it").url
    contact_en = ContactPage.objects.get(locale__language_code="en").url
    assert client.post(contact_it, contact_data()).status_code in {200, 302}
    assert client.post(contact_en, contact_data(nome="Jane Smith")).status_code in {200, 302}

    organisation, partner_admin = make_organisation()
    referrer = add_member(organisation, Membership.Role.REFERRER)
    client.force_login(referrer)
    with translation.override("it"):
        referral_url = reverse("partner:referral_create")
    response = client.post(referral_url, intake_data(
        privacy=None, consent="on", first_name="Paola", email="paola@example.org"))
    assert response.status_code == 302, response.content[:2000]
    client.logout()
    _pending, _pending_admin = make_organisation(
        name="Cooperativa In Attesa", tax_code=VAT_NUMBERS[1],
        adhesion=Adhesion.Status.PENDING)

    segreteria = make_user("segreteria@comune.example.org", is_staff=True,
                           is_superuser=True)
    segreteria.groups.add(AuthGroup.objects.get(name="Segreteria"))
    referral = ParticipationRequest.objects.get(first_name="Paola")
    group = Group.objects.canonical().first()
    change_status(referral, ParticipationRequest.Status.CONTACTED, by=segreteria,
                  note="Chiamata il lunedì")
    change_status(referral, ParticipationRequest.Status.ASSIGNED, by=segreteria, group=group)

    # Every stored instant is the same one, with microseconds, as a real clock gives.
    ParticipationRequest.objects.update(created_at=INSTANT, privacy_acknowledged_at=INSTANT)
    StatusChange.objects.update(changed_at=INSTANT)
    Adhesion.objects.update(submitted_at=INSTANT)
    Adhesion.objects.exclude(decided_at=None).update(decided_at=INSTANT)
    for submission in FormSubmission.objects.all():
        submission.submit_time = INSTANT
        submission.form_data = {**submission.form_data,
                                "privacy_acknowledged_at": INSTANT.isoformat()}
        submission.save()
    return {
        "confirmations": {"it": confirmation_it, "en": confirmation_en},
        "partner_admin": partner_admin,
        "referrer": referrer,
        "referral": referral,
        "segreteria": segreteria,
        "request": ParticipationRequest.objects.get(first_name="Giulia"),
        "pending": Adhesion.objects.get(status=Adhesion.Status.PENDING),
        "contact_pages": list(ContactPage.objects.all()),
        "mails": list(mail.outbox),
    }


# --- The test --------------------------------------------------------------------------


def admin_urls(seeded):
    request, referral, adhesion = seeded["request"], seeded["referral"], seeded["pending"]
    urls = [
        "/admin/",
        "/admin/participation_requests/",
        f"/admin/participation_requests/?q={request.last_name}",
        f"/admin/participation_requests/inspect/{request.pk}/",
        f"/admin/participation_requests/inspect/{referral.pk}/",
        "/admin/adhesions/",
        f"/admin/adhesions/inspect/{adhesion.pk}/",
        "/admin/forms/",
    ]
    urls += [f"/admin/forms/submissions/{page.pk}/" for page in seeded["contact_pages"]]
    return urls


def export_urls(seeded):
    urls = ["/admin/participation_requests/"]
    urls += [f"/admin/forms/submissions/{page.pk}/" for page in seeded["contact_pages"]]
    return urls


def partner_urls(seeded):
    return [
        ("partner:dashboard", []), ("partner:referral_list", []),
        ("partner:referral_detail", [seeded["referral"].pk]), ("partner:adhesion", []),
        ("accounts:organisation_edit", []), ("accounts:members", []),
    ]


def test_no_surface_shows_raw_values_codes_utc_or_developer_messages(client, seeded):
    surfaces = Surfaces()

    for language in ("it", "en"):
        italian = language == "it"
        # Public pages, their feeds, the sitemap and the confirmation page.
        for page in pages_in(language):
            response = client.get(page.url)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                surfaces.html(page.url, response, italian)
        surfaces.html(f"confirmation ({language})", seeded["confirmations"][language],
                      italian)
        for url in feed_urls(client, language):
            response = client.get(url)
            assert response.status_code == 200, url
            surfaces.plain(url, response.content.decode(), italian, machine_times=True)

        # The partner area, as the organisation's admin.
        client.force_login(seeded["partner_admin"])
        with translation.override(language):
            for name, args in partner_urls(seeded):
                url = reverse(name, args=args)
                surfaces.html(url, client.get(url), italian)
        client.logout()

        # The admin, as the Segreteria, in the language of the staff member's profile.
        segreteria = seeded["segreteria"]
        profile = UserProfile.get_for_user(segreteria)
        profile.preferred_language = language
        profile.save()
        client.force_login(segreteria)
        for url in admin_urls(seeded):
            surfaces.html(f"{url} ({language})", client.get(url), italian)
        for url in export_urls(seeded):
            surfaces.csv(f"{url} CSV ({language})", client.get(url + "?export=csv"), italian)
            surfaces.xlsx(f"{url} XLSX ({language})", client.get(url + "?export=xlsx"),
                          italian)
        client.logout()

    # Every mail the seeding sent: confirmations, staff notices, the referral's status.
    assert len(seeded["mails"]) >= 5
    for message in seeded["mails"]:
        italian = "john@example.org" not in message.to  # the one who wrote in English
        surfaces.plain(f"mail {message.subject!r}", message.subject + "\n" + message.body,
                       italian)

    assert len(surfaces.read) > 40, surfaces.read
    assert not surfaces.problems, "\n".join(surfaces.problems)


def feed_urls(client, language):
    """The feeds a page links to (RSS, iCalendar) and the sitemap."""
    urls = {"/sitemap.xml", "/sitemap-pages.xml"}
    for page in pages_in(language):
        html = client.get(page.url).content.decode(errors="replace")
        urls.update(re.findall(r'href="(/[^"]+\.(?:ics|xml))"', html))
    return sorted(urls)


def test_the_checks_catch_what_they_look_for(db):
    """The checks themselves: each forbidden thing, once, is reported."""
    surfaces = Surfaces()
    name = next(iter(surfaces.constraints))
    surfaces.check("sample", [
        "Presa visione: False", "2026-11-30 00:08:36.667626+00:00", f'Il vincolo "{name}"',
        "Stato: new", "unemployed", "Full name", "Lunedì 30 Novembre 2026",
    ], italian=True)
    kinds = {problem.split(": ")[1] for problem in surfaces.problems}
    assert kinds == {"raw value", "microseconds", "UTC offset", "constraint name",
                     "choice code", "untranslated msgid", "capitalised month"}

"""The Segreteria's admin screens, as a staff member reads them (issue 11, "Staff screens").

A request's screen, the adhesions' screens, the dashboard and the contact messages are
read through Django's client by a Segreteria member, in the Italian admin (the default)
and, where the words differ, in the English one (the staff member's profile language).
No screen shows `None`, `True`, `False`, an internal code or an English string on an
Italian page; staff act at the top; nothing is chosen for them.
"""

import json
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from home.models import ContactPage
from programme.models import Adhesion, ParticipationRequest
from programme.participation import change_status
from tests.admin_helpers import speaks
from tests.forms_helpers import contact_data, intake_data
from tests.partner_helpers import VAT_NUMBERS, make_organisation, make_user

pytestmark = pytest.mark.django_db

# 01:08 in Milan (CET), with the microseconds a database stores.
INSTANT = datetime(2026, 11, 30, 0, 8, 36, 667626, tzinfo=UTC)
RAW_VALUES = re.compile(r"\b(None|True|False)\b")
CODES = {"new", "self", "unemployed", "flyer", "pending", "partner_referral", "association"}


class VisibleText(HTMLParser):
    """Text nodes a person reads (no scripts, styles or templates), and the attributes
    shown or read aloud."""

    SKIPPED = {"script", "style", "template"}
    READ_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in self.SKIPPED
        self.texts += [value.strip() for name, value in attrs
                       if name in self.READ_ATTRIBUTES and value and value.strip()]

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(" ".join(data.split()))


def texts(response):
    assert response.status_code == 200, response.status_code
    parser = VisibleText()
    parser.feed(response.content.decode())
    return parser.texts


def menu_labels(response):
    """The labels of the admin's main menu (the sidebar is drawn from a JSON document)."""
    props = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)'
                      r"</script>", response.content.decode(), re.S).group(1)
    return [json.loads(f'"{label}"')
            for label in re.findall(r'"label": "((?:[^"\\]|\\.)*)"', props)]


def nothing_raw(shown):
    """No raw Python value, no internal code, no UTC time, no microseconds."""
    assert not [text for text in shown if RAW_VALUES.search(text)]
    assert not [text for text in shown if text in CODES or text.rsplit(": ", 1)[-1] in CODES]
    assert not [text for text in shown if "00:08" in text or ".667" in text]


@pytest.fixture
def segreteria():
    user = make_user("segreteria@comune.example.org", is_staff=True, first_name="Sara",
                     last_name="Neri")
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    return user


@pytest.fixture
def sent_request(client):
    """Giulia's request through the public form: unemployed since January 2025, mornings
    yes, afternoons no, no organisation, no group; received at 01:08 in Milan."""
    data = intake_data(since_month="1", since_year="2025")
    assert client.post("/it/partecipa/", data).status_code == 302
    request = ParticipationRequest.objects.get()
    ParticipationRequest.objects.filter(pk=request.pk).update(
        created_at=INSTANT, updated_at=INSTANT, privacy_acknowledged_at=INSTANT)
    request.history.update(changed_at=INSTANT)
    return ParticipationRequest.objects.get()


def inspect_url(request):
    return f"/admin/participation_requests/inspect/{request.pk}/"


# --- The request's screen -------------------------------------------------------------


@pytest.mark.parametrize(("language", "expected"), [
    ("it", ["Sì", "No", "gennaio 2025", "Disoccupato/a (ho perso il lavoro)",
            "Opuscolo o volantino", "La persona stessa (modulo pubblico)", "Italiano"]),
    ("en", ["Yes", "No", "January 2025", "Unemployed (I lost my job)", "Brochure or flyer",
            "Self (public form)", "Italian"]),
])
def test_the_request_screen_shows_labels_and_the_month_as_given(
    client, segreteria, sent_request, language, expected
):
    speaks(segreteria, language)
    client.force_login(segreteria)
    shown = texts(client.get(inspect_url(sent_request)))
    nothing_raw(shown)
    for text in expected:
        assert text in shown, text
    assert "—" in shown  # no referring organisation, no group
    assert [text for text in shown if "01:08" in text]  # received, in Milan's time
    assert not [text for text in shown if re.search(r"\b01 (gennaio|January)", text)]


def test_staff_change_the_status_at_the_top_and_reach_the_person_in_one_click(
    client, segreteria, sent_request
):
    client.force_login(segreteria)
    html = client.get(inspect_url(sent_request)).content.decode()
    status_form = html.index(f'action="/admin/participation_requests/{sent_request.pk}/status/"')
    assert status_form < html.index("giulia.rossi@example.org") < html.index("Cronologia")
    assert 'href="mailto:giulia.rossi@example.org"' in html
    assert 'href="tel:+390288447502"' in html
    # Nothing is chosen for staff: the only selected option is the empty one.
    status_select = re.search(r'<select name="status".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"[^>]*selected', status_select) == [""]


def test_a_status_sent_without_choosing_says_so_and_changes_nothing(
    client, segreteria, sent_request
):
    client.force_login(segreteria)
    response = client.post(f"/admin/participation_requests/{sent_request.pk}/status/",
                           {"status": "", "note": ""}, follow=True)
    assert "Scegli il nuovo stato." in texts(response)
    sent_request.refresh_from_db()
    assert sent_request.status == ParticipationRequest.Status.NEW


def test_the_history_names_people_and_marks_what_is_empty(client, segreteria, sent_request):
    change_status(sent_request, ParticipationRequest.Status.CONTACTED, by=segreteria)
    client.force_login(segreteria)
    shown = texts(client.get(inspect_url(sent_request)))
    nothing_raw(shown)
    history = shown[shown.index("Cronologia"):]
    assert "Sara Neri" in history
    assert segreteria.username not in " ".join(shown)
    assert "Nuova → Contattata" in history
    assert history.count("—") >= 3  # the first step's author, its group and note


# --- Lists and menu in the Italian admin ------------------------------------------------


def test_the_request_list_and_the_menu_are_italian_and_fit(client, segreteria, sent_request):
    client.force_login(segreteria)
    response = client.get("/admin/participation_requests/")
    shown = texts(response)
    assert "Nome e cognome" in shown
    assert "Full name" not in shown
    assert "Giulia Rossi" in shown
    labels = menu_labels(response)
    # "(1)": the new requests (programme.triage_alerts).
    assert {"Richieste (1)", "Adesioni", "Messaggi"} <= set(labels)
    assert "Modulistica" not in labels  # "Messaggi" replaces Wagtail's "Forms"
    # The sidebar shows about 20 characters before cutting a label with "…".
    ours = [label for label in labels if label in {"Richieste (1)", "Adesioni", "Messaggi"}]
    assert all(len(label) <= 20 for label in ours)
    # Filters are named like the columns, capitalised, with a readable "all" choice.
    assert {"Sede preferita", "Gruppo", "Data di ricezione"} <= set(shown)
    assert "---------" not in " ".join(shown)


def test_no_english_string_of_ours_on_the_italian_admin_screens(
    client, demo_editor, segreteria, sent_request
):
    """Every msgid of our catalogue whose Italian differs must not appear as a whole text
    on these screens (the demo editor, a superuser, sees every menu and snippet)."""
    import polib
    from django.conf import settings

    catalogue = polib.pofile(str(settings.BASE_DIR / "locale/it/LC_MESSAGES/django.po"))
    english = {entry.msgid for entry in catalogue.translated_entries()
               if entry.msgstr != entry.msgid and not entry.msgid_plural}
    english |= {"Full name", "Participation requests", "Adhesions to the protocol"}
    organisation, _admin = make_organisation(adhesion=Adhesion.Status.PENDING)
    adhesion = organisation.adhesions.get()
    contact = ContactPage.objects.get(locale__language_code="it")
    urls = [
        "/admin/", "/admin/participation_requests/", inspect_url(sent_request),
        "/admin/adhesions/", f"/admin/adhesions/inspect/{adhesion.pk}/",
        f"/admin/forms/submissions/{contact.pk}/", "/admin/forms/",
    ]
    # Editors' screens, where Wagtail names each page's and snippet's language.
    home = ContactPage.objects.get(locale__language_code="it").get_parent()
    editor_urls = ["/admin/pages/", f"/admin/pages/{home.pk}/", "/admin/snippets/programme/venue/"]
    for user, user_urls in ((segreteria, urls), (demo_editor, urls + editor_urls)):
        client.force_login(user)
        for url in user_urls:
            shown = texts(client.get(url))
            left = sorted({text.rstrip(":.*") for text in shown} & english)
            assert not left, (user.email, url, left)
            if url in urls:  # Wagtail's explorer has a hidden counter saying "None"
                nothing_raw(shown)


# --- The dashboard --------------------------------------------------------------------


def _request(first_name, days_ago, status=ParticipationRequest.Status.NEW):
    request = ParticipationRequest.objects.create(
        first_name=first_name, last_name="Test", email=f"{first_name.lower()}@example.org",
        preferred_channel="email", employment_status="unemployed",
        situation_since=datetime(2025, 1, 1).date(), heard_from="flyer",
        privacy_notice_version="2026-11", privacy_acknowledged_at=timezone.now(),
        language="it", status=status,
    )
    ParticipationRequest.objects.filter(pk=request.pk).update(
        reference=f"MA-2026-{request.pk:05d}",
        created_at=timezone.now() - timedelta(days=days_ago))
    return request


def test_the_dashboard_shows_what_waits_for_the_segreteria(client, segreteria):
    _request("Anna", 0)
    _request("Bruno", 10)
    _request("Carla", 12, status=ParticipationRequest.Status.CONTACTED)
    make_organisation(adhesion=Adhesion.Status.PENDING)
    client.force_login(segreteria)
    response = client.get("/admin/")
    shown = texts(response)
    html = response.content.decode()
    assert "Nuove richieste" in shown
    assert "2 richieste non sono ancora state prese in carico." in shown
    assert "In attesa da più di 7 giorni" in shown
    assert "1 richiesta è ancora nuova: contatta la persona." in shown
    assert "Adesioni in attesa di decisione" in shown
    assert "1 adesione attende una decisione." in shown
    assert "Associazione Lavoro Insieme" in shown
    assert 'href="/admin/participation_requests/?status=new"' in html
    assert 'href="/admin/adhesions/?status=pending"' in html
    nothing_raw(shown)

    # Each panel's link lists exactly what the panel counted.
    waiting = re.search(r'href="(/admin/participation_requests/\?status=new&amp;'
                        r'created_at_to=[0-9-]+)"', html).group(1).replace("&amp;", "&")
    listed = " ".join(texts(client.get(waiting)))
    assert "Bruno Test" in listed and "Anna Test" not in listed and "Carla" not in listed
    listed = " ".join(texts(client.get("/admin/participation_requests/?status=new")))
    assert "Bruno Test" in listed and "Anna Test" in listed and "Carla" not in listed


@override_settings(TRIAGE_WAITING_DAYS=3)
def test_how_long_a_request_may_wait_is_a_setting(client, segreteria):
    _request("Dario", 4)
    client.force_login(segreteria)
    shown = texts(client.get("/admin/"))
    assert "In attesa da più di 3 giorni" in shown
    assert "1 richiesta è ancora nuova: contatta la persona." in shown


def test_the_dashboard_panels_are_bounded_and_only_for_those_who_act(client, segreteria):
    client.force_login(segreteria)
    _request("Elena", 9)
    client.get("/admin/")  # what is looked up once per session
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/")
    for number in range(8):
        _request(f"Persona{number}", 9)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/admin/")
    assert len(many) == len(few)
    # Nine new requests, all waiting too long: each of the two panels shows five.
    assert len([text for text in texts(response) if text.endswith(" Test")]) == 10

    editor = make_user("redattrice@comune.example.org", is_staff=True)
    editor.groups.add(AuthGroup.objects.get(name="Redazione"))
    client.force_login(editor)
    shown = " ".join(texts(client.get("/admin/")))
    assert "Nuove richieste" not in shown and "Elena" not in shown
    assert "Adesioni in attesa di decisione" not in shown


def test_the_english_dashboard(client, segreteria):
    _request("Fabio", 9)
    speaks(segreteria, "en")
    client.force_login(segreteria)
    shown = texts(client.get("/admin/"))
    assert "New requests" in shown
    assert "1 request has not been handled yet." in shown
    assert "Waiting for more than 7 days" in shown


# --- Adhesions ------------------------------------------------------------------------


@pytest.fixture
def pending_adhesion():
    organisation, admin = make_organisation(tax_code=VAT_NUMBERS[1],
                                            adhesion=Adhesion.Status.PENDING)
    organisation.phone = "02 1234567"
    organisation.save()
    admin.first_name, admin.last_name = "Paolo", "Gialli"
    admin.save()
    return organisation.adhesions.get()


def test_the_adhesion_screen_reads_as_a_person_says_it(client, segreteria, pending_adhesion):
    client.force_login(segreteria)
    response = client.get(f"/admin/adhesions/inspect/{pending_adhesion.pk}/")
    shown, html = texts(response), response.content.decode()
    nothing_raw(shown)
    assert "Sì" in shown  # declares the authority to sign
    assert "Paolo Gialli" in shown  # who sent it, not a username
    assert "In attesa" in shown
    assert f'href="mailto:info@{VAT_NUMBERS[1]}.example.org"' in html
    assert 'href="tel:+39021234567"' in html
    assert html.index('name="decision"') < html.index("Firmatario")


def test_the_adhesion_decision_is_never_chosen_for_staff(client, segreteria, pending_adhesion):
    client.force_login(segreteria)
    html = client.get(f"/admin/adhesions/inspect/{pending_adhesion.pk}/").content.decode()
    radios = re.findall(r'<input type="radio" name="decision"[^>]*>', html)
    assert len(radios) == 2
    assert not [radio for radio in radios if "checked" in radio]

    url = f"/admin/adhesions/{pending_adhesion.pk}/decide/"
    shown = texts(client.post(url, {"decision": "", "reason": ""}, follow=True))
    assert "Scegli una decisione." in shown
    pending_adhesion.refresh_from_db()
    assert pending_adhesion.status == Adhesion.Status.PENDING

    # Rejected without a reason: that reason only, not "choose a decision".
    shown = texts(client.post(url, {"decision": "reject", "reason": ""}, follow=True))
    assert "Scegli una decisione." not in shown
    assert [text for text in shown if "motivo" in text.lower()]
    pending_adhesion.refresh_from_db()
    assert pending_adhesion.status == Adhesion.Status.PENDING


# --- Contact messages -----------------------------------------------------------------


@pytest.fixture
def messages_in_both_languages(client):
    assert client.post("/it/contatti/", contact_data()).status_code in {200, 302}
    english = contact_data(nome="John Smith", email="john@example.org")
    assert client.post("/en/contact/", english).status_code in {200, 302}
    client.logout()
    return {language: ContactPage.objects.get(locale__language_code=language)
            for language in ("it", "en")}


def test_contact_messages_are_one_list_whatever_the_language(
    client, segreteria, messages_in_both_languages
):
    client.force_login(segreteria)
    italian, english = messages_in_both_languages["it"], messages_in_both_languages["en"]
    response = client.get("/admin/messages/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/forms/submissions/{italian.pk}/"
    for page in (italian, english):  # the English page's address shows the same list
        shown = texts(client.get(f"/admin/forms/submissions/{page.pk}/"))
        assert {"Mario Bianchi", "John Smith", "Lingua", "Italiano", "Inglese"} <= set(shown)
        assert "Messaggi" in shown
    exported = b"".join(client.get(
        f"/admin/forms/submissions/{italian.pk}/?export=csv").streaming_content).decode()
    assert "Mario Bianchi" in exported and "John Smith" in exported
    assert "Inglese" in exported
    # The list of forms opens for the Segreteria and offers the one list.
    shown = texts(client.get("/admin/forms/"))
    assert shown.count(italian.title) == 1


def test_only_the_segreteria_reads_the_one_list(client, messages_in_both_languages):
    editor = make_user("redattrice@comune.example.org", is_staff=True)
    editor.groups.add(AuthGroup.objects.get(name="Redazione"))
    client.force_login(editor)
    for url in ["/admin/messages/", "/admin/forms/",
                *[f"/admin/forms/submissions/{page.pk}/"
                  for page in messages_in_both_languages.values()]]:
        response = client.get(url)
        assert response.status_code in {302, 403}, url
        if response.status_code == 302:
            assert "/admin/forms/submissions" not in response["Location"], url
        assert b"John Smith" not in response.content and b"Mario" not in response.content
    assert "Messaggi" not in menu_labels(client.get("/admin/"))

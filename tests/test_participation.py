"""The intake form ("Richiesta di partecipazione"): nothing lost, nothing leaked."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core import mail

from programme.models import Group, ParticipationRequest
from programme.participation import change_status
from tests.forms_helpers import intake_data

pytestmark = pytest.mark.django_db

INTAKE = {"it": "/it/partecipa/", "en": "/en/apply/"}


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def post_intake(client, language="it", **overrides):
    return client.post(INTAKE[language], intake_data(**overrides), follow=True)


@pytest.mark.parametrize(
    ("language", "subject_words"),
    [("it", "Abbiamo ricevuto la tua richiesta"), ("en", "We received your request")],
)
def test_valid_request_is_stored_with_language_and_confirmed_by_email(
    client, language, subject_words
):
    response = post_intake(client, language)
    assert response.status_code == 200
    stored = ParticipationRequest.objects.get()
    assert stored.language == language
    assert stored.source == ParticipationRequest.Source.SELF
    assert stored.reference.startswith("MA-")
    assert stored.privacy_notice_version
    assert stored.history.count() == 1
    page = response.content.decode()
    assert stored.reference in page
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["giulia.rossi@example.org"]
    assert subject_words in message.subject
    assert stored.reference in message.body


def test_reference_codes_are_unique_and_readable(client):
    post_intake(client)
    post_intake(client, email="altra@example.org")
    references = list(ParticipationRequest.objects.values_list("reference", flat=True))
    assert len(set(references)) == 2
    for reference in references:
        prefix, year, number = reference.split("-")
        assert prefix == "MA" and len(year) == 4 and len(number) == 5


def test_confirmation_page_without_a_submission_goes_back_to_the_form(client):
    response = client.get("/it/partecipa/conferma/")
    assert response.status_code == 302
    assert response["Location"] == "/it/partecipa/"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Questo campo è obbligatorio"),
        ({"email": "not-an-email"}, "email", "indirizzo email valido"),
        ({"phone": "12"}, "phone", "numero di telefono valido"),
        ({"note": "x" * 10_000}, "note", "500"),
        ({"first_name": "<script>alert(1)</script>"}, "first_name", "&lt; e &gt;"),
        ({"since_year": "abc"}, "since_year", "Scegli un&#x27;opzione valida"),
        ({"preferred_venue": "999999"}, "preferred_venue", "Scegli un&#x27;opzione valida"),
        ({"preferred_channel": "fax"}, "preferred_channel", "Scegli un&#x27;opzione valida"),
        ({"privacy": None}, "privacy", "informativa"),
        ({"email": "", "phone": ""}, None, "almeno un indirizzo email o un numero"),
        ({"preferred_channel": "phone", "phone": ""}, "phone", "per telefono"),
    ],
)
def test_bad_input_gets_a_localized_error_and_nothing_is_stored(client, overrides, field, message):
    response = client.post(INTAKE["it"], intake_data(**overrides))
    assert response.status_code == 200
    assert ParticipationRequest.objects.count() == 0
    body = response.content.decode()
    assert message in body
    if field:
        assert f'id="id_{field}_errors"' in body


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "nope"}, "Enter a valid email address"),
        ({"first_name": ""}, "This field is required"),
        ({"phone": "12"}, "Enter a valid phone number"),
        ({"note": "x" * 10_000}, "at most 500 characters"),
        ({"last_name": "<b>Rossi</b>"}, "without the characters &lt; and &gt;"),
        ({"since_year": "abc"}, "Select a valid choice"),
        ({"privacy": None}, "privacy notice"),
        ({"email": "", "phone": ""}, "at least an email address or a phone number"),
    ],
)
def test_english_errors_are_in_english(client, overrides, message):
    response = client.post(INTAKE["en"], intake_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ParticipationRequest.objects.count() == 0


def test_wrong_types_and_undecodable_bytes_get_the_form_again(client):
    response = client.post(INTAKE["en"], intake_data(first_name=["Giulia", "Anna"],
                                                     since_month=["3", "x"]))
    assert response.status_code in {200, 302}
    garbled = client.post(INTAKE["en"], b"first_name=%FF%FE&email=%C3&privacy=on",
                          content_type="application/x-www-form-urlencoded")
    assert garbled.status_code == 200
    assert "This field is required" in garbled.content.decode()


def test_control_characters_are_dropped_and_the_xlsx_export_opens(client, demo_editor):
    import openpyxl

    post_intake(client, note="Vorrei\x07 partecipare\x1b", last_name="Rossi\x00")
    stored = ParticipationRequest.objects.get()
    assert (stored.note, stored.last_name) == ("Vorrei partecipare", "Rossi")
    # A request stored before this rule existed (or by another way in) still exports.
    ParticipationRequest.objects.filter(pk=stored.pk).update(note="vecchia\x07nota")
    client.force_login(demo_editor)
    response = client.get("/admin/participation_requests/?export=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "vecchianota" in cells and stored.reference in cells


def test_forged_source_is_ignored(client):
    post_intake(client, source="partner_referral", organisation="1", status="completed")
    stored = ParticipationRequest.objects.get()
    assert stored.source == ParticipationRequest.Source.SELF
    assert stored.organisation is None
    assert stored.status == ParticipationRequest.Status.NEW


def test_markup_in_the_note_is_stored_as_text_and_shown_escaped(client, demo_editor):
    post_intake(client, note='<script>alert("x")</script><b>bold</b>')
    stored = ParticipationRequest.objects.get()
    assert stored.note == '<script>alert("x")</script><b>bold</b>'
    client.force_login(demo_editor)
    page = client.get(f"/admin/participation_requests/inspect/{stored.pk}/").content.decode()
    assert "&lt;script&gt;alert(" in page
    assert '<script>alert("x")' not in page
    exported = body(client.get("/admin/participation_requests/?export=csv")).decode()
    assert '<script>alert(""x"")</script><b>bold</b>' in exported  # text, quoted, never HTML


def test_csv_export_neutralises_spreadsheet_formulas(client, demo_editor):
    post_intake(client, note="=HYPERLINK(\"http://evil.example\")")
    client.force_login(demo_editor)
    exported = body(client.get("/admin/participation_requests/?export=csv")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))  # Excel's in Italy
    note_column = rows[0].index(next(h for h in rows[0] if h.lower() in {"note", "nota"}))
    assert rows[1][note_column].startswith("'=")
    phone_column = rows[0].index(next(h for h in rows[0] if h.lower() in {"phone", "telefono"}))
    assert rows[1][phone_column] == "+39 02 8844 7502"  # not a formula; spaced: stays text


def test_xlsx_export_is_offered_to_triage_staff(client, demo_editor):
    post_intake(client)
    client.force_login(demo_editor)
    response = client.get("/admin/participation_requests/?export=xlsx")
    assert response.status_code == 200
    assert body(response)[:2] == b"PK"  # a zip container, as XLSX files are


# --- Triage ---------------------------------------------------------------------------


@pytest.fixture
def triage_user(django_user_model):
    user = django_user_model.objects.create_user(
        username="segreteria", email="segreteria@example.org", password="x" * 12
    )
    user.groups.add(AuthGroup.objects.get(name="Segreteria"))
    return user


@pytest.fixture
def redazione_user(django_user_model):
    user = django_user_model.objects.create_user(
        username="redattore", email="redattore@example.org", password="x" * 12
    )
    user.groups.add(AuthGroup.objects.get(name="Redazione"))
    return user


def test_triage_staff_list_search_filter_and_open_requests(client, triage_user):
    post_intake(client)
    post_intake(client, first_name="Ahmed", last_name="Kaur", email="ak@example.org")
    client.force_login(triage_user)
    listing = client.get("/admin/participation_requests/")
    assert listing.status_code == 200
    assert "Giulia" in listing.content.decode() and "Ahmed" in listing.content.decode()
    found = client.get("/admin/participation_requests/", {"q": "Kaur"}).content.decode()
    assert "Ahmed" in found and "Giulia" not in found
    ref = ParticipationRequest.objects.get(first_name="Giulia").reference
    assert "Giulia" in client.get("/admin/participation_requests/", {"q": ref}).content.decode()
    filtered = client.get("/admin/participation_requests/", {"status": "contacted"})
    assert "Giulia" not in filtered.content.decode()


def test_triage_filters_by_venue_group_source_and_days_received(client, triage_user):
    import datetime

    from django.utils import timezone

    from programme.models import Venue

    post_intake(client)
    post_intake(client, first_name="Ahmed", last_name="Kaur", email="ak@example.org",
                preferred_venue="")
    giulia = ParticipationRequest.objects.get(first_name="Giulia")
    ahmed = ParticipationRequest.objects.get(first_name="Ahmed")
    group = Group.objects.canonical().filter(status="auto").first()
    change_status(giulia, "contacted", by=triage_user)
    change_status(giulia, "assigned", by=triage_user, group=group)
    ParticipationRequest.objects.filter(pk=ahmed.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=10), source="trade_union")
    client.force_login(triage_user)

    def names(**params):
        html = client.get("/admin/participation_requests/", params).content.decode()
        return {name for name in ("Giulia", "Ahmed") if name in html}

    venue = Venue.objects.get(pk=giulia.preferred_venue_id)
    assert names(preferred_venue=venue.pk) == {"Giulia"}
    assert names(group=group.pk) == {"Giulia"}
    assert names(source="trade_union") == {"Ahmed"}
    today = timezone.localdate()
    assert names(created_at_from=today, created_at_to=today) == {"Giulia"}
    week_ago = today - datetime.timedelta(days=7)
    assert names(created_at_to=week_ago) == {"Ahmed"}
    assert names(created_at_from="not a date") == {"Giulia", "Ahmed"}  # ignored, no error
    # Each venue and group is offered once (the originals), not once per language.
    listing = client.get("/admin/participation_requests/").content.decode()

    def offered(name):
        select = re.search(rf'<select name="{name}".*?</select>', listing, re.S).group(0)
        return [int(pk) for pk in re.findall(r'<option value="(\d+)"', select)]

    assert offered("preferred_venue") == list(
        Venue.objects.filter(locale=venue.locale).order_by("name").values_list("pk", flat=True))
    assert offered("group") == list(
        Group.objects.canonical().order_by("name").values_list("pk", flat=True))


@pytest.mark.parametrize(
    "url",
    [
        "/admin/participation_requests/",
        "/admin/participation_requests/?export=csv",
        "/admin/participation_requests/?export=xlsx",
        "/admin/participation_requests/inspect/{pk}/",
    ],
)
def test_staff_outside_triage_cannot_read_requests(client, redazione_user, url):
    post_intake(client)
    stored = ParticipationRequest.objects.get()
    client.force_login(redazione_user)
    response = client.get(url.format(pk=stored.pk))
    assert response.status_code in {302, 403}
    assert b"Giulia" not in body(response) and b"giulia.rossi" not in body(response)


def test_staff_outside_triage_cannot_change_a_status(client, redazione_user):
    post_intake(client)
    stored = ParticipationRequest.objects.get()
    client.force_login(redazione_user)
    response = client.post(f"/admin/participation_requests/{stored.pk}/status/",
                           {"status": "contacted"})
    assert response.status_code in {302, 403}
    stored.refresh_from_db()
    assert stored.status == "new"


def test_status_changes_record_who_when_and_why(client, triage_user):
    post_intake(client)
    stored = ParticipationRequest.objects.get()
    client.force_login(triage_user)
    client.post(f"/admin/participation_requests/{stored.pk}/status/",
                {"status": "contacted", "note": "Chiamata, richiamare lunedì"})
    stored.refresh_from_db()
    assert stored.status == "contacted"
    last = stored.history.last()
    assert last.changed_by == triage_user and last.note == "Chiamata, richiamare lunedì"
    page = client.get(f"/admin/participation_requests/inspect/{stored.pk}/").content.decode()
    assert "Chiamata, richiamare lunedì" in page


def test_a_status_change_not_allowed_is_refused_with_a_message(client, triage_user):
    post_intake(client)
    stored = ParticipationRequest.objects.get()
    client.force_login(triage_user)
    response = client.post(f"/admin/participation_requests/{stored.pk}/status/",
                           {"status": "completed"}, follow=True)
    stored.refresh_from_db()
    assert stored.status == "new"
    assert b"error" in response.content


def test_a_full_group_refuses_one_more_person(client, triage_user):
    group = Group.objects.canonical().first()
    group.capacity = 1
    group.save()
    for email in ("a@example.org", "b@example.org"):
        post_intake(client, email=email)
    first, second = ParticipationRequest.objects.order_by("pk")
    for request_obj in (first, second):
        change_status(request_obj, "contacted", by=triage_user)
    change_status(first, "assigned", by=triage_user, group=group)
    client.force_login(triage_user)
    response = client.post(f"/admin/participation_requests/{second.pk}/status/",
                           {"status": "assigned", "group": group.pk}, follow=True)
    second.refresh_from_db()
    assert second.status == "contacted" and second.group is None
    assert group.name in response.content.decode()


def test_a_paused_group_refuses_with_its_own_reason(triage_user):
    from django.core.exceptions import ValidationError

    group = Group.objects.canonical().first()
    group.status = Group.Status.PAUSED
    group.save()
    request_obj = ParticipationRequest.objects.create(
        first_name="Anna", last_name="Neri", email="anna@example.org",
        preferred_channel="email", employment_status="unemployed",
        situation_since="2026-01-01", heard_from="flyer", privacy_notice_version="t",
        privacy_acknowledged_at="2026-01-01T00:00Z", language="it", status="contacted")
    with pytest.raises(ValidationError) as refused:
        change_status(request_obj, "assigned", by=triage_user, group=group)
    assert "non accoglie nuovi partecipanti" in refused.value.messages[0]
    assert "al completo" not in refused.value.messages[0]


def test_the_reference_year_is_the_year_in_milan():
    import datetime
    from types import SimpleNamespace

    from programme.participation import reference_for

    new_year_in_milan = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
    assert reference_for(SimpleNamespace(pk=42, created_at=new_year_in_milan)) == "MA-2027-00042"

"""A person's rights (issue 15): everything held about one person found by email, phone
or reference — and nothing of another person with a similar name or address —, exported
as JSON and as a readable document, and erased in one action that leaves no trace of
them in any table and records the erasure without their data. Only the Segreteria and
superusers reach the screens."""

import json

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.log_actions import log

from home.models import ContactPage, ContactSubmission
from privacy.models import AccessEvent, DataSubjectRequest, ErasureRecord
from privacy.requests import receive_request
from privacy.subjects import KINDS, erase_subject, export_document, export_json, find_subject
from programme.duplicates import merge_requests
from programme.models.participation import ParticipationRequest, StatusChange
from programme.participation import change_status, submit_request
from tests.admin_helpers import make_segreteria, speaks
from tests.partner_helpers import make_organisation, make_user

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL = "giulia.quartararo@example.org"
PHONE = "+393331234567"
SURNAME = "Quartararo"


@pytest.fixture(autouse=True)
def _mails_kept_in_the_queue(settings):
    """Mails stay in django-tasks-db's table, as in production until the worker runs."""
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def segreteria(django_user_model):
    return make_segreteria(django_user_model)


def request_data(first_name, last_name, email="", phone="", note=""):
    return {
        "first_name": first_name, "last_name": last_name, "email": email, "phone": phone,
        "preferred_channel": "email" if email else "phone",
        "employment_status": "unemployed", "situation_since": "2026-03-01",
        "heard_from": "flyer", "note": note,
    }


def contact_message(answers):
    page = ContactPage.objects.get(locale__language_code="it")
    return ContactSubmission.objects.create(page=page, form_data=answers)


def seed_person(segreteria, email=EMAIL, phone=PHONE, first="Giulia", last=SURNAME):
    """One person with a row of every kind: her own request (email and phone; mail
    queued), a partner's referral naming her by phone only, a second request merged into
    the first, status changes with notes, a contact message, a data protection request
    (two mails)."""
    own = submit_request(data=request_data(first, last, email=email, phone=phone,
                                           note=f"Sono {first} {last}"), language="it")
    organisation, partner_admin = make_organisation()
    referral = submit_request(
        data=request_data(first, last, phone=phone, note=f"{last} cerca lavoro"),
        language="it", source=ParticipationRequest.Source.PARTNER_REFERRAL,
        organisation=organisation, referred_by=partner_admin)
    # Asked again with another address: merged, so hers though no contact matches.
    again = submit_request(data=request_data(first, last, email=f"g.{last.lower()}@mail.test"),
                           language="it")
    merge_requests(own, again, by=segreteria)
    change_status(own, "contacted", by=segreteria, note=f"Parlato con {first} {last}")
    log(instance=own, action="wagtail.edit", user=segreteria)
    message = contact_message({"nome": f"{first} {last}", "email": email.upper(),
                               "telefono": "", "messaggio": f"Sono {last}, vorrei info"})
    subject_request = receive_request(
        {"kind": "erasure", "name": f"{first} {last}", "email": email, "phone": phone,
         "request_reference": "", "message": f"Cancellate {last}"}, "it")
    return {"own": own, "referral": referral, "again": again, "message": message,
            "subject_request": subject_request}


def test_finds_every_kind_of_row_by_email_phone_or_reference(segreteria):
    seeded = seed_person(segreteria)
    by_email = find_subject(email="  Giulia.QUARTARARO@example.org ")
    assert {r.pk for r in by_email.participation_requests} == {seeded["own"].pk,
                                                               seeded["again"].pk}
    assert [r.pk for r in by_email.referrals] == [seeded["referral"].pk]
    assert all(by_email.counts()[kind] for kind in KINDS), by_email.counts()
    assert [m.pk for m in by_email.contact_messages] == [seeded["message"].pk]
    assert [d.pk for d in by_email.data_protection_requests] == [seeded["subject_request"].pk]
    by_phone = find_subject(phone="333 123 4567")  # as typed: normalised to +39…
    by_reference = find_subject(reference=seeded["own"].reference.lower())
    assert by_phone.counts() == by_email.counts() == by_reference.counts()
    dp = find_subject(reference=seeded["subject_request"].reference)
    assert dp.counts() == by_email.counts()


def test_a_similar_person_is_never_included(segreteria):
    seed_person(segreteria)
    # Same name, an address holding hers, a number one digit away.
    twin = submit_request(data=request_data("Giulia", SURNAME, email=f"m{EMAIL}",
                                            phone="+393331234568"), language="it")
    contact_message({"nome": f"Giulia {SURNAME}", "email": f"anna.{EMAIL}",
                     "messaggio": "altro"})
    subject = find_subject(email=EMAIL)
    exported = json.dumps(export_json(subject), ensure_ascii=False)
    assert twin.reference not in exported
    assert f"m{EMAIL}" not in exported and f"anna.{EMAIL}" not in exported
    assert "+393331234568" not in exported
    assert twin.pk not in {r.pk for r in subject.requests}


def test_search_refuses_what_is_no_contact():
    with pytest.raises(ValidationError):
        find_subject()
    with pytest.raises(ValidationError):
        find_subject(phone="not a number")
    with pytest.raises(ValidationError):
        find_subject(reference="Rossi")


def test_export_holds_every_row_and_field_with_labels_and_iso_dates(segreteria):
    seeded = seed_person(segreteria)
    data = export_json(find_subject(email=EMAIL))
    text = json.dumps(data, ensure_ascii=False)
    for kind in KINDS:
        assert data["kinds"][kind]["count"] >= 1, kind
    request_rows = data["kinds"]["participation_requests"]["rows"]
    first = {item["field"]: item for item in request_rows[0]}
    assert set(first) == {f.name for f in ParticipationRequest._meta.concrete_fields
                          if not f.generated}
    assert first["created_at"]["value"].startswith(
        seeded["own"].created_at.astimezone().strftime("%Y-"))
    assert "T" in first["created_at"]["value"]  # ISO 8601
    assert first["status"]["text"] == "Contattata" or first["status"]["text"]
    assert "Parlato con Giulia" in text and "Cancellate" in text and "vorrei info" in text
    assert seeded["subject_request"].reference in text
    mails = data["kinds"]["mails"]["rows"]
    assert any(EMAIL in json.dumps(row) for row in mails)
    document = export_document(find_subject(email=EMAIL))
    assert "<script" not in document and SURNAME in document
    assert seeded["own"].reference in document


def test_finding_and_exporting_one_person_does_not_grow_with_other_people(segreteria):
    seed_person(segreteria)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            export_json(find_subject(email=EMAIL))
        return len(captured)

    before = queries()
    for n in range(30):
        submit_request(data=request_data(f"Altra{n}", "Persona", email=f"p{n}@example.org",
                                         phone=f"+39333000{n:04d}"), language="it")
        contact_message({"nome": "Altra", "email": f"p{n}@example.org", "messaggio": "x"})
    assert queries() == before


def text_columns():
    """(table, column) of every text, char or JSON column of the database."""
    text_types = {"CharField", "TextField", "JSONField", "EmailField", "SlugField",
                  "URLField", "GenericIPAddressField"}
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                try:
                    kind = connection.introspection.get_field_type(column.type_code, column)
                except KeyError:
                    continue
                if kind in text_types:
                    found.append((table, column.name))
    return found


def tables_holding(needle):
    """The columns (table.column) where some row holds `needle` (any case)."""
    quote = connection.ops.quote_name
    holding = []
    with connection.cursor() as cursor:
        for table, column in text_columns():
            cursor.execute(
                f"SELECT COUNT(*) FROM {quote(table)} "  # noqa: S608 (names from introspection)
                f"WHERE LOWER(CAST({quote(column)} AS TEXT)) LIKE %s",
                [f"%{needle.lower()}%"])
            if cursor.fetchone()[0]:
                holding.append(f"{table}.{column}")
    return holding


def test_the_column_search_finds_a_person_before_erasure(segreteria):
    seed_person(segreteria)
    columns = tables_holding(EMAIL)
    assert any(c.startswith("programme_participationrequest.") for c in columns)
    assert any(c.startswith("django_tasks_database_dbtaskresult.") or "dbtaskresult" in c
               for c in columns), columns
    assert any("formsubmission" in c for c in columns)
    assert tables_holding(SURNAME) and tables_holding(PHONE)


def test_erasure_leaves_no_trace_in_any_table_and_records_no_personal_data(segreteria):
    seeded = seed_person(segreteria)
    # Another person, similar, stays.
    other = submit_request(data=request_data("Giulia", "Quartarari",
                                             email="giulia.quartarari@example.org"),
                           language="it")
    subject = find_subject(email=EMAIL)
    record = erase_subject(subject, by=segreteria, reason="Richiesta dell'interessata",
                           subject_request=seeded["subject_request"])
    for needle in (EMAIL, PHONE, SURNAME, "333 123 4567"):
        assert tables_holding(needle) == [], needle
    # The statistics stay: the requests, their history, source, organisation.
    referral = ParticipationRequest.objects.get(pk=seeded["referral"].pk)
    assert referral.source == "partner_referral" and referral.organisation_id
    assert referral.anonymised_at and referral.status == "withdrawn"
    assert StatusChange.objects.filter(request=seeded["own"]).count() >= 2
    assert not StatusChange.objects.filter(request=seeded["own"]).exclude(note="").exists()
    assert not ContactSubmission.objects.filter(pk=seeded["message"].pk).exists()
    dsr = DataSubjectRequest.objects.get(pk=seeded["subject_request"].pk)
    assert dsr.status == "answered" and dsr.answered_by == segreteria and dsr.reference
    # The record: who, when, why, how many — nothing of the person.
    record = ErasureRecord.objects.get(pk=record.pk)
    assert record.performed_by == segreteria and record.performed_at
    assert record.counts["participation_requests"] == 2 and record.counts["referrals"] == 1
    assert record.counts["contact_messages"] == 1 and record.counts["mails"] >= 2
    assert all(isinstance(value, int) for value in record.counts.values())
    stored = json.dumps([record.reason, record.counts]).lower()
    assert "quartararo" not in stored and "giulia" not in stored and "3331234567" not in stored
    assert AccessEvent.objects.filter(action="erased", label=seeded["own"].reference).exists()
    # The similar person is untouched.
    other.refresh_from_db()
    assert other.email == "giulia.quartarari@example.org" and other.anonymised_at is None


def test_erasure_needs_a_reason(segreteria):
    seed_person(segreteria)
    with pytest.raises(ValidationError):
        erase_subject(find_subject(email=EMAIL), by=segreteria, reason="  ")
    assert ParticipationRequest.objects.filter(email=EMAIL).exists()


# --- The admin screens -------------------------------------------------------------------


def test_segreteria_finds_downloads_and_erases_in_its_language(client, segreteria):
    seeded = seed_person(segreteria)
    client.force_login(segreteria)
    speaks(segreteria, "it")
    page = client.get("/admin/privacy/person/", {"email": EMAIL})
    html = page.content.decode()
    assert page.status_code == 200 and "Dati di una persona" in html
    assert seeded["own"].reference in html and "Scarica JSON" in html
    assert AccessEvent.objects.filter(action="viewed", actor=segreteria,
                                      label=seeded["referral"].reference).exists()
    query = {"email": EMAIL, "phone": "", "reference": ""}
    download = client.get("/admin/privacy/person/export/json/", query)
    assert download.status_code == 200 and download["Content-Type"].startswith(
        "application/json")
    assert "attachment" in download["Content-Disposition"]
    assert json.loads(download.content.decode("utf-8"))["kinds"]["referrals"]["count"] == 1
    document = client.get("/admin/privacy/person/export/html/", query)
    assert document.status_code == 200 and SURNAME in document.content.decode()
    assert AccessEvent.objects.filter(action="exported", actor=segreteria).exists()
    confirm = client.get("/admin/privacy/person/erase/", query)
    assert confirm.status_code == 200 and "Motivo" in confirm.content.decode()
    no_reason = client.post("/admin/privacy/person/erase/", {**query, "reason": ""})
    assert no_reason.status_code == 200
    assert "Indica il motivo della cancellazione." in no_reason.content.decode()
    naming = client.post("/admin/privacy/person/erase/",
                         {**query, "reason": "Chiesto da Giulia Quartararo"})
    assert naming.status_code == 200 and ParticipationRequest.objects.filter(
        email=EMAIL).exists()
    done = client.post("/admin/privacy/person/erase/",
                       {**query, "reason": "Richiesta DP", "subject_request":
                        str(seeded["subject_request"].pk)}, follow=True)
    assert done.status_code == 200
    assert "cancellati o anonimizzati" in done.content.decode()
    assert not ParticipationRequest.objects.filter(email__iexact=EMAIL).exists()
    assert ErasureRecord.objects.get().subject_request_id == seeded["subject_request"].pk


@pytest.mark.parametrize("query, message", [
    ({"email": "non-una-mail"}, "Inserisci un indirizzo email valido"),
    ({"phone": "abc"}, "Inserisci un numero di telefono valido"),
    ({"reference": "Rossi"}, "MA-2026-00042"),
    ({"email": "", "phone": "", "reference": ""}, "Inserisci un indirizzo email, un numero"),
])
def test_bad_searches_get_a_localized_message(client, segreteria, query, message):
    client.force_login(segreteria)
    speaks(segreteria, "it")
    page = client.get("/admin/privacy/person/", query)
    assert page.status_code == 200
    assert message in page.content.decode()


def test_an_erasure_without_a_search_goes_back(client, segreteria):
    client.force_login(segreteria)
    answer = client.post("/admin/privacy/person/erase/", {"email": "x", "reason": "r"})
    assert answer.status_code == 302
    assert client.get("/admin/privacy/person/export/json/").status_code == 302


def redattore():
    user = make_user("redattrice@comune.example.org", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name="Redazione"))
    return user


SCREENS = [("get", "/admin/privacy/person/?email=" + EMAIL),
           ("get", "/admin/privacy/person/export/json/?email=" + EMAIL),
           ("get", "/admin/privacy/person/export/html/?email=" + EMAIL),
           ("get", "/admin/privacy/person/erase/?email=" + EMAIL),
           ("post", "/admin/privacy/person/erase/"),
           ("post", "/admin/privacy/requests/{dsr}/answered/")]


@pytest.mark.parametrize("who", ["partner", "editor", "anonymous"])
def test_partners_and_editors_cannot_reach_the_screens(segreteria, who):
    seeded = seed_person(segreteria)
    client = Client(raise_request_exception=False)
    if who == "partner":
        _organisation, admin = make_organisation(name="Altra", tax_code="76543210157")
        client.force_login(admin)
    elif who == "editor":
        client.force_login(redattore())
    for method, url in SCREENS:
        url = url.format(dsr=seeded["subject_request"].pk)
        answer = getattr(client, method)(url, {"email": EMAIL, "reason": "x"}
                                         if method == "post" else None)
        assert answer.status_code in (302, 403), (who, url, answer.status_code)
        assert SURNAME.encode() not in answer.content and EMAIL.encode() not in answer.content
    assert ParticipationRequest.objects.filter(email=EMAIL).exists()
    assert DataSubjectRequest.objects.get(pk=seeded["subject_request"].pk).status == "open"

"""Candidates from the job service's database (issue 20, part B): the Segreteria uploads
the export (CSV or XLSX), reads a preview with per-row errors — nothing saved —, confirms,
and the valid rows become requests with source "job service" in one transaction, the
import recorded. Hostile files get a clear message; the tax code is never stored."""

import datetime
import io
import re
import zipfile
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from exports.spreadsheets import neutralise_formula
from jobservice import imports
from jobservice.checks import check_file
from jobservice.models import ImportRun, PendingImport
from jobservice.reading import UnreadableFile, read_file
from jobservice.tax_codes import normalise_tax_code, tax_code_digest
from programme.models import ParticipationRequest, StatusChange
from tests.admin_helpers import make_segreteria, speaks

pytestmark = pytest.mark.django_db

HEADER = "nome;cognome;codice fiscale;email;telefono;condizione;dal;sede preferita;lingua"
GOOD = [
    "Mario;Rossi;RSSMRA85T10A562S;mario.rossi@example.org;333 123 4567;disoccupato;03/2025;;it",
    "Luigi;Verdi;VRDLGU80A01F205T;;+39 02 884 47502;cassa integrazione;11/2024;;",
    "Sofia;Esposito;ESPSFO95H45F205C;sofia.esposito@example.org;;inoccupato;2025-01-15;;en",
]
TODAY = datetime.date(2026, 6, 1)


def csv_bytes(lines, header=HEADER, encoding="utf-8-sig"):
    return "\r\n".join([header, *lines]).encode(encoding)


def checked(content, name="export.csv"):
    rows, _ignored = check_file(read_file(name, content), TODAY)
    return rows


def errors_of(row):
    return [kind for kind, _message in row["errors"]]


def upload(user, content, name="export.csv"):
    return imports.prepare_import(user, SimpleUploadedFile(name, content), today=TODAY)


def existing(**fields):
    data = {"first_name": "Già", "last_name": "Presente", "email": "gia@example.org",
                "phone": "+393339999999", "preferred_channel": "email",
                "employment_status": "unemployed", "situation_since": "2025-01-01",
                "privacy_notice_version": "t", "privacy_acknowledged_at": "2026-01-01T00:00Z",
                "language": "it", "reference": "MA-2026-77777"}
    data.update(fields)
    return ParticipationRequest.objects.create(**data)


@pytest.fixture
def segreteria(django_user_model):
    return make_segreteria(django_user_model)


@pytest.fixture
def office(segreteria):
    client = Client(raise_request_exception=False)
    client.force_login(segreteria)
    return client


# --- Reading ---------------------------------------------------------------------------


def test_csv_with_bom_and_semicolons_and_with_commas_read_alike():
    semicolons = checked(csv_bytes(GOOD))
    commas = checked(csv_bytes([line.replace(";", ",") for line in GOOD],
                               header=HEADER.replace(";", ","), encoding="utf-8"))
    assert [row["values"] for row in semicolons] == [row["values"] for row in commas]
    assert [errors_of(row) for row in semicolons] == [[], [], []]
    assert semicolons[0]["values"]["phone"] == "+393331234567"
    assert semicolons[1]["values"]["language"] == "it"
    assert semicolons[2]["values"]["situation_since"] == "2025-01-01"


def test_english_headers_are_accepted():
    header = "first name;last name;tax code;email;phone;situation;since;preferred venue;language"
    rows = checked(csv_bytes(GOOD, header=header))
    assert [errors_of(row) for row in rows] == [[], [], []]


def test_windows_1252_file_is_read_with_a_stated_fallback():
    line = "Nicolò;Bellù;;nicolo@example.org;;disoccupato;03/2025;;it"
    read = read_file("export.csv", csv_bytes([line], encoding="cp1252"))
    assert read.rows[0][1][:2] == ["Nicolò", "Bellù"]
    assert "Windows-1252" in str(read.notes[0])


def test_bytes_of_no_known_encoding_get_a_message_naming_it():
    content = csv_bytes(["Mario;Rossi"]) + b"\x81\x8d\x90"
    with translation.override("en"), pytest.raises(UnreadableFile, match="UTF-8"):
        read_file("export.csv", content)


def xlsx_bytes(rows, macro=False):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not macro:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"macro")
    return out.getvalue()


def test_xlsx_with_numbers_and_date_cells_is_read():
    rows = checked(xlsx_bytes([HEADER.split(";"), [
        "Mario", "Rossi", "RSSMRA85T10A562S", "", 3331234567, "disoccupato",
        datetime.datetime(2025, 3, 14), None, "it"]]), name="export.xlsx")
    assert errors_of(rows[0]) == []
    assert rows[0]["values"]["phone"] == "+393331234567"
    assert rows[0]["values"]["situation_since"] == "2025-03-01"


@pytest.mark.parametrize(("name", "content", "english", "italian"), [
    ("export.xlsm", b"PK\x03\x04whatever", "with macros", "con macro"),
    ("export.xlsx", "macro", "contains macros", "contiene macro"),
    ("export.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel",
     "vecchio formato Excel"),
    ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "neither a CSV",
     "né un file CSV"),
    ("broken.xlsx", b"PK\x03\x04broken", "not a valid Excel", "non è una cartella"),
    ("empty.csv", b"", "empty", "vuoto"),
])
def test_hostile_or_foreign_files_are_refused_with_a_message(name, content, english,
                                                             italian):
    if content == "macro":
        content = xlsx_bytes([HEADER.split(";")], macro=True)
    for language, message in (("en", english), ("it", italian)):
        with translation.override(language), pytest.raises(UnreadableFile, match=message):
            read_file(name, content)


def test_a_20_mb_file_gets_the_forms_error_not_an_error_page(office):
    big = SimpleUploadedFile("export.csv", csv_bytes(GOOD) + b"x" * (20 * 1024 * 1024))
    with translation.override("it"):
        response = office.post(reverse("jobservice_upload"), {"file": big})
    assert response.status_code == 400
    assert "più grande di 5 MB" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_formulas_are_text_read_shown_and_stored_as_text(segreteria):
    line = '=HYPERLINK("http://x.example/","Clicca");@SUM(A1);;f@example.org;;altro;01/2025;;'
    pending = upload(segreteria, csv_bytes([line]))
    assert pending.rows[0]["shown"]["first_name"] == '=HYPERLINK("http://x.example/","Clicca")'
    run = imports.confirm_import(pending.token, segreteria)
    stored = ParticipationRequest.objects.get(reference=run.first_reference)
    assert stored.first_name.startswith("=HYPERLINK(")
    assert stored.last_name == "@SUM(A1)"
    # The site's exports write such a cell as text, never as a formula.
    assert not neutralise_formula(stored.first_name).startswith("=")
    assert not neutralise_formula(stored.last_name).startswith("@")


def test_control_characters_are_dropped():
    line = "Ma\x07rio\u202e;Ros\x1b[31msi;;m@example.org;;disoccupato;03/2025;;"
    row = checked(csv_bytes([line]))[0]
    assert (row["values"]["first_name"], row["values"]["last_name"]) == ("Mario", "Rossi")


# --- Checks ----------------------------------------------------------------------------


def test_each_bad_row_is_reported_with_its_row_number_and_kind():
    lines = [
        GOOD[0],                                                     # row 2
        ";Bianchi;;b@example.org;;disoccupato;03/2025;;",            # 3 no first name
        "Anna;Neri;;non-una-email;;disoccupato;03/2025;;",           # 4
        "Anna;Blu;;;12;disoccupato;03/2025;;",                       # 5
        "Anna;Gialli;;;;disoccupato;03/2025;;",                      # 6
        "Anna;Rosa;RSSMRA85T10A562X;r@example.org;;disoccupato;03/2025;;",  # 7
        "Anna;Viola;;v@example.org;;felice;03/2025;;",               # 8
        "Anna;Verde;;ve@example.org;;altro;13/2025;;",               # 9
        "Anna;Grigio;;g@example.org;;altro;01/2030;;",               # 10
        "Anna;Oro;;o@example.org;;altro;01/2025;Sede inesistente;",  # 11
        "Anna;Argento;;a@example.org;;altro;01/2025;;fr",            # 12
    ]
    rows = checked(csv_bytes(lines))
    assert [(row["number"], errors_of(row)) for row in rows] == [
        (2, []), (3, ["missing_name"]), (4, ["bad_email"]), (5, ["bad_phone"]),
        (6, ["no_contact"]), (7, ["bad_tax_code"]), (8, ["bad_situation"]),
        (9, ["bad_since"]), (10, ["bad_since"]), (11, ["bad_venue"]), (12, ["bad_language"]),
    ]


def test_missing_columns_are_named():
    with translation.override("en"), pytest.raises(UnreadableFile, match="cognome"):
        checked(csv_bytes(["Mario;x@example.org"], header="nome;email"))


@pytest.mark.parametrize("match", ["email", "phone", "tax_code"])
def test_a_person_already_on_the_site_is_found_by_each_of_the_three(match):
    values = {"email": {"email": "MARIO.ROSSI@example.org"},
              "phone": {"phone": "+393331234567", "email": ""},
              "tax_code": {"tax_code_digest": tax_code_digest("RSSMRA85T10A562S"),
                           "email": "altro@example.org"}}[match]
    existing(**values)
    rows = checked(csv_bytes(GOOD))
    assert errors_of(rows[0]) == ["already_in_database"]
    assert "MA-2026-77777" in rows[0]["errors"][0][1]
    assert errors_of(rows[1]) == [] and errors_of(rows[2]) == []


def test_merged_and_anonymised_requests_are_not_matches():
    existing(email="mario.rossi@example.org", status="merged")
    existing(email="mario.rossi@example.org", anonymised_at="2026-01-01T00:00Z",
             reference="MA-2026-77778")
    assert errors_of(checked(csv_bytes(GOOD))[0]) == []


@pytest.mark.parametrize("column", [3, 4, 2])
def test_a_person_repeated_in_the_file_is_found_by_each_of_the_three(column):
    twin = GOOD[0].split(";")
    twin[:2] = ["Mariolino", "Rossetti"]
    keep = {2: "RSSMRA85T10A562S", 3: "mario.rossi@example.org", 4: "333 123 4567"}
    for index in (2, 3, 4):
        if index != column:
            twin[index] = ""
    twin[3] = twin[3] or "altro@example.org"
    twin[column] = keep[column]
    rows = checked(csv_bytes([GOOD[0], ";".join(twin)]))
    assert errors_of(rows[0]) == []
    assert errors_of(rows[1]) == ["repeated_in_file"]
    assert "row 2" in rows[1]["errors"][0][1] or "riga 2" in rows[1]["errors"][0][1]


def test_duplicate_lookups_do_not_grow_with_the_rows():
    def lines(count):
        return [f"N{i};C{i};;p{i}@example.org;+3933312{i:05d};altro;01/2025;;"
                for i in range(count)]

    counts = []
    for size in (20, 600):
        content = csv_bytes(lines(size))
        with CaptureQueriesContext(connection) as queries:
            checked(content)
        counts.append(len(queries))
    assert counts[1] <= counts[0] + 4  # one more batch of LOOKUP_BATCH per kind


def test_the_tax_code_is_normalised_and_only_its_keyed_digest_kept():
    assert normalise_tax_code(" rssmra 85t10a562s ") == "RSSMRA85T10A562S"
    digest = tax_code_digest("RSSMRA85T10A562S")
    assert len(digest) == 64 and "RSSMRA" not in digest
    assert digest != __import__("hashlib").sha256(b"RSSMRA85T10A562S").hexdigest()


# --- Preview and confirmation ----------------------------------------------------------


def test_the_preview_saves_nothing_and_shows_every_row_in_italian(office, segreteria):
    bad = "Anna;Neri;;non-una-email;;disoccupato;03/2025;;"
    speaks(segreteria, "it")
    before = ParticipationRequest.objects.count()
    response = office.post(reverse("jobservice_upload"), {
        "file": SimpleUploadedFile("banca-dati.csv", csv_bytes([*GOOD, bad]))})
    assert response.status_code == 302
    assert ParticipationRequest.objects.count() == before
    page = office.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    for text in ("Mario", "Rossi", "+39 333 123 4567", "Disoccupato", "Importa 3 richieste",
                 "non è un indirizzo email valido", "Email non valida"):
        assert text in html, text
    assert "RSSMRA85T10A562S" not in html
    assert ParticipationRequest.objects.count() == before


def test_the_preview_in_english(office, segreteria):
    speaks(segreteria, "en")
    pending = upload(segreteria, csv_bytes(GOOD))
    html = office.get(reverse("jobservice_preview", args=[pending.token])).content.decode()
    assert "Import 3 requests" in html and "Unemployed" in html


def test_confirmation_stores_valid_rows_as_job_service_requests(office, segreteria, mailoutbox):
    bad = "Anna;Neri;;non-una-email;;disoccupato;03/2025;;"
    existing(email="sofia.esposito@example.org")
    pending = upload(segreteria, csv_bytes([*GOOD, bad], encoding="utf-8"))
    response = office.post(reverse("jobservice_confirm", args=[pending.token]))
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert (run.rows_read, run.imported, run.file_name) == (4, 2, "export.csv")
    assert run.skipped == {"already_in_database": 1, "bad_email": 1}
    assert run.imported_by == segreteria
    imported = ParticipationRequest.objects.filter(source="job_service").order_by("pk")
    assert [(r.first_name, r.language, r.status) for r in imported] == [
        ("Mario", "it", "new"), ("Luigi", "it", "new")]
    assert all(r.reference.startswith("MA-") for r in imported)
    assert imported[0].tax_code_digest == tax_code_digest("RSSMRA85T10A562S")
    assert imported[0].privacy_notice_version == imports.JOB_SERVICE_NOTICE
    assert imported[1].preferred_channel == "phone"
    assert StatusChange.objects.filter(request__in=imported, changed_by=segreteria).count() == 2
    assert not PendingImport.objects.exists()
    assert mailoutbox == []
    page = office.get(response["Location"]).content.decode()
    assert "export.csv" in page
    # No column of any row holds the tax code itself.
    for values in ParticipationRequest.objects.values():
        assert "RSSMRA85T10A562S" not in str(values)


def test_a_second_confirmation_imports_nothing_twice(office, segreteria):
    pending = upload(segreteria, csv_bytes(GOOD))
    url = reverse("jobservice_confirm", args=[pending.token])
    office.post(url)
    second = office.post(url, follow=True)
    assert second.status_code == 200
    assert ParticipationRequest.objects.filter(source="job_service").count() == 3
    assert ImportRun.objects.count() == 1


def test_a_failure_in_the_middle_leaves_nothing(office, segreteria):
    pending = upload(segreteria, csv_bytes(GOOD))
    with mock.patch.object(StatusChange.objects, "bulk_create",
                           side_effect=DatabaseError("disk full")):
        response = office.post(reverse("jobservice_confirm", args=[pending.token]),
                               follow=True)
    assert response.status_code == 200
    assert not ParticipationRequest.objects.filter(source="job_service").exists()
    assert not ImportRun.objects.exists()
    assert PendingImport.objects.filter(pk=pending.pk).exists()


def test_cancel_drops_the_preview(office, segreteria):
    pending = upload(segreteria, csv_bytes(GOOD))
    office.post(reverse("jobservice_cancel", args=[pending.token]))
    assert not PendingImport.objects.exists()
    assert not ParticipationRequest.objects.filter(source="job_service").exists()


def test_unreadable_file_answers_the_form_with_the_reason_in_english(office, segreteria):
    speaks(segreteria, "en")
    response = office.post(reverse("jobservice_upload"), {
        "file": SimpleUploadedFile("export.xlsm", b"PK\x03\x04x")})
    assert response.status_code == 400
    assert "Workbooks with macros" in response.content.decode()


def test_pending_imports_are_purged_after_a_day(segreteria):
    from django.utils import timezone

    pending = upload(segreteria, csv_bytes(GOOD))
    PendingImport.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25))
    fresh = upload(segreteria, csv_bytes(GOOD))
    assert imports.purge_pending(timezone.now())["deleted"] == 1
    assert list(PendingImport.objects.all()) == [fresh]


def test_anonymisation_blanks_the_digest():
    from privacy.retention import anonymise_requests

    request_obj = existing(tax_code_digest=tax_code_digest("RSSMRA85T10A562S"))
    anonymise_requests(ParticipationRequest.objects.filter(pk=request_obj.pk))
    request_obj.refresh_from_db()
    assert request_obj.tax_code_digest == ""


# --- Who may ---------------------------------------------------------------------------


def test_only_the_segreteria_and_superusers_reach_the_screens(django_user_model, segreteria):
    from django.contrib.auth.models import Group as AuthGroup

    editor = django_user_model.objects.create_user(
        username="redattore", email="r@example.org", password="x" * 12, is_staff=True)
    editor.groups.add(AuthGroup.objects.get(name="Redazione"))
    pending = upload(segreteria, csv_bytes(GOOD))
    urls = [reverse("jobservice_upload"), reverse("jobservice_preview", args=[pending.token]),
            reverse("jobservice_example", args=["csv"])]
    client = Client(raise_request_exception=False)
    for url in urls:
        assert client.get(url).status_code == 302  # to the sign-in
    client.force_login(editor)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Mario" not in response.content.decode()
    assert client.post(reverse("jobservice_confirm", args=[pending.token])).status_code == 403
    assert not ParticipationRequest.objects.filter(source="job_service").exists()


def test_another_clerks_preview_is_not_shown(django_user_model, segreteria):
    other = make_segreteria(django_user_model, username="altra")
    pending = upload(segreteria, csv_bytes(GOOD))
    client = Client(raise_request_exception=False)
    client.force_login(other)
    assert client.get(reverse("jobservice_preview", args=[pending.token])).status_code == 404
    assert client.post(reverse("jobservice_confirm", args=[pending.token])).status_code == 403


def test_the_menu_and_upload_page_with_example_files(office, segreteria):
    speaks(segreteria, "it")
    html = office.get(reverse("jobservice_upload")).content.decode()
    for text in ("codice fiscale", "sede preferita", "file di esempio (CSV)"):
        assert text in html, text
    csv_file = office.get(reverse("jobservice_example", args=["csv"]))
    assert csv_file["Content-Disposition"].endswith('.csv"')
    xlsx = office.get(reverse("jobservice_example", args=["xlsx"]))
    # The example files import cleanly.
    for name, content in (("e.csv", csv_file.content), ("e.xlsx", xlsx.content)):
        rows = checked(content, name=name)
        assert [errors_of(row) for row in rows] == [[], [], []], name



def test_a_workbook_with_a_stale_recorded_size_loses_no_row():
    """Some export tools write a stale <dimension ref="A1:I1"/>; openpyxl's read-only
    mode trusted it and read no row (a fresh reviewer's find)."""
    content = xlsx_bytes([HEADER.split(";"), *[line.split(";") for line in GOOD]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:I1"/>', data)
                assert b'<dimension ref="A1:I1"/>' in data
            target.writestr(item, data)
    assert len(checked(out.getvalue(), "export.xlsx")) == 3


@pytest.mark.parametrize("content, italian", [
    (csv_bytes([], header=HEADER), "nessuna riga da importare"),
    (csv_bytes(GOOD, header=HEADER + ";email"), "compaiono due volte nella prima riga: email"),
])
def test_headers_only_and_a_column_twice_are_refused_with_a_message(content, italian):
    with translation.override("it"), pytest.raises(UnreadableFile, match=italian):
        checked(content)


def test_excels_unicode_text_is_read():
    text = "\r\n".join([HEADER.replace(";", "\t"), *[line.replace(";", "\t") for line in GOOD]])
    rows = checked(b"\xff\xfe" + text.encode("utf-16-le"), "export.txt.csv")
    assert [row["values"]["last_name"] for row in rows] == ["Rossi", "Verdi", "Esposito"]


def test_the_upload_screens_header_names_it(office):
    html = office.get("/admin/job-service/").content.decode()
    header = html.split("<main", 1)[-1].split("</header>", 1)[0]
    assert "Banca dati del Servizio lavoro" in header


def test_the_row_limit_is_written_the_italian_way():
    from jobservice import reading

    lines = ["Mario;Rossi;;m@example.org;;disoccupato;03/2025;;"] * (reading.MAX_ROWS + 1)
    with translation.override("it"), pytest.raises(UnreadableFile, match="10.000 righe"):
        read_file("export.csv", csv_bytes(lines))

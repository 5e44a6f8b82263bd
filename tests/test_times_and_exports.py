"""Dates, times and exports tell the truth (issue 11, "Times" and the exports).

One instant is read on every surface staff and people read it: 00:08:36.667626 UTC on
30 November 2026 is 01:08 in Milan. Screens, mails, CSV and XLSX must all say 01:08, with
no UTC offset and no microseconds, in the reader's language, with Italian month and
weekday names in lower case. The CSV files must open in Excel as they are: UTF-8 with a
byte-order mark, labels instead of stored codes, «Sì»/«No», a month as the person gave
it, phone numbers as text.
"""

import csv
import datetime
import io
import re
from unittest import mock

import openpyxl
import pytest
from django.core import mail
from django.template import Context, Template
from django.utils import timezone, translation
from wagtail.contrib.forms.models import FormSubmission
from wagtail.users.models import UserProfile

from home.models import ContactPage
from programme.models import ParticipationRequest
from readable.dates import local_datetime, month_year
from tests.forms_helpers import contact_data, intake_data

pytestmark = pytest.mark.django_db

INSTANT = datetime.datetime(2026, 11, 30, 0, 8, 36, 667626, tzinfo=datetime.UTC)
MILAN = {"it": "30 novembre 2026, 01:08", "en": "30 November 2026, 01:08"}
INTAKE = {"it": "/it/partecipa/", "en": "/en/apply/"}
# What a wrong reading of the instant looks like: UTC's hour, an offset, microseconds.
WRONG = re.compile(r"00:08|\+00:00|\.667626|667626|:36\.")
CAPITALISED_DATE = re.compile(
    r"\b(Lunedì|Martedì|Mercoledì|Giovedì|Venerdì|Sabato|Domenica) \d{1,2} [^\W\d]|"
    r"\d (Gennaio|Febbraio|Marzo|Aprile|Maggio|Giugno|Luglio|Agosto|Settembre|Ottobre|"
    r"Novembre|Dicembre)\b"
)


def streamed(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def excel_csv(response, language="it"):
    """The CSV as Excel reads it: UTF-8 only when it starts with a byte-order mark;
    fields separated by the region's list separator (";" in Italy)."""
    data = streamed(response)
    assert data.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark: Excel shows mojibake"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")),
                           delimiter=";" if language == "it" else ","))


def xlsx_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(streamed(response))).active
    return [list(row) for row in sheet.iter_rows()]


def admin_in(client, user, language):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)


def submit_at_the_instant(client, language="it", **overrides):
    """The intake form sent at INSTANT; returns the stored request."""
    with mock.patch("django.utils.timezone.now", return_value=INSTANT):
        response = client.post(INTAKE[language], intake_data(**overrides), follow=True)
    assert response.status_code == 200
    return ParticipationRequest.objects.get()


def row_for(rows, reference):
    header = rows[0]
    (row,) = [row for row in rows[1:] if reference in row]
    return dict(zip(header, row, strict=True))


# --- One instant, every surface ------------------------------------------------------


@pytest.mark.parametrize("language", ["it", "en"])
def test_one_instant_reads_0108_in_milan_on_every_surface(client, demo_editor, language):
    stored = submit_at_the_instant(client, language)
    assert stored.created_at == INSTANT  # the database keeps the instant itself
    expected = MILAN[language]

    # The confirmation mail, in the person's language.
    (message,) = mail.outbox
    assert expected in message.body
    assert not WRONG.search(message.body)

    admin_in(client, demo_editor, language)

    # The inspect view: received, privacy notice acknowledged, and the history.
    page = client.get(f"/admin/participation_requests/inspect/{stored.pk}/").content.decode()
    assert page.count(expected) >= 3, "received, acknowledged and the history's first step"
    assert not WRONG.search(page)
    assert not CAPITALISED_DATE.search(page)

    # CSV, as Excel opens it.
    rows = excel_csv(client.get("/admin/participation_requests/?export=csv"), language)
    row = row_for(rows, stored.reference)
    assert expected in row.values()
    assert not WRONG.search(",".join(row.values()))

    # XLSX: Milan's wall-clock time in a date-time cell, no zone, no microseconds.
    rows = xlsx_rows(client.get("/admin/participation_requests/?export=xlsx"))
    (cells,) = [row for row in rows[1:] if stored.reference in [c.value for c in row]]
    instants = [cell for cell in cells if isinstance(cell.value, datetime.datetime)]
    assert [cell.value for cell in instants] == [datetime.datetime(2026, 11, 30, 1, 8, 36)]
    assert "h" in instants[0].number_format.lower()  # shown as a date and a time


@pytest.mark.parametrize("language", ["it", "en"])
def test_contact_messages_exports_read_the_instant_in_milan(client, demo_editor, language):
    with mock.patch("django.utils.timezone.now", return_value=INSTANT):
        client.post("/it/contatti/", contact_data(messaggio="Città: lunedì?"))
    submission = FormSubmission.objects.get()
    assert submission.submit_time == INSTANT
    page = ContactPage.objects.get(locale__language_code="it")
    admin_in(client, demo_editor, language)

    rows = excel_csv(client.get(f"/admin/forms/submissions/{page.pk}/?export=csv"), language)
    assert MILAN[language] in rows[1]
    assert "Città: lunedì?" in rows[1]  # read back as Excel reads it: no mojibake
    assert not WRONG.search(",".join(rows[1]))

    rows = xlsx_rows(client.get(f"/admin/forms/submissions/{page.pk}/?export=xlsx"))
    values = [cell.value for cell in rows[1]]
    assert datetime.datetime(2026, 11, 30, 1, 8, 36) in values


def test_the_time_is_milans_whatever_zone_is_active():
    # A background worker or an admin user with a time zone of their own renders too.
    with timezone.override("America/New_York"), translation.override("it"):
        assert local_datetime(INSTANT) == "30 novembre 2026, 01:08"
    summer = datetime.datetime(2026, 7, 1, 22, 30, 5, 123, tzinfo=datetime.UTC)
    with translation.override("en"):
        assert local_datetime(summer) == "2 July 2026, 00:30"  # daylight saving: UTC+2


# --- Italian style --------------------------------------------------------------------


def test_italian_dates_are_written_in_lower_case_everywhere():
    monday = datetime.datetime(2026, 11, 30, 1, 8, tzinfo=datetime.UTC)
    template = Template(
        '{{ d|date:"l j F Y" }}|{{ d|date:"D j b" }}|{{ d|date:"N" }}|{{ d|date:"E" }}|'
        '{{ d|date:"DATETIME_FORMAT" }}|{{ d|date:"YEAR_MONTH_FORMAT" }}'
    )
    with translation.override("it"):
        text = template.render(Context({"d": monday}))
        assert text == (
            "lunedì 30 novembre 2026|lun 30 nov|nov.|novembre|"
            "30 novembre 2026, 02:08|novembre 2026"
        )
        assert month_year(datetime.date(2025, 5, 1)) == "maggio 2025"
    with translation.override("en"):
        assert template.render(Context({"d": monday})).startswith("Monday 30 November 2026")


def test_the_next_meetings_list_writes_italian_dates_in_lower_case(client):
    italian = client.get("/it/gruppi/").content.decode()
    assert re.search(r"(lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica) \d{1,2} "
                     r"(gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|"
                     r"ottobre|novembre|dicembre) \d{4}", italian)
    assert not CAPITALISED_DATE.search(italian)
    # A weekday that starts a line (a group's weekly slot) keeps its capital.
    assert re.search(r"(Lunedì|Martedì|Mercoledì|Giovedì|Venerdì) \d\d:\d\d–", italian)


# --- CSV as Excel opens it --------------------------------------------------------------


# What Excel shows under each heading, in each reader's language.
EXPECTED = {
    "it": {
        "Stato": "Nuova", "Provenienza": "La persona stessa (modulo pubblico)",
        "Canale di contatto preferito": "Email",
        "Situazione lavorativa": "Disoccupato/a (ho perso il lavoro)",
        "Ha conosciuto il programma tramite": "Opuscolo o volantino",
        "Lingua": "Italiano", "Mattina, dal lunedì al venerdì": "Sì",
        "Pomeriggio, dal lunedì al venerdì": "No", "Da quando": "marzo 2026",
        "Telefono": "+39 02 8844 7502", "Gruppo": "", "Organizzazione che segnala": "",
    },
    "en": {
        "Status": "New", "Source": "Self (public form)",
        "Preferred contact channel": "Email",
        "Employment situation": "Unemployed (I lost my job)",
        "Heard of the programme from": "Brochure or flyer",
        "Language": "Italian", "Weekday mornings": "Yes", "Weekday afternoons": "No",
        "Since": "March 2026", "Phone": "+39 02 8844 7502",
        "Group": "", "Referring organisation": "",
    },
}
STORED_CODES = {"new", "self", "unemployed", "flyer", "email", "it", "None", "True", "False"}


@pytest.mark.parametrize("language", ["it", "en"])
def test_csv_export_opens_in_excel_with_labels_booleans_months_and_phones(
    client, demo_editor, language
):
    stored = submit_at_the_instant(client, "it", note="Città di Milano, lunedì")
    admin_in(client, demo_editor, language)
    rows = excel_csv(client.get("/admin/participation_requests/?export=csv"), language)
    row = row_for(rows, stored.reference)

    assert {heading: row.get(heading) for heading in EXPECTED[language]} == EXPECTED[language]
    assert "Città di Milano, lunedì" in row.values()
    assert not STORED_CODES & set(row.values()), "a stored code or Python value in the file"


def test_xlsx_export_has_the_same_labels_and_keeps_phones_as_text(client, demo_editor):
    stored = submit_at_the_instant(client, "it")
    admin_in(client, demo_editor, "it")
    rows = xlsx_rows(client.get("/admin/participation_requests/?export=xlsx"))
    header = [cell.value for cell in rows[0]]
    (row,) = [r for r in rows[1:] if stored.reference in [c.value for c in r]]
    values = dict(zip(header, [cell.value for cell in row], strict=True))
    assert values["Stato"] == "Nuova"
    assert values["Mattina, dal lunedì al venerdì"] == "Sì"
    assert values["Da quando"] == "marzo 2026"
    assert values["Telefono"] == "+39 02 8844 7502"
    assert values["Gruppo"] in ("", None)
    assert not STORED_CODES & {str(value) for value in values.values() if value is not None}


def test_contact_message_csv_writes_booleans_and_phones_for_people(client, demo_editor):
    client.post("/it/contatti/", contact_data(telefono="02 884 47502"))
    page = ContactPage.objects.get(locale__language_code="it")
    submission = FormSubmission.objects.get()
    # An editor's checkbox answer is stored as a boolean.
    submission.form_data = {**submission.form_data, "telefono": "+390288447502"}
    submission.save()
    admin_in(client, demo_editor, "it")
    rows = excel_csv(client.get(f"/admin/forms/submissions/{page.pk}/?export=csv"), "it")
    assert "+39 02 8844 7502" in rows[1]
    assert not {"None", "True", "False"} & set(rows[1])


def test_no_template_writes_a_month_with_a_capital_on_italian_pages():
    # Django title-cases the "M" format ("Nov" in Italian too): "N" («nov.»), "F" or
    # readable.dates' filters write months as each language does.
    from django.conf import settings

    formats = re.compile(r'\|date:"([^"]*)"')
    offenders = []
    for path in (settings.BASE_DIR / "templates").rglob("*"):
        if path.suffix not in {".html", ".txt"}:
            continue
        for fmt in formats.findall(path.read_text(encoding="utf-8")):
            if "M" in re.sub(r"\\.", "", fmt) and not fmt.isupper():
                offenders.append(f"{path.name}: {fmt}")
    assert not offenders


@pytest.mark.parametrize("language", ["it", "en"])
def test_wagtail_reports_export_the_same_way(client, demo_editor, language):
    # Wagtail's own exports (here the site history) follow the same rules as ours.
    from wagtail.log_actions import log
    from wagtail.models import Page

    page = Page.objects.filter(depth=2).first().specific
    with mock.patch("django.utils.timezone.now", return_value=INSTANT):
        log(instance=page, action="wagtail.edit", user=demo_editor)
    admin_in(client, demo_editor, language)

    rows = excel_csv(client.get("/admin/reports/site-history/?export=csv"), language)
    heading = {"it": "Data/Ora", "en": "Date/Time"}[language]
    assert heading in rows[0], "the headings in the reader's language"
    column = rows[0].index(heading)
    assert MILAN[language] in [row[column] for row in rows[1:]]
    assert not WRONG.search(",".join(",".join(row) for row in rows))

    rows = xlsx_rows(client.get("/admin/reports/site-history/?export=xlsx"))
    instants = [cell.value for row in rows[1:] for cell in row
                if isinstance(cell.value, datetime.datetime)]
    assert datetime.datetime(2026, 11, 30, 1, 8, 36) in instants


@pytest.mark.parametrize(("language", "separator"), [("it", ";"), ("en", ",")])
def test_csv_uses_the_list_separator_excel_expects_in_the_readers_region(
    client, demo_editor, language, separator
):
    """Excel opens a CSV with the separator of the machine's region: «;» in Italy, where
    the comma is the decimal separator. A comma-separated file lands in column A."""
    submit_at_the_instant(client, "it")
    admin_in(client, demo_editor, language)
    first_line = streamed(client.get("/admin/participation_requests/?export=csv")).decode(
        "utf-8-sig").splitlines()[0]
    heading = {"it": "Codice di riferimento", "en": "Reference"}[language]
    assert first_line.startswith(heading + separator)


@pytest.mark.parametrize(("language", "name"), [("it", "Inglese"), ("en", "English")])
def test_exports_name_a_language_as_the_screens_do(client, demo_editor, language, name):
    """The request's language in the reader's language, as on the request's screen: the
    Italian file said "English" where the screen said «Inglese»."""
    submit_at_the_instant(client, "en")
    admin_in(client, demo_editor, language)
    rows = excel_csv(client.get("/admin/participation_requests/?export=csv"), language)
    column = rows[0].index({"it": "Lingua", "en": "Language"}[language])
    assert rows[1][column] == name


@pytest.mark.parametrize(("language", "expected"), [
    ("it", "30 novembre 2026, 01:08"), ("en", "30 November 2026, 01:08")])
def test_django_and_wagtail_screens_write_dates_as_the_site_does(language, expected):
    """Screens that use Django's formats (allauth's sessions, Wagtail's listings) write an
    instant as readable.dates does: no weekday, no capital, no "a.m.", day first."""
    from django.utils import formats

    with translation.override(language), timezone.override("Europe/Rome"):
        assert formats.date_format(timezone.localtime(INSTANT), "DATETIME_FORMAT") == expected
        assert formats.date_format(INSTANT.date(), "SHORT_DATE_FORMAT") == "30/11/2026"
        assert local_datetime(INSTANT) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "sheet"), [("it", "Richieste di partecipazione"),
                                                 ("en", "Participation requests")])
def test_the_xlsx_sheet_is_named_for_what_it_holds(client, demo_editor, language, sheet):
    demo_editor.is_superuser = True
    demo_editor.save()
    admin_in(client, demo_editor, language)
    response = client.get("/admin/participation_requests/?export=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(streamed(response)))
    assert workbook.sheetnames == [sheet]
    # A report without a model: its title, still no "Sheet1".
    report = client.get("/admin/reports/site-history/?export=xlsx")
    names = openpyxl.load_workbook(io.BytesIO(streamed(report))).sheetnames
    assert names != ["Sheet1"] and len(names[0]) <= 31


def test_a_sheet_name_never_holds_what_excel_refuses():
    from exports.spreadsheets import sheet_title

    class View:
        model = None
        page_title = "Richieste: [tutte] / marzo?" + "x" * 40

    title = sheet_title(View())
    assert len(title) <= 31 and not set("[]:*?/\\") & set(title)

"""The downloadable datasets: groups and their weekly schedules, venues, adhering
organisations and the upcoming meetings, each as CSV (for spreadsheets) and JSON.

A dataset is described once (`Dataset`: title, description, fields in both languages,
licence) and its rows are built once per answer from `opendata.sources` (a bounded
number of queries whatever the number of rows). Rows are dicts with stable English keys
and JSON values (ISO 8601 dates and times, numbers); the CSV file shows the same values
under headers in the reader's language.

CSV files follow exports/spreadsheets.py's conventions so Excel opens them as they are:
a UTF-8 byte-order mark, «;» between fields in Italian and «,» in English (Excel's list
separator in each region), and no cell Excel would run as a formula.
"""

import csv
import datetime
import io
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from exports.spreadsheets import csv_delimiter, neutralise_formula
from opendata import sources
from programme.models.venues import WEEKDAYS
from programme.schedule import MILAN, upcoming_meetings

LICENCE = {
    "name": "CC BY 4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
# How far "upcoming meetings" looks ahead: eight weeks, as the issue asks.
UPCOMING_DAYS = 56
LANGUAGES = ("it", "en")


# What a field's type means to a person reading the Open data page (the JSON gives the
# code, the page this).
TYPE_LABELS = {
    "string": _("text"),
    "integer": _("whole number"),
    "number": _("decimal number"),
    "boolean": _("yes/no (true/false in JSON)"),
    "date": _("date (YYYY-MM-DD)"),
    "time": _("time (HH:MM, Milan)"),
    "datetime": _("date and time (ISO 8601, with the UTC offset)"),
    "url": _("web address"),
    "uuid": _("identifier (UUID)"),
}


@dataclass(frozen=True)
class Field:
    name: str  # the key in JSON, in English, never translated
    type: str  # string, integer, number, boolean, date, time, datetime, url, uuid
    label: str  # the CSV header (lazy translation)
    description: str  # lazy translation

    @property
    def type_label(self):
        """The type as the Open data page names it, in the active language."""
        return TYPE_LABELS[self.type]


@dataclass(frozen=True)
class Dataset:
    """One dataset: `key` (stable, English), the file names' stems per language
    ({"it": "gruppi", "en": "groups"}), title and description (lazy translations), its
    fields, how often it changes (EU frequency code) and its EU data theme."""

    key: str
    stems: dict
    title: str
    description: str
    fields: tuple
    rows: object  # rows(context) -> list of dicts keyed by field names
    periodicity: str = "IRREG"
    theme: str = "SOCI"

    def file_name(self, language, extension):
        return f"{self.stems.get(language, self.stems['it'])}.{extension}"

    def in_languages(self, attribute):
        """{"it": ..., "en": ...}: a lazy text of the dataset in both languages."""
        return _in_languages(getattr(self, attribute))

    def fields_description(self):
        """[{"name", "type", "title": {it, en}, "description": {it, en}}]."""
        return [{"name": field.name, "type": field.type,
                 "title": _in_languages(field.label),
                 "description": _in_languages(field.description)}
                for field in self.fields]


def _in_languages(text):
    values = {}
    for language in LANGUAGES:
        with translation.override(language):
            values[language] = str(text)
    return values


class Context:
    """What every dataset of one answer reads: the language, absolute URLs, and the
    sources read once (`sources`). `absolute(url)` makes a URL absolute."""

    def __init__(self, language, absolute, group_index=None):
        self.language = language
        self.locale = sources.locale_for(language)
        self.absolute = absolute
        self.group_index = group_index
        self._groups = None

    @property
    def groups(self):
        if self._groups is None:
            self._groups = sources.published_groups(self.locale)
        return self._groups

    def group_index_url(self):
        return self.absolute(self.group_index.url) if self.group_index else ""

    def calendar_url(self, group):
        if self.group_index is None:
            return ""
        return self.absolute(self.group_index.url + self.group_index.reverse_subpage(
            "calendar_group", args=[group.pk]))


def _weekday_name(number):
    return str(dict(WEEKDAYS)[number])


def _time(value):
    return value.strftime("%H:%M") if value else None


def _date(value):
    return value.isoformat() if value else None


def _stream_texts(value, render):
    return [render(block.value) for block in value]


def _address(venue):
    return f"{venue.street_address}, {venue.postal_code} {venue.city}"


def _group_rows(context):
    rows = []
    for group in context.groups:
        venue = group.venue
        for slot in group.slots.all():
            rows.append({
                "group_id": str(group.translation_key),
                "group_name": group.text.name,
                "description": group.text.description,
                "meeting_language": group.language,
                "status": group.public_status.value,
                "status_label": str(group.public_status.label),
                "venue_id": str(venue.translation_key),
                "venue_name": group.venue_text.name,
                "venue_address": _address(venue),
                "weekday": slot.weekday + 1,
                "weekday_name": _weekday_name(slot.weekday),
                "starts_at": _time(slot.start),
                "ends_at": _time(slot.end),
                "valid_from": _date(slot.valid_from),
                "valid_until": _date(slot.valid_until),
                "calendar_url": context.calendar_url(group),
                "page_url": context.group_index_url(),
            })
    return rows


def _opening_hours(venue):
    return "; ".join(
        f"{_weekday_name(int(hours['first_day']))}–{_weekday_name(int(hours['last_day']))} "
        f"{_time(hours['opens'])}–{_time(hours['closes'])}"
        for hours in (block.value for block in venue.opening_hours))


def _venue_rows(context):
    rows = []
    for venue in sources.published_venues(context.locale):
        text = venue.text
        rows.append({
            "venue_id": str(venue.translation_key),
            "name": text.name,
            "street_address": venue.street_address,
            "postal_code": venue.postal_code,
            "city": venue.city,
            "latitude": float(venue.latitude),
            "longitude": float(venue.longitude),
            "opening_hours": _opening_hours(text),
            "facilities": "; ".join(str(block.value) for block in text.facilities),
            "accessibility": text.accessibility_notes,
            "public_transport": text.public_transport,
        })
    return rows


def _organisation_rows(context):
    rows = []
    for adhesion in sources.adhering_organisations():
        organisation = adhesion.organisation
        public = adhesion.publish_contact_details  # the organisation's consent
        rows.append({
            "organisation_id": str(organisation.public_id),
            "name": organisation.name,
            "kind": organisation.kind,
            "kind_label": str(organisation.get_kind_display()),
            "member_since": _date(adhesion.decided_at.astimezone(MILAN).date()
                                  if adhesion.decided_at else None),
            "website": organisation.website if public else "",
            "email": organisation.email if public else "",
            "phone": organisation.phone if public else "",
        })
    return rows


def _meeting_rows(context):
    rows = []
    for meeting in upcoming_meetings(context.groups, sources.today(), UPCOMING_DAYS):
        group = meeting.group
        rows.append({
            "group_id": str(group.translation_key),
            "group_name": group.text.name,
            "venue_id": str(group.venue.translation_key),
            "venue_name": group.venue_text.name,
            "date": meeting.date.isoformat(),
            "starts_at": meeting.start.isoformat(),
            "ends_at": meeting.end.isoformat(),
            "status": "cancelled" if meeting.cancelled else "scheduled",
            "cancellation_reason": meeting.reason,
            "public_holiday": meeting.public_holiday,
        })
    return rows


_ID = _("Identifier (a UUID that never changes)")

DATASETS = (
    Dataset(
        key="groups", stems={"it": "gruppi", "en": "groups"},
        title=_("Groups and their weekly meetings"),
        description=_("The mutual-aid groups open to the public and when they meet: one "
                      "row per weekly meeting slot, with the venue, the language of the "
                      "meetings, the group's status and its iCalendar feed."),
        fields=(
            Field("group_id", "uuid", _("Group identifier"), _ID),
            Field("group_name", "string", _("Group"), _("The group's name")),
            Field("description", "string", _("Description"), _("What the group does")),
            Field("meeting_language", "string", _("Language of the meetings"),
                  _("ISO 639-1 code of the language spoken at the meetings")),
            Field("status", "string", _("Status code"),
                  _("open, full, closed (not taking new participants) or paused")),
            Field("status_label", "string", _("Status"), _("The status, in words")),
            Field("venue_id", "uuid", _("Venue identifier"), _ID),
            Field("venue_name", "string", _("Venue"), _("Where the group meets")),
            Field("venue_address", "string", _("Address"), _("The venue's address")),
            Field("weekday", "integer", _("Weekday number"),
                  _("ISO 8601 day of the week: 1 Monday … 7 Sunday")),
            Field("weekday_name", "string", _("Weekday"), _("The day of the week, in words")),
            Field("starts_at", "time", _("Starts at"), _("Local time in Milan, HH:MM")),
            Field("ends_at", "time", _("Ends at"), _("Local time in Milan, HH:MM")),
            Field("valid_from", "date", _("Valid from"),
                  _("First day of this schedule (empty: already in force)")),
            Field("valid_until", "date", _("Valid until"),
                  _("Last day of this schedule (empty: no end)")),
            Field("calendar_url", "url", _("Calendar (iCalendar)"),
                  _("The group's meetings as an iCalendar feed")),
            Field("page_url", "url", _("Web page"), _("The page listing the groups")),
        ),
        rows=_group_rows, periodicity="WEEKLY",
    ),
    Dataset(
        key="venues", stems={"it": "sedi", "en": "venues"},
        title=_("Venues"),
        description=_("Where the groups meet: address, position, opening hours, "
                      "facilities, accessibility and how to get there."),
        fields=(
            Field("venue_id", "uuid", _("Venue identifier"), _ID),
            Field("name", "string", _("Name"), _("The venue's name")),
            Field("street_address", "string", _("Street address"), _("Street and number")),
            Field("postal_code", "string", _("Postal code"), _("Italian postal code (CAP)")),
            Field("city", "string", _("City"), _("City")),
            Field("latitude", "number", _("Latitude"), _("WGS 84, decimal degrees")),
            Field("longitude", "number", _("Longitude"), _("WGS 84, decimal degrees")),
            Field("opening_hours", "string", _("Opening hours"),
                  _("Days and hours the venue is open, local time in Milan")),
            Field("facilities", "string", _("Facilities"),
                  _("What the venue offers, separated by “;”")),
            Field("accessibility", "string", _("Accessibility"),
                  _("Access for people with reduced mobility and other needs")),
            Field("public_transport", "string", _("Public transport"),
                  _("How to get there by public transport")),
        ),
        rows=_venue_rows, periodicity="MONTHLY",
    ),
    Dataset(
        key="organisations", stems={"it": "organizzazioni-aderenti", "en": "organisations"},
        title=_("Adhering organisations"),
        description=_("The organisations that joined the programme's protocol. Website, "
                      "email and phone are published only when the organisation agreed."),
        fields=(
            Field("organisation_id", "uuid", _("Organisation identifier"), _ID),
            Field("name", "string", _("Name"), _("The organisation's name")),
            Field("kind", "string", _("Kind code"),
                  _("association, employment_agency, cooperative, public_body, "
                    "trade_union, company or other")),
            Field("kind_label", "string", _("Kind"), _("The kind of organisation, in words")),
            Field("member_since", "date", _("Member since"),
                  _("The day its adhesion was approved")),
            Field("website", "url", _("Website"), _("Only when the organisation agreed")),
            Field("email", "string", _("Email"), _("Only when the organisation agreed")),
            Field("phone", "string", _("Phone"), _("Only when the organisation agreed")),
        ),
        rows=_organisation_rows, periodicity="MONTHLY", theme="GOVE",
    ),
    Dataset(
        key="meetings", stems={"it": "prossimi-incontri", "en": "upcoming-meetings"},
        title=_("Upcoming meetings"),
        description=_("Every meeting of the next eight weeks, with the cancelled ones "
                      "and public holidays marked and their reason."),
        fields=(
            Field("group_id", "uuid", _("Group identifier"), _ID),
            Field("group_name", "string", _("Group"), _("The group's name")),
            Field("venue_id", "uuid", _("Venue identifier"), _ID),
            Field("venue_name", "string", _("Venue"), _("Where the group meets")),
            Field("date", "date", _("Meeting date"), _("The meeting's date (ISO 8601)")),
            Field("starts_at", "datetime", _("Starts at"),
                  _("ISO 8601 date and time with Milan's offset from UTC")),
            Field("ends_at", "datetime", _("Ends at"),
                  _("ISO 8601 date and time with Milan's offset from UTC")),
            Field("status", "string", _("Status code"), _("scheduled or cancelled")),
            Field("cancellation_reason", "string", _("Reason for cancellation"),
                  _("Why the meeting does not take place")),
            Field("public_holiday", "boolean", _("Public holiday"),
                  _("Cancelled because the day is a public holiday")),
        ),
        rows=_meeting_rows, periodicity="DAILY",
    ),
)
BY_KEY = {dataset.key: dataset for dataset in DATASETS}


def modified(dataset, last_modified):
    """When `dataset` last changed: `last_modified` (sources.last_modified()); upcoming
    meetings change every day too (yesterday's leave the list): not before today's
    midnight in Milan."""
    if dataset.key != "meetings":
        return last_modified
    midnight = datetime.datetime.combine(sources.today(), datetime.time(), tzinfo=MILAN)
    return max(filter(None, (last_modified, midnight)))


def as_json(dataset, context, modified_at):
    """{"dataset", "title", "description", "language", "licence", "modified", "fields",
    "rows"}: UTF-8 bytes, keys in English, in the order given."""
    with translation.override(context.language):
        body = {
            "dataset": dataset.key,
            "title": str(dataset.title),
            "description": str(dataset.description),
            "language": context.language,
            "licence": LICENCE,
            "modified": modified_at.isoformat() if modified_at else None,
            "fields": dataset.fields_description(),
            "rows": dataset.rows(context),
        }
    return json.dumps(body, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder).encode()


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, float) and context_uses_decimal_comma():
        return str(value).replace(".", ",")
    return neutralise_formula(str(value))


def context_uses_decimal_comma():
    # Italian Excel reads 45.46 as text: the decimal comma, with «;» between fields.
    return translation.get_language() == "it"


def as_csv(dataset, context):
    """The rows as a CSV file Excel opens as it is (see the module's docstring): bytes."""
    out = io.StringIO()
    with translation.override(context.language):
        writer = csv.writer(out, delimiter=csv_delimiter(context.language), lineterminator="\r\n")
        writer.writerow([str(field.label) for field in dataset.fields])
        for row in dataset.rows(context):
            writer.writerow([_csv_cell(row[field.name]) for field in dataset.fields])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def file_response(body, content_type, file_name):
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{file_name}"'
    return response

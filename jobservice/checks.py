"""Each row of the job service's export checked and turned into what would be stored:
the preview shows it, the confirmation stores the rows without errors
(jobservice.imports).

A row's errors, each with its kind (ERROR_KINDS), are those of the intake form for the
same fields — name, email, phone (typed_text.phones), situation, month — plus the tax
code (python-stdnum) and the person being already known:

- in the database: a participation request, neither merged into another nor anonymised,
  with the same email (case ignored), the same phone (E.164) or the same tax code
  (its keyed digest, jobservice.tax_codes). Closed requests count too: the person is
  known, and the Segreteria carries on from their record rather than opening a second.
- in the same file: an earlier row with the same email, phone or tax code.

Lookups are batched (LOOKUP_BATCH values a query), never one query per row.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from languages.versions import default_locale
from programme.models import Venue
from programme.models.participation import ParticipationRequest
from readable.dates import month_year
from readable.display import language_name
from typed_text.characters import without_control_characters
from typed_text.phones import normalise_phone, readable_phone

from .columns import COLUMNS, REQUIRED, header_key
from .reading import UnreadableFile
from .tax_codes import normalise_tax_code, tax_code_digest

LOOKUP_BATCH = 500
EmploymentStatus = ParticipationRequest.EmploymentStatus

# Kinds of error, with the heading the preview and the import record give each.
ERROR_KINDS = {
    "missing_name": gettext_lazy("First or last name missing"),
    "bad_email": gettext_lazy("Invalid email"),
    "bad_phone": gettext_lazy("Invalid phone number"),
    "no_contact": gettext_lazy("Neither email nor phone"),
    "bad_tax_code": gettext_lazy("Invalid tax code"),
    "bad_situation": gettext_lazy("Unknown employment situation"),
    "bad_since": gettext_lazy("Invalid “since” month"),
    "bad_venue": gettext_lazy("Unknown venue"),
    "bad_language": gettext_lazy("Unknown language"),
    "too_long": gettext_lazy("Value too long"),
    "already_in_database": gettext_lazy("Already present on the site"),
    "repeated_in_file": gettext_lazy("Repeated in the file"),
}

SITUATIONS = {
    EmploymentStatus.UNEMPLOYED: ("disoccupato", "disoccupata", "disoccupato/a",
                                  "unemployed"),
    EmploymentStatus.NEVER_EMPLOYED: ("inoccupato", "inoccupata", "inoccupato/a",
                                      "mai occupato", "mai occupata", "never employed"),
    EmploymentStatus.WAGE_SUPPORT: ("cassa integrazione", "cassaintegrato",
                                    "cassaintegrata", "cig", "wage support"),
    EmploymentStatus.OTHER: ("altro", "other"),
}
_SITUATION_OF = {word: status for status, words in SITUATIONS.items() for word in words}
_SITUATION_OF.update({status.value: status for status in EmploymentStatus})
LANGUAGES = {"": "it", "it": "it", "ita": "it", "italiano": "it", "italian": "it",
             "en": "en", "eng": "en", "inglese": "en", "english": "en"}
_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{4})")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
HEADERS = {key: italian for key, italian, *_rest in COLUMNS}
MAX_LENGTHS = {"first_name": 100, "last_name": 100, "email": 254}


def parse_since(text, today=None):
    """The first day of the month `text` names: "03/2025", "3.2025", "2025-03",
    "15/03/2025", "2025-03-15" (an XLSX date cell is read as the last). Raises
    ValidationError for anything else or a month in the future."""
    text = text.strip()
    match = _MONTH_YEAR.fullmatch(text)
    if match:
        month, year = int(match[1]), int(match[2])
    elif match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        _check_day(year, month, day)
    elif match := _YEAR_MONTH.fullmatch(text):
        year, month = int(match[1]), int(match[2])
        if match[3]:
            _check_day(year, month, int(match[3]))
    else:
        raise ValidationError(_("Write the month as mm/yyyy (e.g. 03/2025) or a date."))
    if not 1 <= month <= 12 or year < 1900:
        raise ValidationError(_("Write the month as mm/yyyy (e.g. 03/2025) or a date."))
    since = datetime.date(year, month, 1)
    if since > (today or timezone.localdate()):
        raise ValidationError(_("This date is in the future."))
    return since


def _check_day(year, month, day):
    try:
        datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(_("Write the month as mm/yyyy (e.g. 03/2025) or a date.")) \
            from None


def column_map(header):
    """{column key: index in the row} from the header's cells, and the headers ignored;
    raises UnreadableFile naming the required columns that are missing."""
    positions, ignored, twice = {}, [], []
    for index, text in enumerate(header):
        key = header_key(text)
        if key and key not in positions:
            positions[key] = index
        elif key:
            # Two columns for one value: which one is right cannot be guessed.
            twice.append(text)
        elif text:
            ignored.append(text)
    if twice:
        raise UnreadableFile(
            _("These columns appear twice in the first row: %(columns)s. Keep one of each "
              "and upload the file again.") % {"columns": ", ".join(twice)})
    missing = [italian for key, italian, *_rest in COLUMNS
               if key in REQUIRED and key not in positions]
    if "email" not in positions and "phone" not in positions:
        missing.append(_("email or telefono"))
    if missing:
        raise UnreadableFile(
            _("Columns missing from the first row: %(columns)s. The columns are listed "
              "below, with an example file.") % {"columns": ", ".join(missing)})
    return positions, ignored


def _venues():
    """{folded name: (pk, name)} of the published venues, by their Italian names."""
    venues = Venue.objects.filter(locale=default_locale(), live=True).values_list("pk", "name")
    return {" ".join(name.lower().split()): (pk, name) for pk, name in venues}


def check_row(number, cells, positions, venues, today=None):
    """One row of the file as {"number", "values", "shown", "errors"} (PendingImport's
    rows); "digest" is kept apart in "values" for the duplicate checks."""
    def cell(key):
        index = positions.get(key)
        if index is None or index >= len(cells):
            return ""
        return " ".join(without_control_characters(cells[index]).split())

    errors = []
    values, shown = {}, {}
    for key in ("first_name", "last_name"):
        values[key] = shown[key] = cell(key)
    if not values["first_name"] or not values["last_name"]:
        errors.append(("missing_name", _("First and last name are required.")))
    for key, limit in MAX_LENGTHS.items():
        if len(cell(key)) > limit:
            errors.append(("too_long", _("“%(column)s” is longer than %(limit)s characters.")
                           % {"column": HEADERS[key], "limit": limit}))
    email = cell("email")
    shown["email"] = email
    if email:
        try:
            validate_email(email)
            values["email"] = email.lower() if len(email) <= 254 else ""
        except ValidationError:
            errors.append(("bad_email", _("“%(value)s” is not a valid email address.")
                           % {"value": email}))
    phone = cell("phone")
    shown["phone"] = phone
    if phone:
        try:
            values["phone"] = normalise_phone(phone)
            shown["phone"] = readable_phone(values["phone"])
        except ValidationError:
            errors.append(("bad_phone", _("“%(value)s” is not a valid phone number.")
                           % {"value": phone}))
    if not email and not phone:
        errors.append(("no_contact", _("Give at least an email or a phone number.")))
    tax_code = cell("tax_code")
    shown["tax_code"] = ""
    if tax_code:
        try:
            values["digest"] = tax_code_digest(normalise_tax_code(tax_code))
            shown["tax_code"] = "ok"
        except ValidationError:
            errors.append(("bad_tax_code", _("The tax code is not valid.")))
            shown["tax_code"] = "bad"
    situation = cell("employment_status")
    status = _SITUATION_OF.get(situation.lower())
    if status is None:
        errors.append(("bad_situation", _("“%(value)s” is not a known situation.")
                       % {"value": situation}))
        shown["employment_status"] = situation
    else:
        values["employment_status"] = shown["employment_status"] = status.value
    since = cell("situation_since")
    shown["situation_since"] = since
    try:
        values["situation_since"] = parse_since(since, today).isoformat()
    except ValidationError as error:
        errors.append(("bad_since", error.messages[0]))
    venue = cell("preferred_venue")
    shown["preferred_venue"] = venue
    if venue:
        found = venues.get(venue.lower())
        if found is None:
            errors.append(("bad_venue", _("No published venue is called “%(value)s”.")
                           % {"value": venue}))
        else:
            values["preferred_venue"], shown["preferred_venue"] = found
    language = LANGUAGES.get(cell("language").lower())
    if language is None:
        errors.append(("bad_language", _("“%(value)s” is not it or en.")
                       % {"value": cell("language")}))
    else:
        values["language"] = shown["language"] = language
    return {"number": number, "values": values, "shown": shown,
            "errors": [[kind, str(message)] for kind, message in errors]}


def shown_cell(row, key):
    """What the preview shows for column `key` of a checked row, in the active language:
    the value as it would be stored, read as people read it (a situation's label, the
    month, the language's name, the tax code as valid or not — never the code), else the
    text of the file."""
    values, shown = row["values"], row["shown"]
    if key == "employment_status" and key in values:
        return EmploymentStatus(values[key]).label
    if key == "situation_since" and key in values:
        return month_year(datetime.date.fromisoformat(values[key]))
    if key == "language" and key in values:
        return language_name(values[key])
    if key == "tax_code":
        return {"ok": _("valid"), "bad": _("not valid")}.get(shown.get(key), "")
    return shown.get(key, "")


def _chunks(values):
    values = sorted(values)
    for start in range(0, len(values), LOOKUP_BATCH):
        yield values[start:start + LOOKUP_BATCH]


def known_people(rows):
    """{("email"|"phone"|"digest", value): reference} of the requests already on the site
    that match the rows' values (neither merged nor anonymised); a few queries per
    LOOKUP_BATCH values, whatever the number of rows."""
    wanted = {"email": set(), "phone": set(), "digest": set()}
    for row in rows:
        for kind in wanted:
            if row["values"].get(kind):
                wanted[kind].add(row["values"][kind])
    fields = {"email": "email_key", "phone": "phone", "digest": "tax_code_digest"}
    people = (ParticipationRequest.objects.exclude(status=ParticipationRequest.Status.MERGED)
              .filter(anonymised_at__isnull=True))
    known = {}
    for kind, field in fields.items():
        for chunk in _chunks(wanted[kind]):
            for value, reference in people.filter(Q(**{f"{field}__in": chunk})).values_list(
                    field, "reference"):
                known.setdefault((kind, value), reference or "—")
    return known


# Whole sentences for each kind, not one sentence with the kind put in: Italian agrees
# the adjective with the word («stessa email», «stesso telefono»).
ALREADY_PRESENT = {
    "email": gettext_lazy("Already present on the site as %(reference)s (same email)."),
    "phone": gettext_lazy("Already present on the site as %(reference)s (same phone)."),
    "digest": gettext_lazy("Already present on the site as %(reference)s (same tax "
                           "code)."),
}
SAME_AS_ROW = {
    "email": gettext_lazy("Same email as row %(row)s."),
    "phone": gettext_lazy("Same phone as row %(row)s."),
    "digest": gettext_lazy("Same tax code as row %(row)s."),
}


def mark_duplicates(rows, known):
    """Add to each row the errors "already_in_database" (a match in `known`, from
    `known_people`) and "repeated_in_file" (an earlier row with the same value)."""
    first_row = {}
    for row in rows:
        for kind in ("email", "phone", "digest"):
            value = row["values"].get(kind)
            if not value:
                continue
            if (kind, value) in known:
                row["errors"].append(["already_in_database", str(ALREADY_PRESENT[kind])
                                      % {"reference": known[kind, value]}])
            if (kind, value) in first_row:
                row["errors"].append(["repeated_in_file", str(SAME_AS_ROW[kind])
                                      % {"row": first_row[kind, value]}])
            else:
                first_row[kind, value] = row["number"]
    return rows


def check_file(read, today=None):
    """The rows of a jobservice.reading.ReadFile checked: [row dict, …] (`check_row`) with
    duplicates marked, and the headers ignored. Raises UnreadableFile when required
    columns are missing."""
    positions, ignored = column_map(read.header)
    venues = _venues()
    rows = [check_row(number, cells, positions, venues, today) for number, cells in read.rows]
    return mark_duplicates(rows, known_people(rows)), ignored

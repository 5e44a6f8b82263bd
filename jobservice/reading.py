"""Reading the job service's export: a CSV or XLSX file into rows of text by column,
with a clear message in the Segreteria's language for a file that cannot be read.

Libraries, no hand-written parser: Python's `csv` for CSV (the delimiter found by
`csv.Sniffer`, `;` or `,`), openpyxl for XLSX (read only; a formula is read as the text
of the formula, never computed). Refused before parsing: a file over MAX_FILE_SIZE
bytes, a workbook with macros (.xlsm, or a `vbaProject.bin` part inside), the old binary
.xls format, anything that is neither; refused while reading: more than MAX_ROWS rows, or
a workbook whose parts would unpack to more than MAX_UNPACKED_SIZE bytes (a zip bomb).

CSV encodings: UTF-8 (with or without BOM) first; a file that is not UTF-8 is read as
Windows-1252, what Excel on Windows saves as "CSV", and the preview says so
(`ReadFile.notes`) so that the Segreteria checks the accented names; bytes that are not
Windows-1252 either are refused with a message naming the encoding problem.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_FILE_SIZE = 5 * 1024 * 1024  # about 50,000 rows of the export as CSV
MAX_ROWS = 10_000
MAX_UNPACKED_SIZE = 100 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .xls (and .doc) format

TOO_LARGE = gettext_lazy(
    "The file is larger than %(limit)s MB: split the export into smaller files.")


class UnreadableFile(Exception):
    """The file cannot be imported; `message` says why, for the Segreteria."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


@dataclass
class ReadFile:
    """`header`: the first row's cells as text; `rows`: [(row number in the file, [cell
    text, …]), …] without the header and without empty rows; `notes`: what the preview
    should tell about how the file was read."""

    header: list
    rows: list
    notes: list = field(default_factory=list)


def check_size(uploaded):
    """Raise UnreadableFile when `uploaded` (a Django UploadedFile) is too large, from its
    size alone: nothing of it is parsed."""
    if uploaded.size > MAX_FILE_SIZE:
        raise UnreadableFile(TOO_LARGE % {"limit": MAX_FILE_SIZE // (1024 * 1024)})


def read_file(name, content):
    """The rows of `content` (bytes of the file called `name`) as a ReadFile; raises
    UnreadableFile with the reason."""
    if len(content) > MAX_FILE_SIZE:
        raise UnreadableFile(TOO_LARGE % {"limit": MAX_FILE_SIZE // (1024 * 1024)})
    lowered = name.lower()
    if lowered.endswith((".xlsm", ".xltm", ".xlam")):
        raise UnreadableFile(_("Workbooks with macros (.xlsm) are not accepted: save the "
                               "export as an Excel workbook (.xlsx) or CSV."))
    if content.startswith(OLE_MAGIC) or lowered.endswith(".xls"):
        raise UnreadableFile(_("The old Excel format (.xls) is not accepted: save the "
                               "export as an Excel workbook (.xlsx) or CSV."))
    if content.startswith(ZIP_MAGIC):
        return _read_xlsx(content)
    if lowered.endswith((".xlsx", ".ods", ".zip")):
        raise UnreadableFile(_("The file is not a valid Excel workbook (.xlsx)."))
    return _read_csv(content)


def _cell_text(value):
    """A cell as text: a date as ISO text, a whole number without ".0" (a phone number
    stored as a number), None as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_of(cells_by_row):
    """(header, rows) from an iterable of cell lists, row numbers from 1; raises
    UnreadableFile for an empty file or more than MAX_ROWS rows."""
    header = None
    rows = []
    for number, cells in enumerate(cells_by_row, start=1):
        texts = [_cell_text(cell).strip() for cell in cells]
        if not any(texts):
            continue
        if header is None:
            if number != 1:
                raise UnreadableFile(_("The first row must hold the column names."))
            header = texts
            continue
        if len(rows) >= MAX_ROWS:
            limit = number_format(MAX_ROWS, force_grouping=True)  # 10.000 in Italian
            raise UnreadableFile(_("The file has more than %(limit)s rows: split it into "
                                   "smaller files.") % {"limit": limit})
        rows.append((number, texts))
    if header is None:
        raise UnreadableFile(_("The file is empty."))
    if not rows:
        raise UnreadableFile(_("The file has the column names but no rows to import."))
    return header, rows


def _read_xlsx(content):
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            names = {part.filename.lower() for part in parts}
            if any(name.endswith("vbaproject.bin") for name in names):
                raise UnreadableFile(_("The workbook contains macros: it is not accepted. "
                                       "Save the export as an Excel workbook (.xlsx) "
                                       "without macros, or CSV."))
            if "[content_types].xml" not in names:
                raise UnreadableFile(_("The file is not a valid Excel workbook (.xlsx)."))
            if sum(part.file_size for part in parts) > MAX_UNPACKED_SIZE:
                raise UnreadableFile(_("The workbook is too large once unpacked: split "
                                       "the export into smaller files."))
    except zipfile.BadZipFile:
        raise UnreadableFile(_("The file is not a valid Excel workbook (.xlsx).")) from None
    try:
        # data_only=False: a formula's cell gives the formula's text, which is stored as
        # text (and exports neutralise it), never a value computed from elsewhere.
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True,
                                          data_only=False)
    except UnreadableFile:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged or foreign workbook
        raise UnreadableFile(_("The file is not a valid Excel workbook (.xlsx).")) from None
    try:
        sheet = workbook.worksheets[0]
        # Read-only mode trusts the sheet's recorded size (<dimension>), which some
        # export tools write stale: "A1:I1" would read no row at all. Excel ignores it.
        sheet.reset_dimensions()
        header, rows = _rows_of(sheet.iter_rows(values_only=True))
    except UnreadableFile:
        raise
    except Exception:
        raise UnreadableFile(_("The workbook could not be read: save it again as .xlsx "
                               "or CSV.")) from None
    finally:
        workbook.close()
    return ReadFile(header=header, rows=rows)


def _read_csv(content):
    notes = []
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # Excel's «Testo Unicode» (UTF-16 with a byte-order mark, tab-separated).
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile(_("The file says it is UTF-16 text but is not: save it "
                                   "again as “CSV UTF-8”.")) from None
        return _csv_rows(text, notes)
    if b"\x00" in content[:4096]:
        raise UnreadableFile(_("The file is neither a CSV file nor an Excel workbook "
                               "(.xlsx)."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise UnreadableFile(_(
                "The file's characters are neither UTF-8 nor Windows-1252: save it "
                "again as “CSV UTF-8”.")) from None
        notes.append(_("The file is not in UTF-8: it was read as Windows-1252 (the "
                       "“CSV” of Excel on Windows). Check that accented letters look "
                       "right below."))
    return _csv_rows(text, notes)


def _csv_rows(text, notes):
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header, rows = _rows_of(reader)
    except csv.Error:
        raise UnreadableFile(_("The CSV file could not be read: check its quotes, or save "
                               "it again from the spreadsheet.")) from None
    return ReadFile(header=header, rows=rows, notes=notes)

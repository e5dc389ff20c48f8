"""Reading an uploaded CSV or XLSX table safely, the same way for every import.

* size: at most :data:`MAX_BYTES` (``SOT_MAX_UPLOAD_MB``, checked by the caller and
  again here);
* encoding: UTF-8 (a byte-order mark is fine); anything else is refused with a hint
  ("looks like Windows-1252: save as CSV UTF-8") rather than guessed, so "Åsa Öberg"
  never becomes "�sa �berg";
* CSV: a field over the csv module's limit (128 KiB) is a clear error, not a
  traceback;
* XLSX: checked as a zip first (uncompressed size and compression ratio, so a zip
  bomb is refused before it is inflated), then read with openpyxl in read-only
  (streaming) mode with the declared sheet dimensions ignored, and at most
  :data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns;
* every cell: at most :data:`MAX_CELL_CHARS` characters and no control characters.

Problems are raised as :class:`TableError` with Swedish messages (row 0 = the file).
Plain Python plus openpyxl; no Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from sot.config import env
from sot.validation import bounds

MAX_BYTES = env.get("SOT_MAX_UPLOAD_MB") * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = bounds.LONG_TEXT_LEN
#: An XLSX may inflate to this much, and by at most this ratio.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


class TableError(ValueError):
    """The file cannot be read as a table; ``problems`` say why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def _fail(message: str, row: int = 0, column: str = "fil") -> TableError:
    return TableError([Problem(row, column, message)])


def check_size(size: int, *, max_bytes: int | None = None) -> None:
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    if size > max_bytes:
        raise _fail(
            "Filen är för stor (%.1f MB; högst %d MB)."
            % (size / 1024 / 1024, max_bytes // 1024 // 1024)
        )


def decode(data: bytes) -> str:
    """UTF-8 text of ``data`` (BOM removed), or TableError with an encoding hint."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(
            "Filen är sparad som UTF-16 (Unicode-text). Spara den som 'CSV UTF-8' i "
            "Excel och försök igen."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            data.decode("cp1252")
            hint = " Den ser ut att vara sparad som Windows-1252/ANSI."
        except UnicodeDecodeError:
            hint = ""
        raise _fail(
            "Filen är inte UTF-8 (byte %d).%s Spara den som 'CSV UTF-8' i Excel och "
            "försök igen." % (exc.start, hint)
        ) from None


def read(data: bytes, filename: str) -> list[list[str]]:
    """The rows of a CSV or XLSX file (header first) as lists of stripped strings."""
    check_size(len(data))
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")):
        return read_xlsx(data)
    return read_csv(data)


def read_csv(data: bytes) -> list[list[str]]:
    text = decode(data)
    if not text.strip():
        raise _fail("Filen är tom.")
    first = text.splitlines()[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            _check_row(row, reader.line_num)
            rows.append(row)
    except csv.Error as exc:
        raise _fail(
            "Rad %d går inte att läsa som CSV (%s). Ett fält får vara högst %d "
            "tecken." % (reader.line_num, exc, MAX_CELL_CHARS),
            row=reader.line_num,
        ) from None
    return rows


def _xlsx_is_safe(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _fail("Filen går inte att läsa som XLSX (inte en zip-fil).") from None
    with archive:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_RATIO and info.file_size > 1024 * 1024:
                raise _fail(
                    "Filen packas upp till orimligt mycket (%s). Den läses inte."
                    % info.filename
                )
        if total > MAX_UNZIPPED_BYTES:
            raise _fail(
                "Filen packas upp till mer än %d MB. Den läses inte."
                % (MAX_UNZIPPED_BYTES // 1024 // 1024)
            )


def read_xlsx(data: bytes) -> list[list[str]]:
    # openpyxl only for an XLSX file
    from openpyxl import load_workbook

    _xlsx_is_safe(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        # The declared dimensions are the sender's word: ignore them, so a sheet
        # claiming A1:XFD1048576 is not padded out to 17 billion cells.
        ws.reset_dimensions()
        rows: list[list[str]] = []
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise _fail("Filen har fler än %d rader." % MAX_ROWS)
            cells = [_cell(v) for v in row]
            while cells and not cells[-1]:
                cells.pop()
            _check_row(cells, number)
            rows.append(cells)
        wb.close()
    except TableError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _fail(f"Filen går inte att läsa som XLSX: {exc}") from None
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise _fail("Kalkylbladet är tomt.")
    return rows


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _check_row(row: list[str], number: int) -> None:
    if number > MAX_ROWS + 1:
        raise _fail("Filen har fler än %d rader." % MAX_ROWS)
    if len(row) > MAX_COLUMNS:
        raise _fail("Rad %d har fler än %d kolumner." % (number, MAX_COLUMNS), number)
    for cell in row:
        if len(cell) > MAX_CELL_CHARS:
            raise _fail(
                "Rad %d har ett fält med mer än %d tecken." % (number, MAX_CELL_CHARS),
                number,
            )
        bad = bounds.forbidden_character(cell, multiline=True)
        if bad is not None:
            raise _fail(
                "Rad %d innehåller ett otillåtet tecken (U+%04X)." % (number, ord(bad)),
                number,
            )

"""Read a data file (CSV, or .xlsx through openpyxl) into rows of cells, each cell with its place.

A data file is bounded like a map: a regular file of at most MAX_DATA_BYTES,
at most MAX_ROWS rows; an .xlsx is a zip, so its unpacked size is bounded too
before any XML is parsed. openpyxl is imported only when an .xlsx is named,
so `cjmap lint` of a map with a CSV stays light.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cjmap.diagnostics import Location
from cjmap.metrics.cells import cell_text
from cjmap.metrics.xml_budget import OverBudget, check_workbook
from cjmap.source.safeio import FileRefused, TooBig, read_limited, why

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

MAX_DATA_BYTES = 10 * 1024 * 1024  # as a map: an export of a year of weekly values for 200 places is under 1 MB
MAX_ROWS = 100_000
MAX_UNPACKED = 30 * 1024 * 1024  # an .xlsx unpacks to a few times its size; a zip bomb to gigabytes
MAX_ZIP_ENTRIES = 1_000
MAX_COLUMNS = 50  # only the named columns are read; a sheet 16,384 columns wide is not walked
DELIMITERS = ",;\t"
HEADER_SEARCH = 10  # an export may put a title, a period or a blank line above its header
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class TableError(Exception):
    """The whole file cannot be read as a table; carries where and why."""

    def __init__(self, where: Location, message: str) -> None:
        super().__init__(message)
        self.where, self.message = where, message


@dataclass(frozen=True)
class Cell:
    raw: object  # text from a CSV; text, a number, a date or None from a spreadsheet
    where: Location
    percent: bool = False  # a spreadsheet number formatted as a percentage: 0.79 shown as 79 %


@dataclass(frozen=True)
class Row:
    where: Location
    cells: dict[str, Cell]  # by header name, lowercased and stripped
    fields: int = 0  # how many the record held, when more than the header names and not empty: 12,000 unquoted


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]  # lowercased and stripped
    rows: list[Row]
    decimal_comma: bool = False  # a CSV with ';' between fields, as Excel writes where '3,1' means 3.1
    header_line: int = 1  # where the header was read, for a message when it lacks a column
    header_text: str = ""  # what that line held, as written


def _header_at(candidates: list[tuple[int, list[str]]], required: Sequence[str]) -> int:
    """The line of the header: the first naming every required column, else the first line with anything on it."""
    wanted = set(required)
    for number, names in candidates:
        if wanted and wanted <= {name.strip().lower() for name in names}:
            return number
    return next(number for number, names in candidates if any(name.strip() for name in names))


def read_table(path: Path, display: str, required: Sequence[str] = ()) -> Table:
    """The header and the rows of a data file; raise TableError when it cannot be read.

    The header is the first of the first HEADER_SEARCH lines that names every
    `required` column (lines above it, such as a report's title, are skipped),
    or else the first line that holds anything.
    """
    here = Location(display)
    try:
        raw = read_limited(path, MAX_DATA_BYTES)
    except TooBig as e:
        raise TableError(here, f"data {e}") from None
    except IsADirectoryError:
        raise TableError(here, "is a folder, not a data file") from None
    except FileRefused as e:
        raise TableError(here, str(e)) from None
    except (OSError, ValueError) as e:
        raise TableError(here, f"cannot read data file: {why(e)}") from None
    if path.name.lower().endswith(XLSX_SUFFIXES):
        return _read_xlsx(raw, display, required)
    return _read_csv(raw, display, required)


def _read_csv(raw: bytes, display: str, required: Sequence[str]) -> Table:
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise TableError(
            Location(display, line), f"data file is not UTF-8 text (byte 0x{raw[e.start]:02x}); export it as CSV UTF-8"
        ) from None
    lines = _LINE_BREAK.split(text)  # as csv counts them: splitlines() also breaks at \f, \x1c, \x85, U+2028
    if not any(line.strip() for line in lines):
        raise TableError(
            Location(display), "data file is empty; its first line names the columns: metric,at,value,date"
        )
    header_line, delimiter = _csv_header(lines, required)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: tuple[str, ...] = ()
    rows: list[Row] = []
    last_line = 0
    try:
        for record in reader:
            first_line, last_line = last_line + 1, reader.line_num
            if first_line < header_line:
                continue  # a title, a period, a blank line above the header
            if not header:
                header = tuple(name.strip().lower() for name in record)
                continue
            if not any(field.strip() for field in record):
                continue  # blank lines between blocks of an export
            if len(rows) >= MAX_ROWS:
                raise TableError(
                    Location(display, first_line),
                    f"more than {MAX_ROWS:,} rows of data; keep one file per metric or per year",
                )
            columns = _field_columns(lines[first_line - 1], delimiter) if first_line == last_line else []
            cells = {
                name: Cell(value, Location(display, first_line, columns[i] if i < len(columns) else 1))
                # a record longer than the header has unnamed fields to drop; a shorter one, cells left out
                for i, (name, value) in enumerate(zip(header, record, strict=False))
            }
            overflow = any(field.strip() for field in record[len(header) :])
            rows.append(Row(Location(display, first_line), cells, len(record) if overflow else 0))
    except csv.Error as e:
        raise TableError(Location(display, reader.line_num), f"data file is not valid CSV: {e}") from None
    header_text = lines[header_line - 1].strip()
    return Table(header, rows, delimiter == ";", header_line, header_text)


def _csv_header(lines: list[str], required: Sequence[str]) -> tuple[int, str]:
    """The line of the header, and its delimiter (Excel in many countries writes ';')."""
    head = lines[:HEADER_SEARCH]
    for delimiter in DELIMITERS if required else ():
        split = [(number, _fields(line, delimiter)) for number, line in enumerate(head, 1)]
        if not any(any(names) for _, names in split):
            break
        number = _header_at(split, required)
        if set(required) <= {name.strip().lower() for name in split[number - 1][1]}:
            return number, delimiter
    number = next(number for number, line in enumerate(lines, 1) if line.strip())  # the caller saw one
    return number, max(DELIMITERS, key=lines[number - 1].count)


def _fields(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _field_columns(line: str, delimiter: str) -> list[int]:
    """The 1-based column where each field of a one-line record starts, quotes respected."""
    pattern = re.compile(rf'\s*"(?:[^"]|"")*"[^{re.escape(delimiter)}]*|[^{re.escape(delimiter)}]*')
    columns, position = [], 0
    while position <= len(line):
        columns.append(position + 1)
        match = pattern.match(line, position)
        position = (match.end() if match else position) + 1  # past the delimiter
    return columns


def _read_xlsx(raw: bytes, display: str, required: Sequence[str]) -> Table:
    """The first sheet of a workbook, after checking the zip holds no more than it should."""
    import zipfile
    import zlib

    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as e:
        raise TableError(Location(display), f"not an .xlsx workbook ({e})") from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise TableError(
            Location(display),
            f"the workbook holds {len(entries):,} parts, more than {MAX_ZIP_ENTRIES:,}; refusing to open it",
        )
    for entry in entries:  # zipfile's bzip2 and lzma readers unpack a whole chunk before cutting it to the
        # declared size (a 7 KB bzip2 entry grows to gigabytes); Excel writes only stored and deflated parts
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise TableError(
                Location(display),
                f"{entry.filename} is packed in a way spreadsheets do not write (method {entry.compress_type}); "
                "save it again from the spreadsheet",
            )
        if entry.flag_bits & 0x1:
            raise TableError(Location(display), f"{entry.filename} is encrypted; save the workbook without a password")
    unpacked = sum(entry.file_size for entry in entries)  # zipfile never unpacks past the declared size
    if unpacked > MAX_UNPACKED:
        raise TableError(
            Location(display),
            f"the workbook unpacks to {unpacked:,} bytes, over the limit of {MAX_UNPACKED:,}; refusing to open it",
        )
    try:
        check_workbook(archive)  # openpyxl builds every cell of a row, every name and style: count them first
    except OverBudget as e:
        raise TableError(Location(display), f"{e}; refusing to open it") from None
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, NotImplementedError, RuntimeError, zlib.error) as e:
        raise TableError(Location(display), f"not an .xlsx workbook ({e})") from None
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency; a trimmed install may lack it
        raise TableError(
            Location(display), "reading .xlsx needs openpyxl (pip install openpyxl); or export the sheet as CSV"
        ) from None
    try:
        with warnings.catch_warnings():  # a date serial past 9999 warns on stderr; the row's CJM601 says it
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                if hasattr(sheet, "reset_dimensions"):
                    sheet.reset_dimensions()  # a lying <dimension ref="A1"/> would hide every row below it
                return _sheet_rows(sheet, display, required)
            finally:
                workbook.close()
    except TableError:
        raise
    except Exception as e:  # openpyxl raises many kinds, KeyError to XML errors, for a broken workbook
        raise TableError(Location(display), f"cannot read the workbook: {_broken(e)}") from None


def _broken(error: Exception) -> str:
    """What is wrong with a workbook openpyxl could not read, in words rather than an exception's class."""
    text = str(error)
    if isinstance(error, ValueError) and ("convert" in text or "invalid literal" in text):
        held = re.search(r"'([^']{0,40})'$", text)
        return "a cell marked as a number holds text" + (f" ('{held.group(1)}')" if held else "")
    return "it is damaged, or was not written by a spreadsheet program; save it again from the spreadsheet"


def _sheet_rows(sheet: Worksheet, display: str, required: Sequence[str]) -> Table:
    header: tuple[str, ...] = ()
    header_line, header_text = 0, ""
    rows: list[Row] = []
    percent = _PercentStyles()
    numbered = enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1)
    head = list(itertools.islice(numbered, HEADER_SEARCH))  # blank rows count: the search stays within ten rows
    texts = [(number, [cell_text(c.value) for c in cells]) for number, cells in head]
    if any(any(names) for _, names in texts):
        header_line = _header_at(texts, required)
    for number, cells in itertools.chain(head, numbered):
        if number > MAX_ROWS:  # blank rows too: a sheet a million rows long is refused, not walked
            raise TableError(
                Location(display, number), f"more than {MAX_ROWS:,} rows; keep one sheet per metric or per year"
            )
        values = [c.value for c in cells]
        if not header_line and any(v is not None for v in values):
            header_line = number  # the first row with anything on it, below ten blank ones
        if number <= header_line:
            if number == header_line:
                header = tuple(str(v).strip().lower() if v is not None else "" for v in values)
                header_text = ",".join(cell_text(v) for v in values).rstrip(",")
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        row = {
            name: Cell(cell.value, Location(display, number, i + 1), percent(cell))
            for i, (name, cell) in enumerate(zip(header, cells, strict=False))  # ragged rows, as in the CSV
            if name
        }
        rows.append(Row(Location(display, number), row))
    if not header:
        raise TableError(
            Location(display), "the first sheet is empty; its first row names the columns: metric, at, value, date"
        )
    return Table(header, rows, header_line=header_line, header_text=header_text)


class _PercentStyles:
    """Whether a number cell is formatted as a percentage, looked up once per style: a sheet has a few styles and up
    to 100,000 rows, and openpyxl finds a cell's format through the workbook's tables each time it is asked."""

    def __init__(self) -> None:
        self.known: dict[int, bool] = {}

    def __call__(self, cell: object) -> bool:
        value = getattr(cell, "value", None)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        style = getattr(cell, "_style_id", None)  # openpyxl's read-only cells keep it; anything else is asked
        if not isinstance(style, int):
            return _is_percent(getattr(cell, "number_format", None))
        if style not in self.known:
            self.known[style] = _is_percent(getattr(cell, "number_format", None))
        return self.known[style]


def _is_percent(number_format: object) -> bool:
    """Whether a format shows a number times 100 with a '%' (a '%' in quotes or after a backslash is only text)."""
    return isinstance(number_format, str) and "%" in re.sub(r'"[^"]*"|\\.', "", number_format)

"""Count what a workbook's XML holds before openpyxl builds any of it.

A 32 KB .xlsx may unpack to 28 MB of `<c/>` in one row, or to half a million
defined names or styles: under the unpacked-size limit, yet openpyxl builds an
object for each (gigabytes). Every XML part is streamed here through expat,
counting elements and keeping nothing, and the workbook is refused past a
budget a real export stays far under. A document type declaration (which
Excel never writes) is refused too, so no entity is ever expanded.
"""

from __future__ import annotations

import zipfile
from typing import IO
from xml.parsers import expat

MAX_ELEMENTS = 2_000_000  # a 100,000-row sheet of five columns, with its shared strings, stays under
MAX_PART_ELEMENTS = 100_000  # a part other than a sheet or the shared strings: styles, names, themes
MAX_CELLS_PER_ROW = 200  # four times the columns read; a row of 7,000,000 empty cells is refused
MAX_DEPTH = 64  # a sheet nests six deep; 1,900,000 nested elements inside one cell cost a gigabyte
_CHUNK = 1 << 16
_BULK_ROOTS = ("worksheet", "sst")  # a sheet and the shared strings may be big; known by content, not by name


class OverBudget(Exception):
    """The workbook holds more than a data file may; the message says what, in words."""


def check_workbook(archive: zipfile.ZipFile) -> None:
    """Raise OverBudget when the workbook's XML holds too many elements, too wide a row, too deep a nesting, or a
    DTD. Every part is counted, whatever its name: openpyxl follows the package's relationships to any name."""
    total = 0
    for entry in archive.infolist():
        if entry.is_dir():
            continue
        with archive.open(entry) as stream:
            total = _count(stream, entry.filename, total)


def _count(stream: IO[bytes], name: str, total: int) -> int:
    """Stream one part: the running total of elements, past the budget an OverBudget. A part that is not XML
    (an image, a printer setting) counts nothing: openpyxl does not parse it as XML either."""
    parser = expat.ParserCreate()
    counts = {"part": 0, "row": 0, "depth": 0}
    bulk: list[bool] = []  # set by the root element

    def start(tag: str, _attributes: object) -> None:
        nonlocal total
        total += 1
        counts["part"] += 1
        counts["depth"] += 1
        local = tag.rpartition(":")[2]
        if not bulk:
            bulk.append(local in _BULK_ROOTS)
        if counts["depth"] > MAX_DEPTH:
            raise OverBudget(f"{name} nests elements more than {MAX_DEPTH} deep; it is not a data export")
        if local == "row":
            counts["row"] = 0
        elif local == "c":
            counts["row"] += 1
            if counts["row"] > MAX_CELLS_PER_ROW:
                raise OverBudget(
                    f"a row of {name} holds more than {MAX_CELLS_PER_ROW} cells; only the first columns are read, "
                    "and a row this wide is not a data export"
                )
        if total > MAX_ELEMENTS:
            raise OverBudget(f"the workbook holds more than {MAX_ELEMENTS:,} XML elements; it is not a data export")
        if not bulk[0] and counts["part"] > MAX_PART_ELEMENTS:
            raise OverBudget(f"{name} holds more than {MAX_PART_ELEMENTS:,} XML elements; it is not a data export")

    def end(_tag: str) -> None:
        counts["depth"] -= 1

    def doctype(*_args: object) -> None:
        raise OverBudget(f"{name} declares a document type, which Excel never writes")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as e:
        if counts["part"] == 0 and not name.lower().endswith((".xml", ".rels", ".vml")):
            return total  # not XML at all: an image or a binary part
        raise OverBudget(f"{name} is not well-formed XML (line {e.lineno})") from None
    return total

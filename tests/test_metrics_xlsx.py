"""Metric data from .xlsx workbooks: read through openpyxl, bounded before any XML is parsed, loaded only when named."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from cjmap.lint.pipeline import load_journey
from conftest import EXAMPLES, write

openpyxl = pytest.importorskip("openpyxl")

MAP = """\
cjmap: 1
title: T
updated: 2026-11-01
metrics: [{id: conversion, name: Conversion, kind: rate, target: {value: 3.5, better: higher}}]
data: [data.xlsx]
stages:
  - name: Buy
    touchpoints: [{id: checkout, name: Checkout}]
"""


def workbook(path: Path, rows: list[tuple]) -> None:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def load(project: Path):
    return load_journey(write(project, "m.cjmap.yaml", MAP), "m.cjmap.yaml").metrics


def test_a_workbook_gives_values_and_its_cells_are_located(project: Path) -> None:
    workbook(
        project / "data.xlsx",
        [
            ("Metric", "At", "Value", "Date"),
            ("conversion", "checkout", 3.1, datetime(2026, 9, 30)),
            ("conversion", "checkout", 3.6, "2026-10-31"),
            ("conversion", "chekout", "n/a", "soon"),
        ],
    )
    metrics = load(project)
    (series,) = metrics.at_touchpoint("checkout")
    assert [p.value for p in series.trend] == [3.1, 3.6] and series.on_target
    assert series.current.where.file == "data.xlsx" and (series.current.where.line, series.current.where.column) == (
        3,
        3,
    )
    assert [(p.where.line, p.where.column, p.message) for p in metrics.problems] == [
        (4, 2, "unknown touchpoint or stage 'chekout' (did you mean 'checkout'?)"),
        (4, 3, "value 'n/a' is not a number"),
        (4, 4, "date 'soon' is not a date like 2026-09-14"),
    ]


def test_a_file_that_is_no_workbook(project: Path) -> None:
    (project / "data.xlsx").write_text("metric,at,value,date\n")
    (problem,) = load(project).problems
    assert problem.message.startswith("not an .xlsx workbook")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))  # 200 MB of zeros, ~200 KB packed
    (project / "data.xlsx").write_bytes(buffer.getvalue())
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def recording_open(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object) -> object:
        opened.append(str(name))
        return real_open(self, name, *args, **kwargs)  # type: ignore[arg-type]  # passed on as given

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    (problem,) = load(project).problems
    assert opened == []  # refused from the sizes the zip declares, before any part is unpacked
    assert (
        problem.message
        == "the workbook unpacks to 209,715,200 bytes, over the limit of 31,457,280; refusing to open it"
    )


def test_an_entity_bomb_in_a_sheet_is_refused(project: Path) -> None:
    workbook(project / "plain.xlsx", [("metric", "at", "value", "date")])
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10))
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e0 "lol">{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&e9;</t></is></c></row></sheetData></worksheet>'
    )
    source = zipfile.ZipFile(project / "plain.xlsx")
    with zipfile.ZipFile(project / "data.xlsx", "w") as archive:
        for entry in source.infolist():
            is_sheet = entry.filename == "xl/worksheets/sheet1.xml"
            archive.writestr(entry, sheet.encode() if is_sheet else source.read(entry.filename))
    (problem,) = load(project).problems  # the DTD is refused before any entity is expanded
    assert problem.message == (
        "xl/worksheets/sheet1.xml declares a document type, which Excel never writes; refusing to open it"
    )


def test_a_sheet_too_long_is_refused(project: Path, monkeypatch) -> None:
    from cjmap.metrics import tables

    monkeypatch.setattr(tables, "MAX_ROWS", 5)
    workbook(
        project / "data.xlsx",
        [("metric", "at", "value", "date"), *[(None,)] * 3, *[("conversion", "checkout", 3, "2026-10-01")] * 5],
    )
    (problem,) = load(project).problems
    assert (problem.where.line, problem.message) == (6, "more than 5 rows; keep one sheet per metric or per year")


def test_lint_of_a_map_with_a_csv_never_imports_openpyxl() -> None:
    code = (
        "import sys\nfrom pathlib import Path\nfrom cjmap.lint.pipeline import check\n"
        f"assert check(Path({str(EXAMPLES / 'checkout.cjmap.yaml')!r})).journey.metrics.series\n"
        "print(sorted(m for m in ('openpyxl', 'graphviz', 'jinja2', 'rich') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


def test_a_cell_formatted_as_a_percentage_is_read_as_it_shows(project: Path) -> None:
    """Excel stores 79 % as 0.79; a rate takes the 79 the reader sees, not 0.79 %."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(("metric", "at", "value", "date"))
    sheet.append(("conversion", "checkout", 0.79, "2026-09-30"))
    sheet.append(("conversion", "checkout", 0.815, "2026-10-31"))
    sheet.append(("conversion", "map", 0.5, "2026-10-31"))  # a literal "%" in quotes only decorates the number
    sheet.append(("wait", "checkout", 0.25, "2026-10-31"))
    sheet.append(("conversion", "stage:buy", 0.29, "2026-10-31"))  # 0.29 * 100 is 28.999999999999996 in floats
    sheet["C2"].number_format = "0%"
    sheet["C6"].number_format = "0%"
    sheet["C3"].number_format = "0.0%"
    sheet["C4"].number_format = '0.0"%"'
    sheet["C5"].number_format = "0%"
    book.save(project / "data.xlsx")
    text = MAP.replace("metrics: [", "metrics: [{id: wait, name: Wait, kind: duration, unit: days}, ")
    metrics = load_journey(write(project, "m.cjmap.yaml", text), "m.cjmap.yaml").metrics
    (series,) = metrics.at_touchpoint("checkout")
    assert [p.value for p in series.points] == [79, pytest.approx(81.5)] and series.on_target
    assert [p.value for p in metrics.for_map()[0].points] == [0.5]
    assert [p.value for p in metrics.at_stage("buy")[0].points] == [29]
    assert [(p.where.line, p.where.column, p.message) for p in metrics.problems] == [
        (
            5,
            3,
            "the cell shows 25 % (formatted as a percentage) but 'wait' is a duration in days, not a percentage; "
            "format the cell as a number",
        )
    ]


def test_a_title_row_above_the_header_is_skipped(project: Path) -> None:
    workbook(
        project / "data.xlsx",
        [("Claims report Q4",), (None,), ("metric", "at", "value", "date"), ("conversion", "checkout", 3.6, "2026-10")],
    )
    metrics = load(project)
    assert metrics.problems == ()
    assert [(p.value, p.where.line) for p in metrics.at_touchpoint("checkout")[0].points] == [(3.6, 4)]

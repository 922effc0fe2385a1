"""Data files an attacker wrote: each is refused in one CJM601 line, by counting work, never by a wall clock."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from cjmap.lint.pipeline import load_journey
from conftest import write

openpyxl = pytest.importorskip("openpyxl")

MAP = """\
cjmap: 1
title: T
updated: 2026-11-01
metrics: [{id: conversion, name: Conversion, kind: rate, target: {value: 3.5, better: higher}}]
data: [DATA]
stages:
  - name: Buy
    touchpoints: [{id: checkout, name: Checkout}]
"""
HEADER = ("metric", "at", "value", "date")


def load(project: Path, data: str = "data.xlsx"):
    return load_journey(write(project, "m.cjmap.yaml", MAP.replace("DATA", data)), "m.cjmap.yaml").metrics


def workbook_bytes(rows: list[tuple]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_part(project: Path, rows: list[tuple], name: str, edit) -> None:
    """A workbook of `rows` whose part `name` is rewritten by `edit` (text to text)."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(rows)))
    with zipfile.ZipFile(project / "data.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == name:
                edited = edit(data.decode())
                assert edited != data.decode(), "the edit must change the part"
                data = edited.encode()
            archive.writestr(entry, data)


def test_a_row_of_many_empty_cells_is_refused_before_openpyxl_builds_them(project: Path) -> None:
    wide = "<c/>" * 5_000
    with_part(
        project,
        [HEADER, ("conversion", "checkout", 3, "2026-10-01")],
        "xl/worksheets/sheet1.xml",
        lambda text: text.replace("</row>", wide + "</row>", 1),
    )
    (problem,) = load(project).problems
    assert problem.message == (
        "a row of xl/worksheets/sheet1.xml holds more than 200 cells; only the first columns are read, "
        "and a row this wide is not a data export; refusing to open it"
    )


def test_too_many_defined_names_are_refused(project: Path) -> None:
    names = "".join(f'<definedName name="n{i}">Sheet!$A$1</definedName>' for i in range(100_001))
    with_part(
        project,
        [HEADER],
        "xl/workbook.xml",
        lambda text: text.replace("</workbook>", f"<definedNames>{names}</definedNames></workbook>"),
    )
    (problem,) = load(project).problems
    assert problem.message == (
        "xl/workbook.xml holds more than 100,000 XML elements; it is not a data export; refusing to open it"
    )


def test_the_whole_workbook_has_an_element_budget(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmap.metrics import xml_budget

    monkeypatch.setattr(xml_budget, "MAX_ELEMENTS", 200)
    (project / "data.xlsx").write_bytes(
        workbook_bytes([HEADER, *[("conversion", "checkout", 3, f"2026-{m:02}-01") for m in range(1, 13)] * 3])
    )
    (problem,) = load(project).problems
    assert problem.message.startswith("the workbook holds more than 200 XML elements")


def test_a_legal_workbook_stays_under_the_budget(project: Path) -> None:
    (project / "data.xlsx").write_bytes(workbook_bytes([HEADER, ("conversion", "checkout", 3.6, "2026-10-01")]))
    metrics = load(project)
    assert metrics.problems == () and [s.current.value for s in metrics.series] == [3.6]


def test_rows_below_a_lying_dimension_are_read(project: Path) -> None:
    with_part(
        project,
        [HEADER, ("conversion", "checkout", 3.1, "2026-09-01"), ("conversion", "checkout", 3.6, "2026-10-01")],
        "xl/worksheets/sheet1.xml",
        lambda text: text.replace('<dimension ref="A1:D3" />', '<dimension ref="A1" />'),
    )
    (series,) = load(project).series
    assert [p.value for p in series.trend] == [3.1, 3.6]


def test_a_row_numbered_past_the_limit_is_refused(project: Path) -> None:
    with_part(
        project,
        [HEADER, ("conversion", "checkout", 3.1, "2026-09-01")],
        "xl/worksheets/sheet1.xml",
        lambda text: text.replace('<row r="2"', '<row r="1048576"').replace('r="A2"', 'r="A1048576"'),
    )
    (problem,) = load(project).problems
    assert (problem.where.line, problem.message) == (
        100_001,
        "more than 100,000 rows; keep one sheet per metric or per year",
    )

"""Data files an attacker wrote: each is refused in one CJM601 line, by counting work, never by a wall clock."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from cjmap.diagnostics import MapError
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


CSV_MAP = """\
cjmap: 1
title: T
updated: 2026-11-01
metrics:
  - {id: conversion, name: Conversion, kind: rate}
  - {id: orders, name: Orders, kind: count}
data: [a.csv, b.csv]
stages:
  - name: Buy
    touchpoints:
      - {id: checkout, name: Checkout, metrics: {orders: 12}}
      - {id: pay, name: Pay}
"""


def load_csv(project: Path, a: str, b: str = "metric,at,value,date\n", text: str = CSV_MAP):
    write(project, "a.csv", a)
    write(project, "b.csv", b)
    return load_journey(write(project, "m.cjmap.yaml", text), "m.cjmap.yaml").metrics


def rows(count: int, at: str = "checkout", first_day: int = 0) -> str:
    days = [date(2020, 1, 1) + timedelta(days=first_day + i) for i in range(count)]
    return "metric,at,value,date\n" + "".join(f"conversion,{at},3,{day}\n" for day in days)


def test_an_unknown_id_in_many_rows_is_matched_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmap.metrics import collect

    calls: list[str] = []
    real = collect._hint

    def counted(value: str, known: set[str]) -> str:
        calls.append(value)
        return real(value, known)

    monkeypatch.setattr(collect, "_hint", counted)
    metrics = load_csv(project, rows(50, at="chekout"))
    assert calls == ["chekout"]
    assert len(metrics.problems) == 50 and metrics.problems[-1].message == (
        "unknown touchpoint or stage 'chekout' (did you mean 'checkout'?)"
    )


def test_problems_past_a_hundred_in_a_file_are_counted_not_built(project: Path, monkeypatch) -> None:
    from cjmap.metrics import collect

    calls: list[str] = []
    real = collect._hint

    def counted(value: str, known: set[str]) -> str:
        calls.append(value)
        return real(value, known)

    monkeypatch.setattr(collect, "_hint", counted)
    text = "metric,at,value,date\n" + "".join(f"conversion,old-step-{i},3,2026-10-01\n" for i in range(250))
    metrics = load_csv(project, text)
    assert len(calls) == 100 and len(metrics.problems) == 101
    last = metrics.problems[-1]
    assert (last.where.file, last.where.line) == ("a.csv", 1)
    assert last.message == "150 more problems are in this file, not shown (the first 100 are); fix those first"


def test_rows_of_all_data_files_together_are_bounded(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmap.metrics import collect

    monkeypatch.setattr(collect, "MAX_DATA_ROWS", 5)
    metrics = load_csv(project, rows(3), rows(3, first_day=10))
    (problem,) = metrics.problems
    assert (problem.where.file, problem.where.line) == ("b.csv", 4)
    assert problem.message == "more than 5 rows in the map's data files together; the rest is not read"
    assert sum(len(s.trend) for s in metrics.series if s.metric.id == "conversion") == 5


def test_a_data_file_after_the_row_budget_is_not_read(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmap.metrics import collect

    monkeypatch.setattr(collect, "MAX_DATA_ROWS", 3)
    text = CSV_MAP.replace("[a.csv, b.csv]", "[a.csv, b.csv, c.csv, d.csv]")
    write(project, "c.csv", rows(1))
    write(project, "d.csv", rows(1))
    (problem,) = load_csv(project, rows(3), rows(3, first_day=10), text=text).problems
    assert (problem.where.file, problem.message) == (
        "b.csv",
        "not read (nor 2 more data files after it): the map's data files before it hold 3 rows, all a map may have",
    )


def test_metric_values_of_the_map_and_its_data_are_bounded(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmap.metrics import collect

    monkeypatch.setattr(collect, "MAX_VALUES", 3)  # the map gives one, the data may add two
    (problem,) = load_csv(project, rows(3)).problems
    assert (problem.where.file, problem.where.line) == ("a.csv", 4)
    assert problem.message == "more than 3 metric values in the map and its data together; the rest is not read"


def test_a_map_giving_too_many_values_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmap.metrics import collect

    monkeypatch.setattr(collect, "MAX_VALUES", 1)
    text = CSV_MAP.replace("{id: pay, name: Pay}", "{id: pay, name: Pay, metrics: {orders: 3}}")
    with pytest.raises(MapError) as caught:
        load_csv(project, rows(1), text=text)
    (error,) = caught.value.diagnostics
    assert error.code == "CJM002" and error.message.startswith("the map gives more than 1 metric values")


def test_a_map_defining_too_many_metrics_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmap.metrics import collect

    monkeypatch.setattr(collect, "MAX_METRICS", 1)
    with pytest.raises(MapError) as caught:
        load_csv(project, rows(1))
    (error,) = caught.value.diagnostics
    assert (error.code, error.where.line) == ("CJM002", 6)
    assert error.message.startswith("more than 1 metrics defined")


def test_trends_of_the_map_and_its_data_are_bounded(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmap.metrics import collect

    monkeypatch.setattr(collect, "MAX_SERIES", 2)  # the map's orders at checkout, then conversion at checkout
    (problem,) = load_csv(project, rows(2) + "conversion,pay,3,2026-10-01\n").problems
    assert (problem.where.file, problem.where.line) == ("a.csv", 4)
    assert problem.message.startswith("more than 2 metrics and places with values in the map and its data")


def test_a_map_giving_values_at_too_many_places_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmap.metrics import collect

    monkeypatch.setattr(collect, "MAX_SERIES", 1)
    text = CSV_MAP.replace("{id: pay, name: Pay}", "{id: pay, name: Pay, metrics: {orders: 3}}")
    with pytest.raises(MapError) as caught:
        load_csv(project, rows(1), text=text)
    (error,) = caught.value.diagnostics
    assert (error.code, error.where.line) == ("CJM002", 12)
    assert error.message.startswith("the map gives values for more than 1 metrics and places")


def test_a_huge_integer_in_a_workbook_is_refused_in_words(project: Path) -> None:
    with_part(
        project,
        [HEADER, ("conversion", "checkout", 7, "2026-10-01")],
        "xl/worksheets/sheet1.xml",
        lambda text: text.replace("<v>7</v>", f"<v>{'9' * 400}</v>"),
    )
    (problem,) = load(project).problems
    assert (problem.where.line, problem.where.column) == (2, 3)
    assert problem.message == (
        "value '99999999999999999999\u202699999999 (400 characters)' is not a plausible number "
        "(beyond 1,000,000,000,000,000 either way)"
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("a" * 300 + ".csv", "data file '" + "a" * 40 + "\u2026" + "a" * 11 + ".csv' has a path of 304 characters"),
        ("d/" * 3000 + "x.csv", "data file '" + "d/" * 20 + "\u2026d/d/d/d/d/x.csv' has a path of 6,005 characters"),
        ("loop.csv", "data file 'loop.csv' is a symbolic link that leads round in a loop; refusing to read it"),
    ],
)
def test_a_data_path_the_system_cannot_follow_is_one_problem(project: Path, entry: str, message: str) -> None:
    (project / "loop.csv").symlink_to("loop.csv")
    (problem,) = load(project, entry).problems
    assert (problem.where.file, problem.where.line) == ("m.cjmap.yaml", 5)
    assert problem.message.startswith(message)


def test_a_looping_link_named_with_data_is_one_problem(project: Path) -> None:
    from conftest import run_cli

    (project / "loop.csv").symlink_to("loop.csv")
    write(project, "m.cjmap.yaml", MAP.replace("DATA", ""))
    result = run_cli("lint", "m.cjmap.yaml", "--data", "loop.csv", "--select", "CJM601", cwd=project)
    assert "Traceback" not in result.stderr and result.stdout.splitlines() == [
        "loop.csv:1:1: error CJM601 data file 'loop.csv' is a symbolic link that leads round in a loop; "
        "refusing to read it [bad-metric-data]"
    ]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1e308", "is not a plausible number (beyond 1,000,000,000,000,000 either way)"),
        ("-1e308", "is not a plausible number (beyond 1,000,000,000,000,000 either way)"),
        ("1e-400", "is too small to tell from 0 (it underflows)"),
        ("\uff13", "is not a number: write its digits as 0-9"),
        ("\u0663", "is not a number: write its digits as 0-9"),
        ("nan", "is not a number"),
    ],
)
def test_an_implausible_value_in_a_csv_is_refused(project: Path, value: str, problem: str) -> None:
    write(project, "data.csv", f"metric,at,value,date\nconversion,checkout,{value},2026-10-01\n")
    (found,) = load(project, "data.csv").problems
    assert found.message == f"value '{value}' {problem}"


def test_thousands_dots_with_a_decimal_comma_in_a_semicolon_file(project: Path) -> None:
    write(project, "data.csv", 'metric;at;value;date\nconversion;checkout;"1.234,5";2026-10-01\n')
    metrics = load(project, "data.csv")
    assert [s.current.value for s in metrics.series] == [1234.5]


def test_a_date_past_what_a_spreadsheet_holds_warns_nothing_on_stderr(project: Path) -> None:
    import warnings
    from datetime import datetime

    with_part(
        project,
        [HEADER, ("conversion", "checkout", 3, datetime(2026, 10, 1))],
        "xl/worksheets/sheet1.xml",
        lambda text: text.replace("<v>46296</v>", "<v>99999999999</v>"),
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (problem,) = load(project).problems
    assert caught == [] and (problem.where.line, problem.where.column) == (2, 4)


def test_a_broken_cell_is_said_in_words_not_an_exception_class(project: Path) -> None:
    with_part(
        project,
        [HEADER, ("conversion", "checkout", 3, "2026-10-01")],
        "xl/worksheets/sheet1.xml",
        lambda text: text.replace("<v>3</v>", "<v>abc</v>"),
    )
    (problem,) = load(project).problems
    assert problem.message == "cannot read the workbook: a cell marked as a number holds text ('abc')"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("{orders: .nan}", "metric 'orders' is defined (a count), so its value here must be a finite number, not nan"),
        (
            "{orders: -.inf}",
            "metric 'orders' is defined (a count), so its value here must be a finite number, not -inf",
        ),
        ("{orders: 1.0e+308}", "'orders' is 1e+308, not a plausible number (beyond 1,000,000,000,000,000 either way)"),
    ],
)
def test_a_touchpoint_value_must_be_a_plausible_finite_number(project: Path, edit: str, message: str) -> None:
    with pytest.raises(MapError) as caught:
        load_csv(project, rows(1), text=CSV_MAP.replace("{orders: 12}", edit))
    assert [d.message for d in caught.value.diagnostics] == [message]


def test_a_target_of_nan_asks_for_a_finite_number(project: Path) -> None:
    text = CSV_MAP.replace("kind: rate}", "kind: rate, target: {value: .nan, better: higher}}")
    with pytest.raises(MapError) as caught:
        load_csv(project, rows(1), text=text)
    assert [d.message for d in caught.value.diagnostics] == ["'value' must be a finite number, not the number nan"]


@pytest.mark.parametrize("stamp", ["2026-10-31T99:99", "2026-10-31T24:00", "2026-10-31T10:60:00Z"])
def test_a_timestamp_with_an_impossible_time_is_refused(project: Path, stamp: str) -> None:
    (problem,) = load_csv(project, f"metric,at,value,date\nconversion,checkout,3,{stamp}\n").problems
    assert problem.message == f"date '{stamp}' is not a date like 2026-09-14"


def test_a_row_dated_after_today_is_reported(project: Path) -> None:
    from conftest import run_cli

    write(project, "a.csv", "metric,at,value,date\nconversion,checkout,3,2026-10-01\nconversion,checkout,4,2027-01\n")
    write(project, "b.csv", "metric,at,value,date\n")
    write(project, "m.cjmap.yaml", CSV_MAP)
    result = run_cli("lint", "m.cjmap.yaml", "--select", "CJM601", "--today", "2026-11-26", cwd=project)
    assert result.stdout.splitlines() == [
        "a.csv:3:21: error CJM601 Conversion at touchpoint 'checkout' is dated in the future (2027-01, "
        "after today 2026-11-26); fix the date of the row [bad-metric-data]"
    ]


def test_a_column_named_twice_in_the_header_is_reported(project: Path) -> None:
    (problem,) = load_csv(project, "metric,at,value,date,value\nconversion,checkout,3.1,2026-10-01,99\n").problems
    assert (problem.where.file, problem.where.line) == ("a.csv", 1)
    assert problem.message == (
        "the header names 'value' twice (columns 3 and 5); keep one, so it is clear which is read"
    )


def test_a_row_with_more_fields_than_the_header_is_blamed_on_the_row(project: Path) -> None:
    text = "metric,at,value,date\norders,checkout,12,000,2026-10-01\nconversion,checkout,3,2026-10-01,\n"
    metrics = load_csv(project, text)
    (problem,) = metrics.problems  # a trailing empty field, as some exports write, is no problem
    assert (problem.where.line, problem.where.column) == (2, 1)
    assert problem.message == 'row has 5 fields, the header names 4; quote a value that holds the separator ("12,000")'


@pytest.mark.parametrize("odd", ["\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_line_and_column_count_as_csv_does(project: Path, odd: str) -> None:
    text = f"metric,at,value,date,note\nconversion,checkout,3,2026-09-01,x{odd}y\nconversion,chekout,3,2026-10-01\n"
    (problem,) = load_csv(project, text).problems
    assert (problem.where.line, problem.where.column) == (3, 12)


def test_a_blank_first_line_is_skipped(project: Path) -> None:
    metrics = load_csv(project, "\n\nmetric,at,value,date\nconversion,checkout,3.2,2026-10-01\n")
    assert metrics.problems == () and [p.value for s in metrics.series for p in s.points if p.from_data] == [3.2]


def renamed_part(project: Path, rows: list[tuple], old: str, new: str, edit) -> None:
    """A workbook whose part `old` is moved to `new` (references rewritten, so openpyxl still finds it)."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(rows)))
    short_old, short_new = old.removeprefix("xl/"), new.removeprefix("xl/")
    with zipfile.ZipFile(project / "data.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            text = source.read(entry.filename)
            if entry.filename == old:
                archive.writestr(new, edit(text.decode()).encode())
                continue
            if entry.filename.endswith((".xml", ".rels")):
                text = text.replace(old.encode(), new.encode()).replace(short_old.encode(), short_new.encode())
            archive.writestr(entry, text)


def test_the_budget_counts_a_part_whatever_its_name(project: Path) -> None:
    """openpyxl follows relationships to any name: a sheet renamed .bin is a sheet, and is counted as one."""
    rows = [HEADER, ("conversion", "checkout", 3, "2026-10-01")]
    wide = "<c/>" * 5_000
    renamed_part(
        project,
        rows,
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet1.bin",
        lambda t: t.replace("</row>", wide + "</row>", 1),
    )
    (problem,) = load(project).problems
    assert problem.message.startswith("a row of xl/worksheets/sheet1.bin holds more than 200 cells")


def test_a_part_moved_among_the_sheets_keeps_the_limit_of_what_it_is(project: Path) -> None:
    """The workbook part moved under xl/worksheets/ is still no sheet: its root says so, not its folder."""
    rows = [HEADER, ("conversion", "checkout", 3, "2026-10-01")]
    names = "<definedNames>" + '<definedName name="a">x</definedName>' * 120_000 + "</definedNames>"
    renamed_part(
        project,
        rows,
        "xl/workbook.xml",
        "xl/worksheets/wb.xml",
        lambda t: t.replace("</sheets>", "</sheets>" + names, 1),
    )
    (problem,) = load(project).problems
    assert problem.message.startswith("xl/worksheets/wb.xml holds more than 100,000 XML elements")


def test_deep_nesting_inside_a_cell_is_refused(project: Path) -> None:
    deep = "<x>" * 100 + "</x>" * 100
    with_part(
        project,
        [HEADER, ("conversion", "checkout", "3", "2026-10-01")],
        "xl/worksheets/sheet1.xml",
        lambda text: text.replace("</row>", f'<c r="Z1" t="inlineStr"><is><t>{deep}</t></is></c></row>', 1),
    )
    (problem,) = load(project).problems
    assert problem.message.startswith("xl/worksheets/sheet1.xml nests elements more than 64 deep")


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_parts_packed_as_spreadsheets_never_pack_them_are_refused_before_unpacking(project: Path, method: int) -> None:
    """zipfile unpacks a whole bzip2 or lzma chunk before cutting it to the declared size: a 7 KB bomb."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([HEADER, ("conversion", "checkout", 3, "2026-10-01")])))
    with zipfile.ZipFile(project / "data.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            packed = method if entry.filename == "xl/worksheets/sheet1.xml" else zipfile.ZIP_DEFLATED
            archive.writestr(entry.filename, source.read(entry.filename), compress_type=packed)
    (problem,) = load(project).problems
    assert problem.message.startswith(
        f"xl/worksheets/sheet1.xml is packed in a way spreadsheets do not write (method {method})"
    )

"""Metrics as resolved: definitions, values from the map and its data files, trends, shares; bad rows located."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cjmap.diagnostics import MapError
from cjmap.lint.pipeline import load_journey
from conftest import MINIMAL, write

HEAD = """\
cjmap: 1
title: T
updated: 2026-11-01
personas: [{id: mia, name: Mia}]
metrics:
  - {id: conversion, name: Checkout conversion, kind: rate, unit: "%", target: {value: 3.5, better: higher}}
  - {id: nps, name: NPS, kind: score, value: 31}
"""
STAGES = """\
stages:
  - name: Buy
    metrics: {conversion: 3.0}
    touchpoints:
      - id: checkout
        name: Checkout
        metrics: {conversion: 3.1, notes: watch the mobile numbers}
        next:
          - {to: pay, when: pays, share: 0.62}
        exit: Leaves
      - {id: pay, name: Pays}
"""


def journey(project: Path, text: str, csv: str | None = None, name: str = "data.csv"):
    if csv is not None:
        write(project, name, csv)
    return load_journey(write(project, "m.cjmap.yaml", text), "m.cjmap.yaml")


def test_an_old_map_has_no_metrics_and_keeps_its_free_notes(project: Path) -> None:
    old = journey(project, MINIMAL.replace("emotion: 1}", "emotion: 1, metrics: {reach: 120000, rate: '3 %'}}"))
    assert old.metrics.definitions == () and old.metrics.series == ()
    assert old.touchpoints[0].metrics == (("reach", 120000), ("rate", "3 %"))


def test_values_from_the_map_on_touchpoints_stages_and_the_map(project: Path) -> None:
    metrics = journey(project, HEAD + STAGES).metrics
    assert [d.id for d in metrics.definitions] == ["conversion", "nps"]
    (at_checkout,) = metrics.at_touchpoint("checkout")
    assert at_checkout.current.value == 3.1 and at_checkout.current.day == date(2026, 11, 1)
    assert at_checkout.on_target is False and at_checkout.trend == ()
    assert at_checkout.current.where.line == 14
    assert [s.current.value for s in metrics.at_stage("buy")] == [3.0]
    assert [(s.metric.id, s.current.value) for s in metrics.for_map()] == [("nps", 31)]
    assert metrics.watched("checkout") and not metrics.watched("pay")


def test_a_share_on_a_next_step_and_the_drop_off_it_leaves(project: Path) -> None:
    metrics = journey(project, HEAD + STAGES).metrics
    share = metrics.share("checkout", "pay")
    assert share is not None and share.value == 0.62 and (share.where.line, share.where.column) == (16, 42)
    assert metrics.drop_off("checkout") == pytest.approx(0.38)
    assert metrics.drop_off("pay") is None


def test_dated_rows_make_a_trend_and_the_newest_is_current(project: Path) -> None:
    csv = """\
    metric,at,value,date,persona
    conversion,checkout,3.6,2026-10-31,
    conversion,checkout,2.9,2026-08-31,
    conversion,checkout,3.3,2026-09-30,
    conversion,checkout,2.2,2026-10-31,mia
    conversion,stage:buy,3.2,2026-10,
    nps,map,33,2026-10-31,
    """
    metrics = journey(project, HEAD + "data: [data.csv]\n" + STAGES, csv).metrics
    (everyone,) = metrics.at_touchpoint("checkout")
    # the map's own 3.1 counts as of `updated` (2026-11-01), so it is the newest
    assert [(p.value, p.day) for p in everyone.trend] == [
        (2.9, date(2026, 8, 31)),
        (3.3, date(2026, 9, 30)),
        (3.6, date(2026, 10, 31)),
        (3.1, date(2026, 11, 1)),
    ]
    (mia,) = metrics.at_touchpoint("checkout", "mia")
    assert mia.current.value == 2.2 and mia.current.where == type(mia.current.where)("data.csv", 5, 21)
    assert [p.day for p in metrics.at_stage("buy")[0].points] == [date(2026, 10, 1), date(2026, 11, 1)]
    # a month's value sorts as of its first day but keeps the precision the file gave it
    assert [p.day_text for p in metrics.at_stage("buy")[0].points] == ["2026-10", "2026-11-01"]
    assert [p.day_text for p in mia.points] == ["2026-10-31"]
    assert metrics.files == (str((project / "data.csv").resolve()),)
    assert metrics.problems == ()


def test_data_newer_than_the_map_is_current(project: Path) -> None:
    csv = "metric,at,value,date\nconversion,checkout,3.7,2026-11-20\n"
    (series,) = journey(project, HEAD + "data: [data.csv]\n" + STAGES, csv).metrics.at_touchpoint("checkout")
    assert series.current.value == 3.7 and series.current.from_data and series.on_target


BROKEN = """\
metric,at,value,date,persona
convrsion,checkout,3.1,2026-10-31,
conversion,chekout,3.1,2026-10-31,
conversion,checkout,3.1 pct,2026-10-31,
conversion,checkout,3.1,31/10/2026,
conversion,checkout,3.1,2026-10-31,maya
conversion,checkout,,2026-09-30,
conversion,"checkout",3.2,2026-08-31,
conversion,checkout,3.3,2026-08-31,
"""


def test_every_bad_row_is_a_problem_at_its_file_line_and_column(project: Path) -> None:
    metrics = journey(project, HEAD + "data: [data.csv]\n" + STAGES, BROKEN).metrics
    assert [(p.where.file, p.where.line, p.where.column, p.message) for p in metrics.problems] == [
        ("data.csv", 2, 1, "unknown metric 'convrsion' (did you mean 'conversion'?)"),
        ("data.csv", 3, 12, "unknown touchpoint or stage 'chekout' (did you mean 'checkout'?)"),
        ("data.csv", 4, 21, "value '3.1 pct' is not a number"),
        ("data.csv", 5, 25, "date '31/10/2026' is not a date like 2026-09-14"),
        ("data.csv", 6, 36, "unknown persona 'maya'"),
        ("data.csv", 7, 21, "no value in this row"),
        (
            "data.csv",
            9,
            1,
            "conversion at touchpoint 'checkout' on 2026-08-31 is given twice (first on line 8); keep one",
        ),
    ]
    (series,) = metrics.at_touchpoint("checkout")  # the good row is used
    assert [p.value for p in series.points] == [3.2, 3.1]


@pytest.mark.parametrize(
    ("csv", "expected"),
    [
        (
            "metric,where,value\n",
            (
                1,
                1,
                "missing columns 'at', 'date': line 1, read as the header, holds 'metric,where,value'; "
                "name the columns metric,at,value,date (and persona) on one of the first 10 lines",
            ),
        ),
        (
            "Claims report Q4\nconversion,checkout,3.1,2026-10-31\n",
            (
                1,
                1,
                "missing columns 'metric', 'at', 'value', 'date': line 1, read as the header, holds "
                "'Claims report Q4'; name the columns metric,at,value,date (and persona) on one of the first 10 lines",
            ),
        ),
        ("", (1, 1, "data file is empty; its first line names the columns: metric,at,value,date")),
        (b"metric,at\n\xff\n", (2, 1, "data file is not UTF-8 text (byte 0xff); export it as CSV UTF-8")),
    ],
)
def test_a_file_that_is_no_table_is_one_problem(project: Path, csv: str | bytes, expected: tuple) -> None:
    (project / "data.csv").write_bytes(csv if isinstance(csv, bytes) else csv.encode())
    (problem,) = journey(project, HEAD + "data: [data.csv]\n" + STAGES).metrics.problems
    assert (problem.where.file, problem.where.line, problem.where.column, problem.message) == ("data.csv", *expected)


def test_a_semicolon_export_with_decimal_commas(project: Path) -> None:
    csv = 'metric;at;value;date\nconversion;checkout;3,4;2026-10-31\nconversion;map;"1,5 %";2026-10-31\n'
    metrics = journey(project, HEAD + "data: [data.csv]\n" + STAGES, csv).metrics
    assert metrics.problems == ()
    assert [p.value for p in metrics.at_touchpoint("checkout")[0].points] == [3.4, 3.1]
    assert metrics.for_map()[0].current.value == 1.5


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("missing.csv", "data file 'missing.csv' not found"),
        ("../outside.csv", "data file '../outside.csv' leaves the project root"),
        ("/etc/passwd", "data file '/etc/passwd' is absolute; write it relative to this map"),
    ],
)
def test_a_data_file_must_exist_inside_the_project(project: Path, entry: str, message: str) -> None:
    (project.parent / "outside.csv").write_text("metric,at,value,date\n")
    (problem,) = journey(project, HEAD + f"data: ['{entry}']\n" + STAGES).metrics.problems
    assert problem.message.startswith(message) and (problem.where.line, problem.where.column) == (8, 8)


def test_a_linked_data_file_leading_out_of_the_project_is_not_read(project: Path, tmp_path_factory) -> None:
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.csv"
    secret.write_text("metric,at,value,date\nconversion,checkout,99,2026-10-31\n")
    (project / "data.csv").symlink_to(secret)
    metrics = journey(project, HEAD + "data: [data.csv]\n" + STAGES).metrics
    assert [p.message.split(" root")[0] for p in metrics.problems] == ["data file 'data.csv' leaves the project"]
    assert all(p.value != 99 for s in metrics.series for p in s.points)


def test_a_data_file_of_another_kind_is_refused_not_read(project: Path) -> None:
    import os

    os.mkfifo(project / "data.csv")
    (problem,) = journey(project, HEAD + "data: [data.csv]\n" + STAGES).metrics.problems
    assert "named pipe (FIFO), not a regular file" in problem.message


def test_a_data_file_over_the_limit_is_refused(project: Path, monkeypatch) -> None:
    from cjmap.metrics import tables

    monkeypatch.setattr(tables, "MAX_DATA_BYTES", 100)
    csv = "metric,at,value,date\n" + "conversion,checkout,3.1,2026-10-31\n" * 10
    (problem,) = journey(project, HEAD + "data: [data.csv]\n" + STAGES, csv).metrics.problems
    assert problem.message == "data file is 371 bytes, over the limit of 100"


def test_rows_past_the_limit_are_refused(project: Path, monkeypatch) -> None:
    from cjmap.metrics import tables

    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    csv = "metric,at,value,date\n" + "".join(f"conversion,checkout,3.1,2026-10-{d:02}\n" for d in range(1, 6))
    (problem,) = journey(project, HEAD + "data: [data.csv]\n" + STAGES, csv).metrics.problems
    assert (problem.where.line, problem.message) == (
        5,
        "more than 3 rows of data; keep one file per metric or per year",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEAD + STAGES.replace("conversion: 3.0", "convrsion: 3.0"),
            (
                "CJM003",
                10,
                15,
                "unknown metric 'convrsion' (did you mean 'conversion'?); a stage's metrics must be defined under "
                "'metrics:'",
            ),
        ),
        (
            HEAD + STAGES.replace("conversion: 3.1,", "conversion: '3.1 %',"),
            (
                "CJM002",
                14,
                31,
                "metric 'conversion' is defined (a rate), so its value here must be a number, not text '3.1 %'",
            ),
        ),
        (
            HEAD.replace('unit: "%"', "unit: pct"),
            (
                "CJM002",
                6,
                67,
                "metric 'conversion' is a rate, a percentage from 0 to 100: its unit is '%' (or leave it out), not "
                "'pct'",
            ),
        ),
        (HEAD.replace("kind: score,", "kind: score, owner: cx,"), ("CJM003", 7, 46, "unknown team 'cx'")),
        (
            HEAD + "  - {id: nps, name: Again, kind: count}\n",
            ("CJM004", 8, 5, "duplicate metric id 'nps' (first defined at m.cjmap.yaml:7:5)"),
        ),
        (
            HEAD.replace("kind: score", "kind: ratio"),
            ("CJM002", 7, 32, "'kind' must be one of 'count', 'rate', 'score', 'duration' or 'currency', got 'ratio'"),
        ),
        (
            HEAD + STAGES.replace("share: 0.62", "share: 62"),
            ("CJM002", 16, 42, "'share': should be less than or equal to 1"),
        ),
    ],
)
def test_a_mistake_in_the_maps_own_metric_keys_stops_it_loading(project: Path, text: str, expected: tuple) -> None:
    with pytest.raises(MapError) as raised:
        journey(project, text)
    assert [(d.code, d.where.line, d.where.column, d.message) for d in raised.value.diagnostics] == [expected]


def test_a_stage_value_in_a_map_that_defines_no_metrics(project: Path) -> None:
    text = MINIMAL.replace("  - name: Purchase\n", "  - name: Purchase\n    metrics: {nps: 31}\n")
    with pytest.raises(MapError, match=r"unknown metric 'nps' \(no metrics are defined; add it under 'metrics:'\)"):
        journey(project, text)


def test_definitions_come_from_imports_and_an_import_may_not_name_data(project: Path) -> None:
    write(
        project,
        "lib.cjmap.yaml",
        "cjmap: 1\nmetrics: [{id: csat, name: CSAT, kind: score, target: {value: 4, better: higher}}]\n",
    )
    text = HEAD.replace("metrics:\n", "imports: [lib.cjmap.yaml]\nmetrics:\n") + STAGES.replace(
        "conversion: 3.0", "csat: 4.1"
    )
    metrics = journey(project, text).metrics
    assert [(d.id, d.local) for d in metrics.definitions] == [("conversion", True), ("nps", True), ("csat", False)]
    assert metrics.at_stage("buy")[0].metric.id == "csat"
    write(project, "lib.cjmap.yaml", "cjmap: 1\ndata: [x.csv]\n")
    with pytest.raises(MapError, match="an imported file may define metrics, not name data files"):
        journey(project, text)


def test_extra_data_files_given_on_the_command_line(project: Path) -> None:
    from cjmap.resolve import resolve
    from cjmap.source.loader import load_map

    extra = write(project, "export.csv", "metric,at,value,date\nconversion,checkout,3.9,2026-11-20\n")
    loaded = load_map(write(project, "m.cjmap.yaml", HEAD + STAGES), "m.cjmap.yaml")
    (series,) = resolve(loaded, [extra]).metrics.at_touchpoint("checkout")
    assert series.current.value == 3.9 and series.current.where.file == str(extra)


def test_the_example_reads_its_csv() -> None:
    from conftest import EXAMPLES

    metrics = load_journey(EXAMPLES / "checkout.cjmap.yaml").metrics
    (conversion,) = metrics.for_map()[:1]
    assert (
        conversion.metric.name == "Checkout conversion"
        and conversion.current.value == 3.6
        and len(conversion.trend) == 4
    )
    assert conversion.metric.format(conversion.current.value) == "3.6 %"
    assert {s.persona for s in metrics.all_at("touchpoint", "checkout-form")} == {"first-time", "returning"}
    assert metrics.drop_off("review-cart") == pytest.approx(0.45)


def test_an_unknown_team_on_a_touchpoint_and_on_a_metric_is_reported_in_one_run(project: Path) -> None:
    """Resolving stopped at the touchpoint's error; the metric's came only once that was fixed."""
    text = HEAD.replace("personas:", "teams: [{id: claims-cx}]\npersonas:").replace(
        "kind: score,", "kind: score, owner: claims-cxx,"
    ) + STAGES.replace("name: Checkout\n", "name: Checkout\n        owner: claims-cxx\n")
    with pytest.raises(MapError) as raised:
        journey(project, text)
    assert [(d.code, d.where.line, d.message) for d in raised.value.diagnostics] == [
        ("CJM003", 8, "unknown team 'claims-cxx' (did you mean 'claims-cx'?)"),
        ("CJM003", 15, "unknown team 'claims-cxx' (did you mean 'claims-cx'?)"),
    ]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("stage:checkout", "unknown stage 'checkout'; 'checkout' is a touchpoint: write 'touchpoint:checkout'"),
        ("touchpoint:buy", "unknown touchpoint 'buy'; 'buy' is a stage: write 'stage:buy'"),
        ("stage:bye", "unknown stage 'bye' (did you mean 'buy'?)"),
    ],
)
def test_an_id_behind_the_wrong_prefix_is_named_with_the_right_one(project: Path, at: str, expected: str) -> None:
    csv = f"metric,at,value,date\nconversion,{at},3.2,2026-10-31\n"
    (problem,) = journey(project, HEAD + "data: [data.csv]\n" + STAGES, csv).metrics.problems
    assert (problem.where.line, problem.where.column, problem.message) == (2, 12, expected)


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_title_and_blank_lines_above_the_header_are_skipped(project: Path, delimiter: str) -> None:
    csv = "Claims report Q4\nExported 2026-11-02;by BI\n\nmetric,at,value,date\nconversion,checkout,3.4,2026-11-20\n"
    metrics = journey(project, HEAD + "data: [data.csv]\n" + STAGES, csv.replace(",", delimiter)).metrics
    assert metrics.problems == ()
    (series,) = metrics.at_touchpoint("checkout")
    assert series.current.value == 3.4 and (series.current.where.line, series.current.where.column) == (5, 21)

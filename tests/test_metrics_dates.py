"""A value's date as the data gave it: a monthly export stays monthly where values are dated in outputs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cjmap.lint.pipeline import load_journey
from cjmap.render import render_journey
from conftest import lint_findings, write

MAP = """\
cjmap: 1
title: T
updated: 2026-09-01
metrics: [{id: csat, name: CSAT, kind: score, unit: of 5}]
data: [d.csv]
stages:
  - name: Buy
    touchpoints: [{id: checkout, name: Checkout}]
"""


def test_the_report_dates_a_monthly_value_by_its_month(project: Path) -> None:
    write(project, "d.csv", "metric,at,value,date\ncsat,checkout,4.1,2026-09\ncsat,checkout,4.3,2026-10\n")
    journey = load_journey(write(project, "m.cjmap.yaml", MAP), "m.cjmap.yaml")
    html = render_journey(journey, ["html"], [], "t", today=date(2026, 11, 24))["html"].decode()
    assert 'as of <time datetime="2026-10">2026-10</time>' in html
    assert 'as of <time datetime="2026-10-01"' not in html


def test_stale_monthly_data_is_named_by_its_month(project: Path) -> None:
    write(project, "d.csv", "metric,at,value,date\ncsat,checkout,4.1,2024-09\n")
    found = lint_findings(project, MAP, ("CJM605",))
    assert [message for *_, message in found] == [
        "the newest CSAT at touchpoint 'checkout' is from 2024-09, 814 days ago (limit 365)"
    ]

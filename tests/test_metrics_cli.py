"""`--data FILE` on the command line: an export read besides the map's own data, for one map."""

from __future__ import annotations

from pathlib import Path

from conftest import TODAY, run_cli, write

MAP = """\
cjmap: 1
title: T
updated: 2026-11-01
metrics: [{id: conversion, name: Checkout conversion, kind: rate, target: {value: 3.5, better: higher}, value: 3.1}]
stages:
  - name: Buy
    touchpoints: [{id: checkout, name: Checkout}]
"""


def test_lint_with_an_export_that_brings_the_metric_on_target(project: Path) -> None:
    write(project, "m.cjmap.yaml", MAP)
    before = run_cli("lint", "m.cjmap.yaml", "--select", "CJM6", "--today", TODAY, cwd=project)
    assert "CJM602 Checkout conversion for the map is 3.1 %, below its target 3.5 %" in before.stdout
    write(
        project, "export.csv", "metric,at,value,date\nconversion,map,3.8,2026-11-20\nconversion,chekout,1,2026-11-20\n"
    )
    after = run_cli("lint", "m.cjmap.yaml", "--data", "export.csv", "--select", "CJM6", "--today", TODAY, cwd=project)
    assert after.returncode == 1, after.stderr
    assert after.stdout.splitlines() == [
        "export.csv:3:12: error CJM601 unknown touchpoint or stage 'chekout' (did you mean 'checkout'?) "
        "[bad-metric-data]"
    ]


def test_render_with_data_writes_the_outputs(project: Path) -> None:
    write(project, "m.cjmap.yaml", MAP)
    write(project, "export.csv", "metric,at,value,date\nconversion,map,3.8,2026-11-20\n")
    result = run_cli("render", "m.cjmap.yaml", "--data", "export.csv", "-f", "html", "-o", "out", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "out" / "m.html").exists() and (project / "export.csv").read_text().startswith("metric,")


def test_data_goes_with_one_map_file_and_must_exist(project: Path) -> None:
    write(project, "m.cjmap.yaml", MAP)
    folder = run_cli("lint", ".", "--data", "m.cjmap.yaml", cwd=project)
    assert folder.returncode == 2 and "--data goes with one map: name a single map file" in folder.stderr
    missing = run_cli("render", "m.cjmap.yaml", "--data", "gone.csv", cwd=project)
    assert missing.returncode == 2 and "gone.csv:1:1: error CJM000 no such data file" in missing.stderr
    assert not (project / "m.svg").exists()

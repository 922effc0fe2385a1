"""Config files, --select/--ignore, severities, per-file ignores and inline suppressions."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjmap.diagnostics import MapError, Severity
from cjmap.lint.config import Config, find_config, load_config
from cjmap.lint.policy import build_policy, expand
from cjmap.lint.settings import Settings
from conftest import TODAY, run_cli, write

# A map with one finding of each of several severities.
NOISY = """
cjmap: 1
title: Noisy
updated: 2026-11-01
teams: [{id: t}]
channels: [{id: c}]
stages:
  - name: Awareness
    touchpoints:
      - {name: Ad, channel: c, owner: t}
      - {name: Page, channel: c, emotion: 0}
  - name: Retention
"""


def lint(project: Path, *args: str) -> tuple[int, list[str]]:
    result = run_cli("lint", "--today", TODAY, "--quiet", *args, cwd=project)
    assert "Traceback" not in result.stderr
    return result.returncode, [" ".join(line.split(" ")[:3]) for line in result.stdout.splitlines()]


def test_default_reports_everything_and_fails_on_errors(project: Path) -> None:
    write(project, "m.cjmap.yaml", NOISY)
    assert lint(project) == (
        1,
        ["m.cjmap.yaml:9:9: info CJM303", "m.cjmap.yaml:10:9: warning CJM103", "m.cjmap.yaml:11:5: error CJM101"],
    )


@pytest.mark.parametrize(
    ("args", "code", "lines"),
    [
        (["--select", "CJM1"], 1, ["m.cjmap.yaml:10:9: warning CJM103", "m.cjmap.yaml:11:5: error CJM101"]),
        (
            ["--select", "missing-emotion,CJM103"],
            0,
            ["m.cjmap.yaml:9:9: info CJM303", "m.cjmap.yaml:10:9: warning CJM103"],
        ),
        (["--ignore", "CJM101", "--ignore", "CJM3"], 0, ["m.cjmap.yaml:10:9: warning CJM103"]),
        (
            ["--ignore", "CJM101", "--fail-on", "warning"],
            1,
            ["m.cjmap.yaml:9:9: info CJM303", "m.cjmap.yaml:10:9: warning CJM103"],
        ),
        (["--select", "CJM3", "--fail-on", "info"], 1, ["m.cjmap.yaml:9:9: info CJM303"]),
        (
            ["--exit-zero"],
            0,
            ["m.cjmap.yaml:9:9: info CJM303", "m.cjmap.yaml:10:9: warning CJM103", "m.cjmap.yaml:11:5: error CJM101"],
        ),
    ],
)
def test_command_line_selection(project: Path, args: list[str], code: int, lines: list[str]) -> None:
    write(project, "m.cjmap.yaml", NOISY)
    assert lint(project, *args) == (code, lines)


def test_unknown_selector_is_misuse(project: Path) -> None:
    write(project, "m.cjmap.yaml", NOISY)
    result = run_cli("lint", "--select", "CJM999", cwd=project)
    assert result.returncode == 2 and "error: 'CJM999' names no rule" in result.stderr


def test_cjmap_toml_selects_regrades_and_sets_thresholds(project: Path) -> None:
    write(
        project,
        "cjmap.toml",
        'ignore = ["missing-emotion"]\nfail-on = "warning"\n\n[severity]\nCJM101 = '
        '"warning"\ntouchpoint-without-owner = "error"\n',
    )
    write(project, "maps/m.cjmap.yaml", NOISY)
    assert lint(project) == (1, ["maps/m.cjmap.yaml:10:9: error CJM103", "maps/m.cjmap.yaml:11:5: warning CJM101"])


def test_pyproject_tool_table_is_found_upwards(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.cjmap]\nselect = ["CJM101"]\n')
    write(tmp_path, "deep/er/m.cjmap.yaml", NOISY)
    assert find_config(tmp_path / "deep" / "er") == tmp_path / "pyproject.toml"
    assert lint(tmp_path, "deep") == (1, ["deep/er/m.cjmap.yaml:11:5: error CJM101"])


def test_pyproject_without_a_cjmap_table_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, "cjmap.toml", 'select = ["CJM103"]\n')
    write(tmp_path, "sub/pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(tmp_path / "sub") == tmp_path / "cjmap.toml"


def test_explicit_config_and_stale_days(project: Path) -> None:
    write(project, "m.cjmap.yaml", NOISY.replace("2026-11-01", "2026-01-01"))
    write(project, "strict.toml", 'select = ["CJM401"]\nstale-days = 180\n')
    assert lint(project, "--config", "strict.toml", "m.cjmap.yaml") == (0, ["m.cjmap.yaml:3:10: warning CJM401"])


def test_per_file_ignores(project: Path) -> None:
    write(project, "cjmap.toml", '[per-file-ignores]\n"legacy/*.cjmap.yaml" = ["CJM1"]\n')
    write(project, "legacy/old.cjmap.yaml", NOISY)
    write(project, "new.cjmap.yaml", NOISY)
    code, lines = lint(project, "--select", "CJM1")
    assert lines == ["new.cjmap.yaml:10:9: warning CJM103", "new.cjmap.yaml:11:5: error CJM101"]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            'selct = ["CJM1"]\n',
            "cjmap.toml:1:1: error CJM007 unknown setting 'selct' (did you mean 'select'?) [config]",
        ),
        (
            'select = ["CJM1"]\nfail-on = "fatal"\n',
            "cjmap.toml:2:1: error CJM007 setting 'fail-on': should be 'error', 'warning' or 'info' [config]",
        ),
        (
            "stale-days = 0\n",
            "cjmap.toml:1:1: error CJM007 setting 'stale-days': should be greater than or equal to 1 [config]",
        ),
        (  # TOML's true and "180" are not numbers: read loosely they were 1 and 180, without a word
            "low-emotion = true\n",
            "cjmap.toml:1:1: error CJM007 setting 'low-emotion': should be a whole number, not true [config]",
        ),
        (
            'stale-days = "180"\n',
            "cjmap.toml:1:1: error CJM007 setting 'stale-days': should be a whole number, "
            'not "180" (text: write a number without quotes) [config]',
        ),
        (
            'select = "CJM1"\n',
            "cjmap.toml:1:1: error CJM007 setting 'select': should be a list, "
            'like ["CJM1", "missing-emotion"], not "CJM1" [config]',
        ),
        ("select = [\n", "cjmap.toml:1:1: error CJM007 invalid TOML: Invalid value [config]"),
        ("a = 1\nb = = 2\n", "cjmap.toml:2:5: error CJM007 invalid TOML: Invalid value [config]"),
    ],
)
def test_config_errors_are_one_line_and_exit_2(project: Path, toml: str, message: str) -> None:
    write(project, "cjmap.toml", toml)
    write(project, "m.cjmap.yaml", NOISY)
    result = run_cli("lint", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr


def test_config_selectors_are_checked(project: Path) -> None:
    with pytest.raises(MapError) as raised:  # a config's mistake is CJM007, whichever command reads the config
        build_policy(Config(Settings(ignore=("no-such-rule",)), project))
    assert [(d.code, d.message) for d in raised.value.diagnostics] == [
        ("CJM007", "setting 'ignore': 'no-such-rule' names no rule (see `cjmap rules`)")
    ]


def test_expand_selectors() -> None:
    assert expand(["CJM20"]) == {"CJM201", "CJM202", "CJM203", "CJM204", "CJM205", "CJM206"}
    assert expand(["dead-end", "CJM101"]) == {"CJM202", "CJM101"}
    assert len(expand(["ALL"])) == len(expand(["CJM"]))


def test_load_config_reads_kebab_case(project: Path) -> None:
    path = write(project, "cjmap.toml", 'fail-on = "info"\nlow-emotion = -2\n[per-file-ignores]\n"a/*" = ["CJM4"]\n')
    settings = load_config(path).settings
    low_emotion = settings.option_values()["low-emotion"]  # a rule's option: a field mypy cannot see
    assert (settings.fail_on, low_emotion, settings.per_file_ignores) == ("info", -2, {"a/*": ("CJM4",)})
    with pytest.raises(MapError):
        load_config(write(project, "bad.toml", "low-emotion = 3\n"))


SUPPRESSED = """
cjmap: 1
title: Suppressed
updated: 2026-11-01
teams: [{id: t}]
channels: [{id: c}]
stages:
  - name: Awareness
    touchpoints:
      - {name: Ad, channel: c, owner: t}  # cjmap: ignore[CJM303]
      # cjmap: ignore[touchpoint-without-owner]
      - {name: Page, channel: c, emotion: 0}
  - name: Retention  # cjmap: ignore
"""


def test_inline_suppressions_on_the_line_and_the_line_above(project: Path) -> None:
    write(project, "m.cjmap.yaml", SUPPRESSED)
    assert lint(project) == (0, [])


def test_suppression_of_another_rule_does_not_hide_a_finding(project: Path) -> None:
    write(project, "m.cjmap.yaml", SUPPRESSED.replace("ignore[CJM303]", "ignore[CJM202]"))
    assert lint(project) == (0, ["m.cjmap.yaml:9:9: info CJM303"])


def test_trailing_suppression_does_not_reach_the_next_line(project: Path) -> None:
    text = SUPPRESSED.replace("      # cjmap: ignore[touchpoint-without-owner]\n", "").replace(
        "{name: Ad, channel: c, owner: t}  # cjmap: ignore[CJM303]",
        "{name: Ad, channel: c, owner: t, emotion: 1}  # cjmap: ignore[CJM103]",
    )
    write(project, "m.cjmap.yaml", text)
    assert lint(project)[1] == ["m.cjmap.yaml:10:9: warning CJM103"]


def test_ignore_file(project: Path) -> None:
    write(project, "m.cjmap.yaml", "# cjmap: ignore-file[CJM1, CJM303]\n" + NOISY.lstrip("\n"))
    assert lint(project) == (0, [])


def test_unused_suppressions_are_reported_on_request(project: Path) -> None:
    text = SUPPRESSED.replace("ignore[CJM303]", "ignore[CJM303, CJM202]").replace(
        "  - name: Retention  # cjmap: ignore\n",
        "  - name: Retention\n    touchpoints: [{name: R, channel: c, owner: t, emotion: 1}]  # cjmap: ignore[CJM4]\n",
    )
    write(project, "m.cjmap.yaml", text)
    assert lint(project) == (0, [])
    result = run_cli("lint", "--today", TODAY, "--report-unused-ignores", cwd=project)
    assert result.stdout.splitlines() == [
        "m.cjmap.yaml:13:65: warning CJM901 suppression of CJM401, CJM402, CJM403, CJM404 is not used "
        "[unused-suppression]"
    ]
    assert result.returncode == 0  # a warning does not fail at the default --fail-on error


def test_structural_errors_cannot_be_suppressed(project: Path) -> None:
    write(
        project,
        "m.cjmap.yaml",
        "# cjmap: ignore-file\ncjmap: 1\ntitle: T\nstages: [{name: S, touchpoints: [{name: A, channel: nope}]}]\n",
    )
    result = run_cli("lint", cwd=project)
    assert result.returncode == 2 and "CJM003" in result.stdout


def test_severity_enum_ranks() -> None:
    assert Severity.INFO.rank < Severity.WARNING.rank < Severity.ERROR.rank


def test_a_misspelt_rule_name_in_a_config_gets_a_did_you_mean(project: Path) -> None:
    write(project, "cjmap.toml", 'ignore = ["missing-emotoin"]\n')
    write(project, "m.cjmap.yaml", NOISY)
    result = run_cli("lint", cwd=project)
    assert result.returncode == 2
    assert "'missing-emotoin' names no rule (did you mean 'missing-emotion'?)" in result.stdout + result.stderr

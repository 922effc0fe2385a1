"""Hostile and awkward inputs of issue 13 (medium): each gives one clear line and exit 2, or is handled
in words, never a traceback; slow cases must stay quick. Built by the tests, since most cannot be files in git."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_hostile import assert_outputs_untouched, generated

from conftest import MINIMAL, TODAY, run_cli, run_process, write

TOUCHPOINT_WITH_METRIC = MINIMAL.replace(
    "{name: Buys, channel: web, owner: sales, emotion: 2}",
    "{name: Buys, channel: web, owner: sales, emotion: 2, metrics: {reach: VALUE}}",
)


@pytest.mark.parametrize(
    "value",
    ["0x" + "f" * 4000, "1:" * 3000 + "1", "0" + "7" * 6000, "0b" + "1" * 15000],
    ids=["hex", "sexagesimal", "octal", "binary"],
)
def test_whole_number_too_long_to_print(tmp_path: Path, value: str) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", TOUCHPOINT_WITH_METRIC.replace("VALUE", value).encode())
    for command in (
        ["lint", "m.cjmap.yaml"],
        ["render", "--format", "svg,html,markdown", "m.cjmap.yaml"],
        ["outline", "m.cjmap.yaml"],
    ):
        result = run_cli(*command, cwd=project)
        output = result.stdout + result.stderr
        assert "Traceback" not in output, output[-2000:]
        if command[0] != "outline":  # outline prints the file as it is when it is not a map
            assert result.returncode == 2, output
            assert (
                "m.cjmap.yaml:13:" in output
                and "error CJM002 'reach' is a number of more than 100 digits; quote it if it is text" in output
            )
    assert_outputs_untouched(project, "m")


def test_whole_number_too_long_anywhere(tmp_path: Path) -> None:
    huge = "0x" + "f" * 4000
    project = generated(tmp_path, "m.cjmap.yaml", f"cjmap: {huge}\n".encode())
    result = run_cli("lint", "m.cjmap.yaml", cwd=project)
    assert (
        result.returncode == 2
        and "m.cjmap.yaml:1:8: error CJM002 'cjmap' is a number of more than 100 digits" in result.stdout
    )


FUTURE = MINIMAL.replace("title: Minimal", "title: Minimal\nstate: future")


@pytest.mark.parametrize(
    "command",
    [
        ["lint", "m.cjmap.yaml"],
        ["render", "--format", "dot", "m.cjmap.yaml"],
        ["diff", "m.cjmap.yaml", "f.cjmap.yaml"],
        ["compare", "m.cjmap.yaml", "f.cjmap.yaml"],
    ],
    ids=["lint", "render", "diff", "compare"],
)
def test_config_selector_naming_no_rule_is_one_line_in_every_command(tmp_path: Path, command: list[str]) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    write(project, "f.cjmap.yaml", FUTURE)
    (project / "cjmap.toml").write_text('select = ["CJM1"]\nignore = [\n  "CJM4",\n  "nonsense",\n]\n')
    result = run_cli(*command, cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert (
        "cjmap.toml:4:1: error CJM007 setting 'ignore': 'nonsense' names no rule (see `cjmap rules`) [config]"
        in result.stderr
    )
    assert_outputs_untouched(project, "m")
    assert not (project / "m.dot").exists() and not (project / "f-compare.html").exists()


@pytest.mark.parametrize(
    ("name", "config", "expected"),
    [
        (
            "cjmap.toml",
            '[per-file-ignores]\n"legacy/*" = ["CJM4"]\n"" = ["CJM1"]\n',
            "cjmap.toml:3:1: error CJM007 setting 'per-file-ignores': a glob must not be empty",
        ),
        (
            "cjmap.toml",
            "x = " + "[" * 5000 + "]" * 5000 + "\n",
            "cjmap.toml:1:1: error CJM007 invalid TOML: values nested too deeply",
        ),
        (
            "cjmap.toml",
            'fail-on = "error"\n[severity]\nCJM101 = "info"\nCJM102 = "fatal"\n',
            "cjmap.toml:4:1: error CJM007 setting 'severity.CJM102': should be 'error', 'warning' or 'info'",
        ),
        (
            "pyproject.toml",
            '[tool.ruff]\nselect = ["E"]\n\n[tool.cjmap]\nselect = ["CJM1", "bogus"]\n',
            "pyproject.toml:5:1: error CJM007 setting 'select': 'bogus' names no rule",
        ),
        (
            "pyproject.toml",
            '[tool.ruff]\nselect = ["E"]\n[tool.cjmap]\nfail-on = "never"\n',
            "pyproject.toml:4:1: error CJM007 setting 'fail-on': should be 'error', 'warning' or 'info'",
        ),
        (
            "pyproject.toml",
            '[tool.cjmap.severity]\nbogus = "error"\n',
            "pyproject.toml:2:1: error CJM007 setting 'severity': 'bogus' names no rule",
        ),
    ],
    ids=[
        "empty-glob",
        "toml-5000-deep",
        "nested-setting",
        "pyproject-select",
        "pyproject-after-other-tool",
        "severity-key",
    ],
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


@pytest.mark.parametrize(
    "tool", ["tool = [1]", "tool = 3", "[tool]\ncjmap = [1]"], ids=["tool-array", "tool-number", "cjmap-array"]
)
def test_pyproject_whose_tool_is_not_a_table(tmp_path: Path, tool: str) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    (project / "pyproject.toml").write_text(tool + "\n")
    result = run_cli("lint", "--config", "pyproject.toml", "m.cjmap.yaml", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "error CJM007" in result.stderr and "must be a table" in result.stderr


def test_20000_same_names_get_distinct_ids_in_one_pass() -> None:
    """Numbering equal task names used to retry every number from 2 for each name (25 s for 20,000)."""
    from cjmap.vocabulary.ids import unique_ids

    ids = unique_ids(["Same task"] * 20_000, "task")
    assert ids[:3] == ["same-task", "same-task-2", "same-task-3"] and len(set(ids)) == 20_000


def test_compare_warns_about_swapped_or_unrelated_maps(tmp_path: Path) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    write(project, "f.cjmap.yaml", FUTURE)
    write(project, "other.cjmap.yaml", FUTURE.replace("Sees an ad", "Walks in").replace("Buys", "Leaves"))
    result = run_cli("compare", "m.cjmap.yaml", "f.cjmap.yaml", "-o", "ok.html", cwd=project)
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    result = run_cli("compare", "f.cjmap.yaml", "m.cjmap.yaml", "-o", "swapped.html", cwd=project)
    assert result.returncode == 0
    assert (
        "warning: m.cjmap.yaml says 'state: current' but is compared as the future state (the two look swapped: "
        "CURRENT comes first)" in result.stderr
    )
    result = run_cli("compare", "m.cjmap.yaml", "other.cjmap.yaml", "-o", "unrelated.html", cwd=project)
    assert (
        "warning: m.cjmap.yaml and other.cjmap.yaml share no touchpoint (by id or name); are they the same journey?"
        in result.stderr
    )


@pytest.mark.parametrize(
    "compares",
    ["a/" * 3000 + "x.cjmap.yaml", "cur\\0rent.cjmap.yaml", "\\e]8;;http://evil\\e\\\\\\\\click\\e[2J"],
    ids=["too-long", "nul", "escapes"],
)
def test_compare_with_a_compares_path_it_cannot_use(tmp_path: Path, compares: str) -> None:
    project = generated(
        tmp_path, "m.cjmap.yaml", FUTURE.replace("state: future", f'state: future\ncompares: "{compares}"').encode()
    )
    result = run_cli("compare", "m.cjmap.yaml", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert (
        result.stderr.startswith("error: m.cjmap.yaml: compares: '")
        and "is not a map file inside the project" in result.stderr
    )
    assert "\x1b" not in result.stderr and "\x00" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_outline_prints_no_terminal_escapes(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "{name: Sees an ad,",
        '{name: "Sees \\e]8;;https://evil.example/\\e\\\\an ad \\e[2J\\x9b31m \\u202eevil\\u202c",',
    )
    project = generated(tmp_path, "m.cjmap.yaml", text.encode())
    result = run_cli("outline", "m.cjmap.yaml", cwd=project)
    assert result.returncode == 0, result.stderr
    assert not set("\x1b\x9b\u202e\u202c") & set(result.stdout), result.stdout
    assert (
        ": Sees \\x1b]8;;https://evil.example/\\x1b\\an ad \\x1b[2J\\x9b31m \\u202eevil\\u202c (channel web;"
        in result.stdout
    ), result.stdout
    (project / "broken.cjmap.yaml").write_text(
        'cjmap: 2\ntitle: "\x1b[2J\u202e"\n'
    )  # not a map: printed as it is, escapes shown
    result = run_cli("outline", "broken.cjmap.yaml", cwd=project)
    assert result.stdout == 'cjmap: 2\ntitle: "\\x1b[2J\\u202e"\n'


def test_wrote_lines_show_file_names_escaped(tmp_path: Path) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    (project / "\x1b[31mred\u202e.cjmap.yaml").write_text(MINIMAL)
    result = run_cli("render", "--format", "dot,mermaid", "\x1b[31mred\u202e.cjmap.yaml", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (
        "wrote \\x1b[31mred\\u202e.dot\n" in result.stderr
        and "\x1b" not in result.stderr
        and "\u202e" not in result.stderr
    )


def test_diff_markdown_shows_bidi_controls_as_escapes(tmp_path: Path) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    write(project, "n.cjmap.yaml", MINIMAL.replace("Sees an ad", "Sees an \u202ead\u202c"))
    result = run_cli("diff", "--format", "markdown", "--today", TODAY, "m.cjmap.yaml", "n.cjmap.yaml", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "\u202e" not in result.stdout and "\\\\u202ead" in result.stdout, result.stdout


def _cjmap(*args: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cjmap", *args], cwd=cwd, env={**os.environ, "NO_COLOR": "1"}, timeout=120, **kwargs
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "command", [["lint", "m.cjmap.yaml"], ["rules"], ["schema"], ["outline", "m.cjmap.yaml"]], ids=lambda c: c[0]
)
def test_standard_output_on_a_full_disk(tmp_path: Path, command: list[str]) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.replace("owner: sales, emotion: 1", "emotion: 1").encode())
    with open("/dev/full", "w") as full:
        result = _cjmap(*command, cwd=project, stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 2, result.stderr
    assert result.stderr.decode().splitlines()[-1] == "error: cannot write output: No space left on device"
    assert b"Traceback" not in result.stderr and b"Exception ignored" not in result.stderr


def test_standard_output_closed(tmp_path: Path) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.replace("owner: sales, emotion: 1", "emotion: 1").encode())
    result = _cjmap("lint", "m.cjmap.yaml", cwd=project, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    assert (
        result.returncode == 2
        and result.stderr.decode().splitlines()[-1] == "error: cannot write output: standard output is closed"
    )
    result = _cjmap(
        "render", "--format", "dot", "m.cjmap.yaml", cwd=project, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1)
    )
    assert (
        result.returncode == 0 and b"Traceback" not in result.stderr
    )  # render prints on standard error only: it still works
    assert (project / "m.dot").exists()


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "utf-8"])
def test_any_output_encoding_and_file_names_that_are_not_utf_8(tmp_path: Path, encoding: str) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    write(
        project,
        "n.cjmap.yaml",
        MINIMAL.replace("emotion: 1}", "emotion: -1}").replace("title: Minimal", "title: Minimal \u2192 more"),
    )
    odd = os.fsencode(project) + b"/b\xe9.cjmap.yaml"
    with open(odd, "w") as f:
        f.write(MINIMAL.replace("owner: sales, emotion: 1", "emotion: 1"))
    env = {"PYTHONIOENCODING": encoding}
    for command in (
        ["diff", "--today", TODAY, "m.cjmap.yaml", "n.cjmap.yaml"],
        ["outline", "n.cjmap.yaml"],
        ["lint", "."],
        ["lint", "--format", "json", "."],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "cjmap", *command],
            cwd=project,
            env={**os.environ, **env},
            capture_output=True,
            timeout=120,
        )
        assert b"Traceback" not in result.stderr, (command, result.stderr.decode(errors="replace"))
        assert result.returncode in (0, 1), (command, result.stderr)
        result.stdout.decode(encoding)  # what was printed is in the encoding asked for
    assert "b\\xe9.cjmap.yaml:" in run_process("lint", ".", cwd=project, env=env).stdout


def test_100000_suppression_comments_are_matched_quickly(tmp_path: Path) -> None:
    touchpoints = "".join(f"      - {{name: T{i}, emotion: -2}}  # cjmap: ignore[CJM301]\n" for i in range(4000))
    text = (
        "cjmap: 1\ntitle: T\nupdated: 2026-11-01\nstages:\n  - name: S\n    touchpoints:\n"
        + touchpoints
        + "# cjmap: ignore[CJM103]\n" * 96_000
    )
    project = generated(tmp_path, "m.cjmap.yaml", text.encode())
    result = run_cli(
        "lint", "--today", TODAY, "--select", "CJM301,CJM104", "m.cjmap.yaml", cwd=project
    )  # took 150 s: every finding was tried against every comment
    assert result.returncode == 0 and "CJM301" not in result.stdout and result.stdout.count("CJM104") == 4000


def test_a_suppression_naming_an_unknown_code_still_applies_the_known_ones(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "{name: Sees an ad, channel: web, owner: sales, emotion: 1}",
        "{name: Sees an ad, emotion: 1}  # cjmap: ignore[CJM103, CJM999, touchpoint-without-channel]",
    )
    project = generated(tmp_path, "m.cjmap.yaml", text.encode())
    result = run_cli("lint", "--today", TODAY, "m.cjmap.yaml", cwd=project)
    assert result.stdout.splitlines() == [
        "m.cjmap.yaml:10:41: warning CJM901 suppression names 'CJM999', which is no rule (see `cjmap rules`); the "
        "rest of the comment still applies [unused-suppression]"
    ]


def test_70000_channels_are_looked_up_quickly(tmp_path: Path) -> None:
    from cjmap.lint.pipeline import load_journey
    from cjmap.render.gaps import gaps
    from cjmap.render.markdown import to_markdown

    channels = "".join(f"  - {{id: c{i}, name: C{i}}}\n" for i in range(70_000))
    touchpoints = "".join(f"      - {{name: T{i}, channel: c{i * 20}, owner: sales}}\n" for i in range(3_000))
    text = (
        f"cjmap: 1\ntitle: T\nteams: [{{id: sales, name: Sales}}]\nchannels:\n{channels}stages:\n  - name: S\n    "
        f"touchpoints:\n{touchpoints}"
    )
    journey = load_journey(write(tmp_path, "m.cjmap.yaml", text))
    found = gaps(journey, [])  # each lookup scanned every channel: half a minute
    to_markdown(journey, [])
    last = [journey.channel(tp.channel) for tp in journey.touchpoints][-1]
    assert last is not None and last.name == "C59980"
    assert found.channels.too_big == (70_000, 1)  # a 70,000-row table is left out of the report, saying so
    assert found.teams.cells[0][0][0].name == "T0"


def test_emotion_with_the_minus_sign_reports_print_and_words(tmp_path: Path) -> None:
    text = MINIMAL.replace("owner: sales, emotion: 1}", "owner: sales, emotion: \u22121}")
    project = generated(tmp_path, "m.cjmap.yaml", text.encode())
    result = run_cli("outline", "m.cjmap.yaml", cwd=project)
    assert (
        "(channel web; owner sales; emotion \u22121)" in result.stdout
    )  # copied from an outline or a report: read as -1
    for value in ("happy", "\u22125", "1.5"):
        (project / "m.cjmap.yaml").write_text(
            MINIMAL.replace("owner: sales, emotion: 1}", f"owner: sales, emotion: {value}}}")
        )
        result = run_cli("lint", "m.cjmap.yaml", cwd=project)
        assert (
            result.returncode == 2
            and (
                "m.cjmap.yaml:10:65: error CJM002 emotion must be a whole number from -2 (very negative) to 2 "
                "(very positive)"
            )
            in result.stdout
        ), result.stdout


def test_an_unknown_persona_lists_the_defined_ones(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "title: Minimal", "title: Minimal\npersonas: [{id: dana, name: Dana}, {id: sam, name: Sam}]"
    ).replace(
        "{name: Buys, channel: web, owner: sales, emotion: 2}",
        "{name: Buys, channel: web, owner: sales, emotion: 2, personas: [lee]}",
    )
    project = generated(tmp_path, "m.cjmap.yaml", text.encode())
    result = run_cli("lint", "m.cjmap.yaml", cwd=project)
    assert "error CJM003 unknown persona 'lee' (defined: 'dana', 'sam') [unknown-reference]" in result.stdout, (
        result.stdout
    )


def test_a_map_named_file_without_the_version_is_reported_in_folder_mode(tmp_path: Path) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    write(project, "maps/old.cjmap.yaml", "title: Forgot the version\nstages: [{name: S, touchpoints: [{name: A}]}]\n")
    result = run_cli("lint", "--today", TODAY, ".", cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert (
        "maps/old.cjmap.yaml:1:1: error CJM006 missing 'cjmap: 1' at the top; is this a cjmap map? [version]"
        in result.stdout
    )
    assert "in 2 files" in result.stderr


def test_a_big_yaml_file_that_is_not_a_map_is_skipped_in_folder_mode(tmp_path: Path) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    lock = "lockfileVersion: '9.0'\npackages:\n" + "".join(
        f"  /pkg-{i}@1.0.0:\n    resolution: {{integrity: sha512-{'x' * 80}}}\n" for i in range(90_000)
    )
    (project / "web").mkdir()
    (project / "web" / "pnpm-lock.yaml").write_text(lock)
    assert (project / "web" / "pnpm-lock.yaml").stat().st_size > 11 * 1024 * 1024
    result = run_cli("lint", "--today", TODAY, ".", cwd=project)
    assert result.returncode == 0 and result.stderr == "no problems in 1 file\n", result.stdout + result.stderr


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "updated: 2026-13-01",
            "m.cjmap.yaml:3:10: error CJM001 '2026-13-01' is not a date: there is no month 13 (write YYYY-MM-DD, "
            "months 01 to 12)",
        ),
        (
            "updated: 2026-02-30",
            "m.cjmap.yaml:3:10: error CJM001 '2026-02-30' is not a date: February 2026 has days 1 to 28",
        ),
        ('imports: ["a\\0b.cjmap.yaml"]', "m.cjmap.yaml:3:11: error CJM005 import path contains a NUL character"),
    ],
    ids=["month-13", "february-30", "import-nul"],
)
def test_impossible_dates_and_nul_imports_are_said_in_words(tmp_path: Path, line: str, expected: str) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", f"cjmap: 1\ntitle: T\n{line}\n".encode())
    for command in ("lint", "render"):
        result = run_cli(command, "m.cjmap.yaml", cwd=project)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert expected in result.stdout + result.stderr
    assert_outputs_untouched(project, "m")

"""The `cjmap` command: outputs, exit codes, messages.

Run in this process (`run_cli`, the same output and exit code as the real command); the tests of the entry point
itself (the console script, `--version` before typer, what is imported) start the real process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, MINIMAL, TODAY, run_cli, run_process, write

EMPTY_STAGE = MINIMAL + "  - name: Retention\n"


def test_version() -> None:
    result = run_process("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("cjmap 0.")


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("cjmap")
    assert script.exists() or shutil.which("cjmap"), "the `cjmap` console script is missing"
    result = subprocess.run([str(script) if script.exists() else "cjmap", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "render" in result.stdout and "lint" in result.stdout


def test_render_writes_svg_and_html_beside_the_map(project: Path) -> None:
    write(project, "maps/shop.cjmap.yaml", MINIMAL)
    result = run_cli("render", "maps/shop.cjmap.yaml", cwd=project)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (project / "maps").iterdir()) == ["shop.cjmap.yaml", "shop.html", "shop.svg"]
    assert (project / "maps/shop.svg").read_text().lstrip().startswith("<?xml")
    assert "<h1>Minimal" in (project / "maps/shop.html").read_text()
    assert not list(project.rglob("*.tmp")), "temporary files left behind"


def test_render_into_a_missing_folder_with_chosen_formats(project: Path) -> None:
    write(project, "shop.yml", MINIMAL)
    result = run_cli("render", "shop.yml", "-o", "out/deep", "--format", "dot,svg", cwd=project)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (project / "out/deep").iterdir()) == ["shop.dot", "shop.svg"]


def test_render_rejects_unknown_format(project: Path) -> None:
    write(project, "shop.cjmap.yaml", MINIMAL)
    result = run_cli("render", "shop.cjmap.yaml", "--format", "svg,jpeg", cwd=project)
    assert result.returncode == 2
    assert "choose from svg, html, png, pdf, dot, mermaid" in result.stderr


def test_render_of_a_broken_map_writes_nothing_and_keeps_old_outputs(project: Path) -> None:
    map_path = write(project, "shop.cjmap.yaml", MINIMAL)
    assert run_cli("render", "shop.cjmap.yaml", cwd=project).returncode == 0
    before = {p.name: p.read_bytes() for p in project.iterdir() if p.suffix in (".svg", ".html")}
    map_path.write_text(
        MINIMAL.replace("channel: web, owner: sales, emotion: 1", "channel: wbe, owner: sales, emotion: 1")
    )
    result = run_cli("render", "shop.cjmap.yaml", cwd=project)
    assert result.returncode == 2
    assert (
        "shop.cjmap.yaml:10:37: error CJM003 unknown channel 'wbe' (did you mean 'web'?) [unknown-reference]"
        in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in project.iterdir() if p.suffix in (".svg", ".html")} == before


def test_render_with_lint_errors_writes_outputs_and_exits_1(project: Path) -> None:
    write(project, "shop.cjmap.yaml", EMPTY_STAGE)
    result = run_cli("render", "shop.cjmap.yaml", cwd=project)
    assert result.returncode == 1
    assert "error CJM101 stage 'retention' has no touchpoints" in result.stderr
    assert (project / "shop.html").exists()


def test_render_says_how_to_install_graphviz_when_dot_is_missing(project: Path, tmp_path: Path) -> None:
    write(project, "shop.cjmap.yaml", MINIMAL)
    bare = tmp_path / "bare-bin"
    bare.mkdir()
    result = run_cli("render", "shop.cjmap.yaml", cwd=project, env={"PATH": str(bare)})
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("error: Graphviz 'dot' was not found on PATH; install Graphviz")
    )
    assert not (project / "shop.svg").exists()
    dot_only = run_cli("render", "shop.cjmap.yaml", "--format", "dot", cwd=project, env={"PATH": str(bare)})
    assert dot_only.returncode == 0, dot_only.stderr  # DOT text needs no Graphviz


def test_render_into_a_path_that_is_a_folder(project: Path) -> None:
    write(project, "shop.cjmap.yaml", MINIMAL)
    (project / "shop.svg").mkdir()
    result = run_cli("render", "shop.cjmap.yaml", cwd=project)
    assert result.returncode == 2
    assert "error: cannot write to" in result.stderr and "Traceback" not in result.stderr


def test_lint_clean_map_exits_0(project: Path) -> None:
    write(project, "shop.cjmap.yaml", MINIMAL)
    result = run_cli("lint", "--today", TODAY, "shop.cjmap.yaml", cwd=project)
    assert (result.returncode, result.stdout) == (0, "")
    assert "no problems in 1 file" in result.stderr


def test_lint_stage_without_touchpoints_exits_1_with_one_line(project: Path) -> None:
    write(project, "shop.cjmap.yaml", EMPTY_STAGE)
    result = run_cli("lint", "--today", TODAY, "shop.cjmap.yaml", cwd=project)
    assert result.returncode == 1
    assert (
        result.stdout
        == "shop.cjmap.yaml:13:5: error CJM101 stage 'retention' has no touchpoints [stage-without-touchpoints]\n"
    )
    assert "1 error in 1 file" in result.stderr


def test_lint_json(project: Path) -> None:
    write(project, "shop.cjmap.yaml", EMPTY_STAGE)
    result = run_cli("lint", "--today", TODAY, "--format", "json", "shop.cjmap.yaml", cwd=project)
    assert result.returncode == 1
    assert json.loads(result.stdout) == {
        "diagnostics": [
            {
                "file": "shop.cjmap.yaml",
                "line": 13,
                "column": 5,
                "severity": "error",
                "code": "CJM101",
                "rule": "stage-without-touchpoints",
                "message": "stage 'retention' has no touchpoints",
            }
        ]
    }


def test_lint_without_paths_discovers_maps_and_skips_other_yaml(project: Path) -> None:
    write(project, "maps/a.cjmap.yaml", MINIMAL)
    write(project, "maps/nested/b.yaml", EMPTY_STAGE)
    write(project, "ci/workflow.yml", "on: push\njobs: {}\n")
    write(project, ".hidden/c.cjmap.yaml", EMPTY_STAGE)
    write(project, "node_modules/pkg/d.cjmap.yaml", EMPTY_STAGE)
    result = run_cli("lint", "--today", TODAY, cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "maps/nested/b.yaml:13:5: error CJM101 stage 'retention' has no touchpoints [stage-without-touchpoints]"
    ]
    assert "1 error in 2 files" in result.stderr


def test_lint_unloadable_map_exits_2_and_still_reports_the_others(project: Path) -> None:
    write(project, "bad.cjmap.yaml", "cjmap: 1\ntitle: [unclosed\n")
    write(project, "empty-stage.cjmap.yaml", EMPTY_STAGE)
    result = run_cli("lint", "--today", TODAY, ".", cwd=project)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert lines[0].startswith("bad.cjmap.yaml:3:1: error CJM001 invalid YAML")
    assert lines[1].startswith("empty-stage.cjmap.yaml:13:5: error CJM101")
    assert "Traceback" not in result.stderr


def test_a_link_that_leads_nowhere_is_said_for_what_it_is(project: Path) -> None:
    """A link named on the command line was "no such file or folder", though the link is there."""
    (project / "loop.cjmap.yaml").symlink_to("loop.cjmap.yaml")
    (project / "gone.cjmap.yaml").symlink_to("removed.cjmap.yaml")
    result = run_cli("lint", "loop.cjmap.yaml", "gone.cjmap.yaml", cwd=project)
    assert result.returncode == 2
    assert "loop.cjmap.yaml:1:1: error CJM000 is a symbolic link that cannot be followed" in result.stdout
    assert "gone.cjmap.yaml:1:1: error CJM000 cannot read file: No such file or directory" in result.stdout


@pytest.mark.parametrize("place", ["file", "loop", "dangling"])
def test_an_output_folder_whose_place_holds_something_else_is_said_so(project: Path, place: str) -> None:
    write(project, "m.cjmap.yaml", MINIMAL)
    if place == "file":
        write(project, "out", "not a folder")
    else:
        (project / "out").symlink_to("out" if place == "loop" else "nowhere")
    result = run_cli("render", "-o", "out", "m.cjmap.yaml", cwd=project)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("error: cannot write to out: it is not a folder")


def test_lint_missing_path_and_misuse_exit_2(project: Path) -> None:
    missing = run_cli("lint", "nope.cjmap.yaml", cwd=project)
    assert missing.returncode == 2
    assert "nope.cjmap.yaml:1:1: error CJM000 no such file or folder" in missing.stderr
    assert run_cli("lint", "--frobnicate", cwd=project).returncode == 2
    assert run_cli("lint", "--format", "xml", cwd=project).returncode == 2


def test_lint_does_not_need_graphviz(project: Path, tmp_path: Path) -> None:
    write(project, "shop.cjmap.yaml", MINIMAL)
    bare = tmp_path / "bare-bin"
    bare.mkdir()
    result = run_cli("lint", "shop.cjmap.yaml", cwd=project, env={"PATH": str(bare)})
    assert result.returncode == 0, result.stderr


def test_lint_imports_neither_graphviz_nor_jinja() -> None:
    target = str(EXAMPLES / "car-purchase.cjmap.yaml")
    code = (
        f"import sys; from cjmap.cli import main; sys.argv=['cjmap','lint',{target!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('graphviz','jinja2')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_schema_command_prints_the_published_schema() -> None:
    result = run_cli("schema")
    assert result.returncode == 0
    assert result.stdout == (EXAMPLES.parent / "schemas" / "cjmap.schema.json").read_text(encoding="utf-8")


def test_version_and_help_load_no_library_code() -> None:
    """`--version` and `--help` stay fast: no pydantic model, YAML, Graphviz, Jinja or rich behind them."""
    for args in (["--version"], ["--help"], ["render", "--help"]):
        code = (
            f"import sys; from cjmap.cli import main; sys.argv=['cjmap', *{args!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('graphviz', 'jinja2', 'yaml', 'rich') "
            "or m in ('cjmap.model', 'cjmap.lint.config', 'cjmap.lint.pipeline')))"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert result.stdout.strip().splitlines()[-1] == "[]", (args, result.stdout[-300:])


def test_version_is_answered_before_typer_is_imported() -> None:
    """The entry point prints the version itself (~20 ms, not ~80): the same line typer would print."""
    for args in (["--version"], ["-V"]):
        code = (
            f"import sys; from cjmap.entry import main; sys.argv=['cjmap', *{args!r}]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    print('exit', e.code)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'click', 'pydantic', 'yaml')))"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert result.stdout.splitlines()[-2:] == ["exit 0", "[]"], result.stdout
        through_typer = subprocess.run(
            [sys.executable, "-c", "from cjmap.cli import main; main()", *args], capture_output=True, text=True
        )
        assert (
            result.stdout.splitlines()[0] == through_typer.stdout.rstrip("\n") == run_process(*args).stdout.rstrip("\n")
        )
    assert (
        run_process("--version", "lint").stdout == run_process("--version").stdout
    )  # not alone: typer's eager option, same line


def test_rules_lists_every_rule_and_rule_explains_one_by_code_or_name() -> None:
    from cjmap.rules import RULES

    listed = run_cli("rules")
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == sorted(RULES)
    by_code, by_name = run_cli("rule", "cjm202"), run_cli("rule", "dead-end")
    assert by_code.returncode == by_name.returncode == 0 and by_code.stdout == by_name.stdout
    text = by_code.stdout
    assert text.startswith("CJM202 dead-end (default: warning)\n\n")
    assert text.index("Fails:") < text.index("Passes:"), "a failing, then a passing example"


def test_rule_explains_codes_that_are_not_lint_rules() -> None:
    loading = run_cli("rule", "yaml-syntax")
    assert loading.returncode == 0
    assert loading.stdout.startswith("CJM001 yaml-syntax (error: the map could not be loaded")
    assert "alias bombs" in loading.stdout
    unused = run_cli("rule", "CJM901")
    assert unused.returncode == 0 and unused.stdout.startswith("CJM901 unused-suppression (warning")
    unknown = run_cli("rule", "CJM999")
    assert unknown.returncode == 2 and unknown.stderr.startswith("error: no rule or code 'CJM999'")


def test_command_lists_fit_an_80_column_terminal_without_cut_sentences() -> None:
    env = {**os.environ, "COLUMNS": "80"}
    for args in (("--help",), ("import", "--help")):
        result = run_cli(*args, env=env)
        assert result.returncode == 0
        commands = result.stdout.split("Commands:\n", 1)[1].splitlines()
        assert commands and all(len(line) <= 80 and not line.endswith("...") for line in commands), commands


def test_a_command_run_in_process_leaves_the_test_process_as_it_found_it(project: Path) -> None:
    import signal

    write(project, "shop.cjmap.yaml", MINIMAL)
    before = (os.getcwd(), dict(os.environ), list(sys.argv), sys.stdout, sys.stderr, sys.stdin)
    handlers = (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGALRM))
    assert run_cli("render", "shop.cjmap.yaml", "--format", "dot", cwd=project, env={"CJMAP_X": "1"}).returncode == 0
    assert (os.getcwd(), dict(os.environ), list(sys.argv), sys.stdout, sys.stderr, sys.stdin) == before
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGALRM)) == handlers
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_command_that_hangs_in_process_fails_its_test(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import conftest

    write(project, "shop.cjmap.yaml", MINIMAL)
    monkeypatch.setattr(conftest, "TIME_LIMIT", 0.5)
    monkeypatch.setattr("cjmap.source.loader.parse_sized", lambda *args: time.sleep(30))
    with pytest.raises(conftest.CommandTimedOut, match="cjmap lint shop.cjmap.yaml took longer than 0.5 s"):
        run_cli("lint", "shop.cjmap.yaml", cwd=project)

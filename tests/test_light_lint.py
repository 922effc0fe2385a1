"""`cjmap lint` of a valid map loads no pydantic (issue 17): the plain reader and the default settings carry it.

Each case runs the real command in a fresh interpreter and reads which modules it loaded, because this test
process has long imported pydantic. A map pydantic must judge still gets pydantic's words.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, MINIMAL, write

PROBE = """
import json, runpy, sys
sys.argv = ["cjmap", *sys.argv[2:]]
out = __import__("pathlib").Path(OUT)
code = 0  # a bare lint that finds nothing to fail on simply returns
try:
    runpy.run_module("cjmap", run_name="__main__")
except SystemExit as end:
    code = end.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core") or m == "cjmap.model")
out.write_text(json.dumps({"code": code, "heavy": heavy, "typer": "typer" in sys.modules}))
"""


def lint_in_fresh_process(tmp_path: Path, *args: str, cwd: Path, command: str = "lint") -> dict:
    out = tmp_path / "probe.json"
    program = PROBE.replace("OUT", repr(str(out)))
    done = subprocess.run(
        [sys.executable, "-c", program, "-", command, *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert out.exists(), done.stderr
    return {**json.loads(out.read_text()), "stdout": done.stdout, "stderr": done.stderr}


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.cjmap.yaml")), ids=lambda p: p.name)
def test_linting_an_example_loads_no_pydantic(tmp_path: Path, example: Path) -> None:
    run = lint_in_fresh_process(tmp_path, str(example), cwd=tmp_path)
    assert run["code"] == 0, run["stdout"] + run["stderr"]
    assert run["heavy"] == [], "a valid map without a config file must not need pydantic"
    assert not run["typer"], "a bare `cjmap lint PATH` runs without typer"
    with_option = lint_in_fresh_process(tmp_path, "--quiet", str(example), cwd=tmp_path)
    assert with_option["code"] == 0 and with_option["typer"] and with_option["heavy"] == []


def test_a_map_pydantic_must_judge_gets_its_message(tmp_path: Path) -> None:
    """`emotion: "3"` is not exactly typed: the plain reader steps aside and pydantic words the error."""
    path = write(tmp_path, "m.cjmap.yaml", MINIMAL.replace("emotion: 1", 'emotion: "3"'))
    assert 'emotion: "3"' in path.read_text()
    run = lint_in_fresh_process(tmp_path, str(path), cwd=tmp_path)
    assert run["code"] == 2
    assert "pydantic" in run["heavy"] and "cjmap.model" in run["heavy"]
    assert "error CJM002 emotion must be a whole number from -2 (very negative) to 2" in run["stdout"]


def test_a_well_formed_config_file_is_read_without_pydantic_and_a_wrong_one_with_it(tmp_path: Path) -> None:
    """Teams lint in CI with a cjmap.toml: reading a good one must not cost the settings model either."""
    write(tmp_path, "good/cjmap.toml", 'ignore = ["CJM402"]\nstale-days = 30\n')
    path = write(tmp_path, "good/m.cjmap.yaml", MINIMAL)
    run = lint_in_fresh_process(tmp_path, str(path), cwd=tmp_path)
    assert run["code"] == 0, run["stdout"] + run["stderr"]
    assert run["heavy"] == []
    write(tmp_path, "wrong/cjmap.toml", "stale-days = 0\n")
    path = write(tmp_path, "wrong/m.cjmap.yaml", MINIMAL)
    run = lint_in_fresh_process(tmp_path, str(path), cwd=tmp_path)
    assert run["code"] == 2
    assert "pydantic" in run["heavy"] and "cjmap.model" not in run["heavy"]
    assert "setting 'stale-days': should be greater than or equal to 1" in run["stdout"] + run["stderr"]


def test_outline_of_a_valid_map_loads_no_pydantic(tmp_path: Path) -> None:
    """`cjmap outline` is git's textconv: it runs once per file version in a `git diff`."""
    run = lint_in_fresh_process(tmp_path, str(EXAMPLES / "checkout.cjmap.yaml"), cwd=tmp_path, command="outline")
    assert run["code"] in (0, None), run["stderr"]
    assert "Checkout" in run["stdout"]
    assert run["heavy"] == []


BARE_CASES = {
    "clean": ["lint", "clean.cjmap.yaml"],
    "findings": ["lint", "noisy.cjmap.yaml"],
    "unloadable": ["lint", "broken.cjmap.yaml"],
    "missing": ["lint", "nowhere.cjmap.yaml", "clean.cjmap.yaml"],
    "folder": ["lint", "."],
    "current folder": ["lint"],
    "no maps": ["lint", "empty"],
    "config with a wrong value": ["lint", "configured"],
    "several": ["lint", "clean.cjmap.yaml", "noisy.cjmap.yaml", "clean.cjmap.yaml"],
}


@pytest.mark.parametrize("args", BARE_CASES.values(), ids=BARE_CASES.keys())
def test_a_bare_command_says_and_exits_exactly_as_through_typer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """The bare road (no typer) and typer's road run the same code: same output, same exit code."""
    import cjmap.entry
    from conftest import run_cli

    write(tmp_path, "clean.cjmap.yaml", MINIMAL)
    write(tmp_path, "noisy.cjmap.yaml", MINIMAL.replace("emotion: 1", "emotion: -2"))
    write(tmp_path, "broken.cjmap.yaml", MINIMAL.replace("emotion: 1", 'emotion: "3"'))
    write(tmp_path, "configured/cjmap.toml", "stale-days = true\n")
    write(tmp_path, "configured/m.cjmap.yaml", MINIMAL)
    (tmp_path / "empty").mkdir()
    assert cjmap.entry.bare_command(args) is not None
    bare = run_cli(*args, cwd=tmp_path)
    monkeypatch.setattr(cjmap.entry, "bare_command", lambda args: None)
    typed = run_cli(*args, cwd=tmp_path)
    assert (bare.returncode, bare.stdout, bare.stderr) == (typed.returncode, typed.stdout, typed.stderr)
    assert bare.stdout + bare.stderr  # each case says something


def test_options_a_render_of_nothing_and_shell_completion_go_through_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmap.entry import bare_command

    assert bare_command(["lint", "-q", "m.cjmap.yaml"]) is None and bare_command(["lint", "--", "m"]) is None
    assert bare_command(["render"]) is None and bare_command(["rules"]) is None and bare_command([]) is None
    assert bare_command(["render", "-f", "svg", "m.cjmap.yaml"]) is None
    assert bare_command(["render", "-o", "out", "-o", "x", "m.cjmap.yaml"]) is None
    assert bare_command(["lint", "-o", "out", "m.cjmap.yaml"]) is None  # lint has no -o
    assert bare_command(["render", "-o", "out", "m.cjmap.yaml"]) is not None
    monkeypatch.setenv("_CJMAP_COMPLETE", "bash_complete")
    assert bare_command(["lint", "m.cjmap.yaml"]) is None


def test_the_bare_road_has_the_commands_defaults() -> None:
    """`lint_maps`'s keyword defaults are what typer passes when no option is given."""
    import inspect

    from cjmap.cli.lint_maps import lint_maps
    from cjmap.cli.linting import lint

    typed = {name: p.default for name, p in inspect.signature(lint).parameters.items()}
    plain = {name: p.default for name, p in inspect.signature(lint_maps).parameters.items()}
    assert typed.keys() == plain.keys()
    typed["output_format"] = typed["output_format"].value  # the Enum typer needs, by its value
    assert typed == plain


RENDER_CASES = {
    "one map": ["render", "clean.cjmap.yaml"],
    "findings": ["render", "noisy.cjmap.yaml"],
    "unloadable": ["render", "broken.cjmap.yaml"],
    "missing": ["render", "nowhere.cjmap.yaml"],
    "folder": ["render", "."],
    "into a folder": ["render", "-o", "out", "clean.cjmap.yaml", "noisy.cjmap.yaml"],
    "into a folder, long": ["render", "--output-dir=out", "."],
}


@pytest.mark.parametrize("args", RENDER_CASES.values(), ids=RENDER_CASES.keys())
def test_a_bare_render_says_writes_and_exits_exactly_as_through_typer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    import cjmap.entry
    from conftest import run_cli

    def written() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.suffix in (".svg", ".html")}

    write(tmp_path, "clean.cjmap.yaml", MINIMAL)
    write(tmp_path, "noisy.cjmap.yaml", MINIMAL.replace("emotion: 1", "emotion: -2"))
    write(tmp_path, "broken.cjmap.yaml", MINIMAL.replace("emotion: 1", 'emotion: "3"'))
    assert cjmap.entry.bare_command(args) is not None
    bare = run_cli(*args, cwd=tmp_path)
    bare_files = written()
    for output in tmp_path.rglob("*"):
        if output.suffix in (".svg", ".html"):
            output.unlink()
    monkeypatch.setattr(cjmap.entry, "bare_command", lambda args: None)
    typed = run_cli(*args, cwd=tmp_path)
    assert (bare.returncode, bare.stdout, bare.stderr) == (typed.returncode, typed.stdout, typed.stderr)
    assert bare_files == written()
    assert bare.stderr  # each case says something: what it wrote, or why not


def test_the_bare_render_has_the_commands_defaults() -> None:
    import inspect

    from cjmap.cli.render_maps import render_maps
    from cjmap.cli.rendering import render

    typed = {name: p.default for name, p in inspect.signature(render).parameters.items()}
    plain = {name: p.default for name, p in inspect.signature(render_maps).parameters.items()}
    assert typed.keys() == plain.keys()
    typed["theme"], typed["lanes"] = typed["theme"].value, typed["lanes"].value
    assert typed == {**plain, "paths": inspect.Parameter.empty}  # PATH is required: `cjmap render` alone goes to typer

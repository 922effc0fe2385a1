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
try:
    runpy.run_module("cjmap", run_name="__main__")
except SystemExit as end:
    code = end.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core") or m == "cjmap.model")
out.write_text(json.dumps({"code": code, "heavy": heavy}))
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

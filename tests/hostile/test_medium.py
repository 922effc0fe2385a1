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

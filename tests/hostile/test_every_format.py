"""Every registered output format, new ones included, renders the map of hostile text without running it.

The list comes from the registry, so a format added to `render/outputs.py` is attacked here without anyone
remembering to add it; format-specific checks (a browser for HTML and SVG) live in test_browser.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cjmap.render.outputs import OUTPUT_FORMATS
from conftest import run_cli

PAYLOADS = Path(__file__).parent / "xss" / "xss-payloads.cjmap.yaml"
BINARY = {"png", "pdf"}  # drawn by Graphviz from the same DOT the dot format checks


@pytest.mark.parametrize("name", sorted(OUTPUT_FORMATS))
def test_every_format_renders_hostile_text_inert(tmp_path: Path, name: str) -> None:
    fmt = OUTPUT_FORMATS[name]
    if fmt.graphviz and not shutil.which("dot"):
        pytest.skip("Graphviz is not installed")
    result = run_cli("render", str(PAYLOADS), "--format", name, "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    (out,) = tmp_path.iterdir()
    assert out.suffix == f".{fmt.suffix}" and out.stat().st_size > 0
    if name in BINARY:
        return
    text = out.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x00" not in text
    if fmt.suffix in ("svg", "html"):
        assert "<script>document" not in text  # every payload is escaped, never markup
    if fmt.suffix == "dot":  # the stage named `"]; evil [label=<...>]` stays one label, no node of its own
        canon = subprocess.run(["dot", "-Tcanon"], input=text, capture_output=True, text=True, check=True).stdout
        assert "\n\tevil" not in canon

"""A report built from a map full of XSS payloads, opened in headless Chromium, runs none of them.

Each payload tries to set `data-pwned` on the document element. `--dump-dom`
prints the DOM after scripts and timers ran; a control page proves that it
would show the attribute if anything had set it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import run_cli

PAYLOADS = Path(__file__).parent / "xss" / "xss-payloads.cjmap.yaml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"


def dump_dom(page: Path) -> str:
    """The DOM of a local page after 2 s of (virtual) time, as Chromium serialises it."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=2000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 0 and done.stdout.strip(), done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xss")
    result = run_cli("render", str(PAYLOADS), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_the_check_sees_a_script_that_runs(tmp_path: Path) -> None:
    control = tmp_path / "control.html"
    control.write_text(
        "<!DOCTYPE html><p>x</p><img src=missing "
        "onerror=\"document.documentElement.setAttribute('data-pwned','control')\">"
    )
    assert 'data-pwned="control"' in dump_dom(control)


@pytest.mark.parametrize("fmt", ["html", "svg"])
def test_xss_payloads_execute_nothing(rendered: Path, fmt: str) -> None:
    dom = dump_dom(rendered / f"xss-payloads.{fmt}")
    assert "data-pwned" in PAYLOADS.read_text() and "setAttribute" in dom, "the payload text must be shown, as text"
    assert "data-pwned=" not in dom.replace("'data-pwned'", "").replace("&#39;data-pwned&#39;", "")
    root = dom[dom.index("<html" if fmt == "html" else "<svg") :].split(">", 1)[0]
    assert "data-pwned" not in root, root

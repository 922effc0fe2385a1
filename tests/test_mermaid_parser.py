"""The Mermaid cjmap writes is read by Mermaid's own parser (npm `mermaid`, in headless Chromium).

Mermaid's parser needs a DOM, so it runs in Debian's chromium through
Playwright; npm installs the package once into build/npm. Without node and
npm the tests are skipped, saying so.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from conftest import EXAMPLES, REPO, run_cli, write

NPM_DIR = REPO / "build" / "npm"
MERMAID = NPM_DIR / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
MERMAID_VERSION = "11"


@pytest.fixture(scope="module")
def parse():
    """`parse(text)` -> 'journey' when Mermaid accepts it, else 'ERROR ...' with Mermaid's message."""
    if not MERMAID.exists():
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed: cannot fetch Mermaid's parser (apt-get install nodejs npm)")
        NPM_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(NPM_DIR),
                "--no-audit",
                "--no-fund",
                "--silent",
                f"mermaid@{MERMAID_VERSION}",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        page.goto("about:blank")
        page.add_script_tag(path=str(MERMAID))
        script = (
            "async t => { try { const r = await mermaid.parse(t); return r.diagramType } catch (e) { return 'ERROR "
            "' + e.message.split('\\n')[0] } }"
        )
        # what Mermaid made of the text: the title, the sections and each task as [section, task, score]
        tasks = (
            "async t => { await mermaid.parse(t); const db = (await mermaid.mermaidAPI.getDiagramFromText(t)).db;"
            " return JSON.stringify({title: db.getDiagramTitle(), sections: db.getSections(),"
            " tasks: db.getTasks().map(x => [x.section, x.task, x.score])}) }"
        )

        class Parser:
            def __call__(self, text: str) -> str:
                return page.evaluate(script, text)

            def tasks(self, text: str) -> str:
                return page.evaluate(tasks, text)

        yield Parser()
        browser.close()


def test_the_parser_is_real(parse) -> None:
    assert parse("journey\n  title T\n  section S\n    Pay: 5: Me\n") == "journey"
    assert parse("journey\n  title T\n  section S: with colon\n    Pay: 5: Me\n").startswith(
        "ERROR Parse error on line 3"
    )


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.cjmap.yaml")), ids=lambda p: p.name)
def test_every_example_exports_mermaid_that_parses(parse, path: Path, tmp_path: Path) -> None:
    assert run_cli("render", str(path), "--format", "mermaid", "-o", str(tmp_path)).returncode in (0, 1)
    text = (tmp_path / path.name.replace(".cjmap.yaml", ".mmd")).read_text()
    assert parse(text) == "journey", text


def test_text_mermaid_would_cut_still_parses(parse, project: Path) -> None:
    write(
        project,
        "m.cjmap.yaml",
        """
        cjmap: 1
        title: "Title: with; #hash"
        summary: "Line one
          line two: and more"
        personas: [{id: a, name: "Ann, the buyer"}, {id: b, name: "Bo; #2"}]
        stages:
          - name: "Stage: one; #1"
            touchpoints:
              - {name: "Pay: now; #3 or %% later", emotion: -2}
              - {name: "Check-in at 10:30", emotion: 1, personas: [a]}
    """,
    )
    assert run_cli("render", "m.cjmap.yaml", "--format", "mermaid", cwd=project).returncode in (0, 1)
    text = (project / "m.mmd").read_text()
    assert parse(text) == "journey", text
    assert "%%" not in text and "Pay \u2013 now, no. 3 or % later: 1" in text


def test_the_block_in_the_markdown_summary_parses(parse, tmp_path: Path) -> None:
    path = EXAMPLES / "car-purchase.cjmap.yaml"
    assert run_cli("render", str(path), "--format", "markdown", "-o", str(tmp_path)).returncode in (0, 1)
    block = (tmp_path / "car-purchase.md").read_text().split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert parse(block) == "journey", block


def test_task_names_mermaid_would_read_as_keywords_stay_tasks(parse, project: Path) -> None:
    """Mermaid's lexer is case-insensitive and tries its keywords first: a task "Journey planner" was a parse
    error, "Section 8 form" a new section, "Title search" the title, and "% discount" a comment."""
    import json

    names = ["Journey planner", "Section 8 form", "Title search", "% discount", "accTitle check", "Pay 50% now"]
    touchpoints = "".join(f'              - {{name: "{n}", emotion: 1}}\n' for n in names)
    write(
        project,
        "m.cjmap.yaml",
        "cjmap: 1\ntitle: Moving house\nstages:\n  - name: Search\n    touchpoints:\n"
        + touchpoints.replace("              ", "      "),
    )
    assert run_cli("render", "m.cjmap.yaml", "--format", "mermaid", cwd=project).returncode in (0, 1)
    text = (project / "m.mmd").read_text()
    assert parse(text) == "journey", text
    found = json.loads(parse.tasks(text))
    assert found["title"] == "Moving house" and found["sections"] == ["Search"], found
    assert [name.removeprefix("\u200b") for _, name, _ in found["tasks"]] == names, found
    result = run_cli("import", "mermaid", "m.mmd", cwd=project)  # and back: the guard is not part of the name
    assert all(f"name: {n}" in result.stdout or f"name: '{n}'" in result.stdout for n in names), result.stdout
    assert "\u200b" not in result.stdout

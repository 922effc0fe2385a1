"""Mermaid journeys: import (Mermaid's grammar, warnings for what does not fit), export, and the round trip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from cjmap.importers.mermaid import parse_journey
from conftest import EXAMPLES, MINIMAL, TODAY, run_cli, write
from goldens import assert_golden

WORKDAY = """\
%% Mermaid's own example, with a comment and odd indentation
journey
    title My working day
    accTitle: Working day
    accDescr {
      How a normal day
      feels
    }
    section Go to work
      Make tea: 5: Me
       Go upstairs: 3: Me   %% the lift is broken
      Do work: 1: Me, Cat
  section Go home
      Go downstairs: 5: Me
      Sit down: 5: Me
"""


def tasks(text: str) -> list[tuple[str, str, int, list[str]]]:
    """(section, task, score, actors) of a Mermaid journey, read with Mermaid's rules."""
    journey = parse_journey(text)
    return [(s.name, t.name, t.score, t.actors) for s in journey.sections for t in s.tasks]


def test_import_reads_sections_tasks_scores_and_actors() -> None:
    journey = parse_journey(WORKDAY)
    assert journey.title == "My working day" and journey.description == "How a normal day feels"
    assert tasks(WORKDAY) == [
        ("Go to work", "Make tea", 5, ["Me"]),
        ("Go to work", "Go upstairs", 3, ["Me"]),
        ("Go to work", "Do work", 1, ["Me", "Cat"]),
        ("Go home", "Go downstairs", 5, ["Me"]),
        ("Go home", "Sit down", 5, ["Me"]),
    ]
    assert journey.warnings == []


@pytest.mark.parametrize(
    ("line", "expected", "warning"),
    [
        ("Pay: 0: Me", ("Pay", 1, ["Me"]), "scores 0, outside Mermaid's 1-5; imported as 1"),
        ("Pay: 9: Me", ("Pay", 5, ["Me"]), "scores 9"),
        ("Pay: 2.6: Me", ("Pay", 3, ["Me"]), "scores 2.6"),
        ("Pay", ("Pay", 3, []), "has no score; imported as neutral (3)"),
        ("Pay: soon: Me", ("Pay", 3, ["Me"]), "has no score"),
        ("Check-in: 10:30 desk: 4: Me", ("Check-in: 10:30 desk", 4, ["Me"]), "task name contains ':'"),
        (
            "Push um 18:00 für Überfälliges: 4",
            ("Push um 18:00 für Überfälliges", 4, []),
            "Mermaid reads it as 'Push um 18'",
        ),
        ("Pay: 4: Me: later", ("Pay", 4, ["Me"]), "text after the actors"),
        ('"Quoted, task": 4: Me , You', ("Quoted, task", 4, ["Me", "You"]), None),
        ("Wait: 2", ("Wait", 2, []), None),
    ],
)
def test_import_task_lines(line: str, expected: tuple, warning: str | None) -> None:
    journey = parse_journey(f"journey\n  section S\n    {line}\n")
    task = journey.sections[0].tasks[0]
    assert (task.name, task.score, task.actors) == expected
    messages = [w.message for w in journey.warnings]
    if warning is None:
        assert messages == []
    else:
        assert len(messages) == 1 and warning in messages[0] and journey.warnings[0].line == 3


def test_import_warns_for_directives_and_tasks_outside_sections() -> None:
    journey = parse_journey("%%{init: {'theme': 'forest'}}%%\njourney\n  Wake up: 2: Me\n")
    assert [(w.line, w.message) for w in journey.warnings] == [
        (1, "Mermaid directive (theme or config) not carried over"),
        (3, "task before any section; put in a stage named 'Journey'"),
    ]
    assert tasks("journey\n  Wake up: 2: Me\n") == [("Journey", "Wake up", 2, ["Me"])]


def test_import_finds_the_journey_inside_markdown_and_keeps_line_numbers() -> None:
    text = (
        "# Notes\n\n```mermaid\nflowchart LR\n  A --> B\n```\n\n```mermaid\njourney\n  section S\n    Pay: 7: Me\n```\n"
    )
    journey = parse_journey(text)
    assert journey.warnings[0].line == 11


def test_not_a_journey_is_an_error(project: Path) -> None:
    write(project, "flow.mmd", "flowchart LR\n  A --> B\n")
    result = run_cli("import", "mermaid", "flow.mmd", cwd=project)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "flow.mmd:1:1: error CJM010 not a Mermaid journey diagram (it starts with 'flowchart', not 'journey') "
        "[mermaid-import]"
    )


def test_imported_map_is_valid_and_keeps_ids_unique(project: Path) -> None:
    write(
        project,
        "j.mmd",
        "journey\n  title 旅程\n  section 初识\n    下载: 5: 用户\n  section 初识\n    下载: 2: 用户, 系统\n",
    )
    result = run_cli("import", "mermaid", "j.mmd", "-o", "j.cjmap.yaml", cwd=project)
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((project / "j.cjmap.yaml").read_text())
    assert [s["id"] for s in data["stages"]] == ["stage-1", "stage-2"]
    assert [tp["id"] for s in data["stages"] for tp in s["touchpoints"]] == ["task-1", "task-2"]
    assert [p["name"] for p in data["personas"]] == ["用户", "系统"]
    lint = run_cli("lint", "--today", TODAY, "--exit-zero", "j.cjmap.yaml", cwd=project)
    assert lint.returncode == 0 and "CJM0" not in lint.stdout, lint.stdout


def mermaid_tasks(text: str) -> list[tuple[str, str, int, frozenset[str]]]:
    return [(s, t, score, frozenset(a)) for s, t, score, a in tasks(text)]


def test_round_trip_keeps_every_task_score_and_actor(project: Path) -> None:
    source = WORKDAY + "  section Extra\n    Alone: 2\n    Both: 4: Cat, Me\n"
    write(project, "day.mmd", source)
    assert run_cli("import", "mermaid", "day.mmd", "-o", "day.cjmap.yaml", cwd=project).returncode == 0
    assert run_cli("render", "day.cjmap.yaml", "--format", "mermaid", cwd=project).returncode == 0
    again = (project / "day.mmd").read_text()
    assert mermaid_tasks(again) == mermaid_tasks(source)
    assert parse_journey(again).title == "My working day"


def test_export_of_an_example_is_the_reviewed_golden(tmp_path: Path) -> None:
    result = run_cli("render", str(EXAMPLES / "running-shoes.cjmap.yaml"), "--format", "mermaid", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert_golden("running-shoes.mmd", (tmp_path / "running-shoes.mmd").read_text(encoding="utf-8"))


def test_export_keeps_text_mermaid_would_cut(project: Path) -> None:
    write(
        project,
        "m.cjmap.yaml",
        "cjmap: 1\ntitle: 'A: B; #1'\nstages:\n  - name: S\n    touchpoints:\n      - {name: 'Pay: now', emotion: "
        "-2}\n",
    )
    assert run_cli("render", "m.cjmap.yaml", "--format", "mermaid", cwd=project).returncode in (0, 1)
    text = (project / "m.mmd").read_text()
    assert "title A \u2013 B, no. 1" in text and re.search(r"^    Pay \u2013 now: 1$", text, re.MULTILINE)
    assert tasks(text) == [("S", "Pay \u2013 now", 1, [])]


def test_import_points_out_actors_missing_from_some_sections(project: Path) -> None:
    write(project, "j.mmd", "journey\n  section Ask\n    Asks: 3: Ann\n  section Answer\n    Replies: 4: Ann, Bot\n")
    result = run_cli("import", "mermaid", "j.mmd", cwd=project)
    assert result.returncode == 0
    assert result.stderr.strip() == (
        "j.mmd:5:1: warning CJM010 actor 'Bot' takes part in 1 of 2 sections; "
        "if it is staff, a system or a device rather than a customer, move it to teams [mermaid-import]"
    )


def test_terminal_escapes_and_bidi_overrides_in_names_are_shown_not_written_raw(project: Path) -> None:
    hostile = MINIMAL.replace(
        "title: Minimal", 'title: Minimal\npersonas: [{id: anna, name: "Anna\\e[31m\\u202Eevil"}]'
    )
    hostile = hostile.replace("name: Buys", 'name: "Buys\\e]0;owned\\a"')
    write(project, "m.cjmap.yaml", hostile)
    assert run_cli("render", "m.cjmap.yaml", "--format", "mermaid,markdown", cwd=project).returncode == 0
    for name in ("m.mmd", "m.md"):
        text = (project / name).read_text(encoding="utf-8")
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text, name
        assert "Anna\\x1b[31m\\u202eevil" in text, name

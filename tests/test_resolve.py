"""resolve.py: derived ids, checked references with did-you-mean, duplicates, flow edges."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjmap.diagnostics import MapError
from cjmap.lint.pipeline import load_journey
from cjmap.resolve import Journey, slugify
from conftest import MINIMAL, write

TEAMS_AND_CHANNELS = """
cjmap: 1
title: T
personas: [{id: dana, name: Dana}]
teams: [{id: marketing, name: Marketing}, {id: sales, name: Sales}]
channels: [{id: web, name: Website}, {id: email, name: Email}]
sources: [{id: survey, name: Survey}]
"""


def journey(project: Path, text: str) -> Journey:
    return load_journey(write(project, "m.cjmap.yaml", text), "m.cjmap.yaml")


def problems(project: Path, text: str) -> list[tuple[str, int, int, str]]:
    with pytest.raises(MapError) as caught:
        journey(project, text)
    return [(d.code, d.where.line, d.where.column, d.message) for d in caught.value.diagnostics]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Sees TV ad", "sees-tv-ad"),
        ("Überlegung & Kauf", "uberlegung-kauf"),
        ("  --Trailing--  ", "trailing"),
        ("Step 2: pay", "step-2-pay"),
        ("日本語", ""),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_ids_are_derived_from_names(project: Path) -> None:
    j = journey(project, MINIMAL)
    assert [s.id for s in j.stages] == ["awareness", "purchase"]
    assert [t.id for t in j.touchpoints] == ["sees-an-ad", "buys"]
    assert j.stages[0].name == "Awareness"


def test_name_defaults_to_id(project: Path) -> None:
    j = journey(project, TEAMS_AND_CHANNELS + "stages: [{id: awareness, touchpoints: [{id: ad}]}]\n")
    assert (j.stages[0].name, j.touchpoints[0].name) == ("awareness", "ad")


@pytest.mark.parametrize(
    ("touchpoint", "column", "message"),
    [
        ("{name: A, channel: emial}", 28, "unknown channel 'emial' (did you mean 'email'?)"),
        ("{name: A, channel: Website}", 28, "unknown channel 'Website' (did you mean 'web'?)"),
        ("{name: A, owner: markting}", 26, "unknown team 'markting' (did you mean 'marketing'?)"),
        ("{name: A, owner: legal}", 26, "unknown team 'legal' (defined: 'marketing', 'sales')"),
        ("{name: A, personas: [dan]}", 30, "unknown persona 'dan' (did you mean 'dana'?)"),
        ("{name: A, sources: [survy]}", 29, "unknown source 'survy' (did you mean 'survey'?)"),
        ("{name: A, next: [b]}", 26, "unknown touchpoint 'b' (defined: 'a')"),
        ("{name: A, next: [{to: a-touchpont, when: x}]}", 31, "unknown touchpoint 'a-touchpont' (defined: 'a')"),
    ],
)
def test_unknown_references_with_did_you_mean(project: Path, touchpoint: str, column: int, message: str) -> None:
    text = TEAMS_AND_CHANNELS + f"stages:\n  - name: S\n    touchpoints:\n      - {touchpoint}\n"
    assert problems(project, text) == [("CJM003", 10, column, message)]


def test_reference_to_a_kind_with_nothing_defined(project: Path) -> None:
    text = "cjmap: 1\ntitle: T\nstages: [{name: S, touchpoints: [{name: A, channel: web}]}]\n"
    ((code, _, _, message),) = problems(project, text)
    assert (code, message) == ("CJM003", "unknown channel 'web' (no channels are defined; add it under 'channels:')")


def test_duplicate_ids(project: Path) -> None:
    text = (
        "cjmap: 1\ntitle: T\nteams: [{id: sales}, {id: sales}]\n"
        "stages:\n  - name: S\n    touchpoints:\n      - {name: Buys}\n      - {id: buys, name: Buys again}\n"
        "  - name: S\n"
    )
    assert problems(project, text) == [
        ("CJM004", 3, 27, "duplicate team id 'sales' (first defined at m.cjmap.yaml:3:9)"),
        ("CJM004", 8, 14, "duplicate touchpoint id 'buys' (first defined at line 7)"),
        ("CJM004", 9, 5, "duplicate stage id 's' (first defined at line 5)"),
    ]


def test_name_that_gives_no_id(project: Path) -> None:
    assert problems(project, "cjmap: 1\ntitle: T\nstages: [{name: '日本', touchpoints: [{name: a}]}]\n") == [
        ("CJM002", 3, 17, "cannot derive an id from name '日本'; add an 'id'")
    ]


def test_stages_need_a_title(project: Path) -> None:
    assert problems(project, "cjmap: 1\nstages: [{name: S, touchpoints: [{name: a}]}]\n") == [
        ("CJM002", 1, 1, "a map with stages needs a 'title'")
    ]


def test_imports_share_definitions_but_not_stages(project: Path) -> None:
    write(project, "shared.cjmap.yaml", "cjmap: 1\nteams: [{id: sales, name: Sales}]\nstages: [{name: X}]\n")
    text = (
        "cjmap: 1\ntitle: T\nimports: [shared.cjmap.yaml]\nstages: [{name: S, touchpoints: [{name: a, owner: "
        "sales}]}]\n"
    )
    assert problems(project, text) == [
        ("CJM005", 3, 1, "an imported file may define personas, teams, channels and sources, not stages")
    ]


def test_imported_definitions_are_used_and_duplicates_across_files_caught(project: Path) -> None:
    write(project, "shared.cjmap.yaml", "cjmap: 1\nteams: [{id: sales, name: Sales}]\n")
    text = (
        "cjmap: 1\ntitle: T\nimports: [shared.cjmap.yaml]\nstages: [{name: S, touchpoints: [{name: a, owner: "
        "sales}]}]\n"
    )
    team = journey(project, text).team("sales")
    assert team is not None and team.name == "Sales"
    ((code, line, _, message),) = problems(project, text + "teams: [{id: sales}]\n")
    assert (code, line, message) == ("CJM004", 5, "duplicate team id 'sales' (first defined at shared.cjmap.yaml:2:9)")


def edges(j: Journey) -> list[tuple[str, str, str | None, bool]]:
    return [(e.source, e.target, e.condition, e.implicit) for e in j.edges]


def test_flow_follows_file_order_across_stages_and_ends_at_the_last_touchpoint(project: Path) -> None:
    j = journey(project, MINIMAL)
    assert edges(j) == [("sees-an-ad", "buys", None, True)]
    assert j.end == "buys"


def test_next_replaces_file_order_and_carries_conditions(project: Path) -> None:
    text = """
    cjmap: 1
    title: T
    stages:
      - name: S
        touchpoints:
          - name: email
            next:
              - {to: clicks, when: clicked the email}
              - {to: reminder, when: never opened it}
          - name: reminder
            next: [clicks]
            exit: Unsubscribes
          - name: clicks
          - name: leaves
            next: []
          - name: last
    """
    j = journey(project, text)
    assert edges(j) == [
        ("email", "clicks", "clicked the email", False),
        ("email", "reminder", "never opened it", False),
        ("reminder", "clicks", None, False),
        ("clicks", "leaves", None, True),
    ]
    exits = {t.id: (t.exits, t.exit_reason) for t in j.touchpoints}
    assert exits == {
        "email": (False, None),
        "reminder": (True, "Unsubscribes"),
        "clicks": (False, None),
        "leaves": (True, None),
        "last": (False, None),
    }
    assert j.end == "last"


def test_exit_reason_alone_ends_the_path(project: Path) -> None:
    j = journey(
        project, "cjmap: 1\ntitle: T\nstages: [{name: S, touchpoints: [{name: a, exit: Gives up}, {name: b}]}]\n"
    )
    assert edges(j) == [] and j.end == "b"

"""validate.py and model.py: schema errors at the offending node, in words a map author reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cjmap.diagnostics import MapError
from cjmap.schema import schema_text
from cjmap.source.loader import SourceFile
from cjmap.source.safeyaml import parse_yaml
from cjmap.validate import validate_source
from conftest import REPO

HEAD = "cjmap: 1\ntitle: T\n"


def source(text: str) -> SourceFile:
    data, positions, keys = parse_yaml(text, "m.yaml")
    return SourceFile(Path("m.yaml"), "m.yaml", text, data, positions, keys)


def problems(text: str) -> list[tuple[str, int, int, str]]:
    with pytest.raises(MapError) as caught:
        validate_source(source(text))
    return [(d.code, d.where.line, d.where.column, d.message) for d in caught.value.diagnostics]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "stages:\n  - name: A\n    touchpoints:\n      - name: B\n        emotoin: 1\n",
            ("CJM002", 7, 9, "unknown key 'emotoin' (did you mean 'emotion'?)"),
        ),
        (
            "stages:\n  - name: A\n    touchpoints:\n      - {name: B, emotion: 5}\n",
            ("CJM002", 6, 28, "emotion must be a whole number from -2 (very negative) to 2 (very positive), got 5"),
        ),
        (
            "stages:\n  - name: A\n    touchpoints:\n      - {name: B, emotion: high}\n",
            (
                "CJM002",
                6,
                28,
                "emotion must be a whole number from -2 (very negative) to 2 (very positive), or one per persona "
                "like {student: 1, retiree: -2}; not text 'high'",
            ),
        ),
        (
            "personas:\n  - name: Dana\n    goals: Buy a car\n",
            ("CJM002", 5, 12, "'goals' must be a list, not text 'Buy a car'"),
        ),
        (
            "stages:\n  - name: A\n    touchpoints:\n      - {channel: web}\n",
            ("CJM002", 6, 9, "give it a 'name' (or an 'id')"),
        ),
        (
            "teams:\n  - {id: Sales Team}\n",
            (
                "CJM002",
                4,
                10,
                "'id' 'Sales Team' is not a valid id: use lowercase letters, digits, '-' and '_', starting with a "
                "letter or digit",
            ),
        ),
        ("state: past\n", ("CJM002", 3, 8, "'state' must be one of 'current' or 'future', got 'past'")),
        ("updated: last week\n", ("CJM002", 3, 10, "'updated' must be a date like 2026-09-14, not text 'last week'")),
        (
            "sources:\n  - {id: s, name: S, url: 'javascript:alert(1)'}\n",
            ("CJM002", 4, 27, "url must start with http://, https:// or mailto:"),
        ),
        (
            "stages:\n  - name: A\n    touchpoints:\n      - {name: B, metrics: {reach: [1, 2]}}\n",
            ("CJM002", 6, 36, "'reach' must be a number or text, not a list"),
        ),
        (
            "stages:\n  - name: A\n    touchpoints:\n      - {name: B, next: [3]}\n",
            ("CJM002", 6, 26, "'next' item 1 must be a mapping (key: value), not the number 3"),
        ),
        (
            "colour: blue\n",
            (
                "CJM002",
                3,
                1,
                "unknown key 'colour'; expected one of: cjmap, title, summary, scope, state, flow, updated, owner, "
                "compares, imports, personas, teams, channels, sources, metrics, data, stages (your own keys start "
                "with 'x-')",
            ),
        ),
    ],
)
def test_schema_errors_point_at_the_node_in_plain_words(body: str, expected: tuple[str, int, int, str]) -> None:
    assert problems(HEAD + body) == [expected]


def test_all_schema_errors_are_reported_together_in_file_order() -> None:
    found = problems(HEAD + "state: past\nstages:\n  - {name: A, touchpoints: [{name: B, emotion: 9}]}\n")
    assert [(line, column) for _, line, column, _ in found] == [(3, 8), (5, 48)]


def test_extension_keys_are_allowed_everywhere() -> None:
    text = HEAD + (
        "x-jira: CX-12\nstages:\n  - name: A\n    x-notes: {any: [thing]}\n    touchpoints:\n      - {name: B, "
        "x-score: 3}\n"
    )
    model = validate_source(source(text))
    assert model.stages[0].touchpoints[0].name == "B"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("CJM006", 1, 1, "file is empty; a map starts with 'cjmap: 1'")),
        ("title: T\n", ("CJM006", 1, 1, "missing 'cjmap: 1' at the top; is this a cjmap map?")),
        ("cjmap: 2\n", ("CJM006", 1, 8, "unsupported format version 2; this cjmap reads version 1")),
        ("cjmap: true\n", ("CJM006", 1, 8, "unsupported format version True; this cjmap reads version 1")),
        ("- cjmap: 1\n", ("CJM002", 1, 1, "a map must be a mapping of keys at the top, not a list")),
        ("just text\n", ("CJM002", 1, 1, "a map must be a mapping of keys at the top, not text 'just text'")),
    ],
)
def test_version_and_top_level_shape(text: str, expected: tuple[str, int, int, str]) -> None:
    assert problems(text) == [expected]


def test_published_schema_matches_the_models() -> None:
    published = (REPO / "schemas" / "cjmap.schema.json").read_text(encoding="utf-8")
    assert published == schema_text(), "schema drifted: run `cjmap schema -o schemas/cjmap.schema.json`"


def test_schema_describes_the_format() -> None:
    schema = json.loads(schema_text())
    touchpoint = schema["$defs"]["Touchpoint"]
    assert touchpoint["additionalProperties"] is False
    assert "^x-" in touchpoint["patternProperties"]
    emotion = next(s for s in touchpoint["properties"]["emotion"]["anyOf"] if s.get("type") == "integer")
    assert (emotion["minimum"], emotion["maximum"]) == (-2, 2)
    next_items = touchpoint["properties"]["next"]["anyOf"][0]["items"]["anyOf"]
    assert {"type": "string"}.items() <= next_items[0].items()  # `next: [id]` shorthand is allowed


def test_examples_declare_the_schema_for_editors() -> None:
    for path in sorted((REPO / "examples").rglob("*.cjmap.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target == (REPO / "schemas" / "cjmap.schema.json").resolve(), path


def test_library_callers_get_pydantic_models_and_commands_the_plain_reading() -> None:
    """`validate_source` keeps returning the model (model_dump and all); `checked_map`, what the commands
    read, gives the plain stand-ins for a map already exactly valid, with the same values."""
    from pydantic import BaseModel

    from cjmap.plain import Plain
    from cjmap.validate import checked_map

    text = HEAD + "stages:\n  - name: S\n    touchpoints:\n      - {name: T, emotion: -1, next: []}\n"
    model = validate_source(source(text))
    plain = checked_map(source(text))
    assert isinstance(model, BaseModel) and model.model_dump()["stages"][0]["touchpoints"][0]["emotion"] == -1
    assert isinstance(plain, Plain)
    assert plain.stages[0].touchpoints[0].emotion == model.stages[0].touchpoints[0].emotion == -1
    assert plain.stages[0].touchpoints[0].next == model.stages[0].touchpoints[0].next == ()

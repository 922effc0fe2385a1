"""source.py: safe YAML with a position for every node; imports followed within the project."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import write

from cjmap.diagnostics import MapError
from cjmap.source import load_map, parse_yaml, read_source


def errors(text: str) -> list[tuple[str, int, int, str]]:
    with pytest.raises(MapError) as caught:
        parse_yaml(text, "m.yaml")
    return [(d.code, d.where.line, d.where.column, d.message) for d in caught.value.diagnostics]


def test_every_value_keeps_its_line_and_column() -> None:
    _, positions, keys = parse_yaml("cjmap: 1\nstages:\n  - name: A\n    touchpoints:\n      - {name: B, emotion: -1}\n", "m")
    assert positions[("cjmap",)] == (1, 8)
    assert positions[("stages", 0)] == (3, 5)
    assert positions[("stages", 0, "name")] == (3, 11)
    assert positions[("stages", 0, "touchpoints", 0, "emotion")] == (5, 28)
    assert keys[("stages", 0, "touchpoints")] == (4, 5)


def test_values_are_plain_python() -> None:
    data, _, _ = parse_yaml("a: 1\nb: 1.5\nc: yes\nd: ~\ne: 2026-09-14\nf: [x]\n", "m")
    assert data == {"a": 1, "b": 1.5, "c": True, "d": None, "e": __import__("datetime").date(2026, 9, 14), "f": ["x"]}


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("name: a\nname: b\n", 2, 1, "duplicate key 'name' (first at line 1)"),
        ("a: !!python/object/apply:os.system ['echo pwned']\n", 1, 4, "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
        ("a: !custom x\n", 1, 4, "tag '!custom' is not allowed"),
        ("a: !!binary aGVsbG8=\n", 1, 4, "not allowed"),
        ("a: !!set {x: null}\n", 1, 4, "not allowed"),
        ("a: [1, 2\nb: 3\n", 2, 2, "invalid YAML"),
        ("a:\n\tb: 1\n", 2, 1, "tab character"),
        ("a: 1\n---\nb: 2\n", 2, 1, "one YAML document"),
        ("? [a, b]\n: 1\n", 1, 3, "keys must be plain text"),
        ("a: " + "[" * 100 + "]" * 100 + "\n", 1, 67, "nested more than 64 levels"),
        # crashed PyYAML's composer; PyYAML >= 6.0.4's libyaml stops at depth 1000 while scanning, before cjmap's check
        ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", 1, None, "nested more than 64 levels"),
        ("a: " + "{b: " * 50_000 + "1" + "}" * 50_000 + "\n", 1, 256, "nested more than 64 levels"),
    ],
)
def test_unsafe_or_invalid_yaml_is_refused_at_its_position(text: str, line: int, column: int, fragment: str) -> None:
    (code, got_line, got_column, message), *_ = errors(text)
    assert code == "CJM001"
    assert (got_line, got_column if column is not None else None) == (line, column)
    assert fragment in message


def test_python_tags_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    errors(f"a: !!python/object/apply:os.system ['touch {marker}']\n")
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    started = time.perf_counter()
    (code, _, _, message), *_ = errors("\n".join(lines) + "\n")
    assert code == "CJM001" and "YAML bomb" in message
    assert time.perf_counter() - started < 5


def test_reasonable_aliases_and_merge_keys_work() -> None:
    data, positions, _ = parse_yaml("base: &b {channel: web, owner: sales}\nt: {<<: *b, owner: support}\n", "m")
    assert data["t"] == {"channel": "web", "owner": "support"}
    assert positions[("t", "channel")] == (1, 20)


def test_non_utf8_bytes_point_at_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"cjmap: 1\ntitle: caf\xe9\n")
    with pytest.raises(MapError) as caught:
        read_source(path, "m.yaml")
    (d,) = caught.value.diagnostics
    assert (d.code, d.where.line, d.where.column) == ("CJM001", 2, 11)
    assert "not UTF-8" in d.message


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes("\ufeffcjmap: 1\n".encode())
    assert read_source(path, "m").data == {"cjmap": 1}


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("cjmap: 1\n" + "# padding\n" * 200)
    with pytest.raises(MapError) as caught:
        read_source(path, "m.yaml", max_bytes=1000)
    assert "over the limit of 1,000" in caught.value.diagnostics[0].message


def test_imports_are_followed_relative_to_the_importing_file(project: Path) -> None:
    write(project, "shared/teams.cjmap.yaml", "cjmap: 1\nimports: [more/channels.cjmap.yaml]\n")
    write(project, "shared/more/channels.cjmap.yaml", "cjmap: 1\n")
    root = write(project, "maps/m.cjmap.yaml", "cjmap: 1\nimports: [../shared/teams.cjmap.yaml]\n")
    loaded = load_map(root, "maps/m.cjmap.yaml")
    assert [f.display for f in loaded.imports] == [
        os.path.normpath("shared/teams.cjmap.yaml"),
        os.path.normpath("shared/more/channels.cjmap.yaml"),
    ]
    assert loaded.project_root == project.resolve()


def import_errors(project: Path, text: str) -> list[tuple[str, int, int, str]]:
    root = write(project, "m.cjmap.yaml", text)
    with pytest.raises(MapError) as caught:
        load_map(root, "m.cjmap.yaml")
    return [(d.code, d.where.line, d.where.column, d.message) for d in caught.value.diagnostics]


def test_import_cycle_is_reported_where_it_closes(project: Path) -> None:
    write(project, "a.cjmap.yaml", "cjmap: 1\nimports: [b.cjmap.yaml]\n")
    write(project, "b.cjmap.yaml", "cjmap: 1\nimports: [a.cjmap.yaml]\n")
    root = write(project, "m.cjmap.yaml", "cjmap: 1\nimports:\n  - a.cjmap.yaml\n")
    with pytest.raises(MapError) as caught:
        load_map(root, "m.cjmap.yaml")
    (d,) = caught.value.diagnostics
    assert (d.code, d.where.file, d.where.line, d.where.column) == ("CJM005", "b.cjmap.yaml", 2, 11)
    assert d.message == "import cycle: a.cjmap.yaml -> b.cjmap.yaml -> a.cjmap.yaml"


def test_self_import(project: Path) -> None:
    ((code, line, column, message),) = import_errors(project, "cjmap: 1\nimports: [m.cjmap.yaml]\n")
    assert (code, line, column) == ("CJM005", 2, 11)
    assert message.startswith("import cycle")


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        ("../outside.cjmap.yaml", "leaves the project root"),
        ("/etc/passwd", "is absolute"),
        ("missing.cjmap.yaml", "not found"),
        ("notes.yaml", "is not a cjmap file"),
        ("''", "empty"),
    ],
)
def test_bad_imports_are_reported_at_the_entry(project: Path, entry: str, fragment: str) -> None:
    write(project.parent, "outside.cjmap.yaml", "cjmap: 1\n")
    write(project, "notes.yaml", "just: notes\n")
    ((code, line, column, message),) = import_errors(project, f"cjmap: 1\nimports:\n  - {entry}\n")
    assert (code, line, column) == ("CJM005", 3, 5)
    assert fragment in message


def test_symlink_pointing_outside_the_project_is_refused(project: Path) -> None:
    secret = write(project.parent, "secret.cjmap.yaml", "cjmap: 1\n")
    (project / "link.cjmap.yaml").symlink_to(secret)
    ((code, _, _, message),) = import_errors(project, "cjmap: 1\nimports: [link.cjmap.yaml]\n")
    assert code == "CJM005" and "leaves the project root" in message

"""source.py: bytes checked, then parsed; imports followed within the project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cjmap.diagnostics import MapError
from cjmap.source.loader import load_map, read_source
from conftest import write


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

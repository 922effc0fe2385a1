"""Where a project starts: the folder imports, data files and outputs may not leave."""

from __future__ import annotations

from pathlib import Path

PROJECT_MARKERS = ("cjmap.toml", "pyproject.toml", ".git")


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding a project marker, else `start`.

    Imports may not leave this folder, so a map cannot read files it was never
    meant to see; with no marker, the map's own folder is the safe bound.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return start

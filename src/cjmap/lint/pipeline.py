"""The compiler's front half as library calls: find maps, load them, lint them.

The CLI calls these and prints; nothing here prints or exits, and nothing here
imports Graphviz or Jinja, so `cjmap lint` stays light.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cjmap.diagnostics import Diagnostic, MapError, Severity
from cjmap.resolve import Journey, resolve
from cjmap.source.loader import MAX_BYTES, load_map, looks_like_map
from cjmap.source.safeio import resolved

if TYPE_CHECKING:
    from cjmap.lint.policy import Policy
    from cjmap.rules import Context

MAP_SUFFIXES = (".yaml", ".yml")
SKIPPED_FOLDERS = {"node_modules", "__pycache__", "site-packages", "venv"}


class Checked(NamedTuple):
    """One map after loading and linting: the journey when it loaded, and every finding."""

    file: str
    journey: Journey | None
    diagnostics: tuple[Diagnostic, ...]
    sources: tuple[Path, ...] = ()  # every file read: the map and its imports (what --watch watches)

    @property
    def loaded(self) -> bool:
        return self.journey is not None

    def worst(self) -> Severity | None:
        return max((d.severity for d in self.diagnostics), key=lambda s: s.rank, default=None)


def load_journey(path: Path, display: str | None = None) -> Journey:
    """Read, validate and resolve one map; raise MapError when it cannot be loaded."""
    return resolve(load_map(path, display))


def check(
    path: Path,
    display: str | None = None,
    policy: Policy | None = None,
    context: Context | None = None,
    data: Sequence[Path] = (),
) -> Checked:
    """Load and lint one map (with metric `data` files besides its own).

    A map that does not load yields its CJM0xx errors only.
    """
    from cjmap.lint.policy import apply
    from cjmap.rules import (  # rules register on import; keep start-up small
        Context,
        lint_journey,
    )

    shown = display if display is not None else str(path)
    try:
        loaded = load_map(path, shown, max_bytes=policy.max_bytes if policy else MAX_BYTES)
        journey = resolve(loaded, data)
    except MapError as e:
        return Checked(shown, None, e.diagnostics, (path,))
    if context is None:
        context = policy.context(date.today()) if policy is not None else Context(today=date.today())
    found = lint_journey(journey, context, policy.enabled if policy else None)
    if policy is not None:
        found = apply(found, policy, {f.display: f.text for f in loaded.files})
    # data files too: --watch, and never overwritten
    read = (*(f.path for f in loaded.files), *(Path(f) for f in journey.metrics.files))
    return Checked(shown, journey, tuple(found), read)


class LintTask(NamedTuple):
    """One map to lint, with its own settings: the unit of work `cjmap lint` spreads over processes."""

    path: Path
    display: str
    policy: Policy
    context: Context
    data: tuple[Path, ...] = ()  # metric data files named with --data, besides the map's own


class Linted(NamedTuple):
    """What comes back from a lint worker: findings only, not the journey, so little crosses processes."""

    file: str
    loaded: bool
    diagnostics: tuple[Diagnostic, ...]


def lint_file(task: LintTask) -> Linted:
    checked = check(task.path, task.display, task.policy, task.context, task.data)
    return Linted(checked.file, checked.loaded, checked.diagnostics)


def lint_files(tasks: Sequence[LintTask]) -> list[Linted]:
    """Several maps in one worker's turn: a group crosses between processes once, not once a map."""
    return [lint_file(task) for task in tasks]


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Map files under the given paths, sorted, each once.

    A file named explicitly is always taken; inside folders, YAML files count
    as maps when they carry a top-level `cjmap:` key, and hidden folders,
    virtualenvs and dependency folders are skipped.
    """
    seen: set[Path] = set()
    for path in paths:
        candidates = [path] if not os.path.isdir(path) else _walk(path)
        for candidate in candidates:
            key = resolved(candidate)
            if key not in seen:
                seen.add(key)
                yield candidate


def _walk(folder: Path) -> list[Path]:
    """Maps inside `folder`; a folder inside that cannot be listed is taken as one, so that reading it says
    why (a map there must not pass a CI run unchecked)."""
    found = []

    def unlisted(error: OSError) -> None:
        found.append(Path(error.filename) if error.filename else folder)

    for dirpath, dirnames, filenames in os.walk(folder, onerror=unlisted):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIPPED_FOLDERS)
        for name in sorted(filenames):
            candidate = Path(dirpath) / name
            if name.endswith(MAP_SUFFIXES) and looks_like_map(candidate):
                found.append(candidate)
    return found


def output_stem(path: Path) -> str:
    """`car.cjmap.yaml` -> `car`; `car.yml` -> `car`."""
    name = path.name
    for suffix in (".cjmap.yaml", ".cjmap.yml", ".yaml", ".yml"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return path.stem

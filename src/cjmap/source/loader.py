"""Read map files and the files they import, keeping a position for every value.

The bytes are checked here (size, UTF-8) and parsed by `safeyaml`, which
refuses what a journey map never needs and records where each value came
from. Later stages look errors up in `SourceFile.positions`, so there is one
parser and one notion of "where". Imports are followed only inside the project.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cjmap.diagnostics import Diagnostic, Location, MapError, structural
from cjmap.source.project import PROJECT_MARKERS, find_project_root
from cjmap.source.safeio import (
    MAP_KEY,
    MAP_NAMES,
    MAX_MAP_BYTES,
    SNIFF_BYTES,
    FileRefused,
    TooBig,
    follow,
    outside_project,
    read_head,
    read_limited,
    why,
    written_absolute,
)
from cjmap.source.safeyaml import PathKey, parse_sized

__all__ = [
    "MAX_BYTES",
    "refuse_link_out_of_project",
    "MAX_IMPORTS",
    "MAX_TOTAL_BYTES",
    "LoadedMap",
    "PathKey",
    "SourceFile",
    "load_map",
    "looks_like_map",
    "read_source",
]

MAX_BYTES = MAX_MAP_BYTES  # the name the loader's callers import
MAX_IMPORTS = 200  # files one map may pull in, transitively
MAX_TOTAL_BYTES = 20 * 1024 * 1024  # a map and all its imports together


@dataclass(frozen=True)
class SourceFile:
    """One map file: its text, its data and where every value sits in it."""

    path: Path  # absolute, symlinks resolved
    display: str  # how diagnostics name it
    text: str
    data: object
    positions: Mapping[PathKey, tuple[int, int]] = field(repr=False)
    key_positions: Mapping[PathKey, tuple[int, int]] = field(repr=False)
    weight: int = 0  # bytes once aliases are expanded: what limits across files count

    def locate(self, path: PathKey, *, key: bool = False) -> Location:
        """The position of the value at `path`, or of its nearest ancestor that exists."""
        if key and path in self.key_positions:
            return Location(self.display, *self.key_positions[path])
        for end in range(len(path), -1, -1):
            if path[:end] in self.positions:
                return Location(self.display, *self.positions[path[:end]])
        return Location(self.display)

    def spots(self, path: PathKey) -> dict[str, Location]:
        """Where each key's value sits in the mapping at `path`, so rules can point at one field."""
        node = self.data
        for part in path:
            node = node[part]  # type: ignore[index]  # `path` was read from this very data: every step exists
        if not isinstance(node, dict):
            return {}
        found, positions = {}, self.positions
        for key in node:  # each key's own value is nearly always placed: locate() only for the rest
            at = positions.get((*path, key))
            found[key] = Location(self.display, *at) if at is not None else self.locate((*path, key))
        return found


@dataclass(frozen=True)
class LoadedMap:
    """A map file and every file it imports, each read once."""

    root: SourceFile
    imports: tuple[SourceFile, ...]
    project_root: Path

    @property
    def files(self) -> tuple[SourceFile, ...]:
        return (self.root, *self.imports)


def looks_like_map(path: Path, max_bytes: int = MAX_BYTES) -> bool:
    """Whether a file found in a folder is a map: named `*.cjmap.yaml`, or YAML with a top-level `cjmap:` key.

    Only the first MiB of other YAML is searched, so a big lock file beside the maps is
    skipped rather than refused as too big; a file named like a map is always read, so
    one missing `cjmap: 1` is reported, not passed over in silence.
    """
    try:
        if path.name.endswith(MAP_NAMES):
            return True  # even a device or FIFO: the reader refuses it in words, and lint fails
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        head = read_head(path, SNIFF_BYTES)
    except (OSError, ValueError):
        return False
    return MAP_KEY.search(head) is not None


def read_source(path: Path, display: str, max_bytes: int = MAX_BYTES) -> SourceFile:
    """Read and parse one YAML file; raise MapError (CJM001) on anything unsafe or invalid."""
    here = Location(display)
    try:
        raw = read_limited(path, max_bytes)
    except TooBig as e:
        raise MapError([structural("CJM001", here, str(e))]) from None
    except IsADirectoryError:
        raise MapError([structural("CJM000", here, "is a folder, not a map file")]) from None
    except FileRefused as e:
        raise MapError([structural("CJM000", here, str(e))]) from None
    except (OSError, ValueError) as e:  # ValueError: a NUL in the path
        if os.path.isdir(path):  # met while walking a folder: one that cannot be listed
            said = f"cannot list folder: {why(e)}; the maps in it were not checked"
        else:
            said = f"cannot read file: {why(e)}"
        raise MapError([structural("CJM000", here, said)]) from None
    text = _decode(raw, display)
    data, positions, key_positions, alias_bytes = parse_sized(text, display)
    return SourceFile(path.resolve(), display, text, data, positions, key_positions, len(raw) + alias_bytes)


def _decode(raw: bytes, display: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        before = raw[: e.start]
        line = before.count(b"\n") + 1
        column = e.start - (before.rfind(b"\n") + 1) + 1
        where = Location(display, line, column)
        raise MapError([structural("CJM001", where, f"file is not UTF-8 text (byte 0x{raw[e.start]:02x})")]) from None
    return text.removeprefix("\ufeff")


def load_map(path: Path, display: str | None = None, *, max_bytes: int = MAX_BYTES) -> LoadedMap:
    """Read a map and, transitively, the files it imports; raise MapError on any failure."""
    display = display if display is not None else str(path)
    refuse_link_out_of_project(path, display)
    root = read_source(path, display, max_bytes)
    project_root = find_project_root(root.path.parent)
    imports: dict[Path, SourceFile] = {}
    errors: list[Diagnostic] = []
    _follow_imports(root, project_root, imports, errors, max_bytes)
    if errors:
        raise MapError(errors)
    return LoadedMap(root, tuple(imports.values()), project_root)


def refuse_link_out_of_project(path: Path, display: str, code: str = "CJM000") -> None:
    """A file cjmap reads on its own must lie inside its project, as imports must.

    Otherwise a committed link to ~/.git-credentials would have cjmap quote the start
    of that file in a diagnostic, in a public CI log.
    """
    try:
        here = outside_project(path, PROJECT_MARKERS)
    except (OSError, ValueError, RuntimeError) as e:  # a loop of links, or a path the system refuses
        looping = isinstance(e, RuntimeError) or getattr(e, "errno", None) == errno.ELOOP
        said = "is a symbolic link that cannot be followed" if looping else f"cannot read file: {why(e)}"
        raise MapError([structural(code, Location(display), said)]) from None
    if here is not None:
        raise MapError(
            [
                structural(
                    code,
                    Location(display),
                    f"leads through a symbolic link to a file outside the project {here}; refusing to read it",
                )
            ]
        )


def _follow_imports(
    root: SourceFile, project_root: Path, seen: dict[Path, SourceFile], errors: list[Diagnostic], max_bytes: int
) -> None:
    """Read every file `root` imports, depth first in file order, without recursion.

    Each file is bounded by itself; together they are bounded too (MAX_IMPORTS files,
    MAX_TOTAL_BYTES), so 300 imports of a few MB each cannot add up to gigabytes.
    """
    total = root.weight
    # (a file, the chain of imports from the root map down to it, its import entries not yet followed)
    stack: list[tuple[SourceFile, tuple[Path, ...], Iterator[tuple[int, str]]]] = [
        (root, (root.path,), iter(_import_entries(root)))
    ]
    while stack:
        importer, chain, entries = stack[-1]
        step = next(entries, None)
        if step is None:
            stack.pop()
            continue
        i, entry = step
        where = importer.locate(("imports", i))
        target = _import_target(entry, importer, project_root, chain, where, errors)
        if target is None or target in seen:
            continue
        if len(seen) >= MAX_IMPORTS:
            errors.append(
                structural("CJM005", where, f"more than {MAX_IMPORTS} imported files; merge shared definitions")
            )
            return
        display = os.path.normpath(os.path.join(os.path.dirname(importer.display), entry))
        try:
            imported = read_source(target, display, max_bytes)
        except MapError as e:
            errors.extend(e.diagnostics)
            continue
        total += imported.weight
        if total > MAX_TOTAL_BYTES:
            errors.append(
                structural(
                    "CJM005",
                    where,
                    f"the map and its imports hold more than {MAX_TOTAL_BYTES:,} bytes together, "
                    "aliases expanded; split them",
                )
            )
            return
        if not (isinstance(imported.data, dict) and "cjmap" in imported.data):
            errors.append(
                structural("CJM005", where, f"imported file '{entry}' is not a cjmap file (it has no 'cjmap:' key)")
            )
            continue
        seen[target] = imported
        stack.append((imported, (*chain, target), iter(_import_entries(imported))))


def _import_entries(importer: SourceFile) -> list[tuple[int, str]]:
    data = importer.data
    entries = data.get("imports") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []  # absent, or the wrong type: schema validation reports the latter
    return [(i, entry) for i, entry in enumerate(entries) if isinstance(entry, str)]


def _import_target(
    entry: str,
    importer: SourceFile,
    project_root: Path,
    chain: tuple[Path, ...],
    where: Location,
    errors: list[Diagnostic],
) -> Path | None:
    """Where an import points, or None after recording why it may not be followed."""
    if not entry.strip():
        errors.append(structural("CJM005", where, "import path is empty"))
        return None
    if "\x00" in entry:  # no file system accepts it: Path.resolve() raises ValueError
        errors.append(structural("CJM005", where, "import path contains a NUL character"))
        return None
    if written_absolute(entry):
        errors.append(structural("CJM005", where, f"import '{entry}' is absolute; write it relative to this file"))
        return None
    followed = follow(importer.path.parent, entry, "import")
    if isinstance(followed, str):
        errors.append(structural("CJM005", where, followed))
        return None
    target, exists = followed
    if not target.is_relative_to(project_root):
        errors.append(structural("CJM005", where, f"import '{entry}' leaves the project root {project_root}"))
        return None
    if target in chain:
        names = " -> ".join(p.name for p in (*chain[chain.index(target) :], target))
        errors.append(structural("CJM005", where, f"import cycle: {names}"))
        return None
    if not exists:  # a device or pipe exists: reading it says why it is refused
        errors.append(structural("CJM005", where, f"imported file '{entry}' not found"))
        return None
    return target

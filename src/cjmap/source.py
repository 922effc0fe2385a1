"""Read map files safely into plain data, keeping a position for every node.

PyYAML composes the node tree (with the C loader when the wheel has it), and
this module builds the Python values itself so that it can refuse what a
journey map never needs (custom tags, duplicate keys, alias bombs, deep
nesting) and record where each value came from. Later stages look errors up
in `SourceFile.positions`, so there is one parser and one notion of "where".
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Union

import yaml

from cjmap.config import find_project_root
from cjmap.diagnostics import Diagnostic, Location, MapError, structural

try:  # the C loader composes about 9x faster; pure Python is the fallback
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Scalar = Union[str, int, float, bool, None, date]
PathKey = tuple[Union[str, int], ...]

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_NODES = 100_000
MAX_NODES = 400_000  # keys and values in one file: a 5,000-touchpoint map with every lane filled has about 200,000

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MAP_TAG, _SEQ_TAG, _MERGE_TAG = _TAG + "map", _TAG + "seq", _TAG + "merge"
_CJMAP_KEY = re.compile(r"^cjmap[ \t]*:", re.MULTILINE)


@dataclass(frozen=True)
class SourceFile:
    """One map file: its text, its data and where every value sits in it."""

    path: Path  # absolute, symlinks resolved
    display: str  # how diagnostics name it
    text: str
    data: object
    positions: Mapping[PathKey, tuple[int, int]] = field(repr=False)
    key_positions: Mapping[PathKey, tuple[int, int]] = field(repr=False)

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
            node = node[part]  # type: ignore[index]
        if not isinstance(node, dict):
            return {}
        return {key: self.locate((*path, key)) for key in node}


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
    """Whether a YAML file carries a top-level `cjmap:` key, checked without parsing."""
    try:
        if path.stat().st_size > max_bytes:
            return True  # let the loader say clearly that it is too big
        return bool(_CJMAP_KEY.search(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False


def read_source(path: Path, display: str, max_bytes: int = MAX_BYTES) -> SourceFile:
    """Read and parse one YAML file; raise MapError (CJM001) on anything unsafe or invalid."""
    here = Location(display)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise MapError([structural("CJM001", here, f"file is {size:,} bytes, over the limit of {max_bytes:,}")])
        raw = path.read_bytes()
    except IsADirectoryError:
        raise MapError([structural("CJM000", here, "is a folder, not a map file")]) from None
    except OSError as e:
        raise MapError([structural("CJM000", here, f"cannot read file: {e.strerror}")]) from None
    text = _decode(raw, display)
    data, positions, key_positions = parse_yaml(text, display)
    return SourceFile(path.resolve(), display, text, data, positions, key_positions)


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


def parse_yaml(text: str, display: str) -> tuple[object, dict[PathKey, tuple[int, int]], dict[PathKey, tuple[int, int]]]:
    """Compose one YAML document and build plain values with their positions."""
    loader = _Loader(text)
    try:
        _check_nesting(text, display)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)
        raise MapError([structural("CJM001", where, _yaml_message(e, text))]) from None
    except yaml.reader.ReaderError as e:
        raise MapError([_unprintable(e, text, display)]) from None
    except yaml.YAMLError as e:
        raise MapError([structural("CJM001", Location(display), f"invalid YAML: {e}")]) from None
    finally:
        loader.dispose()
    builder = _Builder(display)
    data = None if node is None else builder.build(node, (), 0, False)
    if builder.errors:
        raise MapError(builder.errors)
    return data, builder.positions, builder.key_positions


_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_NODE = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)


def _check_nesting(text: str, display: str) -> None:
    """Refuse deep nesting and huge node counts before composing: PyYAML's composer recurses per
    level (100,000 brackets crash the interpreter) and keeps every node. libyaml's event parser
    keeps its state on the heap and streams."""
    depth = nodes = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _NODE):
            nodes += 1
            if nodes > MAX_NODES:  # refused while streaming, before a node tree costs memory
                mark = event.start_mark
                where = Location(display, mark.line + 1, mark.column + 1)
                raise MapError([structural("CJM001", where, f"more than {MAX_NODES:,} keys and values in one file; split the map")])
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                where = Location(display, mark.line + 1, mark.column + 1)
                raise MapError([structural("CJM001", where, f"values nested more than {MAX_DEPTH} levels deep")])
        elif isinstance(event, _CLOSE):
            depth -= 1


def _unprintable(e: yaml.reader.ReaderError, text: str, display: str) -> Diagnostic:
    """PyYAML's reader reports a control character by offset only; give it a line and column."""
    before = text[: e.position]
    line = before.count("\n") + 1
    column = e.position - (before.rfind("\n") + 1) + 1
    character = e.character if isinstance(e.character, int) else ord(str(e.character)[:1] or "\0")
    message = f"invalid YAML: control character U+{character:04X} is not allowed in a YAML file"
    return structural("CJM001", Location(display, line, column), message)


def _yaml_message(e: yaml.MarkedYAMLError, text: str) -> str:
    problem = (e.problem or "syntax error").strip()
    if "maximum nesting depth" in problem:  # libyaml's own limit (PyYAML >= 6.0.4) can fire before ours
        return f"values nested more than {MAX_DEPTH} levels deep"
    mark = e.problem_mark
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        return "tab character used for indentation; YAML indents with spaces"
    if "expected a single document" in (e.context or "") or "but found another document" in problem:
        return "a map file holds one YAML document; remove the extra '---'"
    if e.context and e.context_mark and e.problem_mark and e.context_mark.line != e.problem_mark.line:
        return f"invalid YAML: {problem} ({e.context} at line {e.context_mark.line + 1})"
    return f"invalid YAML: {problem}"


class _Builder:
    """Turns a composed node tree into plain values, collecting every refusal."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self.key_positions: dict[PathKey, tuple[int, int]] = {}
        self.errors: list[Diagnostic] = []
        self._seen: set[int] = set()
        self._alias_nodes = 0
        self._scalars = yaml.constructor.SafeConstructor()

    def _where(self, node: yaml.Node) -> Location:
        return Location(self.display, node.start_mark.line + 1, node.start_mark.column + 1)

    def _refuse(self, node: yaml.Node, message: str) -> None:
        self.errors.append(structural("CJM001", self._where(node), message))

    def build(self, node: yaml.Node, path: PathKey, depth: int, aliased: bool) -> object:
        aliased = aliased or id(node) in self._seen
        self._seen.add(id(node))
        if aliased:
            self._alias_nodes += 1
            if self._alias_nodes > MAX_ALIAS_NODES:
                raise MapError([structural("CJM001", self._where(node), f"aliases expand to more than {MAX_ALIAS_NODES:,} values; refusing a possible YAML bomb")])
        if depth > MAX_DEPTH:
            raise MapError([structural("CJM001", self._where(node), f"values nested more than {MAX_DEPTH} levels deep")])
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            return [self.build(item, (*path, i), depth + 1, aliased) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
            return self._mapping(node, path, depth, aliased)
        self._refuse(node, f"tag '{node.tag}' is not allowed; cjmap reads plain YAML only")
        return None

    def _scalar(self, node: yaml.ScalarNode) -> Scalar:
        if node.tag not in _SCALAR_TAGS:
            self._refuse(node, f"tag '{node.tag}' is not allowed; cjmap reads plain YAML only")
            return None
        try:
            return self._scalars.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError):
            self._refuse(node, f"cannot read value {node.value!r}")
            return None

    def _mapping(self, node: yaml.MappingNode, path: PathKey, depth: int, aliased: bool) -> dict[str, object]:
        result: dict[str, object] = {}
        merged: dict[str, object] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.update(self._merge(value_node, path, depth, aliased))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._refuse(key_node, "keys must be plain text")
                continue
            key = str(key_node.value)
            if key in result:
                first = self.key_positions[(*path, key)][0]
                self._refuse(key_node, f"duplicate key '{key}' (first at line {first})")
                continue
            self.key_positions[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, (*path, key), depth + 1, aliased)
        return {**{k: v for k, v in merged.items() if k not in result}, **result}

    def _merge(self, node: yaml.Node, path: PathKey, depth: int, aliased: bool) -> dict[str, object]:
        """YAML merge keys (`<<: *defaults`): explicit keys win, as in YAML 1.1."""
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[str, object] = {}
        for source in reversed(sources):
            value = self.build(source, path, depth + 1, True)
            if isinstance(value, dict):
                merged.update(value)
            else:
                self._refuse(source, "'<<' merges a mapping or a list of mappings")
        return merged


def load_map(path: Path, display: str | None = None, *, max_bytes: int = MAX_BYTES) -> LoadedMap:
    """Read a map and, transitively, the files it imports; raise MapError on any failure."""
    display = display if display is not None else str(path)
    root = read_source(path, display, max_bytes)
    project_root = find_project_root(root.path.parent)
    imports: dict[Path, SourceFile] = {}
    errors: list[Diagnostic] = []
    _follow_imports(root, project_root, (root.path,), imports, errors, max_bytes)
    if errors:
        raise MapError(errors)
    return LoadedMap(root, tuple(imports.values()), project_root)


def _follow_imports(
    importer: SourceFile,
    project_root: Path,
    chain: tuple[Path, ...],
    seen: dict[Path, SourceFile],
    errors: list[Diagnostic],
    max_bytes: int,
) -> None:
    data = importer.data
    entries = data.get("imports") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return  # absent, or the wrong type: schema validation reports the latter
    for i, entry in enumerate(entries):
        if not isinstance(entry, str):
            continue
        where = importer.locate(("imports", i))
        target = _import_target(entry, importer, project_root, chain, where, errors)
        if target is None or target in seen:
            continue
        display = os.path.normpath(os.path.join(os.path.dirname(importer.display), entry))
        try:
            imported = read_source(target, display, max_bytes)
        except MapError as e:
            errors.extend(e.diagnostics)
            continue
        if not (isinstance(imported.data, dict) and "cjmap" in imported.data):
            errors.append(structural("CJM005", where, f"imported file '{entry}' is not a cjmap file (it has no 'cjmap:' key)"))
            continue
        seen[target] = imported
        _follow_imports(imported, project_root, (*chain, target), seen, errors, max_bytes)


def _import_target(
    entry: str, importer: SourceFile, project_root: Path, chain: tuple[Path, ...], where: Location, errors: list[Diagnostic]
) -> Path | None:
    """Where an import points, or None after recording why it may not be followed."""
    if not entry.strip():
        errors.append(structural("CJM005", where, "import path is empty"))
        return None
    if os.path.isabs(entry) or re.match(r"^[A-Za-z]:[\\/]", entry):
        errors.append(structural("CJM005", where, f"import '{entry}' is absolute; write it relative to this file"))
        return None
    target = (importer.path.parent / entry).resolve()
    if not target.is_relative_to(project_root):
        errors.append(structural("CJM005", where, f"import '{entry}' leaves the project root {project_root}"))
        return None
    if target in chain:
        names = " -> ".join(p.name for p in (*chain[chain.index(target):], target))
        errors.append(structural("CJM005", where, f"import cycle: {names}"))
        return None
    if not target.is_file():
        errors.append(structural("CJM005", where, f"imported file '{entry}' not found"))
        return None
    return target

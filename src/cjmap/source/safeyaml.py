"""Plain Python values from YAML text in one streaming pass, with a position for every value.

libyaml (PyYAML's C parser, when the wheel has it) turns the text into events;
this module builds the values from them directly, never composing PyYAML's
node tree. One pass means the limits below are enforced while reading, before
a hostile file costs memory or recursion: custom tags, duplicate keys, alias
bombs, deep nesting and huge node counts are refused with a position. Aliases
are expanded by replaying the anchored value's events, so an alias gives a
fresh copy and the positions of the value it names.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, cast

import yaml

from cjmap.diagnostics import Diagnostic, Location, MapError, structural
from cjmap.source.safeio import MAX_MAP_BYTES

try:  # the C parser is about 9x faster; pure Python is the fallback
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]  # another class under the same name

Scalar = str | int | float | bool | None | date
PathKey = tuple[str | int, ...]
Positions = dict[PathKey, tuple[int, int]]
if TYPE_CHECKING:  # libyaml's events carry its own Mark type, with the same line and column
    Mark = yaml.Mark | yaml._yaml.Mark

MAX_DEPTH = 64
MAX_ALIAS_NODES = 100_000
MAX_ALIAS_BYTES = MAX_MAP_BYTES  # text aliases may add: no more than a whole map file holds
MAX_NODES = 400_000  # keys and values in one file: a 5,000-touchpoint map with every lane filled has about 200,000

_TAG = "tag:yaml.org,2002:"
_STR_TAG, _MAP_TAG, _SEQ_TAG, _MERGE_TAG = _TAG + "str", _TAG + "map", _TAG + "seq", _TAG + "merge"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}

# What a mapping expects next, besides a key already read.
_NEED_KEY, _SKIP, _MERGE, _BAD_KEY = object(), object(), object(), object()


def parse_yaml(text: str, display: str) -> tuple[object, Positions, Positions]:
    """One YAML document as plain values, the position of every value and of every mapping key."""
    data, positions, key_positions, _ = parse_sized(text, display)
    return data, positions, key_positions


def parse_sized(text: str, display: str) -> tuple[object, Positions, Positions, int]:
    """As parse_yaml, plus how many bytes of text aliases added: what the file weighs once expanded."""
    reader = _Reader(display)
    try:
        reader.read(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)
        raise MapError([structural("CJM001", where, _yaml_message(e, text))]) from None
    except yaml.reader.ReaderError as e:
        raise MapError([_unprintable(e, text, display)]) from None
    except yaml.YAMLError as e:
        raise MapError([structural("CJM001", Location(display), f"invalid YAML: {e}")]) from None
    if reader.errors:
        raise MapError(reader.errors)
    return reader.root, reader.positions, reader.key_positions, reader.alias_bytes


class _Collection:
    """A mapping or sequence being read: where it goes, and what it has so far."""

    __slots__ = (
        "anchor",
        "is_map",
        "key",
        "key_lines",
        "key_positions",
        "mark",
        "merge_list",
        "merges",
        "path",
        "positions",
        "value",
    )

    def __init__(
        self, is_map: bool, path: PathKey | None, positions: Positions, key_positions: Positions, mark: Mark
    ) -> None:
        self.is_map = is_map
        self.path = path  # None: the value is refused and thrown away, but still read through
        self.value: dict[str, object] | list[object] = {} if is_map else []
        self.key: object = _NEED_KEY
        self.key_lines: dict[str, int] = {}
        self.merges: list[tuple[object, Positions, Positions]] = []  # `<<` values, with where their keys sat
        self.merge_list = False  # a `<<: [*a, *b]` list: its items are merged, not indexed
        self.positions, self.key_positions = positions, key_positions
        self.anchor: tuple[str, int] | None = None
        self.mark = mark


class _Reader:
    """Consumes parser events; collects values, positions and every refusal."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.root: object = None
        self.positions: Positions = {}
        self.key_positions: Positions = {}
        self.errors: list[Diagnostic] = []
        self._stack: list[_Collection] = []
        self._nodes = self._alias_nodes = self._alias_bytes = self._documents = 0
        self._log: list[yaml.Event] = []  # events of anchored values, replayed for their aliases
        self._anchors: dict[str, tuple[int, int] | None] = {}  # None while the anchored value is being read
        self._open_anchors = 0
        self._anchor_lines: dict[str, int] = {}
        self._resolver = yaml.resolver.Resolver()
        self._tags: dict[tuple[str, tuple[bool, bool]], str] = {}  # bounded by the file's scalars (MAX_NODES)
        self._constructor = yaml.constructor.SafeConstructor()

    def read(self, events: Iterable[yaml.Event]) -> None:
        """Read a parser's events; each carries its marks (the stubs allow None only for events made by hand)."""
        for event in events:
            kind = type(event)
            if kind in _NODE_EVENTS:
                self._nodes += 1
                if self._nodes > MAX_NODES:  # refused while streaming, before the values cost memory
                    raise self._fatal(
                        event.start_mark, f"more than {MAX_NODES:,} keys and values in one file; split the map"
                    )
            if self._open_anchors or (kind in _ANCHORED_EVENTS and cast(yaml.NodeEvent, event).anchor is not None):
                self._log.append(event)
            self._event(event, kind, False)

    def _event(self, event: yaml.Event, kind: type, aliased: bool) -> None:
        # dispatched on the exact type, computed once per event: the casts only tell mypy what `kind` says
        if kind is yaml.ScalarEvent:
            self._scalar(cast(yaml.ScalarEvent, event), aliased)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            self._start(cast(yaml.CollectionStartEvent, event), kind is yaml.MappingStartEvent, aliased)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self._end(aliased)
        elif kind is yaml.AliasEvent:
            self._alias(cast(yaml.AliasEvent, event))
        elif kind is yaml.DocumentStartEvent:
            self._documents += 1
            if self._documents > 1:
                raise self._fatal(event.start_mark, "a map file holds one YAML document; remove the extra '---'")

    # -- nodes ---------------------------------------------------------------

    def _scalar(self, event: yaml.ScalarEvent, aliased: bool) -> None:
        mark = event.start_mark
        assert mark is not None  # a parser's event
        if aliased:
            self._count_alias(mark, len(event.value))
        elif event.anchor is not None:
            index = len(self._log) - 1
            self._anchor(event.anchor, mark, (index, index))
        tag = event.tag
        if tag is None or tag == "!":
            tag = _STR_TAG if not event.implicit[0] else self._implicit_tag(event.value, event.implicit)
        parent = self._stack[-1] if self._stack else None
        if parent is not None and parent.is_map and parent.key is _NEED_KEY:
            self._key(parent, event, tag, mark)
            return
        path, positions, _ = self._slot(parent)
        if path is not None:
            positions.setdefault(path, (mark.line + 1, mark.column + 1))
        if tag == _STR_TAG:
            value: Scalar = event.value
        elif tag in _SCALAR_TAGS:
            value = self._construct(event, tag, mark)
        else:
            self._refuse_tag(mark, tag)
            value = None
        self._place(parent, value, mark)

    def _implicit_tag(self, value: str, implicit: tuple[bool, bool]) -> str:
        """What a plain scalar is (text, number, date...): the same words recur (every key), so each is asked once."""
        known = self._tags.get((value, implicit))
        if known is None:
            known = self._tags[(value, implicit)] = self._resolver.resolve(yaml.ScalarNode, value, implicit)
        return known

    def _construct(self, event: yaml.ScalarEvent, tag: str, mark: Mark) -> Scalar:
        # the stubs' ScalarNode takes only the pure-Python Mark; libyaml's has the same fields
        node = yaml.ScalarNode(tag, event.value, mark, event.end_mark, event.style)  # type: ignore[arg-type]
        try:
            return self._constructor.yaml_constructors[tag](self._constructor, node)
        except (yaml.YAMLError, ValueError, OverflowError):
            self._refuse(mark, _unreadable(event.value, tag))
            return None

    def _key(self, mapping: _Collection, event: yaml.ScalarEvent, tag: str, mark: Mark) -> None:
        if tag == _MERGE_TAG:
            mapping.key = _MERGE
            return
        if tag not in _SCALAR_TAGS:
            self._refuse_tag(mark, tag)
            mapping.key = _SKIP
            return
        key, line = event.value, mark.line + 1
        if key in mapping.key_lines:
            self._refuse(mark, f"duplicate key '{key}' (first at line {mapping.key_lines[key]})")
            mapping.key = _SKIP
            return
        mapping.key_lines[key] = line
        mapping.key = key
        if mapping.path is not None:
            key_path = (*mapping.path, key)  # named: mypy misreads a starred tuple in brackets as 3.11 syntax
            mapping.key_positions[key_path] = (line, mark.column + 1)

    def _start(self, event: yaml.CollectionStartEvent, is_map: bool, aliased: bool) -> None:
        mark = event.start_mark
        assert mark is not None  # a parser's event
        if aliased:
            self._count_alias(mark)
        if len(self._stack) >= MAX_DEPTH:
            raise self._fatal(mark, f"values nested more than {MAX_DEPTH} levels deep")
        parent = self._stack[-1] if self._stack else None
        if parent is not None and parent.is_map and parent.key is _NEED_KEY:
            self._refuse(mark, "keys must be plain text")
            parent.key = _BAD_KEY
            path, positions, key_positions = None, self.positions, self.key_positions
        else:
            path, positions, key_positions = self._slot(parent)
        tag = event.tag
        if tag not in (None, "!", _MAP_TAG if is_map else _SEQ_TAG):
            self._refuse_tag(mark, tag)
            path = None
        if path is not None:
            positions.setdefault(path, (mark.line + 1, mark.column + 1))
        collection = _Collection(is_map, path, positions, key_positions, mark)
        collection.merge_list = not is_map and parent is not None and parent.is_map and parent.key is _MERGE
        if not aliased and event.anchor is not None:
            self._anchor(event.anchor, mark, None)
            self._open_anchors += 1
            collection.anchor = (event.anchor, len(self._log) - 1)
        self._stack.append(collection)

    def _end(self, aliased: bool) -> None:
        collection = self._stack.pop()
        if collection.anchor is not None and not aliased:
            name, start = collection.anchor
            self._anchors[name] = (start, len(self._log) - 1)
            self._open_anchors -= 1
        value: object = collection.value
        if collection.merges:
            value = self._merged(collection)
        if collection.path is None:
            value = None
        self._place(self._stack[-1] if self._stack else None, value, collection.mark)

    def _anchor(self, name: str, mark: Mark, span: tuple[int, int] | None) -> None:
        """Register `&name`; a second `&name` is refused, as PyYAML does,
        since it makes `*name` ambiguous to a reader."""
        if name in self._anchors:
            first = self._anchor_lines[name]
            self._refuse(mark, f"anchor '&{name}' is defined twice (first at line {first})")
        self._anchor_lines.setdefault(name, mark.line + 1)
        self._anchors[name] = span

    def _alias(self, event: yaml.AliasEvent) -> None:
        if event.anchor not in self._anchors:
            raise self._fatal(event.start_mark, f"invalid YAML: found undefined alias '{event.anchor}'")
        span = self._anchors[event.anchor]
        if span is None:
            raise self._fatal(event.start_mark, f"alias '*{event.anchor}' is used inside the value it names")
        first, last = span
        for logged in self._log[first : last + 1]:
            self._event(logged, type(logged), True)

    # -- where values go -----------------------------------------------------

    def _slot(self, parent: _Collection | None) -> tuple[PathKey | None, Positions, Positions]:
        """The path of the next value under `parent`, and the position tables it is recorded in."""
        if parent is None:
            return (), self.positions, self.key_positions
        if parent.is_map and parent.key is _MERGE:
            # merged keys keep their own positions until the mapping knows its explicit keys
            merge: tuple[object, Positions, Positions] = (None, {}, {})
            parent.merges.append(merge)
            return parent.path, merge[1], merge[2]
        if parent.path is None:
            return None, parent.positions, parent.key_positions
        if parent.is_map:
            if not isinstance(parent.key, str):  # _SKIP or _BAD_KEY: the value is read and thrown away
                return None, parent.positions, parent.key_positions
            return (*parent.path, parent.key), parent.positions, parent.key_positions
        if parent.merge_list:
            return parent.path, parent.positions, parent.key_positions
        return (*parent.path, len(parent.value)), parent.positions, parent.key_positions

    def _place(self, parent: _Collection | None, value: object, mark: Mark) -> None:
        if parent is None:
            self.root = value
        elif isinstance(parent.value, list):  # a sequence
            if parent.merge_list and not isinstance(value, dict):
                self._refuse(mark, "'<<' merges a mapping or a list of mappings")
            parent.value.append(value)
        elif parent.key is _BAD_KEY:
            parent.key = _SKIP  # the refused key's value follows
        elif parent.key is _SKIP:
            parent.key = _NEED_KEY
        elif parent.key is _MERGE:
            if not isinstance(value, (dict, list)):
                self._refuse(mark, "'<<' merges a mapping or a list of mappings")
                value = None
            _, positions, key_positions = parent.merges[-1]
            parent.merges[-1] = (value, positions, key_positions)
            parent.key = _NEED_KEY
        elif isinstance(parent.key, str):  # not _NEED_KEY: a key is always read before its value
            parent.value[parent.key] = value
            parent.key = _NEED_KEY

    def _merged(self, mapping: _Collection) -> dict[str, object]:
        """YAML merge keys (`<<: *defaults`): explicit keys win, then the first source named."""
        explicit = mapping.value
        assert isinstance(explicit, dict)  # only a mapping has merge keys
        merged: dict[str, object] = {}
        depth = len(mapping.path or ())
        for value, positions, key_positions in mapping.merges:
            sources = value if isinstance(value, list) else [value]
            for source in reversed(sources):
                if isinstance(source, dict):
                    merged.update(source)
            for table, target in ((positions, mapping.positions), (key_positions, mapping.key_positions)):
                for path, where in table.items():
                    if len(path) > depth and path[depth] not in explicit:
                        target.setdefault(path, where)
        return {**{k: v for k, v in merged.items() if k not in explicit}, **explicit}

    # -- refusals ------------------------------------------------------------

    @property
    def alias_bytes(self) -> int:
        return self._alias_bytes

    def _count_alias(self, mark: Mark, size: int = 0) -> None:
        """Bound what aliases add, in values and in bytes: one big anchored text repeated is a bomb too."""
        self._alias_nodes += 1
        self._alias_bytes += size
        if self._alias_nodes > MAX_ALIAS_NODES:
            raise self._fatal(
                mark, f"aliases expand to more than {MAX_ALIAS_NODES:,} values; refusing a possible YAML bomb"
            )
        if self._alias_bytes > MAX_ALIAS_BYTES:
            raise self._fatal(
                mark, f"aliases expand to more than {MAX_ALIAS_BYTES:,} bytes of text; refusing a possible YAML bomb"
            )

    def _where(self, mark: Mark | None) -> Location:
        return Location(self.display, mark.line + 1, mark.column + 1) if mark is not None else Location(self.display)

    def _refuse(self, mark: Mark, message: str) -> None:
        self.errors.append(structural("CJM001", self._where(mark), message))

    def _refuse_tag(self, mark: Mark, tag: str | None) -> None:
        self._refuse(mark, f"tag '{tag}' is not allowed; cjmap reads plain YAML only")

    def _fatal(self, mark: Mark | None, message: str) -> MapError:
        return MapError([structural("CJM001", self._where(mark), message)])


_NODE_EVENTS = frozenset({yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent})
_ANCHORED_EVENTS = frozenset({yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent})


def _unreadable(value: str, tag: str) -> str:
    """Why a value that looks like a date, a time or a number cannot be read, in a person's words."""
    match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", value) if tag == _TAG + "timestamp" else None
    if match is None:
        return f"cannot read value {value!r}"
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return f"'{value}' is not a date: there is no month {month} (write YYYY-MM-DD, months 01 to 12)"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"'{value}' is not a date: {calendar.month_name[month]} {year} has days 1 to {last}"
    return f"'{value}' is not a date and time cjmap can read (write YYYY-MM-DD)"


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
    if e.context and e.context_mark and e.problem_mark and e.context_mark.line != e.problem_mark.line:
        return f"invalid YAML: {problem} ({e.context} at line {e.context_mark.line + 1})"
    return f"invalid YAML: {problem}"

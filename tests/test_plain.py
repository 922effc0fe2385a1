"""The plain reader (`cjmap.plain`) against the pydantic model it stands in for (issue 17).

`plain_map` may refuse anything (pydantic then judges it), but what it accepts pydantic must accept too, with
the same values of the same Python types at every field: 1 is not 1.0, a tuple is not a list. Generated maps
sit near the boundary: valid ones with every field, and mutations of them (a bool for a number, text for a
number, a datetime for a date, an id with a capital, `share: 1`, unknown and `x-` keys, ...). The field
tables of both are compared, so model.py cannot change without plain.py, and the real maps (examples and the
benchmark's) must take the fast road.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import math
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from cjmap import model
from cjmap.model import MapFile
from cjmap.plain import Plain, plain_map
from cjmap.source.loader import load_map
from cjmap.source.safeyaml import parse_yaml
from conftest import EXAMPLES, REPO

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def dump(value: object) -> object:
    """A value as nested (type name, value) pairs, for a Plain and a pydantic model alike."""
    if isinstance(value, Plain):
        fields = {k: dump(v) for k, v in vars(value).items() if k != "_kind"}
        return (vars(value)["_kind"], sorted(fields.items()))
    if isinstance(value, BaseModel):
        fields = {k: dump(getattr(value, k)) for k in type(value).model_fields}
        return (type(value).__name__, sorted(fields.items()))
    if type(value) in (tuple, list):
        return (type(value).__name__, [dump(v) for v in value])  # type: ignore[attr-defined]  # checked just above
    if type(value) is dict:
        return ("dict", [(dump(k), dump(v)) for k, v in value.items()])
    return (type(value).__name__, repr(value))  # repr: -0.0 and 0.0 differ, a date is not a datetime


def holds_contract(data: object) -> bool:
    """If the plain reader accepts `data`, pydantic does too, to the same values; return whether it accepted."""
    plain = plain_map(data)
    if plain is None:
        return False
    try:
        validated = MapFile.model_validate(data)
    except ValidationError as e:  # pragma: no cover - the failure this test exists to find
        raise AssertionError(f"plain accepted what pydantic refuses:\n{plain!r}\n{e}") from None
    assert dump(plain) == dump(validated), _difference(dump(plain), dump(validated))
    return True


def _difference(plain: Any, validated: Any, path: str = "") -> str:
    """Where two dumps first differ, and how, rather than two whole maps to compare by eye."""
    same_shape = plain[0] == validated[0] and type(plain[1]) is type(validated[1]) is list
    if same_shape and len(plain[1]) == len(validated[1]):
        fields = plain[0] not in ("list", "tuple", "dict")  # a model's dump: (kind, [(field, dump), ...])
        for i, (a, b) in enumerate(zip(plain[1], validated[1], strict=True)):
            if a != b:
                return _difference(a[1], b[1], f"{path}.{a[0]}") if fields else _difference(a, b, f"{path}[{i}]")
    return f"at {path or 'the top'}: plain {plain!r} != pydantic {validated!r}"


# -- values: the good ones exactly as the model wants them, and the near misses

letters = st.characters(codec="utf-8")
texts = st.text(letters, min_size=1, max_size=6) | st.sampled_from([" ", "a\n", "Ab", "é", "−1", "0.5", "x-y"])
refs = texts | st.just("")
slugs = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,8}", fullmatch=True) | st.sampled_from(["a" * 200, "0", "a-_"])
whole = st.integers(-3, 3) | st.integers() | st.sampled_from([2**63, -(2**63) - 1, 10**40])
numbers = whole | st.floats(allow_nan=False, allow_infinity=False)
shares = st.floats(0, 1) | st.sampled_from([0.0, -0.0, 1.0, 0, 1])
scores = st.integers(-2, 2)
emotions = scores | st.dictionaries(refs, scores, max_size=3)
notes = numbers | refs
days = st.dates()
links = st.builds(
    lambda blank, scheme, rest: blank + scheme + rest + blank,
    st.sampled_from(["", " ", "\n"]),
    st.sampled_from(["http://", "https://", "mailto:", "HTTPS://", "Mailto:"]),
    st.text(letters, max_size=6),
)

NEAR_MISSES = [
    None, True, False, 0, 1, -1, 3, -3, 1.0, 0.5, -0.0, 1.5, math.nan, math.inf, -math.inf, 2**63, 10**40,
    "", " ", "1", "0.5", "−1", " − 2 ", "\u2212 1", "a\n", "A", "Ab", "a b", "a" * 201, "\ud800", "javascript:alert(1)",
    " http://x.y ", "http://a b", "ftp://x", "count", "higher", "lower", "current", "future", "explicit", "sequence",
    date(2026, 1, 2), datetime(2026, 1, 2), datetime(2026, 1, 2, 3, 4), "2026-01-02", [], (), {}, ["a"], ("a",),
    "x-a", {"a": 1}, {"to": "a"}, {1: 2}, b"a",
]  # fmt: skip
junk = st.sampled_from(NEAR_MISSES) | st.integers() | st.floats() | st.text(max_size=4) | st.datetimes()
keys = st.sampled_from([k for k in NEAR_MISSES if not isinstance(k, (list, dict))]) | st.text(max_size=4)


def variants(value: Any) -> list[Any]:
    """Values one slip away from a good one: the same thing as text, as a float, wrapped, with a newline."""
    near: list[Any] = [str(value), [value], (value,), {"v": value}, None]
    if type(value) is int:
        near += [float(value), bool(value % 2), str(value).replace("-", "\u2212")]
    if type(value) is float and math.isfinite(value) and value.is_integer():
        near.append(int(value))
    if type(value) is str:
        near += [value + "\n", value.upper(), " " + value, value.encode("utf-8", "surrogatepass")]
    if type(value) is date:
        near += [datetime(value.year, value.month, value.day), value.isoformat()]
    if type(value) is list:
        near += [tuple(value), {str(i): v for i, v in enumerate(value)}]
    if type(value) is dict:
        near += [list(value), list(value.values())]
    return near


def slipped(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value one slip away from a good one, or any near miss at all."""
    return good.flatmap(lambda v: st.sampled_from(variants(v))) | junk


def listing(item: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    return st.lists(item, max_size=2)


def record(
    fields: dict[str, st.SearchStrategy[Any]], required: tuple[str, ...] = (), *, identified: bool = True
) -> st.SearchStrategy[Any]:
    """A mapping with these fields, each given or left out (a required one always given), some `x-` keys."""

    @st.composite
    def draw_record(draw: st.DrawFn) -> Any:
        out: dict[str, Any] = {}
        if identified:
            naming = draw(st.sampled_from([("id",), ("name",), ("id", "name")]))
            out.update({"id": draw(slugs), "name": draw(texts)})
            for key in {"id", "name"} - set(naming):
                del out[key]
        for name in draw(st.permutations(list(fields))):
            if name not in required and draw(st.booleans()):
                continue
            out[name] = draw(fields[name])
            if draw(st.sampled_from([True, False, False, False])):
                out["x-" + name] = draw(junk)
        return out

    return draw_record()


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside the data, the root's () included."""
    found = [path]
    if type(value) is dict:
        for key, item in value.items():
            found += _places(item, (*path, key))
    elif type(value) is list:
        for i, item in enumerate(value):
            found += _places(item, (*path, i))
    return found


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@st.composite
def slipped_maps(draw: st.DrawFn) -> Any:
    """A valid map with one to three slips: a value one slip away, a key dropped, unknown, not text, ..."""
    data = copy.deepcopy(draw(maps()))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_places(data)))
        if not path:
            data = draw(slipped(st.just(data)))
            continue
        parent, last = _at(data, path[:-1]), path[-1]
        slip = draw(st.sampled_from(["value", "value", "value", "drop", "unknown", "key", "no-name"]))
        if slip == "value":
            parent[last] = draw(slipped(st.just(parent[last])))
        elif slip == "drop":
            del parent[last]
        elif type(parent) is dict and slip == "unknown":
            parent[draw(st.sampled_from(["colour", "X-a", "x", "_kind", "Name", "to ", "id\n"]))] = draw(junk)
        elif type(parent) is dict and slip == "key":
            parent[draw(st.sampled_from([1, 1.5, None, True, ("x-a",), date(2026, 1, 1)]))] = parent[last]
        elif type(parent) is dict and slip == "no-name":
            parent.update({"id": None, "name": draw(st.sampled_from([None, None, "A"]))})
    return data


@functools.cache  # built once: drawn again for every example
def maps() -> st.SearchStrategy[Any]:
    """Whole maps exactly as the model wants them: every field given or left out, every kind of value."""

    def optional(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.none() | good

    next_step = record({"to": refs, "when": optional(texts), "share": optional(shares)}, ("to",), identified=False)
    target = record(
        {"value": numbers, "better": st.sampled_from(["higher", "lower"])}, ("value", "better"), identified=False
    )
    persona = record(
        {
            "role": optional(texts),
            "goals": listing(texts),
            "frustrations": listing(texts),
            "quote": optional(texts),
            "sources": listing(refs),
            "starts": optional(refs | listing(refs)),
            "stages": optional(listing(refs)),
        }
    )
    source = record({"collected": optional(days), "url": optional(links)})
    metric = record(
        {
            "kind": st.sampled_from(["count", "rate", "score", "duration", "currency"]),
            "unit": optional(texts),
            "target": optional(target),
            "owner": optional(refs),
            "source": optional(refs),
            "value": optional(numbers),
        },
        ("kind",),
    )
    touchpoint = record(
        {
            "channel": optional(refs),
            "owner": optional(refs),
            "personas": optional(listing(refs)),
            "doing": optional(texts),
            "thinking": optional(texts),
            "feeling": optional(texts),
            "emotion": optional(emotions),
            "pain_points": listing(texts),
            "opportunities": listing(texts),
            "metrics": st.dictionaries(refs, notes, max_size=3),
            "sources": listing(refs),
            "next": optional(listing(refs | next_step)),
            "exit": optional(texts),
        }
    )
    stage = record(
        {
            "goal": optional(texts),
            "metrics": st.dictionaries(refs, numbers, max_size=3),
            "touchpoints": listing(touchpoint),
        }
    )
    return record(
        {
            "cjmap": st.just(1),
            "title": optional(texts),
            "summary": optional(texts),
            "scope": optional(texts),
            "state": st.sampled_from(["current", "future"]),
            "flow": st.sampled_from(["sequence", "explicit"]),
            "updated": optional(days),
            "owner": optional(texts),
            "compares": optional(texts),
            "imports": listing(refs),
            "personas": listing(persona),
            "teams": listing(record({})),
            "channels": listing(record({})),
            "sources": listing(source),
            "metrics": listing(metric),
            "data": listing(refs),
            "stages": listing(stage),
        },
        ("cjmap",),
        identified=False,
    )


@FAST
@given(maps())
def test_every_exactly_typed_valid_map_takes_the_fast_road_with_pydantics_values(data: Any) -> None:
    assert holds_contract(data), f"plain refused a map exactly as the model wants it: {data!r}"


@FAST
@given(slipped_maps())
@example({"cjmap": 1, "title": "\ud800"})  # a lone surrogate: pydantic-core cannot read it as text
@example({"cjmap": 1, "x-\ud800": 1, "stages": [{"name": "A", "metrics": {"\udfff": 1}}]})
@example({"cjmap": True})
@example({"cjmap": 1.0})
@example({"cjmap": 1, "updated": datetime(2026, 1, 2)})
@example({"cjmap": 1, "stages": [{"name": "S", "touchpoints": [{"name": "T", "next": [{"to": "a", "share": 1}]}]}]})
@example({"cjmap": 1, "stages": [{"name": "S", "touchpoints": [{"name": "T", "next": [{"to": "a", "share": True}]}]}]})
@example({"cjmap": 1, "stages": [{"name": "S", "touchpoints": [{"name": "T", "next": "a"}]}]})
@example({"cjmap": 1, "stages": [{"name": "S", "touchpoints": [{"name": "T", "emotion": "−1"}]}]})
@example({"cjmap": 1, "stages": [{"name": "S", "touchpoints": [{"name": "T", "emotion": {"p": True}}]}]})
@example({"cjmap": 1, "metrics": [{"name": "M"}]})  # no kind
@example({"cjmap": 1, "metrics": [{"name": "M", "kind": "rate", "target": {"better": "higher"}}]})
@example({"cjmap": 1, "metrics": [{"name": "M", "kind": "rate", "value": True}]})
@example({"cjmap": 1, "personas": [{"id": "a\n"}]})
@example({"cjmap": 1, "sources": [{"name": "S", "url": "javascript:alert(1)"}]})
@example({"cjmap": 1, "sources": [{"name": "S", "url": " https://x "}]})
def test_whatever_the_plain_reader_accepts_pydantic_accepts_with_the_same_values(data: Any) -> None:
    holds_contract(data)


@settings(max_examples=200, deadline=None)
@given(st.recursive(junk, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3)))
def test_any_data_at_all_holds_the_contract(data: Any) -> None:
    holds_contract(data)
    holds_contract({"cjmap": 1, "stages": [{"name": "S", "touchpoints": [{"name": "T", "metrics": data}]}]})


# -- the two field tables agree

MODELS = [c for c in vars(model).values() if isinstance(c, type) and issubclass(c, model.Model)]
ABSTRACT = {model.Model, model.Identified}

# every field of every model given, none left to its default
FULL: dict[str, Any] = {
    "cjmap": 1, "title": "T", "summary": "S", "scope": "S", "state": "future", "flow": "explicit",
    "updated": date(2026, 1, 2), "owner": "o", "compares": "c.cjmap.yaml", "imports": ["i.cjmap.yaml"],
    "personas": [{"id": "p", "name": "P", "role": "r", "goals": ["g"], "frustrations": ["f"], "quote": "q",
                  "sources": ["s"], "starts": ["t"], "stages": ["a"]}],
    "teams": [{"id": "team", "name": "Team"}], "channels": [{"id": "web", "name": "Web"}],
    "sources": [{"id": "s", "name": "S", "collected": date(2026, 1, 1), "url": "https://x.y"}],
    "metrics": [{"id": "m", "name": "M", "kind": "rate", "unit": "%", "target": {"value": 50, "better": "higher"},
                 "owner": "team", "source": "s", "value": 40.5}],
    "data": ["d.csv"],
    "stages": [{"id": "a", "name": "A", "goal": "g", "metrics": {"m": 1}, "touchpoints": [
        {"id": "t", "name": "T", "channel": "web", "owner": "team", "personas": ["p"], "doing": "d", "thinking": "t",
         "feeling": "f", "emotion": {"p": -1}, "pain_points": ["p"], "opportunities": ["o"], "metrics": {"m": 0.5},
         "sources": ["s"], "next": [{"to": "u", "when": "w", "share": 0.5}], "exit": "e"}]}],
}  # fmt: skip


def _kinds(value: object, found: dict[str, set[str]]) -> dict[str, set[str]]:
    if isinstance(value, (Plain, BaseModel)):
        fields = vars(value) if isinstance(value, Plain) else {k: getattr(value, k) for k in type(value).model_fields}
        name = vars(value)["_kind"] if isinstance(value, Plain) else type(value).__name__
        found.setdefault(name, set()).update(k for k in fields if k != "_kind")
        for v in fields.values():
            _kinds(v, found)
    elif isinstance(value, (tuple, list)):
        for v in value:
            _kinds(v, found)
    elif isinstance(value, dict):
        for v in value.values():
            _kinds(v, found)
    return found


def _fields_set(value: object) -> list[tuple[str, set[str]]]:
    """Per model instance, the fields that were left to their default."""
    if isinstance(value, BaseModel):
        left = set(type(value).model_fields) - value.model_fields_set
        below = [x for k in type(value).model_fields for x in _fields_set(getattr(value, k))]
        return [(type(value).__name__, left), *below]
    if isinstance(value, tuple):
        return [x for v in value for x in _fields_set(v)]
    return []


def test_the_full_map_gives_every_field_of_every_model() -> None:
    """When model.py gains a field, give it here (and teach plain.py)."""
    validated = MapFile.model_validate(FULL)
    assert all(not left for _, left in _fields_set(validated)), _fields_set(validated)
    assert set(_kinds(validated, {})) == {c.__name__ for c in MODELS} - {c.__name__ for c in ABSTRACT}


def test_plain_and_the_model_know_the_same_fields_of_the_same_classes() -> None:
    plain = plain_map(FULL)
    assert plain is not None, "plain.py refuses a map with every field of model.py: a field it does not know"
    expected = {c.__name__: set(c.model_fields) for c in MODELS if c not in ABSTRACT}
    assert _kinds(plain, {}) == expected
    assert holds_contract(FULL)


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of `data` (copied only along `path`) with `value` at `path`."""
    if not path:
        return value
    copied = dict(data) if type(data) is dict else list(data)
    copied[path[0]] = _replaced(data[path[0]], path[1:], value)
    return copied


def _rekeyed(data: Any, path: tuple[Any, ...], change: Any) -> Any:
    """A copy of `data` whose mapping at `path` went through `change`."""
    return _replaced(data, path, change(dict(_at(data, path))))


def test_every_near_miss_at_every_place_of_the_full_map_holds_the_contract() -> None:
    """Exhaustive where generation is random: each near miss, and each slip of the value there, in every place."""
    accepted = 0
    for path in _places(FULL):
        for value in [*NEAR_MISSES, *variants(_at(FULL, path))]:
            accepted += holds_contract(_replaced(FULL, path, value))
    assert accepted > 100  # the near misses pydantic takes as they are: "" as a ref, 0 as a share, ...


def test_every_key_slip_in_every_mapping_of_the_full_map_holds_the_contract() -> None:
    mappings = [path for path in _places(FULL) if type(_at(FULL, path)) is dict]
    slips = [
        *[lambda m, k=k: {**m, k: "a"} for k in ("colour", "X-a", "x", "_kind", "id\n", 1, None, True, ("x-a",))],
        lambda m: {**m, "id": None, "name": None},
        lambda m: {**m, "id": None},
        lambda m: dict(reversed(m.items())),
    ]
    accepted = 0
    for path in mappings:
        for slip in slips:
            accepted += holds_contract(_rekeyed(FULL, path, slip))
        for key in _at(FULL, path):
            accepted += holds_contract(
                _rekeyed(FULL, path, lambda m, key=key: {k: v for k, v in m.items() if k != key})
            )
    assert accepted > 50


def test_x_keys_anywhere_are_dropped_on_the_fast_road_too() -> None:
    extensions = [{k: v} for k in ("x-", "x-a", "x-\ud800", "x-id") for v in (None, [1], {"a": math.nan}, "\ud800")]
    records = [p for p in _places(FULL) if type(_at(FULL, p)) is dict and p[-1:] not in (("metrics",), ("emotion",))]
    assert len(records) == len(MODELS) - len(
        ABSTRACT
    )  # a model's mapping each, not the free mappings of metric values and emotions
    for path in records:
        for extension in extensions:
            assert holds_contract(_rekeyed(FULL, path, lambda m, more=extension: {**m, **more})), (path, extension)


# -- real maps take the fast road


@pytest.mark.parametrize("path", sorted(EXAMPLES.rglob("*.cjmap.yaml")), ids=lambda p: p.name)
def test_every_example_and_its_imports_take_the_fast_road(path: Path) -> None:
    loaded = load_map(path)
    for source in loaded.files:
        assert holds_contract(source.data), f"{source.display} goes to pydantic"


@functools.cache
def _bench() -> Any:
    """benchmarks/bench.py as a module (not a package: loaded from its path, registered for its dataclasses)."""
    spec = importlib.util.spec_from_file_location("cjmap_bench", REPO / "benchmarks" / "bench.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    return bench


@pytest.mark.parametrize("size", [(1, 1, 1), (5, 6, 3), (10, 20, 4)])
def test_the_benchmark_maps_take_the_fast_road(size: tuple[int, int, int]) -> None:
    data, _, _ = parse_yaml(_bench().make_map(*size), "bench.cjmap.yaml")
    assert holds_contract(data)

"""safeyaml.py: plain values from YAML in one streaming pass, a position for each, the unsafe refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cjmap.diagnostics import MapError
from cjmap.source import safeyaml
from cjmap.source.safeyaml import MAX_ALIAS_NODES, parse_yaml


def errors(text: str) -> list[tuple[str, int, int, str]]:
    with pytest.raises(MapError) as caught:
        parse_yaml(text, "m.yaml")
    return [(d.code, d.where.line, d.where.column, d.message) for d in caught.value.diagnostics]


def test_every_value_keeps_its_line_and_column() -> None:
    _, positions, keys = parse_yaml(
        "cjmap: 1\nstages:\n  - name: A\n    touchpoints:\n      - {name: B, emotion: -1}\n", "m"
    )
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
        (
            "a: !!python/object/apply:os.system ['echo pwned']\n",
            1,
            4,
            "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
        ),
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


def test_alias_bomb_is_refused_after_bounded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nine levels of nine aliases expand to 9**10 values; reading stops once aliases add MAX_ALIAS_NODES."""
    events = 0
    handle = safeyaml._Reader._event

    def counted(reader: safeyaml._Reader, event: yaml.Event, kind: type, aliased: bool) -> None:
        nonlocal events
        events += 1
        if events > 2 * MAX_ALIAS_NODES:  # the bomb was not stopped: fail now rather than expand 9**10 values
            raise AssertionError(f"read {events:,} events and still going")
        handle(reader, event, kind, aliased)

    monkeypatch.setattr(safeyaml._Reader, "_event", counted)
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    (code, _, _, message), *_ = errors("\n".join(lines) + "\n")
    assert code == "CJM001" and f"aliases expand to more than {MAX_ALIAS_NODES:,} values" in message
    assert MAX_ALIAS_NODES < events < 2 * MAX_ALIAS_NODES, events  # each replayed value once, with its collection's end


def test_reasonable_aliases_and_merge_keys_work() -> None:
    data, positions, _ = parse_yaml("base: &b {channel: web, owner: sales}\nt: {<<: *b, owner: support}\n", "m")
    assert isinstance(data, dict)
    assert data["t"] == {"channel": "web", "owner": "support"}
    assert positions[("t", "channel")] == (1, 20)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a: &x 1\nb: &x 2\nc: *x\n", 2, 4, "anchor '&x' is defined twice (first at line 1)"),
        ("a: *nope\n", 1, 4, "invalid YAML: found undefined alias 'nope'"),
        ("a: &x [1, *x]\n", 1, 11, "alias '*x' is used inside the value it names"),
        ("!custom key: 1\n", 1, 1, "tag '!custom' is not allowed; cjmap reads plain YAML only"),
        ("a:\n  <<: 5\n", 2, 7, "'<<' merges a mapping or a list of mappings"),
        ("a: &l [1]\nb:\n  <<: [*l]\n", 1, 4, "'<<' merges a mapping or a list of mappings"),
    ],
)
def test_anchor_and_key_mistakes_are_refused_at_their_position(text: str, line: int, column: int, message: str) -> None:
    assert errors(text)[0] == ("CJM001", line, column, message)


def test_every_duplicate_key_is_reported_not_only_the_first() -> None:
    assert [e[1:3] for e in errors("a: 1\nb: {x: 1, x: 2}\na: 3\n")] == [(2, 11), (3, 1)]


def test_explicit_keys_keep_their_own_positions_next_to_merged_ones() -> None:
    text = "a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nc:\n  z: 9\n  <<: [*a, *b]\n"
    data, positions, keys = parse_yaml(text, "m")
    assert isinstance(data, dict)
    assert data["c"] == {"x": 1, "y": 2, "z": 9}  # explicit first, then the first source named
    assert positions[("c", "z")] == (4, 6) and keys[("c", "z")] == (4, 3)
    assert positions[("c", "x")] == (1, 11) and positions[("c", "y")] == (1, 17)


def test_an_alias_is_a_copy_with_the_positions_of_what_it_names() -> None:
    data, positions, _ = parse_yaml("a: &a {b: [1, 2]}\nc: *a\n", "m")
    assert isinstance(data, dict)
    assert data["c"] == data["a"] and data["c"] is not data["a"]
    data["c"]["b"].append(3)
    assert data["a"] == {"b": [1, 2]}
    assert positions[("c", "b", 1)] == positions[("a", "b", 1)] == (1, 15)


def test_a_large_file_is_read_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml reads the text once: no separate checking pass before a composing one."""
    from cjmap.source import safeyaml

    loaders: list[object] = []

    class CountingLoader(safeyaml._Loader):
        def __init__(self, stream: str) -> None:
            loaders.append(self)
            super().__init__(stream)

    monkeypatch.setattr(safeyaml, "_Loader", CountingLoader)
    text = "stages:\n" + "".join(
        f"  - {{name: S{i}, touchpoints: [{{name: T{i}, emotion: {i % 5 - 2}}}]}}\n" for i in range(2000)
    )
    data, positions, _ = parse_yaml(text, "m")
    assert isinstance(data, dict)
    assert len(data["stages"]) == 2000 and positions[("stages", 1999, "touchpoints", 0, "emotion")][0] == 2001
    assert len(loaders) == 1


def _paths(value: object, path: tuple = ()) -> list[tuple]:
    """Every path to a value inside plain data, the root included."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*path, i))
    return found


def _documents():
    from datetime import date as day

    from hypothesis import strategies as st

    # text PyYAML itself round-trips: no control or line-separator characters (it folds NEL into a space)
    letters = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85\ufeff")
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(letters, max_size=20),
        st.dates(min_value=day(1990, 1, 1), max_value=day(2100, 1, 1)),
    )
    keys = st.text(letters, min_size=1, max_size=8).filter(lambda k: k != "<<")
    values = st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4), max_leaves=25
    )
    return st.dictionaries(keys, values, max_size=5), st.booleans()


@pytest.mark.parametrize("flow", [False, True])
def test_any_plain_document_reads_back_as_pyyaml_reads_it_with_a_position_for_every_value(flow: bool) -> None:
    """Property: for YAML that PyYAML writes (aliases for shared values included), the one-pass reader gives
    the same data as `yaml.safe_load`, and every value in it has a line and column."""
    import yaml
    from hypothesis import given, settings
    from hypothesis import strategies as st

    documents, _ = _documents()

    @settings(max_examples=150, deadline=None)
    @given(documents, st.data())
    def check(document: dict, data: st.DataObject) -> None:
        shared = data.draw(st.sampled_from(sorted(document))) if document else None
        if shared is not None and isinstance(document[shared], (dict, list)):
            document = {
                **document,
                f"{shared}-again": document[shared],
            }  # the same object twice: dumped as &id001 / *id001
        text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True, sort_keys=False)
        parsed, positions, _ = parse_yaml(text, "m")
        assert parsed == yaml.safe_load(text) == document
        assert set(_paths(parsed)) <= set(positions)

    check()

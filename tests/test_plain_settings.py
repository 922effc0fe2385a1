"""Settings read without pydantic (issue 17) hold what the settings model holds, or step aside for it."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cjmap.diagnostics import MapError
from cjmap.lint.config import load_config
from cjmap.lint.plain_settings import PlainSettings, plain_settings
from cjmap.lint.settings import Settings, settings_model
from cjmap.rules import OPTIONS
from conftest import write

OWN = [f.name for f in fields(PlainSettings) if f.name != "options"]


def values(settings: object) -> dict[str, object]:
    """Every setting with its type: 5 and 5.0, a list and a tuple, differ here."""
    found = {name: getattr(settings, name) for name in OWN}
    found["options"] = settings.option_values()  # type: ignore[attr-defined]  # both kinds have it
    return {name: (type(value).__name__, repr(value)) for name, value in found.items()}


def test_no_config_means_the_model_defaults() -> None:
    assert OWN == list(Settings.model_fields)  # every own setting is known to both
    assert values(PlainSettings()) == values(settings_model()())
    assert PlainSettings().option_values().keys() == OPTIONS.keys() and OPTIONS


texts = st.text(alphabet="CJM0123-ab *./_ \n", max_size=6)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 400),
    st.sampled_from([0, 1, 2, 5, 100, 101, 104857600, 104857601, -1, -2, -3, 3]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["error", "warning", "info", "Error", "", "5"]),
    texts,
)
anything = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3))
keys = st.sampled_from(
    ["select", "ignore", "severity", "per-file-ignores", "fail-on", "max-file-size", "fail_on", "other", *OPTIONS]
)
well_typed = {
    "select": st.lists(texts, max_size=3),
    "ignore": st.lists(texts, max_size=3),
    "severity": st.dictionaries(texts, st.sampled_from(["error", "warning", "info", "fatal"]), max_size=3),
    "per-file-ignores": st.dictionaries(texts, st.lists(texts, max_size=2), max_size=3),
    "fail-on": st.sampled_from(["error", "warning", "info", "never"]),
    "max-file-size": st.integers(-1, 104857602),
    **{key: st.integers(-4, 400) for key in OPTIONS},
}
tables = st.one_of(
    st.fixed_dictionaries({}, optional=well_typed),
    st.dictionaries(keys, anything, max_size=5),
    anything,
)


@settings(max_examples=400, deadline=None)
@given(tables)
@example({"stale-days": True})
@example({"max-file-size": 5.0})
@example({"per-file-ignores": {" ": ["CJM1"]}})
@example({"share-slack": 101})
@example({"select": ["CJM1"], "severity": {"CJM101": "info"}, "stale-days": 30})
def test_what_the_plain_reader_accepts_the_model_accepts_alike(table: object) -> None:
    plain = plain_settings(table)
    if plain is None:
        return
    model = settings_model().model_validate(table)  # raises, failing the test, if the plain reader was lax
    assert values(plain) == values(model)


def test_a_well_formed_config_is_read_plainly_and_a_wrong_one_still_gets_the_models_words(tmp_path: Path) -> None:
    good = write(tmp_path, "good/cjmap.toml", 'select = ["CJM1"]\nstale-days = 30\n[severity]\nCJM101 = "info"\n')
    config = load_config(good)
    assert isinstance(config.settings, PlainSettings)
    assert config.settings.select == ("CJM1",) and config.settings.option_values()["stale-days"] == 30
    wrong = write(tmp_path, "wrong/cjmap.toml", 'stale-days = "thirty"\n')
    with pytest.raises(MapError) as raised:  # the model's words, at the key's line
        load_config(wrong)
    assert [d.message for d in raised.value.diagnostics] == [
        "setting 'stale-days': should be a whole number, not \"thirty\""
    ]

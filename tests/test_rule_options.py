"""Rule options: a rule declares its setting once (key, type, default, doc, bounds); the config, the
policy's Context and `cjmap rule` all take it from there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from cjmap.diagnostics import MapError, Severity
from cjmap.lint.config import Config, load_config
from cjmap.lint.policy import PolicyFinder, build_policy
from cjmap.lint.settings import Settings, settings_model
from cjmap.rules import OPTIONS, RULES, Context, Finding, Option, rule
from conftest import MINIMAL, write

WINDOW = Option("quiet-window", int, 7, "days a touchpoint may go without news", minimum=1, maximum=30)


@pytest.fixture
def rule_with_an_option() -> Iterator[str]:
    """A rule registered for one test, as a new rule module would register it; removed afterwards."""

    @rule("CJM999", "quiet-touchpoint", Severity.INFO, options=[WINDOW])
    def quiet(journey, context: Context) -> Iterator[Finding]:
        """A test rule that reports its option's value."""
        yield Finding(journey.where, f"window {context[WINDOW]}")

    settings_model.cache_clear()
    try:
        yield "CJM999"
    finally:
        del RULES["CJM999"]
        del OPTIONS[WINDOW.key]
        settings_model.cache_clear()


def test_the_shipped_options_are_declared_by_their_rules() -> None:
    shipped = {k: (o.default, o.minimum, o.maximum) for k, o in OPTIONS.items() if k in ("stale-days", "low-emotion")}
    assert shipped == {"stale-days": (365, 1, None), "low-emotion": (-1, -2, 2)}
    assert [o.key for o in RULES["CJM401"].options] == [o.key for o in RULES["CJM403"].options] == ["stale-days"]
    assert [o.key for o in RULES["CJM301"].options] == ["low-emotion"]


def test_a_new_option_is_a_bounded_config_key_that_reaches_the_rule(project: Path, rule_with_an_option: str) -> None:
    config = load_config(write(project, "cjmap.toml", "quiet-window = 12\n"))
    policy = build_policy(config)
    assert policy.context(date(2026, 11, 24))[WINDOW] == 12
    assert build_policy(Config(Settings(), project)).context(date(2026, 11, 24))[WINDOW] == 7  # no config: the default
    with pytest.raises(MapError) as raised:
        load_config(write(project, "bad.toml", "quiet-window = 31\n"))
    messages = [d.message for d in raised.value.diagnostics]
    assert messages == ["setting 'quiet-window': should be less than or equal to 30"]
    with pytest.raises(MapError) as raised:
        load_config(write(project, "typo.toml", "quiet-windw = 3\n"))
    messages = [d.message for d in raised.value.diagnostics]
    assert messages == ["unknown setting 'quiet-windw' (did you mean 'quiet-window'?)"]
    documented = "quiet-window = 7: days a touchpoint may go without news (an integer, at least 1, at most 30)"
    assert documented in RULES["CJM999"].doc


def test_misspelt_and_mistyped_options_are_config_errors_at_their_lines(project: Path) -> None:
    with pytest.raises(MapError) as raised:
        load_config(write(project, "cjmap.toml", 'stale-day = 30\nlow-emotion = "low"\n'))
    assert [(d.code, d.where.line, d.message) for d in raised.value.diagnostics] == [
        ("CJM007", 1, "unknown setting 'stale-day' (did you mean 'stale-days'?)"),
        ("CJM007", 2, "setting 'low-emotion': should be a whole number, not \"low\""),
    ]


def test_the_policy_builds_the_context_from_the_config(project: Path) -> None:
    write(project, "cjmap.toml", "stale-days = 30\nlow-emotion = -2\n")
    context = PolicyFinder().for_path(write(project, "m.cjmap.yaml", "cjmap: 1\n")).context(date(2026, 11, 24))
    values = (context.today, context[OPTIONS["stale-days"]], context[OPTIONS["low-emotion"]])
    assert values == (date(2026, 11, 24), 30, -2)
    assert Context(today=date(2026, 11, 24))[OPTIONS["stale-days"]] == 365  # a bare Context reads the declared default


def test_two_rules_cannot_declare_one_key_differently() -> None:
    other = Option("stale-days", int, 30, "a different default", minimum=1)
    with pytest.raises(ValueError, match="differs"):
        rule("CJM998", "other-staleness", Severity.INFO, options=[other])(lambda journey, context: ())
    assert "CJM998" not in RULES and OPTIONS["stale-days"].default == 365


def test_lint_findings_passes_rule_options_as_a_config_would(project: Path) -> None:
    """Tests of a rule's threshold need not go through the command line: `lint_findings(options=...)`."""
    from conftest import lint_findings

    old = MINIMAL.replace("updated: 2026-11-01", "updated: 2026-06-01")  # 176 days before TODAY
    assert not lint_findings(project, old, ("CJM401",))
    assert [f[0] for f in lint_findings(project, old, ("CJM401",), options={"stale-days": 90})] == ["CJM401"]
    with pytest.raises(AssertionError, match="no rule declares"):
        lint_findings(project, old, options={"stale-dayz": 90})

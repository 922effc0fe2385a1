"""The rule registry: each lint rule is one function with a code, a name, a severity and its options.

A rule reads a resolved Journey and yields `Finding`s (where, message); the
registry stamps them with the rule's code, name and severity, so a rule never
builds a Diagnostic itself and cannot get its own identity wrong. A rule with
a threshold declares it as an `Option` (as yamllint rules carry CONF and
DEFAULT): the config accepts its key, `cjmap rule` documents it, and rules read
its value from the Context; nothing else repeats the default.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, NamedTuple, TypeVar

from cjmap.diagnostics import Diagnostic, Location, Severity
from cjmap.resolve import Journey

CODE_PATTERN = re.compile(r"^CJM[1-9]\d\d$")
NAME_PATTERN = re.compile(r"^[a-z]+(-[a-z]+)*$")

T = TypeVar("T", int, str)


@dataclass(frozen=True)
class Option(Generic[T]):
    """A setting a rule reads, written in the config under `key` (kebab-case, beside `select`)."""

    key: str
    kind: type[T]
    default: T
    doc: str
    minimum: T | None = None
    maximum: T | None = None

    def __post_init__(self) -> None:
        if not NAME_PATTERN.match(self.key):
            raise ValueError(f"bad option key {self.key!r}: kebab-case, like 'stale-days'")

    @property
    def attribute(self) -> str:
        """The key as a Python name (`stale_days`), as the settings model holds it."""
        return self.key.replace("-", "_")

    def describe(self) -> str:
        """One line for `cjmap rule`: the key as written in TOML, its default, what it means and its bounds."""
        kind: str = {int: "an integer", str: "text"}.get(self.kind, self.kind.__name__)
        limits = [kind]
        if self.minimum is not None:
            limits.append(f"at least {self.minimum}")
        if self.maximum is not None:
            limits.append(f"at most {self.maximum}")
        default = f'"{self.default}"' if isinstance(self.default, str) else str(self.default)
        return f"{self.key} = {default}: {self.doc} ({', '.join(limits)})"


class Finding(NamedTuple):
    where: Location
    message: str


@dataclass(frozen=True)
class Context:
    """What rules may depend on besides the map: the date, and the values of their options from the config."""

    today: date
    options: Mapping[str, object] = field(default_factory=dict)  # by option key; absent: the option's default

    def __getitem__(self, option: Option[T]) -> T:
        value = self.options.get(option.key, option.default)
        return value  # type: ignore[return-value]  # the config validated it against the option's kind


Check = Callable[[Journey, Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    check: Check
    options: tuple[Option, ...] = ()

    @property
    def doc(self) -> str:
        """The rule's documentation: its function's docstring, written for users, then its options."""
        text = inspect.cleandoc(self.check.__doc__ or "")
        if not self.options:
            return text
        lines = "\n".join(f"    {option.describe()}" for option in self.options)
        return f"{text}\n\nOptions (in cjmap.toml or [tool.cjmap]):\n\n{lines}"

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""

    def examples(self) -> tuple[str, str]:
        """The failing and the passing example of the docstring, dedented (run as tests)."""
        text = inspect.cleandoc(self.check.__doc__ or "")
        if "\nFails:\n" not in text or "\nPasses:\n" not in text:
            raise ValueError(f"{self.code} documents no Fails: and Passes: example")
        fails, passes = text.split("\nFails:\n", 1)[1].split("\nPasses:\n", 1)
        return inspect.cleandoc(fails), inspect.cleandoc(passes)

    def run(self, journey: Journey, context: Context) -> Iterator[Diagnostic]:
        for finding in self.check(journey, context):
            yield Diagnostic(finding.where, self.severity, self.code, finding.message, self.name)


RULES: dict[str, Rule] = {}
OPTIONS: dict[str, Option] = {}  # every rule's options by key; rules sharing a threshold share one Option


def rule(code: str, name: str, severity: Severity, options: Iterable[Option] = ()) -> Callable[[Check], Check]:
    """Register a check function as a lint rule, with the options it reads from the Context."""
    if not CODE_PATTERN.match(code) or not NAME_PATTERN.match(name):
        raise ValueError(f"bad rule identity {code} {name}")
    declared = tuple(options)

    def register(check: Check) -> Check:
        if code in RULES or any(r.name == name for r in RULES.values()):
            raise ValueError(f"rule {code} {name} registered twice")
        for option in declared:
            if OPTIONS.get(option.key, option) != option:
                raise ValueError(f"option {option.key!r} of {code} differs from the one another rule declares")
        RULES[code] = Rule(code, name, severity, check, declared)
        OPTIONS.update((option.key, option) for option in declared)
        return check

    return register

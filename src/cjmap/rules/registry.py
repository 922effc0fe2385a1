"""The rule registry: each lint rule is one function with a code, a name and a severity.

A rule reads a resolved Journey and yields `Finding`s (where, message); the
registry stamps them with the rule's code, name and severity, so a rule never
builds a Diagnostic itself and cannot get its own identity wrong.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from cjmap.diagnostics import Diagnostic, Location, Severity
from cjmap.resolve import Journey

CODE_PATTERN = re.compile(r"^CJM[1-9]\d\d$")
NAME_PATTERN = re.compile(r"^[a-z]+(-[a-z]+)*$")


@dataclass(frozen=True)
class Finding:
    where: Location
    message: str


@dataclass(frozen=True)
class Context:
    """What rules may depend on besides the map: the date, and thresholds from the config."""

    today: date
    stale_days: int = 365
    low_emotion: int = -1


Check = Callable[[Journey, Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    check: Check

    @property
    def doc(self) -> str:
        """The rule's documentation: its function's docstring, written for users."""
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""

    def run(self, journey: Journey, context: Context) -> Iterator[Diagnostic]:
        for finding in self.check(journey, context):
            yield Diagnostic(finding.where, self.severity, self.code, finding.message, self.name)


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: Severity) -> Callable[[Check], Check]:
    """Register a check function as a lint rule."""
    if not CODE_PATTERN.match(code) or not NAME_PATTERN.match(name):
        raise ValueError(f"bad rule identity {code} {name}")

    def register(check: Check) -> Check:
        if code in RULES or any(r.name == name for r in RULES.values()):
            raise ValueError(f"rule {code} {name} registered twice")
        RULES[code] = Rule(code, name, severity, check)
        return check

    return register

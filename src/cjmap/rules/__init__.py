"""Lint rules, one function each, grouped in modules by family (CJM1xx coverage, ...)."""

from __future__ import annotations

from cjmap.diagnostics import Diagnostic
from cjmap.resolve import Journey
from cjmap.rules import coverage  # noqa: F401  (registers its rules)
from cjmap.rules.registry import RULES, Finding, Rule, rule

__all__ = ["RULES", "Finding", "Rule", "lint_journey", "rule"]


def lint_journey(journey: Journey) -> list[Diagnostic]:
    """Every rule's findings for one resolved journey, in a stable order."""
    found = [d for code in sorted(RULES) for d in RULES[code].run(journey)]
    return sorted(found, key=lambda d: d.sort_key)

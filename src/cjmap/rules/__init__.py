"""Lint rules, one function each, grouped in modules by family (CJM1xx coverage, ...)."""

from __future__ import annotations

from collections.abc import Iterable

from cjmap.diagnostics import Diagnostic
from cjmap.resolve import Journey
from cjmap.rules import coverage, evidence, flow, insight, metrics, text  # noqa: F401  (importing registers the rules)
from cjmap.rules.registry import OPTIONS, RULES, Context, Finding, Option, Rule, rule

__all__ = ["OPTIONS", "RULES", "Context", "Finding", "Option", "Rule", "lint_journey", "rule", "rules_markdown"]


def lint_journey(journey: Journey, context: Context, codes: Iterable[str] | None = None) -> list[Diagnostic]:
    """The findings of the given rules (default: all) for one resolved journey, in a stable order."""
    chosen = sorted(RULES) if codes is None else sorted(codes)
    found = [d for code in chosen for d in RULES[code].run(journey, context)]
    return sorted(found, key=lambda d: d.sort_key)


def rules_markdown() -> str:
    """The rule table of README.md, generated from the rules' own docstrings."""
    rows = ["| code | name | default | what it finds | options (default) |", "|---|---|---|---|---|"]
    for code in sorted(RULES):
        found = RULES[code]
        options = ", ".join(f"`{o.key}` ({o.default})" for o in found.options)
        rows.append(f"| {code} | {found.name} | {found.severity.value} | {found.summary} | {options} |")
    return "\n".join(rows) + "\n"

"""The README's generated tables, from the registries: `python -m cjmap.cli.readme` rewrites them in place
(`--check` only says whether they are current). Each sits between `<!-- NAME:start -->` and `<!-- NAME:end -->`."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path


def _codes() -> str:
    from cjmap.diagnostics import OTHER_CODES, STRUCTURAL_CODES, codes_markdown

    return codes_markdown({**STRUCTURAL_CODES, **OTHER_CODES})


def _rules() -> str:
    from cjmap.rules import rules_markdown

    return rules_markdown()


def _outputs() -> str:
    from cjmap.render.outputs import outputs_markdown

    return outputs_markdown()


def _lint_formats() -> str:
    from cjmap.lint.formats import lint_formats_markdown

    return lint_formats_markdown()


def _importers() -> str:
    from cjmap.importers import importers_markdown

    return importers_markdown()


TABLES: dict[str, Callable[[], str]] = {
    "outputs": _outputs,
    "lint-formats": _lint_formats,
    "importers": _importers,
    "rules": _rules,
    "codes": _codes,
}


def _between_markers(table: str) -> Callable[[re.Match[str]], str]:
    """A replacement for re.sub that keeps both markers and puts the table between them, backslashes and all."""
    return lambda match: match[1] + table + match[3]


def regenerated(readme: str) -> str:
    """The README with every generated table replaced by what its registry says now."""
    for name, table in TABLES.items():
        pattern = re.compile(rf"(<!-- {re.escape(name)}:start -->\n)(.*?)(<!-- {re.escape(name)}:end -->)", re.DOTALL)
        readme = pattern.sub(_between_markers(table()), readme)
    return readme


def main(argv: list[str]) -> int:
    path = Path("README.md")
    text = path.read_text(encoding="utf-8")
    new = regenerated(text)
    if "--check" in argv:
        print(
            "README tables are current" if new == text else "README tables are out of date: python -m cjmap.cli.readme"
        )
        return 0 if new == text else 1
    if new != text:
        path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

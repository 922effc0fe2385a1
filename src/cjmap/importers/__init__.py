"""Importers: maps from other tools, one module each, registered in `IMPORTERS`.

An importer turns a file's text into the text of a cjmap map, with a warning for anything it could not
carry over. `cjmap import NAME FILE` runs one; its help, and the README's table, come from here.
Adding an importer is one module with a `convert` function and one line in `IMPORTERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path


@dataclass(frozen=True)
class ImportWarning:
    """Something the importer could not carry over as it was, at a line and column of the file read."""

    line: int
    column: int
    message: str


@dataclass(frozen=True)
class Imported:
    """An importer's result: the map's YAML text and what it warns about, in file order."""

    text: str
    warnings: tuple[ImportWarning, ...] = ()


class ImportFailure(ValueError):
    """The file holds nothing the importer can read (exit 2), at a line and column."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.line, self.column, self.message = line, column, message


@dataclass(frozen=True)
class Importer:
    """One kind of file `cjmap import` reads. `convert` is "module:function", imported only when it runs,
    so `cjmap --help` loads none of them; the function takes (text, path) and returns `Imported`."""

    name: str  # the subcommand: cjmap import NAME
    suffixes: tuple[str, ...]  # file name endings it reads, for the README table
    reads: str  # what it reads, plural, for the `import` group's line in `cjmap --help`
    summary: str  # the subcommand's line in `cjmap import --help`
    description: str  # the subcommand's help text
    file_help: str  # the FILE argument's help
    code: str  # the diagnostic code and name its warnings and errors carry
    check: str
    convert: str

    def converter(self) -> Callable[[str, Path], Imported]:
        module, _, function = self.convert.partition(":")
        return getattr(import_module(module), function)


IMPORTERS: dict[str, Importer] = {
    i.name: i
    for i in (
        Importer(
            "mermaid",
            (".mmd", ".md"),
            "Mermaid journeys",
            "Convert a Mermaid journey diagram into a cjmap map.",
            "Turn a Mermaid `journey` diagram into a cjmap map; what cannot be carried over is a warning.",
            "A Mermaid journey diagram (.mmd), or Markdown holding one in a ```mermaid block.",
            "CJM010",
            "mermaid-import",
            "cjmap.importers.mermaid:convert",
        ),
    )
}


def title_from_file(file: Path) -> str:
    """A map's title when the file read has none: `checkout-flow.mmd` -> 'Checkout flow'."""
    from cjmap.lint.pipeline import output_stem

    return output_stem(file).replace("-", " ").replace("_", " ").capitalize()


def map_yaml(data: dict) -> str:
    """A map's data as the YAML every importer writes: keys in the format's order, text as written, short
    lists inline."""
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)


def importers_markdown() -> str:
    """The README's table of importers, generated so it cannot drift from `IMPORTERS`."""
    rows = ["| command | files | does | findings |", "|---|---|---|---|"]
    for i in IMPORTERS.values():
        suffixes = ", ".join(f"`{s}`" for s in i.suffixes)
        rows.append(f"| `cjmap import {i.name} FILE` | {suffixes} | {i.summary} | {i.code} {i.check} |")
    return "\n".join(rows) + "\n"

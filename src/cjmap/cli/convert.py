"""`cjmap import NAME FILE`: maps from other tools, one subcommand per registered importer."""

# no `from __future__ import annotations`: typer reads the annotations of each importer's command, built
# below with that importer's help text, as objects
from pathlib import Path
from typing import Annotated

import typer

from cjmap.cli.common import EXIT_INPUT, _display, _write_or_exit
from cjmap.importers import IMPORTERS, Importer


def import_app() -> typer.Typer:
    """`cjmap import`: one subcommand per importer, in the order they are registered."""
    group = typer.Typer(
        help="Convert maps from other tools into cjmap maps.",
        short_help=f"Convert maps from other tools ({', '.join(i.reads for i in IMPORTERS.values())}).",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    for importer in IMPORTERS.values():
        group.command(importer.name, short_help=importer.summary, help=importer.description)(_command(importer))
    return group


def _command(importer: Importer):
    def command(
        file: Annotated[Path, typer.Argument(metavar="FILE", help=importer.file_help)],
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write the map here instead of standard output.")
        ] = None,
    ) -> None:
        import_file(importer, file, output)

    return command


def import_file(importer: Importer, file: Path, output: Path | None) -> None:
    """Read FILE inside the project, convert it, print each warning as a finding, write the map."""
    import sys

    from cjmap.diagnostics import MapError, printable
    from cjmap.importers import ImportFailure
    from cjmap.source.loader import MAX_BYTES, refuse_link_out_of_project
    from cjmap.source.safeio import read_limited, why

    shown = _display(file)
    try:
        refuse_link_out_of_project(file, shown)
    except MapError as e:
        typer.echo(f"{shown}:1:1: error CJM000 {e.diagnostics[0].message} [unreadable-file]", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    try:
        text = read_limited(file, MAX_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError, ValueError) as e:
        reason = "file is not UTF-8 text" if isinstance(e, UnicodeDecodeError) else why(e)
        typer.echo(f"{shown}:1:1: error CJM000 cannot read file: {reason} [unreadable-file]", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    try:
        imported = importer.converter()(text, file)
    except ImportFailure as e:
        typer.echo(f"{shown}:{e.line}:{e.column}: error {importer.code} {e.message} [{importer.check}]", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    for w in imported.warnings:
        typer.echo(
            f"{shown}:{w.line}:{w.column}: warning {importer.code} {printable(w.message)} [{importer.check}]", err=True
        )
    if output is None:
        sys.stdout.write(imported.text)
        return
    _write_or_exit(output, imported.text, inputs=[file])

"""`cjmap import`: maps from other tools."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cjmap import __version__
from cjmap.cli import EXIT_INPUT, _display, _write_or_exit, app

import_app = typer.Typer(help="Convert maps from other tools into cjmap maps.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(import_app, name="import", short_help="Convert maps from other tools (Mermaid journeys).")


@import_app.command("mermaid", short_help="Convert a Mermaid journey diagram into a cjmap map.")
def import_mermaid(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A Mermaid journey diagram (.mmd), or Markdown holding one in a ```mermaid block.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the map here instead of standard output.")] = None,
) -> None:
    """Turn a Mermaid `journey` diagram into a cjmap map; what cannot be carried over is a warning."""
    import yaml

    from cjmap.diagnostics import printable
    from cjmap.importers.mermaid import parse_journey, partial_actors, to_map_data
    from cjmap.lint.pipeline import output_stem

    shown = _display(file)
    from cjmap.diagnostics import MapError
    from cjmap.source.safeio import read_limited, why
    from cjmap.source.loader import MAX_BYTES, refuse_link_out_of_project

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
        journey = parse_journey(text)
    except ValueError as e:
        where, _, message = str(e).partition(": ")
        typer.echo(f"{shown}:{where}: error CJM010 {message} [mermaid-import]", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    for w in sorted(journey.warnings + partial_actors(journey), key=lambda w: (w.line, w.column)):
        typer.echo(f"{shown}:{w.line}:{w.column}: warning CJM010 {printable(w.message)} [mermaid-import]", err=True)
    fallback = output_stem(file).replace("-", " ").replace("_", " ").capitalize()
    body = yaml.safe_dump(to_map_data(journey, fallback), sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)
    header = (
        f"# Imported from {file.name} by cjmap {__version__}. Mermaid's actors became personas: move staff,\n"
        "# systems and devices to teams (as owners), then add channels, pain points and sources.\n"
    )
    text = header + body
    if output is None:
        sys.stdout.write(text)
        return
    _write_or_exit(output, text, inputs=[file])

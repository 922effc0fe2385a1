"""`cjmap diff`, `cjmap compare`, `cjmap outline`: reviewing changes to maps."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from cjmap import __version__
from cjmap.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    Theme,
    _checked_or_exit,
    _console,
    _display,
    _fail,
    _print_diagnostics,
    _relative,
    _today,
    _write_or_exit,
)


class DiffFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


def diff(
    specs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="OLD NEW", help="Two maps: files, or git revisions as REV:path (main:maps/car.cjmap.yaml)."
        ),
    ] = None,
    git: Annotated[
        str | None,
        typer.Option(
            "--git",
            metavar="REF",
            help="Compare every map changed in the working tree against REF"
            " (then the arguments are optional paths to limit it).",
        ),
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="text, markdown (for a pull-request comment) or json.")
    ] = DiffFormat.text,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when anything changed, like `git diff --exit-code`.")
    ] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="Date freshness findings are judged against (YYYY-MM-DD).")
    ] = None,
) -> None:
    """What changed for the customer between two versions of a map: stages, touchpoints, emotion, owners, flow,
    lint."""
    from cjmap.diagnostics import Diagnostic, MapError
    from cjmap.review.diff_formats import to_json, to_markdown, to_text
    from cjmap.review.revisions import GitError
    from cjmap.review.sides import diff_changed, diff_specs

    specs = specs or []
    if git is None and len(specs) != 2:
        raise typer.BadParameter("give OLD and NEW, or --git REF")
    errors: list[Diagnostic] = []
    try:
        if git is not None:
            pairs, errors = diff_changed(git, specs, _today(today), lambda path: _display(_relative(path)))
        else:
            pairs = [diff_specs(specs[0], specs[1], _today(today))]
    except GitError as e:
        _fail(f"git: {e}")
        raise typer.Exit(EXIT_INPUT) from None
    except MapError as e:
        pairs, errors = [], list(e.diagnostics)
    _print_diagnostics(errors, stderr=True)
    if errors and not pairs:
        raise typer.Exit(EXIT_INPUT)
    render = {DiffFormat.text: to_text, DiffFormat.markdown: to_markdown, DiffFormat.json: to_json}[output_format]
    if output_format is DiffFormat.text and sys.stdout.isatty():
        _print_coloured_diff(render(pairs))
    else:
        sys.stdout.write(render(pairs))
    if errors:  # the maps that loaded are shown above; the broken ones still fail the run
        raise typer.Exit(EXIT_INPUT)
    if exit_code and any(p.changed for p in pairs):
        raise typer.Exit(EXIT_FINDINGS)


def _print_coloured_diff(text: str) -> None:
    """The text diff on a terminal: better in green, worse and new findings in red, headings bold."""
    from rich.text import Text

    console = _console()
    for line in text.splitlines():
        if "\u25b2" in line or line.endswith("(fixed)"):
            style = "green"
        elif "\u25bc" in line or line.startswith("    + "):
            style = "red"
        elif not line.startswith("    "):
            style = "bold"
        else:
            style = ""
        console.print(Text(line, style=style))


def compare(
    maps: Annotated[
        list[Path],
        typer.Argument(
            metavar="[CURRENT] FUTURE",
            help="The current-state map and the future-state map;"
            " FUTURE alone when it says `compares: current.cjmap.yaml`.",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="The report to write (default: FUTURE-compare.html beside the future map)."
        ),
    ] = None,
    theme: Annotated[Theme, typer.Option("--theme", help="Colours of the report.")] = Theme.light,
    today: Annotated[
        str | None, typer.Option("--today", help="Date freshness findings are judged against (YYYY-MM-DD).")
    ] = None,
) -> None:
    """One report of a current state against its future state: both emotion curves, resolved pain points, every
    change."""
    from cjmap.diagnostics import escape_controls, printable
    from cjmap.lint.pipeline import output_stem
    from cjmap.render.html import comparison_to_html
    from cjmap.review.compare import compare as compare_maps
    from cjmap.review.compare import compared_map, doubts

    if len(maps) > 2:
        raise typer.BadParameter("give CURRENT and FUTURE, or FUTURE alone")
    loaded = [_checked_or_exit(path, _today(today)) for path in maps]
    if len(loaded) == 1:
        future = loaded[0]
        if not future.journey.compares:
            _fail(
                f"{_display(maps[0])} names no current state:"
                " give CURRENT too, or add `compares: current.cjmap.yaml` to it"
            )
            raise typer.Exit(EXIT_INPUT)
        current_path = compared_map(maps[0], future.journey.compares)
        if current_path is None:
            _fail(
                f"{printable(_display(maps[0]))}: compares: '{printable(future.journey.compares)}'"
                " is not a map file inside the project"
            )
            raise typer.Exit(EXIT_INPUT)
        loaded.insert(0, _checked_or_exit(current_path, _today(today)))
    current, future = loaded
    for doubt in doubts(current.journey, future.journey):
        typer.echo(f"warning: {escape_controls(doubt)}", err=True)
    target = output or maps[-1].parent / f"{output_stem(maps[-1])}-compare.html"
    html = comparison_to_html(
        compare_maps(current.journey, future.journey, current.diagnostics, future.diagnostics),
        f"cjmap {__version__}",
        theme.value,
    )
    _write_or_exit(target, html, inputs=[*maps, *current.sources, *future.sources])


def outline(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A map file.")],
) -> None:
    """Print a map as plain lines, one fact each: a git textconv filter for readable `git diff`s of maps."""
    from cjmap.diagnostics import MapError, escape_controls
    from cjmap.review.outline import outline as outline_of
    from cjmap.source.loader import read_source, refuse_link_out_of_project
    from cjmap.validate import checked_map

    try:  # a link out of the project is not ours to show, as a map or as text
        refuse_link_out_of_project(file, _display(file))
    except MapError as error:
        _print_diagnostics(error.diagnostics, stderr=True)
        raise typer.Exit(EXIT_INPUT) from None
    try:
        data = checked_map(read_source(file, _display(file)))
    except MapError:  # not a map we can read: git still deserves the text
        from cjmap.source.loader import MAX_BYTES
        from cjmap.source.safeio import read_limited, why

        try:
            text = read_limited(file, MAX_BYTES).decode("utf-8", errors="replace")
            sys.stdout.write("\n".join(escape_controls(line.removesuffix("\r")) for line in text.split("\n")))
        except (OSError, ValueError) as e:
            _fail(f"cannot read {file}: {why(e)}")
            raise typer.Exit(EXIT_INPUT) from None
        return
    sys.stdout.write(outline_of(data))

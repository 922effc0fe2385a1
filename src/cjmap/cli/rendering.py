"""`cjmap render`: its options, as typer parses them; what it does is `cli/render_maps.py`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from cjmap.cli.common import DATA_HELP, Theme
from cjmap.cli.render_maps import DEFAULT_FORMATS
from cjmap.render.outputs import OUTPUT_FORMATS


class Lanes(str, Enum):
    """`--lanes`: the diagram's rows inside each stage column."""

    none = "none"
    persona = "persona"
    channel = "channel"


FORMAT_HELP = f"Comma-separated: {', '.join(OUTPUT_FORMATS)}."


def render(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH", help="Map files or folders (every map inside, definitions-only files skipped)."),
    ],
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", "-o", help="Folder for the outputs (default: beside each map).")
    ] = None,
    formats: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = DEFAULT_FORMATS,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, max=3600, help="Seconds Graphviz may take for one map.")
    ] = 60.0,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Maps rendered at once (default: one per core).")
    ] = None,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            "-w",
            help="Stay running and re-render a map when it or one of its imports is saved"
            " (and new maps in the folders given).",
        ),
    ] = False,
    theme: Annotated[Theme, typer.Option("--theme", help="Colours of the HTML report.")] = Theme.light,
    lanes: Annotated[
        Lanes, typer.Option("--lanes", help="Rows of the diagram: one lane, a band per persona, or per channel.")
    ] = Lanes.none,
    today: Annotated[
        str | None, typer.Option("--today", help="Date to judge freshness against (YYYY-MM-DD; default: today).")
    ] = None,
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", metavar="FILE", help=DATA_HELP),
    ] = None,
) -> None:
    """Render maps to an SVG diagram and an HTML report (exit 1 when a map has lint errors)."""
    from cjmap.cli.render_maps import render_maps

    render_maps(
        paths,
        output_dir=output_dir,
        formats=formats,
        timeout=timeout,
        jobs=jobs,
        watch=watch,
        theme=theme.value,
        lanes=lanes.value,
        today=today,
        data=data,
    )

"""The `cjmap` command: parse options, call the library, print, exit 0 / 1 / 2."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cjmap import __version__

app = typer.Typer(
    name="cjmap",
    help="Compile customer journey maps written in YAML into SVG diagrams and HTML reports, and lint them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class LintFormat(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cjmap {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        Optional[bool], typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = None,
) -> None:
    """Customer journey maps as code."""


def _console(stderr: bool = False):  # rich is imported only by commands that print findings
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=True, highlight=False)


def _print_diagnostics(diagnostics: Sequence, stderr: bool = False) -> None:
    from rich.text import Text

    from cjmap.diagnostics import Severity

    colours = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold cyan"}
    console = _console(stderr)
    for d in diagnostics:
        w = d.where
        console.print(
            Text.assemble(
                (f"{w.file}:{w.line}:{w.column}:", "bold"),
                " ",
                (d.severity.value, colours[d.severity]),
                " ",
                (d.code, "bold"),
                f" {d.message} ",
                (f"[{d.rule}]", "dim"),
            )
        )


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


@app.command()
def lint(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Map files or folders (default: every map under the current folder).")] = None,
    output_format: Annotated[LintFormat, typer.Option("--format", "-f", help="Output format.")] = LintFormat.text,
) -> None:
    """Check maps and report problems: exit 0 when clean, 1 on errors, 2 when a map cannot be loaded."""
    from cjmap.diagnostics import Severity, summary, to_json
    from cjmap.pipeline import check, discover

    missing = [p for p in paths or () if not p.exists()]
    if missing:
        for p in missing:
            typer.echo(f"{p}:1:1: error CJM000 no such file or folder [unreadable-file]", err=True)
        raise typer.Exit(EXIT_INPUT)
    files = list(discover(paths or [Path(".")]))
    results = [check(path, _display(path)) for path in files]
    diagnostics = [d for r in results for d in r.diagnostics]
    if output_format is LintFormat.json:
        sys.stdout.write(to_json(diagnostics))
    else:
        _print_diagnostics(diagnostics)
        if not files:
            typer.echo("no maps found (YAML files with a top-level 'cjmap:' key)", err=True)
        else:
            typer.echo(summary(diagnostics, len(files)), err=True)
    if any(not r.loaded for r in results):
        raise typer.Exit(EXIT_INPUT)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        raise typer.Exit(EXIT_FINDINGS)


def _formats(value: str) -> list[str]:
    from cjmap.render import FORMATS

    chosen = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise typer.BadParameter(f"choose from {', '.join(FORMATS)} (comma-separated), got {value!r}")
    return list(dict.fromkeys(chosen))


@app.command()
def render(
    files: Annotated[list[Path], typer.Argument(help="Map files to render.")],
    output_dir: Annotated[Optional[Path], typer.Option("--output-dir", "-o", help="Folder for the outputs (default: beside each map).")] = None,
    formats: Annotated[str, typer.Option("--format", "-f", help="Comma-separated: svg, html, dot.")] = "svg,html",
) -> None:
    """Render maps to an SVG diagram and an HTML report (exit 1 when a map has lint errors)."""
    chosen = _formats(formats)
    from cjmap.diagnostics import Severity
    from cjmap.output import write_atomic
    from cjmap.pipeline import check, output_stem
    from cjmap.render import RenderError, render_journey

    code = EXIT_CLEAN
    for path in files:
        result = check(path, _display(path))
        _print_diagnostics(result.diagnostics, stderr=True)
        if result.journey is None:
            code = EXIT_INPUT
            continue
        if not result.journey.stages:
            typer.echo(f"{result.file}:1:1: error CJM002 nothing to render: the file defines no stages (a shared definitions file?) [schema]", err=True)
            code = EXIT_INPUT
            continue
        try:
            outputs = render_journey(result.journey, chosen, result.diagnostics, f"cjmap {__version__}")
        except RenderError as e:
            _fail(str(e))
            raise typer.Exit(EXIT_INPUT) from None
        folder = output_dir if output_dir is not None else path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for fmt, data in outputs.items():
                target = folder / f"{output_stem(path)}.{fmt}"
                write_atomic(target, data)
                typer.echo(f"wrote {target}", err=True)
        except OSError as e:
            _fail(f"cannot write to {e.filename or folder}: {e.strerror}")
            code = EXIT_INPUT
            continue
        if any(d.severity is Severity.ERROR for d in result.diagnostics) and code == EXIT_CLEAN:
            code = EXIT_FINDINGS
    raise typer.Exit(code)


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of standard output.")] = None,
) -> None:
    """Print the JSON Schema of the map format (for editors and other tools)."""
    from cjmap.schema import schema_text

    text = schema_text()
    if output is None:
        sys.stdout.write(text)
        return
    from cjmap.output import write_atomic

    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as e:
        _fail(f"cannot write {output}: {e.strerror}")
        raise typer.Exit(EXIT_INPUT) from None


def _display(path: Path) -> str:
    """Paths as the user wrote them, without a leading './' from discovery."""
    text = str(path)
    return text[2:] if text.startswith("./") else text


def main() -> None:
    """Console-script entry point: no traceback reaches the user on Ctrl-C."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)

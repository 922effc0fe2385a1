"""The `cjmap` command as a Typer app: parse options, call the library, print, exit 0 / 1 / 2.

Each command is a plain function in its own module (`linting`, `rendering`, `docs`, `review`, `convert`),
which imports only `cjmap.cli.common`; this module builds the Typer app from the table below, importing
and building only the command that was invoked.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Annotated

import typer

from cjmap import __version__
from cjmap.cli.common import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT  # noqa: F401 - the exit codes, as before

# the process set-up shared with the entry point; the names stay importable from here
from cjmap.entry import (  # noqa: F401
    _STREAM_ERRORS,
    _ClosedStream,
    _exit_cleanly_on_sigterm,
    _output_failed,
    _robust_streams,
    run,
)


@dataclass(frozen=True)
class Command:
    """One `cjmap` command: its name, the module and function that run it, and its line in `cjmap --help`.

    A `group` module's function returns the Typer app of its subcommands (`cjmap import mermaid`), which
    carries its own line, since that names what the group holds.
    """

    name: str
    module: str
    function: str
    short_help: str | None = None
    group: bool = False

    def register(self, app: typer.Typer, listed_only: bool = False) -> None:
        """Add the command to `app`; `listed_only` adds just its line for `cjmap --help`, without importing it."""
        if listed_only and not self.group:
            app.command(self.name, short_help=self.short_help)(_listed)
            return
        command = getattr(import_module(self.module), self.function)
        if self.group:
            app.add_typer(command(), name=self.name)
        else:
            app.command(self.name, short_help=self.short_help)(command)


def _listed() -> None:
    """Stands in for a command in `cjmap --help`, which shows only each command's name and line."""


# the order of `cjmap --help`
COMMANDS = (
    Command("lint", "cjmap.cli.linting", "lint", "Check maps: exit 1 on findings, 2 when a map cannot load."),
    Command("render", "cjmap.cli.rendering", "render", "Render maps to SVG diagrams and HTML reports."),
    Command("rules", "cjmap.cli.docs", "rules", "List every lint rule."),
    Command("rule", "cjmap.cli.docs", "rule", "Explain a rule or a diagnostic code, with examples."),
    Command("schema", "cjmap.cli.docs", "schema", "Print the JSON Schema of the map format."),
    Command("diff", "cjmap.cli.review", "diff", "Show what changed for the customer between two maps."),
    Command("compare", "cjmap.cli.review", "compare", "Report a current state against its future state."),
    Command("outline", "cjmap.cli.review", "outline", "Print a map as plain lines (a git diff textconv)."),
    Command("import", "cjmap.cli.convert", "import_app", group=True),
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cjmap {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool | None,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """Customer journey maps as code."""


def build_app(commands: Sequence[Command] = COMMANDS, listed_only: bool = False) -> typer.Typer:
    """The `cjmap` app with these commands registered, in this order (only listed, for `cjmap --help`)."""
    app = typer.Typer(
        name="cjmap",
        help="Compile customer journey maps written in YAML into SVG diagrams and HTML reports, and lint them.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # plain help: rich help costs ~130 ms of imports on every `--help`
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    for command in commands:
        command.register(app, listed_only)
    return app


def main() -> None:
    """The command as a whole process: no traceback reaches the user on Ctrl-C, SIGTERM or a failed output.

    The console script enters through `cjmap.entry.main`, which answers `--version` before typer is imported.
    """
    run(lambda: invoked(sys.argv[1:])())


def invoked(args: Sequence[str]) -> typer.Typer:
    """The app with only the command `args` name first, so only that command's module is imported and only
    its options are built (~6 ms); for `cjmap`, `cjmap --help` and `-h`, every command's line and no command
    module; every command for anything else (an unknown command, a root option first)."""
    name = args[0] if args else ""
    only = [c for c in COMMANDS if c.name == name]
    if only:
        return build_app(only)
    return build_app(COMMANDS, listed_only=name in ("", "--help", "-h"))


def __getattr__(name: str) -> typer.Typer:
    """`cjmap.cli.app`: the whole app, built when asked for (tests and tools that drive Typer directly)."""
    if name == "app":
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

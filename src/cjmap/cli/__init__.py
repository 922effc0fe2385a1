"""The `cjmap` command: parse options, call the library, print, exit 0 / 1 / 2.

The Typer app is built in `cjmap.cli.commands`. This package itself imports nothing, so that a bare
`cjmap lint [PATH...]` (see `cjmap.entry`) reaches `cli/lint_maps.py` without importing typer; the names
asked of it (`main`, `invoked`, `app`, `COMMANDS`, the exit codes...) come from `commands` on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cjmap.cli.commands import (  # noqa: F401
        COMMANDS,
        EXIT_CLEAN,
        EXIT_FINDINGS,
        EXIT_INPUT,
        Command,
        build_app,
        invoked,
        main,
        run,
    )


def __getattr__(name: str) -> Any:
    """`cjmap.cli.main`, `cjmap.cli.app` and the rest, from `cjmap.cli.commands` when first asked for."""
    if name.startswith("__"):
        raise AttributeError(name)
    from importlib import import_module

    return getattr(import_module("cjmap.cli.commands"), name)

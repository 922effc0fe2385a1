"""What the `cjmap` commands share: exit codes, printing findings, writing outputs, options' types.

Command modules import this and nothing of each other; `cjmap.cli` builds the app from them. Nothing here
imports typer (a plain `cjmap lint` runs without it, see `cjmap.entry`): a command ends with SystemExit,
which typer lets through with its code, as it does its own Exit.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Any

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
LINT_BATCH = 20  # from this many maps on, lint spreads over processes


def _console(stderr: bool = False):  # rich is imported only by commands that print findings
    import os

    from rich.console import Console

    plain = bool(os.environ.get("NO_COLOR"))  # no colour and no bold either: what NO_COLOR users expect
    return Console(
        stderr=stderr, soft_wrap=True, highlight=False, color_system=None if plain else "auto", no_color=plain
    )


def _print_diagnostics(diagnostics: Sequence, stderr: bool = False) -> None:
    import os

    from cjmap.diagnostics import Severity, format_line, printable

    stream = sys.stderr if stderr else sys.stdout
    # pipes and CI logs: plain lines, no ~50 ms rich import
    if not stream.isatty() and not os.environ.get("FORCE_COLOR"):
        stream.writelines(format_line(d) + "\n" for d in diagnostics)
        stream.flush()
        return
    from rich.text import Text

    colours = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold cyan"}
    console = _console(stderr)
    for d in diagnostics:
        w = d.where
        console.print(
            Text.assemble(
                (f"{printable(w.file)}:{w.line}:{w.column}:", "bold"),
                " ",
                (d.severity.value, colours[d.severity]),
                " ",
                (d.code, "bold"),
                f" {printable(d.message)} ",
                (f"[{d.rule}]", "dim"),
            )
        )


def say(text: str, err: bool = False) -> None:
    """A line on standard output (or error), flushed, as `typer.echo` writes it."""
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{text}\n")
    stream.flush()


def _fail(message: str) -> None:
    from cjmap.diagnostics import escape_controls

    say(f"error: {escape_controls(message)}", err=True)  # file names and map text may hold terminal escapes


def _wrote(target: Path) -> None:
    """Say an output was written; its name is escaped, since a map's file name may hold terminal escapes."""
    from cjmap.diagnostics import escape_controls

    say(f"wrote {escape_controls(str(target))}", err=True)


class Theme(str, Enum):
    light = "light"
    dark = "dark"
    print = "print"


class Level(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


def _selectors(values: Sequence[str] | None) -> list[str] | None:
    """`--select CJM1,CJM2 --select dead-end` -> ['CJM1', 'CJM2', 'dead-end']."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _relative(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def _today(value: str | None):
    from datetime import date

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        import typer  # only `--today` is given a value, and only through typer

        raise typer.BadParameter(f"expected a date like 2026-11-24, got {value!r}") from None


def _context_for(policy, today):
    return policy.context(today)


def _write_or_exit(target: Path, text: str, inputs: Sequence[Path] = ()) -> None:
    """Write a whole output atomically (creating its folder) and say so, or fail in one line with exit 2.

    `inputs` are the files the command read: an output never lands on one of them.
    """
    from cjmap.jobs.output import write_atomic
    from cjmap.source.safeio import why

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text.encode("utf-8"), inputs)
    except (OSError, ValueError) as e:  # ValueError: a NUL in the path
        _fail(f"cannot write to {target}: {why(e)}")
        raise SystemExit(EXIT_INPUT) from None
    _wrote(target)


def _checked_or_exit(path: Path, today):
    """Load and lint one map with its own settings; print its errors and exit 2 when it does not load."""
    from cjmap.diagnostics import MapError
    from cjmap.lint.pipeline import check
    from cjmap.lint.policy import PolicyFinder

    try:
        policy = PolicyFinder().for_path(path)
    except MapError as e:  # a broken config: nothing can be judged
        _print_diagnostics(e.diagnostics, stderr=True)
        raise SystemExit(EXIT_INPUT) from None
    checked = check(path, _display(path), policy, _context_for(policy, today))
    if checked.journey is None:
        _print_diagnostics(checked.diagnostics, stderr=True)
        raise SystemExit(EXIT_INPUT)
    return checked


def _display(path: Path) -> str:
    """Paths as the user wrote them, without a leading './' from discovery."""
    text = str(path)
    return text[2:] if text.startswith("./") else text


def map_bytes(task: Any) -> int:
    """A map's weight when maps are grouped for the workers: its file's bytes (0 when it cannot be read: the
    work on it says why)."""
    try:
        return task.path.stat().st_size
    except OSError:
        return 0


DATA_HELP = "CSV or .xlsx of metric values (metric,at,value,date[,persona]) besides the map's own; one map only."


def nothing_there(path: Path) -> bool:
    """Whether a path on the command line names nothing (said before any work, as `no such file or folder`).
    A link that leads nowhere or round in a loop, or a name the system cannot look up (too long, say), is not
    "nothing": reading it says why, as CJM000."""
    try:
        return not path.exists() and not path.is_symlink()
    except (OSError, ValueError):
        return False


def check_data_option(paths: Sequence[Path], data: Sequence[Path] | None) -> None:
    """--data belongs to one map: its rows name that map's touchpoints. Exit 2 when it cannot be used."""
    if not data:
        return
    if len(paths) != 1 or os.path.isdir(paths[0]):
        _fail("--data goes with one map: name a single map file")
        raise SystemExit(EXIT_INPUT)
    for path in data:
        if nothing_there(path):  # a looping link, a path too long: reading it reports why, as CJM601
            say(f"{_display(path)}:1:1: error CJM000 no such data file [unreadable-file]", err=True)
            raise SystemExit(EXIT_INPUT)

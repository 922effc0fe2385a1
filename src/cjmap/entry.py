"""The `cjmap` command's entry point (the console script and `python -m cjmap`).

It imports nothing beyond what Python itself has loaded at startup until it knows what was asked:
`cjmap --version` is answered here, before typer (~60 ms of imports) is loaded; a bare `cjmap lint
[PATH...]` or `cjmap render PATH... [-o DIR]` runs without typer; and a one-shot run switches the garbage collector
off (a run frees little before it exits; collections during the imports cost about a tenth of them).
`cjmap.cli.main` stays the same command without these shortcuts.
"""

from __future__ import annotations

import errno
import io
import os
import sys

TYPE_CHECKING = False  # as typing's, without importing typing (~3 ms of `--version`): type checkers take it as true
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import IO

EXIT_INPUT = 2  # as cjmap.cli.common.EXIT_INPUT: the output could not be written
# writing to standard output fails with these: a full disk (/dev/full), a closed descriptor, a closed pipe, I/O
_STREAM_ERRORS = {errno.ENOSPC, errno.EBADF, errno.EPIPE, errno.EIO, errno.EDQUOT, errno.EFBIG}


def main() -> None:
    """Console-script entry point."""
    args = sys.argv[1:]
    if args in (["--version"], ["-V"]):  # only alone: `cjmap -V lint` and the like are typer's to parse
        run(_print_version)
    one_shot = not _watching(args)
    if one_shot:
        import gc

        gc.disable()
    try:
        run(bare_command(args) or _cli)
    finally:
        if one_shot:  # what the run built is left to the operating system, not collected at teardown
            gc.freeze()


def _watching(args: list[str]) -> bool:
    """Whether `render --watch` (or `-w`, alone or among short flags like `-qw`) may be running: a long
    run, which keeps the garbage collector on. Any argument that may mean it counts, even a file name."""
    return any(a == "--watch" or (a.startswith("-") and not a.startswith("--") and "w" in a) for a in args)


def bare_command(args: Sequence[str]) -> Callable[[], None] | None:
    """`cjmap lint [PATH...]` with no option, or `cjmap render PATH...` with at most an output folder (`-o DIR`,
    `--output-dir DIR` or `--output-dir=DIR`), run without typer (~30 ms: a third of a small lint, a sixth of
    a render): how people lint and render while they write, how pre-commit hooks call lint and how builds
    render. The command's own code does the work (`cli/lint_maps.py`, `cli/render_maps.py`), so the result
    is the same either way. Typer gets the rest: any other option; anything click might read another way
    (a value that starts with `-`, an empty one, `-o` twice, a path that is there but cannot be read); a
    render of nothing (typer says what is missing); click's shell completion (a `_CJMAP_COMPLETE` variable)."""
    if not args or args[0] not in ("lint", "render"):
        return None
    named = _paths_and_output(args[1:]) if args[0] == "render" else (list(args[1:]), None)
    if named is None or any(a.startswith("-") for a in named[0]):
        return None
    words, output = named
    if args[0] == "render" and not words:
        return None
    if any(_refused_by_click(word) for word in [*words, *([output] if output else [])]):
        return None
    if any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ):
        return None

    def command() -> None:
        from pathlib import Path

        paths = [Path(a) for a in words]
        try:
            if args[0] == "lint":
                from cjmap.cli.lint_maps import lint_maps

                lint_maps(paths or None)
            else:
                from cjmap.cli.render_maps import render_maps

                render_maps(paths, output_dir=None if output is None else Path(output))
        except KeyboardInterrupt:  # as typer ends a command on Ctrl-C: 130, without a word
            raise SystemExit(130) from None
        except OSError as e:  # as typer ends a command whose reader went away (`| head`): 1, without a word
            if e.errno != errno.EPIPE:
                raise
            _quiet_streams()
            raise SystemExit(1) from None

    return command


def _paths_and_output(words: Sequence[str]) -> tuple[list[str], str | None] | None:
    """A render's paths and its one output folder, or None when the words hold anything else for typer."""
    paths: list[str] = []
    output: str | None = None
    rest = iter(words)
    for word in rest:
        if word in ("-o", "--output-dir"):
            value = next(rest, None)
        elif word.startswith("--output-dir="):
            value = word.removeprefix("--output-dir=")
        else:
            paths.append(word)
            continue
        if output is not None or not value or value.startswith("-"):
            return None
        output = value
    return paths, output


def _refused_by_click(word: str) -> bool:
    """Whether click's path type, which typer gives every path argument and option, refuses `word` before
    the command runs: something is there that cannot be read (typer then says so, as a usage error)."""
    try:
        os.stat(word)
    except (OSError, ValueError):
        return False
    return not os.access(word, os.R_OK)


def _quiet_streams() -> None:
    """What is still buffered for a closed pipe goes nowhere, so flushing it at exit fails no more."""
    _send_nowhere(sys.stdout)
    _send_nowhere(sys.stderr)


def _send_nowhere(stream: IO[str]) -> bool:
    """Point `stream`'s descriptor at the null device, so what is buffered and what comes later are dropped;
    False when the stream has no descriptor to point."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (OSError, ValueError, io.UnsupportedOperation):
        return False
    return True


def _print_version() -> None:
    from cjmap import __version__

    sys.stdout.write(f"cjmap {__version__}\n")  # as typer.echo writes it: the text, then a flush
    sys.stdout.flush()
    sys.exit(0)


def _cli() -> None:
    from cjmap.cli.commands import invoked

    invoked(sys.argv[1:])()


def run(command) -> None:
    """Run `command` as the whole process: no traceback reaches the user on Ctrl-C, SIGTERM or a failed
    standard output; those exit 130, 143 and 2 with one line on standard error."""
    # pydantic looks for plugins through every installed package's metadata (~20 ms a run); cjmap uses none
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _exit_cleanly_on_sigterm()
    _robust_streams()
    try:
        try:
            command()
        finally:
            sys.stdout.flush()  # a full disk or a closed pipe shows here at the latest, while it can still be said
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except OSError as e:
        if e.errno not in _STREAM_ERRORS:
            raise
        _output_failed(e)


def _exit_cleanly_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so half-written temporary outputs are removed on the way out."""
    import signal

    main = os.getpid()

    def stop(signum: int, frame: object) -> None:
        if os.getpid() != main:  # a worker just forked, before it set its own handler: nothing of it to clean up
            os._exit(128 + signum)
        raise SystemExit(128 + signum)

    try:
        signal.signal(signal.SIGTERM, stop)
    except (ValueError, OSError):  # not the main thread, or a platform without it
        pass


class _ClosedStream(io.TextIOBase):
    """Standard output when the process was started without one (`cjmap lint >&-`): writing is an error to report."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def isatty(self) -> bool:
        return False


def _robust_streams() -> None:
    """Streams that cannot fail on what cjmap prints: a terminal set to ASCII or Latin-1
    (PYTHONIOENCODING) gets \\u escapes for what it cannot show, rather than a traceback."""
    if sys.stdout is None:
        sys.stdout = _ClosedStream()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # nowhere to say anything; the exit code still tells
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")


def _output_failed(error: OSError) -> None:
    """Say once, on standard error, that the output could not be written, and exit 2 (not a traceback)."""
    if not _send_nowhere(sys.stdout):  # what is still buffered would fail again when Python flushes at exit
        sys.stdout = _ClosedStream()
    try:
        sys.stderr.write(f"error: cannot write output: {error.strerror or error}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    sys.exit(EXIT_INPUT)

"""Shared helpers: small maps in a temporary project, and the `cjmap` command run in this process or for real.

`run_cli` runs the command in the test's own process (about 100 times quicker than starting Python), with
the same output and exit code as `python -m cjmap`; `run_process` starts the real process, for tests where the
process itself is the point: signals, closed or full standard output, `/dev/stdout` and descriptors, the entry
point's imports, the stream encoding.
"""

from __future__ import annotations

import contextlib
import io
import locale
import os
import re
import signal
import subprocess
import sys
import textwrap
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

PROGRAM = "python -m cjmap"  # how click names the command in usage lines when run as `python -m cjmap`
# read by Python only when a process starts: a run that sets one of these needs a real process to honour it
PROCESS_ONLY_VARIABLES = ("PYTHONIOENCODING", "PYTHONUTF8", "PYTHONPATH", "LANG", "LC_ALL", "LC_CTYPE")
# outputs cjmap writes to its own descriptors, which in this process are pytest's
DESCRIPTOR_PATHS = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/self/fd/")
TIME_LIMIT = 120  # seconds: a command that hangs fails its test instead of stalling the suite, as run_process's timeout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder (its cjmap.toml bounds imports)."""
    (tmp_path / "cjmap.toml").write_text("")
    return tmp_path


def write(folder: Path, name: str, text: str) -> Path:
    """Write a dedented file, creating parent folders."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def cli_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment every test run of `cjmap` gets: no colour, a wide terminal, then the test's own values."""
    return {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}


def run_process(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m cjmap ARGS`, as a user runs it: real process, real exit code."""
    return subprocess.run(
        [sys.executable, "-m", "cjmap", *args],
        cwd=cwd,
        env=cli_environment(env),
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
    )


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, time_limit: float | None = None
) -> subprocess.CompletedProcess[str]:
    """`cjmap ARGS` in this process, as `run_process` would run it: same output, same exit code.

    The command goes through the entry point's `run` (exit 130 on Ctrl-C, 2 when output fails), with the working
    folder, environment, `sys.argv`, standard streams and SIGTERM handler put back afterwards, and stopped with
    CommandTimedOut after `time_limit` seconds (default TIME_LIMIT). What only a real process does (a stream
    encoding set by variables, output to /dev/stdout) is refused: use `run_process`.
    """
    full_env = cli_environment(env)
    if any(full_env.get(name) != os.environ.get(name) for name in PROCESS_ONLY_VARIABLES):
        raise ValueError(f"run_cli cannot set {PROCESS_ONLY_VARIABLES} in this process; use run_process")
    if any(arg.startswith(DESCRIPTOR_PATHS) for arg in args):
        raise ValueError("run_cli cannot capture what is written to a descriptor; use run_process")
    from cjmap.cli import invoked
    from cjmap.entry import bare_command, run

    with _working_folder(cwd), _environment(full_env), _argv(args), _sigterm_kept(), _captured() as (out, err):
        # as the entry point does: a bare `lint [PATH...]` without typer, everything else through it
        command = bare_command(args) or (lambda: invoked(args)(args=list(args), prog_name=PROGRAM))
        with _time_limit(time_limit or TIME_LIMIT, args):
            returncode = _exit_code(lambda: run(command), err)
    return subprocess.CompletedProcess([sys.executable, "-m", "cjmap", *args], returncode, _decoded(out), _decoded(err))


def _exit_code(command, err: io.TextIOWrapper) -> int:
    """The exit code Python gives a process whose main code is `command`; a traceback goes to `err`, as Python's."""
    try:
        command()
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        err.write(f"{stop.code}\n")
        return 1
    except CommandTimedOut:
        raise
    except BaseException:  # an uncaught error ends a real process with a traceback and exit 1
        err.write(traceback.format_exc())
        return 1
    return 0


class CommandTimedOut(BaseException):
    """A command run in this process took longer than TIME_LIMIT (a BaseException: the library's handlers let it by)."""


@contextlib.contextmanager
def _time_limit(seconds: float, args: tuple[str, ...]) -> Iterator[None]:
    """Interrupt the command after `seconds`, with SIGALRM (only the main thread can set it; elsewhere no limit)."""
    import threading

    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise CommandTimedOut(f"cjmap {' '.join(args)} took longer than {seconds:g} s")

    before = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


@contextlib.contextmanager
def _working_folder(cwd: Path | None) -> Iterator[None]:
    before = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(before)


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    before = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(before)


@contextlib.contextmanager
def _argv(args: tuple[str, ...]) -> Iterator[None]:
    before = sys.argv
    sys.argv = [str(REPO / "src" / "cjmap" / "__main__.py"), *args]  # what `python -m cjmap` sees
    try:
        yield
    finally:
        sys.argv = before


@contextlib.contextmanager
def _sigterm_kept() -> Iterator[None]:
    """The entry point turns SIGTERM into an exit; the test process keeps its own handler."""
    before = signal.getsignal(signal.SIGTERM)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


@contextlib.contextmanager
def _captured() -> Iterator[tuple[io.TextIOWrapper, io.TextIOWrapper]]:
    """Standard streams as a process writing into pipes has them: the locale's encoding, its error handlers."""
    encoding = locale.getpreferredencoding(False)
    out_errors = _errors(sys.__stdout__, "strict")
    out = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors=out_errors, write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="backslashreplace", write_through=True)
    before = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.TextIOWrapper(io.BytesIO(), encoding=encoding), out, err
    try:
        yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr = before


def _errors(stream: object, default: str) -> str:
    return getattr(stream, "errors", None) or default  # surrogateescape under a C locale, as Python sets it


def _decoded(stream: io.TextIOWrapper) -> str:
    """What `subprocess.run(text=True)` reads from a pipe: the locale's encoding, universal newlines."""
    stream.flush()
    data = stream.buffer.getvalue()  # type: ignore[attr-defined]  # _captured() wraps a BytesIO
    return io.TextIOWrapper(io.BytesIO(data), encoding=locale.getpreferredencoding(False)).read()


TODAY = "2026-11-24"  # freshness rules judge against this date in tests

# A sound map: every lint rule passes on it.
MINIMAL = """
cjmap: 1
title: Minimal
updated: 2026-11-01
teams: [{id: sales, name: Sales}]
channels: [{id: web, name: Website}]
stages:
  - name: Awareness
    touchpoints:
      - {name: Sees an ad, channel: web, owner: sales, emotion: 1}
  - name: Purchase
    touchpoints:
      - {name: Buys, channel: web, owner: sales, emotion: 2}
"""


def found(pattern: str, text: str, flags: int = 0) -> re.Match[str]:
    """The match the test needs: a missing one fails here, naming the pattern."""
    match = re.search(pattern, text, flags)
    assert match is not None, pattern
    return match


def lint_findings(
    project: Path,
    text: str,
    codes: tuple[str, ...] = (),
    today: str = TODAY,
    options: dict[str, object] | None = None,
) -> list[tuple[str, int, int, str]]:
    """Lint a map written into `project`: (code, line, column, message) of findings whose code starts with `codes`.

    `options` are rule options by their config key (`{"stale-days": 30}`), as a cjmap.toml would set them.
    """
    from datetime import date

    from cjmap.lint.pipeline import check
    from cjmap.rules import OPTIONS, Context

    unknown = set(options or {}) - set(OPTIONS)
    assert not unknown, f"no rule declares the options {sorted(unknown)}"
    context = Context(today=date.fromisoformat(today), options=options or {})
    result = check(write(project, "m.cjmap.yaml", text), "m.cjmap.yaml", context=context)
    assert result.loaded, result.diagnostics
    return [(d.code, d.where.line, d.where.column, d.message) for d in result.diagnostics if d.code.startswith(codes)]

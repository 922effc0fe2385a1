"""The bare road (`cjmap lint [PATH...]`, `cjmap render PATH... [-o DIR]` without typer) against typer's road.

Issue 17 lets `cjmap.entry.bare_command` run an option-less lint, or a render with at most `-o DIR`, without
importing typer. Each test here starts real processes: the bare road is `python -m cjmap ARGS` with typer made
unimportable (so a case meant for the bare road cannot drift to typer and compare typer with itself); typer's
road is the same entry point with `bare_command` switched off. The two must give the same standard output,
standard error, exit code and files. Three cases were breaks found by attacking the two roads (a closed pipe,
Ctrl-C, a file name that is not UTF-8), fixed since.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, MINIMAL, TIME_LIMIT, cli_environment, write

# the bare road: typer cannot be imported, so only a run that never needs it succeeds
BARE = "import sys; sys.modules['typer'] = None; sys.argv[0] = 'cjmap'; import cjmap.entry as e; e.main()"
# the command as shipped: the bare road when it can, typer otherwise
SHIPPED = "import sys; sys.argv[0] = 'cjmap'; import cjmap.entry as e; e.main()"
# typer's road: the same entry point, with the bare road switched off
TYPER = "import sys; sys.argv[0] = 'cjmap'; import cjmap.entry as e; e.bare_command = lambda args: None; e.main()"
# Ctrl-C as the lint starts looking for maps (both roads call `discover`): a deterministic interrupt
INTERRUPTED = "import os, signal, cjmap.lint.pipeline as p; p.discover = lambda *a: os.kill(os.getpid(), signal.SIGINT)"

BROKEN = MINIMAL.replace("emotion: 1", "emotion: 9")  # one schema error: a finding on standard output, exit 1
Arg = str | bytes


def run(road: str, args: list[Arg], cwd: Path, env: dict[str, str] | None = None, **kwargs):
    """`cjmap ARGS` on `road` (a `-c` program), in `cwd`; standard streams captured unless given."""
    return subprocess.run(
        [sys.executable, "-c", road, *args],
        cwd=cwd,
        env=cli_environment(env),
        capture_output="stdout" not in kwargs,
        timeout=TIME_LIMIT,
        **kwargs,
    )


def tree(folder: Path) -> dict[str, bytes]:
    """Every regular file under `folder` (links and pipes by what they are), by relative path."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        key = os.fsdecode(path.relative_to(folder))
        if path.is_symlink():
            found[key] = b"-> " + os.fsencode(os.readlink(path))
        elif path.is_file():
            found[key] = path.read_bytes()
    return found


def both_roads(tmp_path: Path, setup, args: list[Arg], env: dict[str, str] | None = None):
    """Run `cjmap ARGS` on each road in its own copy of the project that `setup` makes; return both results."""
    results = []
    for name, road in (("bare", BARE), ("typer", TYPER)):
        folder = tmp_path / name
        folder.mkdir()
        setup(folder)
        done = run(road, args, folder, env)
        results.append((done.returncode, done.stdout, done.stderr, tree(folder)))
    return results


def maps(folder: Path) -> None:
    """A clean map, a map with a finding, and the things the attacks reach for."""
    write(folder, "cjmap.toml", "")
    write(folder, "ok.cjmap.yaml", MINIMAL)
    write(folder, "broken.cjmap.yaml", BROKEN)
    for odd in ("lint", "render", "-q", "with space.cjmap.yaml", "ünï.cjmap.yaml", "sub/deep.cjmap.yaml"):
        write(folder, odd, MINIMAL)
    (folder / os.fsdecode(b"bad\xff.cjmap.yaml")).write_text(MINIMAL)
    (folder / "link.cjmap.yaml").symlink_to("ok.cjmap.yaml")
    (folder / "dangling.cjmap.yaml").symlink_to("nowhere")
    os.mkfifo(folder / "pipe.cjmap.yaml")


LINT_CASES = [
    [],
    ["lint"],
    ["render"],
    ["./-q"],
    ["with space.cjmap.yaml", "ünï.cjmap.yaml"],
    [b"bad\xff.cjmap.yaml"],
    ["ok.cjmap.yaml", "./ok.cjmap.yaml", "link.cjmap.yaml", "ok.cjmap.yaml"],
    ["", "."],
    [".", "sub", "sub/deep.cjmap.yaml"],
    ["nope", "ok.cjmap.yaml", "also-nope"],
    ["dangling.cjmap.yaml"],
    ["pipe.cjmap.yaml"],
    ["/dev/null"],
    ["broken.cjmap.yaml", "ok.cjmap.yaml"],
    ["esc\x1b[31mape"],
    ["ok.cjmap.yaml"] * 500,
]


@pytest.mark.parametrize("paths", LINT_CASES, ids=repr)
def test_lint_gives_the_same_on_both_roads(tmp_path: Path, paths: list[Arg]) -> None:
    bare, typer = both_roads(tmp_path, maps, ["lint", *paths])
    assert bare == typer
    assert b"Traceback" not in bare[2]


RENDER_CASES = [
    ["ok.cjmap.yaml"],
    ["."],
    [""],
    ["render", "lint"],
    ["ok.cjmap.yaml", "./ok.cjmap.yaml", "link.cjmap.yaml"],
    ["ünï.cjmap.yaml", "with space.cjmap.yaml", "nope"],
    ["broken.cjmap.yaml"],
    ["pipe.cjmap.yaml", "/dev/null"],
]


@pytest.mark.parametrize("paths", RENDER_CASES, ids=repr)
def test_render_gives_the_same_on_both_roads(tmp_path: Path, paths: list[Arg]) -> None:
    def setup(folder: Path) -> None:
        maps(folder)

    bare, typer = both_roads(tmp_path, setup, ["render", *paths])
    assert bare == typer
    assert b"Traceback" not in bare[2]


OUTPUT_CASES = [
    ["-o", "out", "ok.cjmap.yaml"],
    ["ok.cjmap.yaml", "--output-dir", "out", "broken.cjmap.yaml"],
    ["--output-dir=out/deeper", "."],
    ["-o", "ok.cjmap.yaml", "ok.cjmap.yaml"],  # the folder is a file: cannot write
    ["-o", "lint", "render"],  # a folder named like a command; a map named like one
    ["-o", "/dev/null", "ok.cjmap.yaml"],
    ["-o", b"out\xff", "ünï.cjmap.yaml"],
    ["-o", "sub", "sub/deep.cjmap.yaml"],  # into the folder the map is in
    ["-o", "dangling.cjmap.yaml", "ok.cjmap.yaml"],
]


@pytest.mark.parametrize("args", OUTPUT_CASES, ids=repr)
def test_render_into_a_folder_gives_the_same_on_both_roads(tmp_path: Path, args: list[Arg]) -> None:
    """`-o DIR` is the one option the bare road reads: how builds render. Same words, files and exit code."""
    bare, typer = both_roads(tmp_path, maps, ["render", *args])
    assert bare == typer
    assert b"Traceback" not in bare[2]


@pytest.mark.parametrize(
    "args",
    [
        ["-o", "a", "-o", "b", "ok.cjmap.yaml"],  # click keeps the last; the bare road does not guess
        ["-o", "-q", "ok.cjmap.yaml"],  # a value that looks like an option
        ["--output-dir=", "ok.cjmap.yaml"],
        ["ok.cjmap.yaml", "-o"],  # no value at all: typer says so
        ["-oout", "ok.cjmap.yaml"],
        ["--output", "out", "ok.cjmap.yaml"],  # not the option's name: typer suggests it
        ["-o", "out"],  # a render of nothing
        ["-o", "out", "--", "ok.cjmap.yaml"],
    ],
    ids=repr,
)
def test_anything_else_with_an_output_folder_goes_to_typer(tmp_path: Path, args: list[str]) -> None:
    from cjmap.entry import bare_command

    assert bare_command(["render", *args]) is None
    maps(tmp_path)
    shipped = run(SHIPPED, ["render", *args], tmp_path)
    typer = run(TYPER, ["render", *args], tmp_path)
    assert (shipped.returncode, shipped.stdout, shipped.stderr) == (typer.returncode, typer.stdout, typer.stderr)
    assert b"Traceback" not in shipped.stderr


@pytest.mark.parametrize(
    "env", [{"NO_COLOR": ""}, {"FORCE_COLOR": "1"}, {"COLUMNS": "20"}, {"PYTHONIOENCODING": "ascii"}], ids=repr
)
def test_the_environment_changes_both_roads_alike(tmp_path: Path, env: dict[str, str]) -> None:
    args: list[Arg] = ["lint", "broken.cjmap.yaml", "ünï.cjmap.yaml", b"bad\xff.cjmap.yaml", "nope"]
    bare, typer = both_roads(tmp_path, maps, args, env)
    assert bare == typer
    assert bare[0] == 2 and b"Traceback" not in bare[2]


def test_outputs_never_land_on_a_map_on_either_road(tmp_path: Path) -> None:
    def setup(folder: Path) -> None:
        write(folder, "cjmap.toml", "")
        write(folder, "a.cjmap.yaml", MINIMAL)
        write(folder, "a.html", MINIMAL)  # a map where the report would go
        (folder / "a.svg").symlink_to("a.cjmap.yaml")  # the diagram's place is the map itself

    bare, typer = both_roads(tmp_path, setup, ["render", "a.cjmap.yaml"])
    assert bare == typer
    assert bare[0] == 2
    assert bare[3]["a.html"] == bare[3]["a.cjmap.yaml"] == MINIMAL.lstrip("\n").encode()


def test_a_completion_request_goes_to_typer(tmp_path: Path) -> None:
    """With click's completion variable set, `cjmap lint` is typer's: the command as shipped answers as typer does."""
    env = {"_CJMAP_COMPLETE": "bash_complete", "COMP_WORDS": "cjmap lint", "COMP_CWORD": "1"}
    maps(tmp_path)
    shipped = run(SHIPPED, ["lint"], tmp_path, env)
    typer = run(TYPER, ["lint"], tmp_path, env)
    assert (shipped.returncode, shipped.stdout, shipped.stderr) == (typer.returncode, typer.stdout, typer.stderr)
    assert b"Traceback" in run(BARE, ["lint"], tmp_path, env).stderr  # the bare road declined: typer was needed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render"], "Missing argument 'PATH'"),
        (["lint", "--today", "bad", "ok.cjmap.yaml"], "expected a date like"),
        (["render", "--format", "nonsense", "ok.cjmap.yaml"], "choose from svg"),
    ],
)
def test_usage_errors_still_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    maps(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "cjmap", *args], cwd=tmp_path, env=cli_environment(), capture_output=True, text=True
    )
    assert done.returncode == 2
    assert message in done.stderr and "Usage: python -m cjmap" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("stdout", ["closed", "/dev/full"])
def test_a_failed_standard_output_is_the_same_on_both_roads(tmp_path: Path, stdout: str) -> None:
    maps(tmp_path)
    results = []
    for road in (BARE, TYPER):
        with open(os.devnull if stdout == "closed" else stdout, "wb") as sink:
            # "closed": the process starts without descriptor 1, as `cjmap lint >&-`
            close = (lambda: os.close(1)) if stdout == "closed" else None
            done = run(
                road, ["lint", "broken.cjmap.yaml"], tmp_path, stdout=sink, stderr=subprocess.PIPE, preexec_fn=close
            )
        results.append((done.returncode, done.stderr))
    assert results[0] == results[1]
    assert results[0][0] == 2 and results[0][1].startswith(b"error: cannot write output:")


def test_a_closed_pipe_is_the_same_on_both_roads(tmp_path: Path) -> None:
    maps(tmp_path)
    results = []
    for road in (BARE, TYPER):
        read, write_end = os.pipe()
        os.close(read)  # the reader is gone before the first byte: EPIPE on the first flush
        try:
            done = run(road, ["lint", "broken.cjmap.yaml"], tmp_path, stdout=write_end, stderr=subprocess.PIPE)
        finally:
            os.close(write_end)
        results.append((done.returncode, done.stderr))
    assert results[0] == results[1]


def test_ctrl_c_is_the_same_on_both_roads(tmp_path: Path) -> None:
    maps(tmp_path)
    results = []
    for road in (BARE, TYPER):
        program = road.replace("import cjmap.entry", f"{INTERRUPTED}; import cjmap.entry")
        done = run(program, ["lint", "ok.cjmap.yaml"], tmp_path)
        results.append((done.returncode, done.stdout, done.stderr))
    assert results[0][0] == 130
    assert results[0] == results[1]


def test_sigterm_is_the_same_on_both_roads(tmp_path: Path) -> None:
    maps(tmp_path)
    stop = "import os, signal, cjmap.lint.pipeline as p; p.discover = lambda *a: os.kill(os.getpid(), signal.SIGTERM)"
    results = []
    for road in (BARE, TYPER):
        done = run(road.replace("import cjmap.entry", f"{stop}; import cjmap.entry"), ["lint"], tmp_path)
        results.append((done.returncode, done.stdout, done.stderr))
    assert results[0] == results[1] == (128 + signal.SIGTERM, b"", b"")


def test_render_of_a_map_whose_name_is_not_utf8_does_not_crash(tmp_path: Path) -> None:
    """Once a traceback (UnicodeEncodeError in the HTML report); the report now shows the byte as an escape."""
    write(tmp_path, "cjmap.toml", "")
    name = os.fsdecode(b"bad\xff.cjmap.yaml")
    (tmp_path / name).write_text(MINIMAL)
    done = run(BARE, ["render", os.fsencode(name)], tmp_path)
    assert b"Traceback" not in done.stderr
    assert done.returncode in (0, 1)
    report = (tmp_path / os.fsdecode(b"bad\xff.html")).read_text(encoding="utf-8")
    assert "bad\\xff.cjmap.yaml" in report  # the byte shown as the escape the terminal lines use


def test_the_bare_road_is_taken_without_typer(tmp_path: Path) -> None:
    """The cases above compare two roads only if the bare one really runs without typer: with typer blocked,
    an option (typer's to parse) fails, and a bare lint and render work."""
    maps(tmp_path)
    assert run(BARE, ["lint", "ok.cjmap.yaml"], tmp_path).returncode == 0
    assert run(BARE, ["render", "ok.cjmap.yaml"], tmp_path).returncode == 0
    assert run(BARE, ["render", "-o", "out", "ok.cjmap.yaml"], tmp_path).returncode == 0
    assert (tmp_path / "out" / "ok.svg").is_file()
    assert b"Traceback" in run(BARE, ["lint", "-q", "ok.cjmap.yaml"], tmp_path).stderr


def test_examples_lint_alike(tmp_path: Path) -> None:
    bare, typer = both_roads(tmp_path, lambda folder: None, ["lint", str(EXAMPLES)])
    assert bare == typer


LONG = "a" * 300  # longer than one name may be (255 bytes): looking it up fails with "File name too long"
AWKWARD_CASES = [
    ["lint", LONG],
    ["lint", f"{LONG}/x.cjmap.yaml"],
    ["render", LONG],
    ["render", f"{LONG}/x"],
    ["render", "-o", LONG, "ok.cjmap.yaml"],
    ["render", "-o", f"{LONG}/x", "ok.cjmap.yaml"],
    ["render", "-o", "loop", "ok.cjmap.yaml"],  # the folder is a link to itself
    ["render", "ok.cjmap.yaml", "--output-dir=loop/x"],
    ["lint", "loop"],
]


@pytest.mark.parametrize("args", AWKWARD_CASES, ids=lambda args: repr(args)[:60])
def test_paths_the_system_cannot_follow_are_one_line_on_both_roads(tmp_path: Path, args: list[Arg]) -> None:
    """Names too long to look up and links to themselves, as maps and as output folders, were tracebacks
    (`Path.exists` raises for a long name, `Path.resolve` for a loop, on Python 3.11) on both roads."""

    def setup(folder: Path) -> None:
        maps(folder)
        (folder / "loop").symlink_to("loop")

    bare, typer = both_roads(tmp_path, setup, args)
    assert bare == typer
    assert bare[0] == 2 and b"Traceback" not in bare[2]
    said = (bare[1] + bare[2]).decode()
    reasons = ("File name too long", "it is not a folder", "Too many levels of symbolic links", "cannot be followed")
    assert any(reason in said for reason in reasons), said


def test_an_output_that_is_a_link_to_itself_is_replaced_on_both_roads(tmp_path: Path) -> None:
    def setup(folder: Path) -> None:
        maps(folder)
        (folder / "out").mkdir()
        (folder / "out" / "ok.svg").symlink_to("ok.svg")

    bare, typer = both_roads(tmp_path, setup, ["render", "-o", "out", "ok.cjmap.yaml"])
    assert bare == typer
    assert bare[0] == 0 and bare[3]["out/ok.svg"].startswith(b"<?xml")


def test_a_path_click_refuses_as_unreadable_goes_to_typer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Typer's path type refuses a path that is there but cannot be read (a usage error); the bare road must
    not run such a command its own way. (Root reads everything, so `os.access` stands in for a locked file.)"""
    import cjmap.entry
    from cjmap.entry import bare_command

    write(tmp_path, "ok.cjmap.yaml", MINIMAL)
    monkeypatch.chdir(tmp_path)
    assert bare_command(["render", "-o", "out", "ok.cjmap.yaml"]) is not None
    (tmp_path / "out").mkdir()
    locked = {"out", "ok.cjmap.yaml"}
    monkeypatch.setattr(cjmap.entry.os, "access", lambda path, mode: os.fspath(path) not in locked)
    assert bare_command(["render", "-o", "out", "m.cjmap.yaml"]) is None
    assert bare_command(["render", "ok.cjmap.yaml"]) is None
    assert bare_command(["lint", "ok.cjmap.yaml"]) is None
    assert bare_command(["lint", "nowhere.cjmap.yaml"]) is not None  # nothing there: click lets it through


@pytest.mark.skipif(not os.path.exists("/proc/sys/vm/drop_caches"), reason="needs Linux's /proc")
def test_a_file_that_cannot_be_read_even_by_root_gives_typers_usage_error(tmp_path: Path) -> None:
    """/proc/sys/vm/drop_caches can be written, never read: typer refuses it as `-o` and as a map, and so does
    the command as shipped (the bare road declines it)."""
    if os.access("/proc/sys/vm/drop_caches", os.R_OK):
        pytest.skip("readable here")
    maps(tmp_path)
    cases: list[list[Arg]] = [
        ["render", "-o", "/proc/sys/vm/drop_caches", "ok.cjmap.yaml"],
        ["lint", "/proc/sys/vm/drop_caches"],
    ]
    for args in cases:
        shipped = run(SHIPPED, args, tmp_path)
        typer = run(TYPER, args, tmp_path)
        assert (shipped.returncode, shipped.stdout, shipped.stderr) == (typer.returncode, typer.stdout, typer.stderr)
        assert shipped.returncode == 2 and b"is not readable" in shipped.stderr

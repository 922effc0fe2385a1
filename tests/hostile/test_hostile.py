"""Hostile maps: each gives one clear diagnostic, exit 2, no traceback, and leaves earlier outputs alone.

Every file in corpus/ states what it must produce on its first line:
`# expect: CODE LINE text-in-the-message`, where LINE may be `other-file:LINE`
when the diagnostic belongs to another file of the case (an import cycle is
reported at the import that closes it). Cases that cannot be files in git
(binary, huge, symlinks, generated) are built by the tests below the corpus.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL, run_cli, write

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p for p in CORPUS.glob("*.cjmap.yaml"))
SENTINEL = {"svg": b"<svg>previous render</svg>", "html": b"<p>previous render</p>"}


def expectation(path: Path) -> tuple[str, str, str]:
    """The code, the `file:line:` prefix and the message text the case must produce."""
    first = path.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    code, where, text = first.removeprefix("# expect: ").split(" ", 2)
    prefix = f"{where}:" if ":" in where else f"{path.name}:{where}:"
    return code, prefix, text


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The corpus copied into a fresh project, with earlier outputs beside every case."""
    project = tmp_path / "project"
    shutil.copytree(CORPUS, project)
    (project / "cjmap.toml").write_text("")
    for case in CASES:
        for fmt, data in SENTINEL.items():
            (project / f"{case.name.removesuffix('.cjmap.yaml')}.{fmt}").write_bytes(data)
    return project


def assert_outputs_untouched(project: Path, stem: str) -> None:
    for fmt, data in SENTINEL.items():
        assert (project / f"{stem}.{fmt}").read_bytes() == data, f"{stem}.{fmt} was changed"
    assert not list(project.glob(".*.tmp")), "temporary files left behind"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name.removesuffix(".cjmap.yaml"))
def test_corpus_case(corpus: Path, case: Path) -> None:
    code, prefix, text = expectation(case)
    for command in (["lint", case.name], ["render", case.name]):
        result = run_cli(*command, cwd=corpus)  # a case that hangs fails at run_cli's time limit
        output = result.stdout + result.stderr
        assert result.returncode == 2, output
        assert "Traceback" not in output
        first = next(line for line in output.splitlines() if f" error {code} " in line)
        assert first.startswith(prefix), first
        assert text in first, first
    assert_outputs_untouched(corpus, case.name.removesuffix(".cjmap.yaml"))
    assert not (corpus / "PWNED").exists()


def generated(tmp_path: Path, name: str, data: bytes) -> Path:
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    (project / "cjmap.toml").write_text("")
    for fmt, sentinel in SENTINEL.items():
        (project / f"m.{fmt}").write_bytes(sentinel)
    (project / name).write_bytes(data)
    return project


@pytest.mark.parametrize(
    ("data", "code", "line", "text"),
    [
        (b"", "CJM006", 1, "file is empty"),
        (b"cjmap: 1\ntitle: caf\xe9\n", "CJM001", 2, "not UTF-8"),
        (b"\xff\xfe" + "cjmap: 1\n".encode("utf-16-le"), "CJM001", 1, "not UTF-8"),
        (b"cjmap: 1\ntitle: " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "CJM001", 2, "nested more than 64"),
        (b"cjmap: 1\n" + b"# padding padding padding\n" * 500_000, "CJM001", 1, "over the limit"),
        (b"cjmap: 1\ntitle: T\n\x00\n", "CJM001", 3, "invalid YAML"),
    ],
    ids=["empty", "latin-1", "utf-16", "deep-nesting", "huge", "nul-byte"],
)
def test_generated_case(tmp_path: Path, data: bytes, code: str, line: int, text: str) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", data)
    for command in (["lint", "m.cjmap.yaml"], ["render", "m.cjmap.yaml"]):
        result = run_cli(*command, cwd=project)
        output = result.stdout + result.stderr
        assert result.returncode == 2 and "Traceback" not in output, output
        assert f"m.cjmap.yaml:{line}:" in output and f"error {code}" in output and text in output, output
    assert_outputs_untouched(project, "m")


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    (project / "cjmap.toml").write_text("max-file-size = 100\n")
    result = run_cli("lint", "m.cjmap.yaml", cwd=project)
    assert result.returncode == 2 and "over the limit of 100" in result.stdout


def test_byte_order_mark_is_fine(tmp_path: Path) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", "\ufeff".encode() + MINIMAL.lstrip().encode())
    assert run_cli("lint", "--today", "2026-11-24", "m.cjmap.yaml", cwd=project).returncode == 0


def test_symlink_import_pointing_outside_the_project(tmp_path: Path) -> None:
    outside = write(tmp_path, "secret/teams.cjmap.yaml", "cjmap: 1\nteams: [{id: t}]\n")
    project = generated(tmp_path, "m.cjmap.yaml", b"cjmap: 1\ntitle: T\nimports: [teams.cjmap.yaml]\n")
    (project / "teams.cjmap.yaml").symlink_to(outside)
    result = run_cli("lint", "m.cjmap.yaml", cwd=project)
    assert (
        result.returncode == 2
        and "m.cjmap.yaml:3:11: error CJM005 import 'teams.cjmap.yaml' leaves the project root" in result.stdout
    )


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("loop.cjmap.yaml", "import 'loop.cjmap.yaml' is a symbolic link that leads round in a loop"),
        ("a" * 300 + ".cjmap.yaml", "import 'aaaa"),
        ("sub/" * 1100 + "x.cjmap.yaml", "import 'sub/sub/"),
    ],
    ids=["link loop", "long name", "long path"],
)
def test_an_import_that_cannot_be_followed_is_one_line(tmp_path: Path, entry: str, expected: str) -> None:
    """Were tracebacks (RuntimeError from Path.resolve on a loop, OSError from Path.exists on a long name)."""
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.replace("title:", f"imports: [{entry}]\ntitle:").encode())
    (project / "loop.cjmap.yaml").symlink_to("loop.cjmap.yaml")
    for command in (["lint"], ["render", "-o", "out"]):
        result = run_cli(*command, "m.cjmap.yaml", cwd=project)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        said = result.stdout + result.stderr
        assert f"error CJM005 {expected}" in said
        assert "leads round in a loop" in said or "characters, too long for this system" in said


def test_symlinked_map_is_read_but_its_imports_stay_bounded(tmp_path: Path) -> None:
    project = generated(tmp_path, "real.cjmap.yaml", MINIMAL.encode())
    (project / "link.cjmap.yaml").symlink_to(project / "real.cjmap.yaml")
    assert run_cli("lint", "--today", "2026-11-24", "link.cjmap.yaml", cwd=project).returncode == 0


def fake_dot(tmp_path: Path, script: str) -> dict[str, str]:
    """A PATH whose Graphviz engines (`dot`, `neato`) are a shell script, to make Graphviz fail or hang on purpose."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    for engine in ("dot", "neato"):
        fake = folder / engine
        fake.write_text("#!/bin/sh\n" + script)
        fake.chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def test_failing_dot_is_one_line_and_keeps_old_outputs(tmp_path: Path) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    env = fake_dot(tmp_path, "echo \"Error: syntax error in line 3 near '<'\" >&2\nexit 1\n")
    result = run_cli("render", "m.cjmap.yaml", cwd=project, env=env)
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        r"error: m\.cjmap\.yaml: Graphviz \((dot|neato)\) failed: Error: syntax error in line 3 near '<'", last
    ), last
    assert_outputs_untouched(project, "m")


def test_slow_dot_is_stopped_with_a_clear_message(tmp_path: Path) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    started = tmp_path / "engine.pid"
    env = fake_dot(tmp_path, f"echo $$ > {started}\nexec sleep 30\n")
    result = run_cli("render", "--timeout", "1", "m.cjmap.yaml", cwd=project, env=env)
    with pytest.raises(ProcessLookupError):  # stopped means gone, not left sleeping behind the error
        os.kill(int(started.read_text()), 0)
    assert result.returncode == 2
    assert re.search(
        r"error: m\.cjmap\.yaml: Graphviz \((dot|neato)\) took longer than 1 s and was stopped", result.stderr
    )
    assert_outputs_untouched(project, "m")


def test_render_refuses_to_overwrite_its_own_input(tmp_path: Path) -> None:
    project = generated(tmp_path, "report.html", MINIMAL.encode())
    before = (project / "report.html").read_bytes()
    result = run_cli("render", "report.html", cwd=project)
    assert result.returncode == 2 and "is the map itself" in result.stderr
    assert (project / "report.html").read_bytes() == before


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    (project / "out").write_text("a file, not a folder")
    result = run_cli("render", "m.cjmap.yaml", "-o", "out/sub", cwd=project)
    assert result.returncode == 2 and "error: cannot write to" in result.stderr and "Traceback" not in result.stderr


def test_concurrent_renders_of_one_map_do_not_corrupt_outputs(tmp_path: Path) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    command = [sys.executable, "-m", "cjmap", "render", "m.cjmap.yaml", "-o", "out"]
    processes = [
        subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)
    ]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0, 0]
    reference = tmp_path / "reference"
    reference.mkdir()
    assert run_cli("render", str(project / "m.cjmap.yaml"), "-o", str(reference), cwd=project).returncode == 0
    for fmt in ("svg", "html"):
        assert (project / "out" / f"m.{fmt}").read_bytes() == (reference / f"m.{fmt}").read_bytes()
    assert sorted(p.name for p in (project / "out").iterdir()) == ["m.html", "m.svg"]


def test_terminal_escapes_in_map_text_are_not_printed_raw(corpus: Path) -> None:
    result = run_cli("lint", "ansi-escape.cjmap.yaml", cwd=corpus)
    assert "\x1b" not in result.stdout + result.stderr
    assert "\\x1b[2J" in result.stdout


def test_too_many_touchpoints_or_values_are_refused_while_reading(tmp_path: Path) -> None:
    touchpoint = "      - {name: T, emotion: 1}\n"
    many = "cjmap: 1\ntitle: T\nstages:\n  - name: S\n    touchpoints:\n" + touchpoint * 5_001
    project = generated(tmp_path, "m.cjmap.yaml", many.encode())
    result = run_cli("lint", "m.cjmap.yaml", cwd=project)
    assert result.returncode == 2
    assert result.stdout.startswith(
        "m.cjmap.yaml:4:3: error CJM002 the map has 5,001 touchpoints, more than the 5,000 cjmap handles"
    )
    # refused while streaming, at the value over the limit: the broken YAML after it is never reached
    values = "cjmap: 1\ntitle: T\nx-data: [" + "1, " * 400_001 + "1]\nbroken: [unclosed\n"
    (project / "m.cjmap.yaml").write_text(values)
    result = run_cli("lint", "m.cjmap.yaml", cwd=project)
    assert result.returncode == 2
    over = 400_001 - 7  # the list item that is the 400,001st value: the map, its 5 keys and values, the list come first
    column = len("x-data: [") + 1 + 3 * (over - 1)
    message = "more than 400,000 keys and values in one file; split the map"
    assert result.stdout.splitlines() == [f"m.cjmap.yaml:3:{column}: error CJM001 {message} [yaml-syntax]"]


def test_many_errors_stop_after_100(tmp_path: Path) -> None:
    touchpoints = "".join(f"      - {{id: t{i}, name: T, next: [missing-{i}]}}\n" for i in range(5000))
    text = "cjmap: 1\ntitle: T\nstages:\n  - name: S\n    touchpoints:\n" + touchpoints
    project = generated(tmp_path, "m.cjmap.yaml", text.encode())
    result = run_cli("lint", "m.cjmap.yaml", cwd=project)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert len(lines) == 101 and "stopped after 100 errors" in lines[-1]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc: a folder even root cannot write into")
def test_output_folder_nobody_can_write(tmp_path: Path) -> None:
    project = generated(tmp_path, "m.cjmap.yaml", MINIMAL.encode())
    result = run_cli("render", "m.cjmap.yaml", "-o", "/proc/self", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: cannot write to /proc/self/m.svg: ")
    assert_outputs_untouched(project, "m")


def test_a_map_in_a_folder_that_cannot_be_listed_is_an_error_not_skipped(tmp_path: Path) -> None:
    """A folder deeper than the system's longest path cannot be listed; its maps were silently left out, and
    `cjmap lint .` passed (exit 0, "no maps found") with a map unchecked. As root, this is the one unlistable
    folder a test can make."""
    project = generated(tmp_path, "ok.cjmap.yaml", MINIMAL.encode())
    folder = os.open(project, os.O_RDONLY)
    for name in ["deep"] + ["d" * 200] * 22:  # 22 × 201 characters: past Linux's 4,096, made one at a time
        os.mkdir(name, dir_fd=folder)
        inner = os.open(name, os.O_RDONLY, dir_fd=folder)
        os.close(folder)
        folder = inner
    os.close(folder)
    for command in (["lint", "--today", "2026-11-24", "."], ["render", ".", "-o", "out"]):
        result = run_cli(*command, cwd=project)
        said = result.stdout + result.stderr
        assert result.returncode == 2 and "Traceback" not in said, said[-300:]
        assert "error CJM000 cannot read file: File name too long" in said

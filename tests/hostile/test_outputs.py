"""Writing outputs harms nothing: all or nothing, never over an input, never replacing a device or a link's target."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cjmap.jobs import output
from cjmap.jobs.output import OutputRefused, write_all, write_atomic
from conftest import MINIMAL, run_cli, run_process, write


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fails if the rename is replaced by an in-place write: the old bytes would already be gone."""
    target = tmp_path / "out.svg"
    target.write_bytes(b"old")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", broken_fsync)
    with pytest.raises(OSError) as caught:
        write_atomic(target, b"new and longer")
    assert target.read_bytes() == b"old"
    assert caught.value.filename == str(target)  # the error names the output, not the temporary file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.svg"]


def test_an_interrupt_while_staging_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C or SIGTERM right after the temporary file is made (the attacker saw 3 left in 60 interrupted
    renders): the file is listed before the interrupt can act, so the caller's clean-up removes it."""
    import signal

    real_mkstemp = output.tempfile.mkstemp

    def mkstemp_then_interrupted(*args: object, **kwargs: object) -> tuple[int, str]:
        made = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]  # passed on as given
        signal.raise_signal(signal.SIGINT)  # held until the file is listed, then KeyboardInterrupt
        return made

    monkeypatch.setattr(output.tempfile, "mkstemp", mkstemp_then_interrupted)
    target = tmp_path / "out.svg"
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"<svg/>")
    assert list(tmp_path.iterdir()) == []


def test_a_set_of_outputs_is_replaced_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    svg, html = tmp_path / "m.svg", tmp_path / "m.html"
    svg.write_bytes(b"old svg")
    html.write_bytes(b"old html")
    real_stage = output._stage

    def stage_then_fail_on_html(path: Path, data: bytes, staged: list[tuple[Path, str]]) -> None:
        if path.suffix == ".html":
            raise OSError(28, "No space left on device")
        real_stage(path, data, staged)

    monkeypatch.setattr(output, "_stage", stage_then_fail_on_html)
    with pytest.raises(OSError):
        write_all([(svg, b"new svg"), (html, b"new html")])
    assert svg.read_bytes() == b"old svg"  # the SVG was staged but never renamed in
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.html", "m.svg"]


def test_a_symlink_at_the_output_is_replaced_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    link = tmp_path / "out.svg"
    link.symlink_to(victim)
    write_atomic(link, b"<svg/>")
    assert victim.read_bytes() == b"precious"
    assert not link.is_symlink() and link.read_bytes() == b"<svg/>"


@pytest.mark.skipif(os.name != "posix", reason="devices and FIFOs are POSIX")
def test_a_device_or_fifo_named_is_written_to_and_a_committed_link_to_one_is_replaced(tmp_path: Path) -> None:
    link = tmp_path / "null.svg"
    link.symlink_to("/dev/null")  # as a pull request could commit it: a link, not a device the user named
    write_atomic(link, b"<svg/>")
    assert not link.is_symlink() and link.read_bytes() == b"<svg/>"
    write_atomic(Path("/dev/null"), b"<svg/>")
    assert Path("/dev/null").is_char_device()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputRefused, match="named pipe that nothing reads"):
        write_atomic(fifo, b"nobody listens")  # would block forever
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(fifo, b"through the pipe")
        assert os.read(reader, 100) == b"through the pipe"
    finally:
        os.close(reader)
    assert fifo.is_fifo()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_failing_device_in_the_set_leaves_every_file_as_it_was(tmp_path: Path) -> None:
    svg = tmp_path / "m.svg"
    svg.write_bytes(b"old svg")
    with pytest.raises(OSError):
        write_all([(svg, b"new svg"), (Path("/dev/full"), b"new html")])
    assert svg.read_bytes() == b"old svg"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.svg"]


def test_a_map_file_at_an_output_path_is_never_replaced(tmp_path: Path) -> None:
    shared = tmp_path / "shared.html"  # another map imports it, whatever its name says
    shared.write_text("cjmap: 1\nteams: [{id: t, name: T}]\n")
    with pytest.raises(OutputRefused, match="it is a cjmap map file"):
        write_atomic(shared, b"<html/>")
    assert shared.read_text().startswith("cjmap: 1")


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="needs /dev/stdout")
def test_dev_stdout_redirected_to_a_file_fills_that_file(tmp_path: Path) -> None:
    import subprocess
    import sys

    target = tmp_path / "schema.json"
    with target.open("wb") as out:
        done = subprocess.run(
            [sys.executable, "-m", "cjmap", "schema", "-o", "/dev/stdout"],
            stdout=out,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    assert target.read_text().startswith("{")
    assert Path("/dev/stdout").is_symlink() or Path("/dev/stdout").is_char_device()


def test_a_folder_at_the_output_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "out.svg"
    folder.mkdir()
    (folder / "keep").write_text("x")
    with pytest.raises(OutputRefused, match="it is a folder, not a regular file; refusing to replace it"):
        write_atomic(folder, b"<svg/>")
    assert (folder / "keep").read_text() == "x"


def test_no_command_writes_over_its_inputs(project: Path) -> None:
    shared = write(project, "shared/defs.cjmap.yaml", "cjmap: 1\nteams: [{id: ops, name: Ops}]\n")
    current = write(project, "cur.cjmap.yaml", "imports: [shared/defs.cjmap.yaml]\n" + MINIMAL.lstrip("\n"))
    future = write(project, "fut.cjmap.yaml", "state: future\n" + MINIMAL.lstrip("\n"))
    mermaid = write(project, "j.mmd", "journey\n  title T\n  section S\n    Task: 3: Me\n")
    before = {p: p.read_bytes() for p in (shared, current, future, mermaid)}
    cases = [
        ("compare", "cur.cjmap.yaml", "fut.cjmap.yaml", "-o", "cur.cjmap.yaml"),
        ("compare", "cur.cjmap.yaml", "fut.cjmap.yaml", "-o", "shared/defs.cjmap.yaml"),
        ("import", "mermaid", "j.mmd", "-o", "j.mmd"),
    ]
    for args in cases:
        done = run_cli(*args, cwd=project)
        assert done.returncode == 2, (args, done.stderr)
        assert "is an input of this command; refusing to write over it" in done.stderr
        assert "Traceback" not in done.stderr
    # render's outputs are named after the map: aim one at an imported file through the output folder
    (project / "shared" / "cur.dot").symlink_to("defs.cjmap.yaml")
    done = run_cli("render", "cur.cjmap.yaml", "-f", "dot", "-o", "shared", cwd=project)
    assert done.returncode == 0  # the link is replaced, the import it pointed at untouched
    assert {p: p.read_bytes() for p in before} == before


@pytest.mark.skipif(os.name != "posix", reason="devices are POSIX")
def test_schema_to_dev_stdout_streams_and_keeps_the_link(project: Path) -> None:
    done = run_process("schema", "-o", "/dev/stdout", cwd=project)  # written to the process's own descriptor 1
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("{")
    assert Path("/dev/stdout").is_symlink() or not Path("/dev/stdout").exists() or Path("/dev/stdout").is_char_device()


def test_sigterm_mid_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI turns SIGTERM into SystemExit; the writer must clean up on it as on any error."""
    import signal
    import subprocess
    import sys

    code = (
        "import os, signal\nfrom cjmap.cli import "
        "_exit_cleanly_on_sigterm\n_exit_cleanly_on_sigterm()\nos.kill(os.getpid(), signal.SIGTERM)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 128 + signal.SIGTERM and "Traceback" not in done.stderr

    def terminated(fd: int) -> None:
        raise SystemExit(143)

    monkeypatch.setattr(output.os, "fsync", terminated)
    with pytest.raises(SystemExit):
        write_all([(tmp_path / "a.svg", b"a"), (tmp_path / "b.html", b"b")])
    assert list(tmp_path.iterdir()) == []


def test_compare_refuses_an_output_that_is_the_link_it_was_given(project: Path) -> None:
    write(project, "real-cur.cjmap.yaml", MINIMAL)
    write(project, "fut.cjmap.yaml", "state: future\n" + MINIMAL.lstrip("\n"))
    (project / "cur.cjmap.yaml").symlink_to("real-cur.cjmap.yaml")
    done = run_cli("compare", "cur.cjmap.yaml", "fut.cjmap.yaml", "-o", "cur.cjmap.yaml", cwd=project)
    assert done.returncode == 2 and "is an input of this command" in done.stderr
    assert (project / "cur.cjmap.yaml").is_symlink()


def test_rendering_a_folder_never_overwrites_a_file_another_map_imports(project: Path) -> None:
    write(project, "shared.html", "cjmap: 1\nteams: [{id: sales, name: Sales}]\n")
    write(project, "shared.cjmap.yaml", MINIMAL)  # renders to shared.html
    write(
        project,
        "b.cjmap.yaml",
        "imports: [shared.html]\n" + MINIMAL.lstrip("\n").replace("teams: [{id: sales, name: Sales}]\n", ""),
    )
    done = run_cli("render", ".", "-f", "html", cwd=project)
    assert done.returncode == 2
    assert "shared.html: it is a cjmap map file; refusing to write over it" in done.stderr
    assert (project / "shared.html").read_text().startswith("cjmap: 1")


def test_a_folder_render_never_writes_over_another_maps_data_file(project: Path) -> None:
    """Map a reads its metric data from `b.svg`; rendering the folder would write b's diagram there."""
    metric = "metrics:\n  - {id: conv, name: Conversion, kind: rate}\n"
    write(project, "a.cjmap.yaml", MINIMAL + metric + "data: [b.svg]\n")
    write(project, "b.cjmap.yaml", MINIMAL)
    data = "metric,at,value,date\nconv,map,3.1,2026-10-01\n"
    (project / "b.svg").write_text(data)
    result = run_cli("render", ".", "--format", "svg", cwd=project)
    assert result.returncode == 2 and "it is a metric data file; refusing to write over it" in result.stderr
    assert (project / "b.svg").read_text() == data
    (project / "b.svg").write_bytes(b"PK\x03\x04 a workbook")  # an .xlsx under any name
    assert run_cli("render", "b.cjmap.yaml", "--format", "svg", cwd=project).returncode == 2
    assert (project / "b.svg").read_bytes() == b"PK\x03\x04 a workbook"


@pytest.mark.parametrize(
    "table",
    [
        "Monthly report\n\nmetric,at,value,date\nconv,map,3.1,2026-10-01\n",  # a title above the header
        "metric,at,value,date\rconv,map,3.1,2026-10-01\r",  # old Mac line breaks
        '" metric ",at,value,date\nconv,map,3.1,2026-10-01\n',  # quoted, with spaces
    ],
    ids=["title-row", "cr-only", "quoted-spaces"],
)
def test_data_the_reader_accepts_is_never_written_over(project: Path, table: str) -> None:
    """What the data reader reads as a table, the output guard must recognise as one too."""
    write(project, "stats.cjmap.yaml", MINIMAL)
    (project / "stats.html").write_bytes(table.encode())
    result = run_cli("render", "stats.cjmap.yaml", "--format", "html", cwd=project)
    assert result.returncode == 2 and "it is a metric data file" in result.stderr
    assert (project / "stats.html").read_bytes() == table.encode()

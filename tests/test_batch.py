"""Many maps at once (order, failures, --jobs) and render --watch, through the real CLI."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from conftest import MINIMAL, TODAY, run_cli, write

BROKEN = "cjmap: 1\ntitle: Broken\nstages:\n  - name: S\n    touchpoints:\n      - {name: T, channel: nowhere}\n"


def many_maps(project: Path, count: int = 6) -> list[str]:
    names = []
    for i in range(count):
        write(project, f"maps/m{i}.cjmap.yaml", MINIMAL.replace("title: Minimal", f"title: Map {i}"))
        names.append(f"maps/m{i}.cjmap.yaml")
    return names


def wrote_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("wrote ")]


def test_render_a_folder_in_parallel_keeps_input_order(project: Path) -> None:
    many_maps(project)
    result = run_cli("render", "maps", "-o", "out", "--jobs", "3", cwd=project)
    assert result.returncode == 0, result.stderr
    expected = [f"wrote out/m{i}.{fmt}" for i in range(6) for fmt in ("svg", "html")]
    assert wrote_lines(result.stderr) == expected
    assert result.stderr.strip().splitlines()[-1] == "rendered 6 of 6 maps"


def test_jobs_1_and_jobs_n_give_identical_outputs_and_messages(project: Path) -> None:
    many_maps(project)
    write(project, "maps/broken.cjmap.yaml", BROKEN)
    one = run_cli("render", "maps", "-o", "one", "--jobs", "1", cwd=project)
    many = run_cli("render", "maps", "-o", "many", "--jobs", "4", cwd=project)
    assert one.returncode == many.returncode == 2
    assert one.stderr.replace("one/", "many/") == many.stderr
    for output in sorted((project / "one").iterdir()):
        assert output.read_bytes() == (project / "many" / output.name).read_bytes(), output.name
    lint_one = run_cli("lint", "--today", TODAY, "--jobs", "1", "maps", cwd=project)
    lint_many = run_cli("lint", "--today", TODAY, "--jobs", "4", "maps", cwd=project)
    assert (lint_one.returncode, lint_one.stdout, lint_one.stderr) == (
        lint_many.returncode,
        lint_many.stdout,
        lint_many.stderr,
    )


def test_one_bad_map_does_not_stop_the_others(project: Path) -> None:
    many_maps(project, 3)
    write(project, "maps/m1.cjmap.yaml", BROKEN)
    result = run_cli("render", "maps", "-o", "out", cwd=project)
    assert result.returncode == 2
    assert "maps/m1.cjmap.yaml:6:28: error CJM003 unknown channel 'nowhere'" in result.stderr
    assert sorted(p.name for p in (project / "out").iterdir()) == ["m0.html", "m0.svg", "m2.html", "m2.svg"]
    assert result.stderr.strip().splitlines()[-1] == "rendered 2 of 3 maps; 1 failed"


def test_lint_of_many_maps_in_parallel_reports_each_bad_one(project: Path) -> None:
    names = many_maps(project, 25)  # above the size where lint starts workers by itself
    write(project, "maps/m7.cjmap.yaml", BROKEN)
    write(
        project,
        "maps/m19.cjmap.yaml",
        MINIMAL.replace("      - {name: Buys, channel: web, owner: sales, emotion: 2}\n", ""),
    )
    result = run_cli("lint", "--today", TODAY, "maps", cwd=project)
    assert result.returncode == 2
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["maps/m19.cjmap.yaml", "maps/m7.cjmap.yaml"]
    assert f"in {len(names)} files" in result.stderr


def test_render_skips_definition_files_found_in_folders_but_not_named_ones(project: Path) -> None:
    many_maps(project, 1)
    write(project, "maps/shared.cjmap.yaml", "cjmap: 1\nteams: [{id: sales, name: Sales}]\n")
    folder = run_cli("render", "maps", "-o", "out", cwd=project)
    assert folder.returncode == 0 and "shared" not in folder.stderr
    named = run_cli("render", "maps/shared.cjmap.yaml", "-o", "out", cwd=project)
    assert named.returncode == 2 and "error CJM002 nothing to render" in named.stderr


def test_two_maps_writing_the_same_output_are_refused(project: Path) -> None:
    write(project, "a/m.cjmap.yaml", MINIMAL)
    write(project, "b/m.cjmap.yaml", MINIMAL)
    result = run_cli("render", "a", "b", "-o", "out", cwd=project)
    assert result.returncode == 2
    assert "error: b/m.cjmap.yaml and a/m.cjmap.yaml would both write out/m.svg" in result.stderr
    assert not (project / "out").exists()


class Watcher:
    """`cjmap render --watch` in the background, its stderr read line by line."""

    def __init__(self, project: Path, *args: str) -> None:
        env = {**os.environ, "NO_COLOR": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cjmap", "render", "--watch", *args],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(self.process.stderr,), daemon=True).start()

    def _read(self, stderr: IO[str]) -> None:
        for line in stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return
        pytest.fail(f"no {text!r} within {timeout} s; saw {self.seen}")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=30)
        time.sleep(0.2)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code


def test_watch_renders_again_once_per_save_of_the_map_or_an_import(project: Path) -> None:
    write(project, "teams.cjmap.yaml", "cjmap: 1\nteams: [{id: sales, name: Sales}]\n")
    body = MINIMAL.replace("teams: [{id: sales, name: Sales}]\n", "imports: [teams.cjmap.yaml]\n")
    write(project, "m.cjmap.yaml", body)
    watcher = Watcher(project, "m.cjmap.yaml")
    try:
        watcher.wait_for("watching 1 map")
        time.sleep(0.1)  # a new mtime even on coarse file systems
        write(project, "m.cjmap.yaml", body.replace("title: Minimal", "title: Edited title"))
        watcher.wait_for("wrote m.html")
        assert "Edited title" in (project / "m.html").read_text()
        write(project, "teams.cjmap.yaml", "cjmap: 1\nteams: [{id: sales, name: Renamed team}]\n")
        watcher.wait_for("wrote m.html")
        assert "Renamed team" in (project / "m.html").read_text()
        write(project, "m.cjmap.yaml", BROKEN)  # an error is shown, and watching goes on
        watcher.wait_for("error CJM003")
    finally:
        code = watcher.stop()
    assert code == 0 and watcher.seen[-1] == "stopped watching"
    changes = [line.split(" changed at ")[0] for line in watcher.seen if " changed at " in line]
    assert changes == ["m.cjmap.yaml", "teams.cjmap.yaml", "m.cjmap.yaml"]
    assert sum(line == "wrote m.html" for line in watcher.seen) == 3


def test_watch_on_a_folder_renders_a_map_added_to_it_and_then_watches_it(project: Path) -> None:
    write(project, "maps/a.cjmap.yaml", MINIMAL)
    write(project, "notes/b.cjmap.yaml", MINIMAL)  # not in a watched folder: never rendered
    watcher = Watcher(project, "maps", "-o", "out")
    try:
        watcher.wait_for("watching 1 map")
        write(project, "maps/new/c.cjmap.yaml", MINIMAL.replace("title: Minimal", "title: Added later"))
        watcher.wait_for("wrote out/c.html")
        assert "Added later" in (project / "out/c.html").read_text()
        write(project, "maps/new/d.cjmap.yaml", MINIMAL.replace("title: Minimal", "title: Clash"))
        write(project, "maps/other/a.cjmap.yaml", MINIMAL)  # would overwrite out/a.*: refused once, others go on
        watcher.wait_for("would both write out/a.svg")
        watcher.wait_for("wrote out/d.html")
        time.sleep(0.1)
        write(project, "maps/new/c.cjmap.yaml", MINIMAL.replace("title: Minimal", "title: Edited again"))
        watcher.wait_for("wrote out/c.html")
        assert "Edited again" in (project / "out/c.html").read_text()
        time.sleep(1.5)  # two more looks through the folder: nothing new, nothing said
    finally:
        watcher.stop()
    said = [line.split(" at ")[0] for line in watcher.seen if "; rendering" in line]
    assert said == ["new map maps/new/c.cjmap.yaml", "new map maps/new/d.cjmap.yaml", "maps/new/c.cjmap.yaml changed"]
    assert sum("would both write" in line for line in watcher.seen) == 1
    assert not (project / "out/b.html").exists()


def test_progress_bar_only_on_a_terminal(project: Path) -> None:
    import pty

    many_maps(project, 4)
    piped = run_cli("render", "maps", "-o", "piped", cwd=project)
    assert piped.returncode == 0 and "rendering" not in piped.stderr and "\x1b" not in piped.stderr
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "cjmap", "render", "maps", "-o", "tty"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=60) == 0
    os.close(leader)
    assert b"rendering" in seen and b"4/4" in seen, seen[-500:]


@pytest.mark.skipif(os.name != "posix", reason="signals to a process group are POSIX")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_render_of_many_maps_stops_now_and_leaves_nothing_half_written(
    project: Path, signum: int
) -> None:
    """Workers used to catch the interrupt and go on with every queued map (26 of 30 written after Ctrl-C)."""
    touchpoints = "".join(f"      - {{id: t{i}, name: Touchpoint number {i}}}\n" for i in range(1500))
    for n in range(12):
        write(
            project,
            f"maps/m{n}.cjmap.yaml",
            f"cjmap: 1\ntitle: M{n}\nstages:\n  - name: S\n    touchpoints:\n{touchpoints}",
        )
    process = subprocess.Popen(
        [sys.executable, "-m", "cjmap", "render", "maps", "-o", "out", "--jobs", "2"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    time.sleep(1.5)
    os.killpg(process.pid, signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, stderr
    assert b"Traceback" not in stderr
    written = list((project / "out").glob("*")) if (project / "out").exists() else []
    assert len(written) < 24  # 12 maps × (svg, html): it did not go on to the end
    assert list(project.rglob("*.tmp")) == []


def test_watch_keeps_watching_a_data_file_that_went_missing(tmp_path: Path) -> None:
    """An export replaced by `mv new.csv d.csv` is missing for a moment: it must stay watched until it is back."""
    from types import SimpleNamespace

    from cjmap.jobs.watch import _watched

    map_file, data = write(tmp_path, "m.cjmap.yaml", MINIMAL), write(tmp_path, "d.csv", "metric,at,value,date\n")
    task = SimpleNamespace(path=map_file)  # stand-ins with only what _watched reads (hence the arg-type ignores)
    first = _watched(task, SimpleNamespace(sources=(map_file, data), loaded=True), set())  # type: ignore[arg-type]
    assert first == {map_file.resolve(), data.resolve()}
    data.unlink()  # the map still loads: a missing data file is a finding, not a load error
    gone = _watched(task, SimpleNamespace(sources=(map_file,), loaded=True), first)  # type: ignore[arg-type]
    assert data.resolve() in gone
    data.write_text("metric,at,value,date\n")
    back = _watched(task, SimpleNamespace(sources=(map_file,), loaded=True), gone)  # type: ignore[arg-type]
    assert back == {map_file.resolve()}  # here again, and no longer named by the map: no longer watched

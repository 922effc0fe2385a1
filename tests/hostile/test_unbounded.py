"""Inputs that are not what they claim: devices, FIFOs, alias amplification, graphs Graphviz cannot hold.

Each case must end quickly with one clear line and exit 2; none may read without bound,
hang on a pipe, or let `dot` take the machine's memory.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from cjmap.diagnostics import MapError
from cjmap.source.loader import looks_like_map, read_source
from cjmap.source.safeio import FileRefused, TooBig, read_head, read_limited
from conftest import MINIMAL, run_cli, write

pytestmark = pytest.mark.skipif(os.name != "posix", reason="devices and FIFOs are POSIX")


def cjmap(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI with a short time limit: a hang on a FIFO fails the test instead of stalling the suite."""
    return run_cli(*args, cwd=cwd, time_limit=30)


@pytest.fixture
def traps(project: Path) -> Path:
    """A project holding a map that is a symlink to /dev/zero and one that is a FIFO."""
    (project / "zero.cjmap.yaml").symlink_to("/dev/zero")
    os.mkfifo(project / "pipe.cjmap.yaml")
    os.mkfifo(project / "pipe.mmd")
    os.mkfifo(project / "pipe.toml")
    write(project, "good.cjmap.yaml", MINIMAL)
    return project


@pytest.mark.parametrize(
    "args, expected",
    [
        (
            ["lint", "zero.cjmap.yaml"],
            "zero.cjmap.yaml:1:1: error CJM000 leads through a symbolic link to a file outside the project",
        ),
        (["lint", "pipe.cjmap.yaml"], "pipe.cjmap.yaml:1:1: error CJM000 is a named pipe (FIFO), not a regular file"),
        (["render", "pipe.cjmap.yaml", "-f", "dot"], "pipe.cjmap.yaml:1:1: error CJM000 is a named pipe (FIFO)"),
        (["outline", "pipe.cjmap.yaml"], "is a named pipe (FIFO), not a regular file"),
        (["import", "mermaid", "pipe.mmd"], "pipe.mmd:1:1: error CJM000 cannot read file: is a named pipe (FIFO)"),
        (["compare", "good.cjmap.yaml", "pipe.cjmap.yaml"], "pipe.cjmap.yaml:1:1: error CJM000 is a named pipe (FIFO)"),
        (
            ["lint", "--config", "pipe.toml", "good.cjmap.yaml"],
            "pipe.toml:1:1: error CJM007 cannot read config: is a named pipe (FIFO)",
        ),
    ],
)
def test_devices_and_fifos_are_refused_in_words(traps: Path, args: list[str], expected: str) -> None:
    done = cjmap(*args, cwd=traps)
    assert done.returncode == 2, done.stderr
    assert expected in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_a_folder_walk_reports_map_named_traps_and_still_lints_the_rest(traps: Path) -> None:
    done = cjmap("lint", ".", cwd=traps)
    out = done.stdout + done.stderr
    assert done.returncode == 2
    assert "zero.cjmap.yaml:1:1: error CJM000 leads through a symbolic link to a file outside the project" in out
    assert "pipe.cjmap.yaml:1:1: error CJM000 is a named pipe (FIFO)" in out
    assert "good.cjmap.yaml" not in out  # clean, and linted with the others
    assert "2 errors in 3 files" in out


def test_a_walk_skips_yaml_that_is_not_a_regular_file_and_sniffs_only_the_head(project: Path) -> None:
    os.mkfifo(project / "stream.yaml")
    assert not looks_like_map(project / "stream.yaml")  # would hang if it were opened for reading
    lock = project / "deps.lock.yaml"
    with lock.open("w") as handle:  # 11 MB of YAML that is not a map: skipped, not refused as too big
        handle.write("packages:\n" + "  - name: x\n" * 1_000_000)
    assert not looks_like_map(lock)
    late = project / "late.yaml"
    late.write_text("# padding\n" * 200_000 + "cjmap: 1\n")
    assert not looks_like_map(late)  # only the first MiB is searched for the key
    write(project, "named.cjmap.yaml", "title: no version key\n")
    assert looks_like_map(project / "named.cjmap.yaml")  # named like a map: read, so the missing key is reported


def test_read_limited_stops_at_the_limit_even_when_size_says_zero(tmp_path: Path) -> None:
    with pytest.raises(FileRefused):
        read_limited("/dev/zero", 1024)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(TooBig) as caught:
        read_limited(big, 1024)
    assert "2,048 bytes, over the limit of 1,024" in str(caught.value)
    assert read_limited(big, 2048) == b"x" * 2048
    assert read_head(big, 10) == b"x" * 10
    with pytest.raises(IsADirectoryError):
        read_limited(tmp_path, 10)


def test_read_source_refuses_a_device_behind_a_symlink(tmp_path: Path) -> None:
    link = tmp_path / "m.cjmap.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(MapError) as caught:
        read_source(link, "m.cjmap.yaml")
    assert caught.value.diagnostics[0].code == "CJM000"
    assert "character device" in caught.value.diagnostics[0].message


def test_one_big_anchor_repeated_is_refused_by_bytes_not_only_by_count(project: Path) -> None:
    anchor = "x" * 1_000_000
    touchpoints = "\n".join(f"      - {{id: t{i}, name: T{i}, doing: *a}}" for i in range(1, 12))
    map_file = write(
        project,
        "bomb.cjmap.yaml",
        f"cjmap: 1\ntitle: t\nx-text: &a {anchor}\nstages:\n  - name: S\n    touchpoints:\n{touchpoints}\n",
    )
    with pytest.raises(MapError) as caught:
        read_source(map_file, "bomb.cjmap.yaml")
    message = caught.value.diagnostics[0].message
    assert "aliases expand to more than 10,485,760 bytes of text" in message
    assert caught.value.diagnostics[0].where.line == 3  # at the anchored value being repeated


def test_a_few_small_aliases_still_load(project: Path) -> None:
    touchpoints = "\n".join(f"      - {{id: t{i}, name: T{i}, doing: *a}}" for i in range(1, 12))
    map_file = write(
        project,
        "ok.cjmap.yaml",
        f"cjmap: 1\ntitle: t\nx-text: &a {'x' * 1000}\nstages:\n  - name: S\n    touchpoints:\n{touchpoints}\n",
    )
    data = read_source(map_file, "ok.cjmap.yaml").data
    assert isinstance(data, dict) and data["stages"][0]["touchpoints"][10]["doing"] == "x" * 1000


def test_dot_that_exceeds_its_memory_limit_fails_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    from cjmap import render

    monkeypatch.setattr(render, "DOT_MEMORY", 40 * 2**20)  # read in the child, after fork
    nodes = "".join(f'n{i} [label="{"w " * 40}"];\n' for i in range(3000))
    edges = "".join(f"n{i} -> n{(i * 7 + j) % 3000};\n" for i in range(3000) for j in range(5))
    with pytest.raises(render.RenderError) as caught:
        render.layout("digraph { " + nodes + edges + "}", "svg", 60)
    assert "ran out of its memory limit" in str(caught.value)


@pytest.mark.skipif(not Path("/proc/self/limits").exists(), reason="needs Linux's /proc")
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("(3 << 30, 3 << 30)", (3 << 30, 3 << 30)),  # a lower hard limit (a container's): kept, not raised
        ("(3 << 30, resource.RLIM_INFINITY)", (3 << 30, 4 << 30)),  # a lower soft limit: kept too
        ("(resource.RLIM_INFINITY, resource.RLIM_INFINITY)", (4 << 30, 4 << 30)),
    ],
    ids=["hard", "soft", "none"],
)
def test_dot_gets_its_memory_cap_or_the_lower_one_it_was_given(given: str, expected: tuple[int, int]) -> None:
    """Under `ulimit -v` below the 4 GiB cap, every render was a traceback (raising a hard limit needs a
    privilege); the cap is now the lower of the two, set before Graphviz reads a byte."""
    import shutil
    import subprocess
    import sys

    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    program = (
        f"import resource; resource.setrlimit(resource.RLIMIT_AS, {given}); "
        "from cjmap.render import start_layout; layout = start_layout('svg'); "
        "print(open(f'/proc/{layout.process.pid}/limits').read()); layout.stop()"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    line = next(line for line in done.stdout.splitlines() if line.startswith("Max address space"))
    soft, hard = (int(word) for word in line.split()[3:5])
    assert (soft, hard) == expected


def test_a_flow_with_more_steps_than_the_diagram_limit_is_refused_before_dot(
    monkeypatch: pytest.MonkeyPatch, project: Path
) -> None:
    from cjmap import render
    from cjmap.lint.pipeline import load_journey

    journey = load_journey(write(project, "m.cjmap.yaml", MINIMAL))
    monkeypatch.setattr(render, "MAX_EDGES", 0)
    with pytest.raises(render.RenderError) as caught:
        render.render_journey(journey, ["svg"], (), "test")
    assert "over the diagram limit of 0" in str(caught.value)


def test_dot_that_writes_nothing_or_not_utf8_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmap import render

    monkeypatch.setattr(render, "layout", lambda *a, **k: b"")
    with pytest.raises(render.RenderError, match="without writing an SVG"):
        render.layout_svg("digraph {}")
    monkeypatch.setattr(render, "layout", lambda *a, **k: b"<svg>\xff</svg>")
    with pytest.raises(render.RenderError, match="not UTF-8"):
        render.layout_svg("digraph {}")


def test_an_import_chain_deeper_than_the_limit_is_one_line_not_a_recursion_error(project: Path) -> None:
    from cjmap.source.loader import MAX_IMPORTS, load_map

    for i in range(MAX_IMPORTS + 50):
        write(project, f"i{i}.cjmap.yaml", f"cjmap: 1\nimports: [i{i + 1}.cjmap.yaml]\n")
    write(project, f"i{MAX_IMPORTS + 50}.cjmap.yaml", "cjmap: 1\n")
    with pytest.raises(MapError) as caught:
        load_map(project / "i0.cjmap.yaml", "i0.cjmap.yaml")
    [error] = caught.value.diagnostics
    assert error.code == "CJM005" and f"more than {MAX_IMPORTS} imported files" in error.message


def test_imports_are_bounded_together_not_only_one_by_one(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmap.source import loader as source

    monkeypatch.setattr(source, "MAX_TOTAL_BYTES", 50_000)
    names = [f"defs{i}.cjmap.yaml" for i in range(5)]
    for name in names:  # each 20 KB: under the per-file limit, over the total once three are in
        write(
            project,
            name,
            "cjmap: 1\nchannels:\n" + "".join(f"  - {{id: c{j}, name: Channel {j}}}\n" for j in range(700)),
        )
    write(project, "m.cjmap.yaml", f"cjmap: 1\nimports: [{', '.join(names)}]\n")
    with pytest.raises(MapError) as caught:
        source.load_map(project / "m.cjmap.yaml", "m.cjmap.yaml")
    [error] = caught.value.diagnostics
    assert "hold more than 50,000 bytes together, aliases expanded" in error.message and error.where.line == 2


def test_imports_keep_their_depth_first_file_order(project: Path) -> None:
    from cjmap.source.loader import load_map

    write(project, "a.cjmap.yaml", "cjmap: 1\nimports: [c.cjmap.yaml]\n")
    write(project, "b.cjmap.yaml", "cjmap: 1\n")
    write(project, "c.cjmap.yaml", "cjmap: 1\n")
    write(project, "m.cjmap.yaml", "cjmap: 1\nimports: [a.cjmap.yaml, b.cjmap.yaml]\n")
    loaded = load_map(project / "m.cjmap.yaml", "m.cjmap.yaml")
    assert [f.path.name for f in loaded.imports] == ["a.cjmap.yaml", "c.cjmap.yaml", "b.cjmap.yaml"]


def test_an_output_path_too_long_for_the_system_is_one_line(project: Path) -> None:
    from conftest import run_cli

    write(project, "m.cjmap.yaml", MINIMAL)
    done = run_cli("render", "m.cjmap.yaml", "-f", "dot", "-o", "a" * 300, cwd=project)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "File name too long" in done.stderr


def test_wrapping_a_megabyte_label_reads_only_what_a_card_can_show() -> None:
    """A 1 MB word took about a second per label (cutting it was quadratic); only the first lines matter."""
    from cjmap.render.grid import wrap

    for text in ("x" * 1_000_000, "word " * 200_000, "\u0301" * 500_000 + "tail"):
        assert wrap(text, 200, 10, 4) == wrap(text[:20_000], 200, 10, 4)
    assert wrap("short label", 200, 10, 4) == ("short label",)


def test_text_patterns_stay_linear_on_long_runs() -> None:
    """Each input took from seconds to minutes with a pattern that rescanned a long run from every position;
    here they must simply finish (and still find what they look for)."""
    from cjmap.importers.mermaid import _from_markdown
    from cjmap.lint.config import _line_of
    from cjmap.render.markdown import md
    from cjmap.render.mermaid import _clean
    from cjmap.rules.text import _CUT

    assert md("a" * 300_000 + " mail me at a.b@example.com").endswith("`a.b@example.com`")
    assert _line_of("\n" * 200_000 + "select = 1\n", "select") == 200_001
    assert _from_markdown("\n" * 100_000 + "```mermaid\njourney\n```\n").strip() == "journey"
    assert _clean("a" + " " * 200_000 + ": b") == "a \u2013 b"
    cut = _CUT.search("x" + " " * 200_000 + "#cut")
    assert cut is not None and cut.group(1) == "cut"


def test_team_and_channel_tables_too_big_to_read_are_left_out_in_words(project: Path) -> None:
    """3,000 teams × 3,000 stages made a 1.2 GB report."""
    from cjmap.lint.pipeline import load_journey
    from cjmap.render.gaps import MAX_MATRIX_CELLS, gaps
    from cjmap.render.html import journey_to_html

    n = int(MAX_MATRIX_CELLS**0.5) + 5
    teams = "".join(f"  - {{id: t{i}}}\n" for i in range(n))
    stages = "".join(f"  - name: S{i}\n    touchpoints: [{{id: p{i}, name: P{i}, owner: t{i}}}]\n" for i in range(n))
    journey = load_journey(write(project, "m.cjmap.yaml", f"cjmap: 1\ntitle: Wide\nteams:\n{teams}stages:\n{stages}"))
    found = gaps(journey, ())
    assert found.teams.rows == () and found.teams.too_big == (n, n)
    html = journey_to_html(journey, "<svg/>", (), "test")
    assert f"Left out: {n} teams × {n} stages is too big a table to read" in html


def test_imports_are_bounded_by_what_their_aliases_expand_to(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """199 imports, each inside its own limits, expanded to 2 GB of report: the total counts expanded text."""
    from cjmap.source import loader as source

    monkeypatch.setattr(source, "MAX_TOTAL_BYTES", 200_000)
    body = (
        "cjmap: 1\nx-a: &a " + "n" * 5_000 + "\nteams:\n" + "".join(f"  - {{id: t{j}, name: *a}}\n" for j in range(20))
    )
    names = [f"d{i}.cjmap.yaml" for i in range(3)]
    for name in names:  # 5 KB of text each, 100 KB once expanded
        write(project, name, body)
    write(project, "m.cjmap.yaml", f"cjmap: 1\nimports: [{', '.join(names)}]\n")
    assert source.read_source(project / names[0], names[0]).weight > 100_000
    with pytest.raises(MapError) as caught:
        source.load_map(project / "m.cjmap.yaml", "m.cjmap.yaml")
    assert "aliases expanded" in caught.value.diagnostics[0].message


def test_a_map_that_links_out_of_the_project_is_not_read(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A committed link to a secret file made lint quote its first characters in a diagnostic."""
    secret = tmp_path_factory.mktemp("home") / ".git-credentials"
    secret.write_text("https://user:ghp_SECRETSECRETSECRET@github.com\n")
    (project / "evil.cjmap.yaml").symlink_to(secret)
    done = cjmap("lint", ".", cwd=project)
    assert done.returncode == 2
    assert (
        "evil.cjmap.yaml:1:1: error CJM000 leads through a symbolic link to a file outside the project" in done.stdout
    )
    assert "SECRET" not in done.stdout + done.stderr
    write(project, "real.cjmap.yaml", MINIMAL)
    (project / "inside.cjmap.yaml").symlink_to("real.cjmap.yaml")
    assert cjmap("lint", "inside.cjmap.yaml", cwd=project).returncode == 0


def test_config_that_cannot_be_read_is_reported_not_passed_over(project: Path) -> None:
    """A device or FIFO named cjmap.toml made cjmap silently use the config of a folder above."""
    (project / "cjmap.toml").write_text('fail-on = "info"\n')
    inner = project / "a"
    inner.mkdir()
    os.mkfifo(inner / "cjmap.toml")
    write(inner, "m.cjmap.yaml", MINIMAL)
    done = cjmap("lint", "m.cjmap.yaml", cwd=inner)
    assert done.returncode == 2
    assert "cjmap.toml:1:1: error CJM007 cannot read config: is a named pipe (FIFO)" in done.stdout + done.stderr


def test_an_import_that_is_a_fifo_says_so(project: Path) -> None:
    os.mkfifo(project / "defs.cjmap.yaml")
    write(project, "m.cjmap.yaml", "imports: [defs.cjmap.yaml]\n" + MINIMAL.lstrip("\n"))
    done = cjmap("lint", "m.cjmap.yaml", cwd=project)
    assert done.returncode == 2 and "defs.cjmap.yaml:1:1: error CJM000 is a named pipe (FIFO)" in done.stdout


def test_mermaid_import_refuses_more_tasks_than_a_map_may_hold(project: Path) -> None:
    from cjmap.importers.mermaid import MAX_TASKS, parse_journey

    text = "journey\n  section S\n" + "    Task: 3: Me\n" * (MAX_TASKS + 1)
    with pytest.raises(ValueError, match=f"{MAX_TASKS + 3}:5: more than 5,000 tasks"):
        parse_journey(text)


def test_a_timeout_of_inf_is_a_usage_error_not_a_traceback(project: Path) -> None:
    write(project, "m.cjmap.yaml", MINIMAL)
    done = cjmap("render", "--timeout", "inf", "m.cjmap.yaml", cwd=project)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--timeout" in done.stderr


@pytest.fixture
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("home")
    (folder / ".git-credentials").write_text("ghp_SECRETKEY: https://user:ghp_SECRETSECRET@github.com\n")
    return folder


@pytest.mark.parametrize(
    ("setup", "args"),
    [
        (lambda p, s: (p / "o.cjmap.yaml").symlink_to(s / ".git-credentials"), ["outline", "o.cjmap.yaml"]),
        (lambda p, s: (p / "s.mmd").symlink_to(s / ".git-credentials"), ["import", "mermaid", "s.mmd"]),
        (
            lambda p, s: (
                (p / "linked").symlink_to(s),
                (s / "k.cjmap.yaml").write_text("cjmap: 1\nghp_SECRETKEY: 1\n"),
            ),
            ["lint", "linked/k.cjmap.yaml"],
        ),
        (
            lambda p, s: (
                (p / "sub").mkdir(),
                (p / "sub" / "cjmap.toml").symlink_to(s / ".git-credentials"),
                write(p, "sub/m.cjmap.yaml", MINIMAL),
            ),
            ["lint", "sub/m.cjmap.yaml"],
        ),
    ],
    ids=["outline", "mermaid", "linked-folder", "config"],
)
def test_nothing_outside_the_project_is_quoted_through_a_link(
    project: Path, secret: Path, setup, args: list[str]
) -> None:
    setup(project, secret)
    done = cjmap(*args, cwd=project)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "SECRET" not in done.stdout + done.stderr
    assert "outside the project" in done.stdout + done.stderr


def test_a_committed_link_to_standard_output_is_replaced_not_followed(tmp_path: Path) -> None:
    from cjmap.jobs.output import write_atomic

    link = tmp_path / "report.html"
    link.symlink_to("/dev/stdout")
    write_atomic(link, b"<html/>")
    assert not link.is_symlink() and link.read_bytes() == b"<html/>"


@pytest.mark.parametrize(
    "text",
    [
        "{cjmap: 1, channels: [{id: web}]}\n",
        '"cjmap": 1\n',
        "\ufeffcjmap: 1\n",
        "? cjmap\n: 1\n",
        "--- !!map\ncjmap: 1\n",
        "# x\n" * 300_000 + "cjmap: 1\n",
    ],
    ids=["flow", "quoted", "bom", "explicit-key", "tag", "late-key"],
)
def test_a_map_in_any_yaml_spelling_is_never_overwritten(tmp_path: Path, text: str) -> None:
    from cjmap.jobs.output import OutputRefused, write_atomic

    target = tmp_path / "b.html"
    target.write_text(text, encoding="utf-8")
    with pytest.raises(OutputRefused, match="cjmap map file"):
        write_atomic(target, b"<html/>")
    assert target.read_text(encoding="utf-8") == text


def test_more_personas_than_a_map_is_drawn_for_are_refused(project: Path) -> None:
    from cjmap.validate import MAX_PERSONAS

    personas = "".join(f"  - {{id: p{i}}}\n" for i in range(MAX_PERSONAS + 1))
    write(
        project,
        "m.cjmap.yaml",
        f"cjmap: 1\ntitle: T\npersonas:\n{personas}stages:\n  - name: S\n    touchpoints: [{{name: A}}]\n",
    )
    done = cjmap("lint", "m.cjmap.yaml", cwd=project)
    assert done.returncode == 2
    assert (
        f"m.cjmap.yaml:{MAX_PERSONAS + 4}:" in done.stdout
        and f"more than the {MAX_PERSONAS} cjmap handles" in done.stdout
    )

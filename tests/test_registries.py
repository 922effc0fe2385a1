"""Output formats, lint formats and importers are registries: the CLI, its help and the README read them,
so one declaration adds one. The CLI's commands are registered in one table, without import cycles."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from cjmap.importers import IMPORTERS, Imported, Importer, ImportFailure, ImportWarning
from cjmap.lint.formats import LINT_FORMATS, LintFormat
from cjmap.render.outputs import OUTPUT_FORMATS, OutputFormat, Rendering
from conftest import MINIMAL, REPO, TODAY, run_cli, write

README = (REPO / "README.md").read_text(encoding="utf-8")
CLI = REPO / "src" / "cjmap" / "cli"


def shout(rendering: Rendering) -> str:
    """A throwaway output format: the title in capitals."""
    return rendering.journey.title.upper() + "\n"


def lines_import(text: str, path: Path) -> Imported:
    """A throwaway importer: one stage, a touchpoint per line; an empty file is refused."""
    names = [line.strip() for line in text.splitlines() if line.strip()]
    if not names:
        raise ImportFailure(1, 1, "no lines")
    touchpoints = "".join(f"      - name: {name}\n" for name in names)
    warning = ImportWarning(1, 1, "every line became a touchpoint")
    return Imported(
        f"cjmap: 1\ntitle: {path.stem}\nstages:\n  - name: All\n    touchpoints:\n{touchpoints}", (warning,)
    )


def double(n: int) -> int:
    return 2 * n


def doubled(group: Sequence[int]) -> list[int]:
    return [double(n) for n in group]


def cli_here(*args: str, cwd: Path) -> tuple[int, str, str]:
    """`cjmap ARGS` in this process, so a registry patched by the test is the one the command reads."""
    import contextlib
    import io
    import os

    from cjmap.cli import invoked

    out, err = io.StringIO(), io.StringIO()
    before = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            invoked(args)(args=list(args), prog_name="cjmap")
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    finally:
        os.chdir(before)
    return code, out.getvalue(), err.getvalue()


def generated(name: str) -> str:
    return README.split(f"<!-- {name}:start -->\n", 1)[1].split(f"<!-- {name}:end -->", 1)[0]


def test_readme_tables_are_generated_from_the_registries() -> None:
    from cjmap.cli.readme import regenerated
    from cjmap.importers import importers_markdown
    from cjmap.lint.formats import lint_formats_markdown
    from cjmap.render.outputs import outputs_markdown

    assert generated("outputs") == outputs_markdown(), "regenerate with `python -m cjmap.cli.readme`"
    assert generated("lint-formats") == lint_formats_markdown()
    assert generated("importers") == importers_markdown()
    assert all(f"| `{name}`" in generated("outputs") for name in OUTPUT_FORMATS)
    assert regenerated(README) == README
    assert regenerated(README.replace("| `pdf` |", "| `pdf-old` |")) == README  # a stale table is rewritten


def test_render_format_help_defaults_and_choices_come_from_the_registry(project: Path) -> None:
    names = ", ".join(OUTPUT_FORMATS)
    help_text = " ".join(run_cli("render", "--help").stdout.split())
    assert f"Comma-separated: {names}." in help_text
    defaults = ",".join(f.name for f in OUTPUT_FORMATS.values() if f.default)
    assert f"[default: {defaults}]" in help_text
    write(project, "m.cjmap.yaml", MINIMAL)
    refused = run_cli("render", "m.cjmap.yaml", "--format", "svg,jpeg", cwd=project)
    assert refused.returncode == 2 and f"choose from {names} (comma-separated)" in refused.stderr


def test_a_registered_output_format_is_rendered_under_its_suffix(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        OUTPUT_FORMATS, "shout", OutputFormat("shout", "txt", "the title, loudly", "test_registries:shout")
    )
    write(project, "m.cjmap.yaml", MINIMAL)
    code, _, err = cli_here("render", "m.cjmap.yaml", "--format", "shout,dot", "--today", TODAY, cwd=project)
    assert code == 0, err
    assert (project / "m.txt").read_text() == "MINIMAL\n"
    assert "digraph" in (project / "m.dot").read_text()
    from cjmap.render.outputs import outputs_markdown

    assert "| `shout` | `car.txt` | no | the title, loudly |" in outputs_markdown()


def test_lint_format_choices_and_the_statistics_refusal_come_from_the_registry(project: Path) -> None:
    choices = "|".join(LINT_FORMATS)  # typer 0.26 writes [a|b], later ones <a|b>
    assert re.search(rf"--format [<\[]{re.escape(choices)}[>\]]", run_cli("lint", "--help").stdout)
    counted = " or ".join(f.name for f in LINT_FORMATS.values() if f.statistics)
    assert counted == "text or json"
    refused = run_cli("lint", "--statistics", "--format", "sarif", cwd=project)
    assert refused.returncode == 2 and f"--statistics prints counts as {counted}, not as sarif" in refused.stderr


def test_lint_writes_what_the_chosen_format_returns(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, "a.cjmap.yaml", MINIMAL)
    write(project, "b.cjmap.yaml", MINIMAL + "  - name: Retention\n")
    counted = LintFormat(
        "github", "test", lambda r: f"{len(r.maps)} maps, {len(r.diagnostics)} findings, {r.fail_on.value}\n"
    )
    monkeypatch.setitem(LINT_FORMATS, "github", counted)
    result = cli_here("lint", "--today", TODAY, "--format", "github", "a.cjmap.yaml", "b.cjmap.yaml", cwd=project)
    assert result == (1, "2 maps, 1 findings, error\n", "")  # only a format for people gets a summary


def test_a_registered_importer_is_a_subcommand(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = Importer(
        "lines",
        (".txt",),
        "plain lists",
        "Convert a list of lines into a map.",
        "One touchpoint per line.",
        "A text file.",
        "CJM010",
        "lines-import",
        "test_registries:lines_import",
    )
    monkeypatch.setitem(IMPORTERS, "lines", lines)
    listed = " ".join(cli_here("--help", cwd=project)[1].split())
    assert "import Convert maps from other tools (Mermaid journeys, plain lists)." in listed
    assert "lines Convert a list of lines into a map." in " ".join(cli_here("import", "--help", cwd=project)[1].split())
    write(project, "steps.txt", "Sees an ad\nBuys\n")
    code, _, err = cli_here("import", "lines", "steps.txt", "-o", "steps.cjmap.yaml", cwd=project)
    assert code == 0, err
    assert err.splitlines() == [
        "steps.txt:1:1: warning CJM010 every line became a touchpoint [lines-import]",
        "wrote steps.cjmap.yaml",
    ]
    assert "- name: Buys" in (project / "steps.cjmap.yaml").read_text()
    write(project, "empty.txt", "\n")
    assert cli_here("import", "lines", "empty.txt", cwd=project) == (
        2,
        "",
        "empty.txt:1:1: error CJM010 no lines [lines-import]\n",
    )


def test_the_mermaid_importer_is_registered_as_cjmap_import_mermaid() -> None:
    mermaid = IMPORTERS["mermaid"]
    assert (mermaid.code, mermaid.check) == ("CJM010", "mermaid-import")
    imported = mermaid.converter()("journey\n  section S\n    Pay: 9: Me\n", Path("day.mmd"))
    assert "title: Day" in imported.text and imported.text.startswith("# Imported from day.mmd")
    assert [(w.line, w.column) for w in imported.warnings] == [(3, 5)]


def test_batch_tells_its_progress_callback_and_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    from contextlib import contextmanager

    from cjmap.jobs.batch import run_groups

    for jobs in (1, 3):
        seen: list[object] = []

        @contextmanager
        def progress(total: int, seen: list[object] = seen):
            seen.append(("start", total))
            yield lambda: seen.append("done")
            seen.append("end")

        assert run_groups(doubled, [[1, 2], [3], [4]], jobs, progress) == [2, 4, 6, 8]
        assert seen == [("start", 4), "done", "done", "done", "done", "end"], jobs  # one "done" per item
    assert run_groups(doubled, [[5]], 1) == [10]  # no callback: nothing to tell
    assert capfd.readouterr() == ("", "")


def test_command_modules_import_only_the_shared_helpers() -> None:
    """No cycle: `cjmap.cli` registers the commands by name; a command module imports no other, nor `cjmap.cli`."""
    commands = {"linting", "rendering", "docs", "review", "convert"}
    for module in CLI.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        from_cli = {name for name in imported if name == "cjmap.cli" or name.startswith("cjmap.cli.")}
        assert not {f"cjmap.cli.{c}" for c in commands} & from_cli, module.name
        assert "cjmap.cli" not in from_cli, module.name
    for name in ("__init__.py", "commands.py"):
        source = (CLI / name).read_text(encoding="utf-8")
        assert "noqa: E402" not in source and "isort: off" not in source


def test_only_the_invoked_command_is_imported_and_help_lists_the_table_in_order() -> None:
    from cjmap.cli import COMMANDS

    code = (
        "import sys; from cjmap.cli import invoked; invoked(['lint'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('cjmap.cli.')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['cjmap.cli.commands', 'cjmap.cli.common', 'cjmap.cli.linting']"
    listing = subprocess.run(
        [sys.executable, "-c", code.replace("['lint']", "['--help']")], capture_output=True, text=True
    )
    # the import group names its importers
    assert listing.stdout.strip() == "['cjmap.cli.commands', 'cjmap.cli.common', 'cjmap.cli.convert']"
    listed = [
        line.split()[0] for line in run_cli("--help").stdout.split("Commands:\n", 1)[1].splitlines() if line.strip()
    ]
    assert listed == [c.name for c in COMMANDS]
    from cjmap.cli import build_app, invoked

    assert invoked(["--help"]).registered_commands[0].callback is not build_app().registered_commands[0].callback
    whole = cli_here_app(build_app(), "--help")
    assert cli_here_app(invoked(["--help"]), "--help") == whole == cli_here_app(invoked(["-h"]), "-h")


def cli_here_app(app, *args: str) -> str:
    """What `app` prints for `args`, in this process."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        app(args=list(args), prog_name="cjmap")
    return out.getvalue()

"""The `cjmap` command: parse options, call the library, print, exit 0 / 1 / 2."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cjmap import __version__

app = typer.Typer(
    name="cjmap",
    help="Compile customer journey maps written in YAML into SVG diagrams and HTML reports, and lint them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich help costs ~130 ms of imports on every `--help`
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
LINT_BATCH = 20  # from this many maps on, lint spreads over processes


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cjmap {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        Optional[bool], typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = None,
) -> None:
    """Customer journey maps as code."""


def _console(stderr: bool = False):  # rich is imported only by commands that print findings
    import os

    from rich.console import Console

    plain = bool(os.environ.get("NO_COLOR"))  # no colour and no bold either: what NO_COLOR users expect
    return Console(stderr=stderr, soft_wrap=True, highlight=False, color_system=None if plain else "auto", no_color=plain)


def _print_diagnostics(diagnostics: Sequence, stderr: bool = False) -> None:
    import os

    from cjmap.diagnostics import Severity, format_line, printable

    stream = sys.stderr if stderr else sys.stdout
    if not stream.isatty() and not os.environ.get("FORCE_COLOR"):  # pipes and CI logs: plain lines, no ~50 ms rich import
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


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"


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


class _Policies:
    """One policy per config file, found upwards from each map (or the one `--config` names)."""

    def __init__(self, config: Path | None, select: list[str] | None, ignore: list[str], fail_on: str | None, report_unused: bool) -> None:
        from cjmap.config import Config, Settings, load_config

        self._explicit = load_config(config) if config else None
        self._default = Config(Settings(), Path(".").resolve())
        self._options = (select, ignore or [], fail_on, report_unused)
        self._cache: dict[Path | None, object] = {}

    def for_path(self, path: Path):
        from cjmap.config import find_config, load_config
        from cjmap.policy import build_policy

        if self._explicit is not None:
            file, config = self._explicit.file, self._explicit
        else:
            file = find_config(path if path.is_dir() else path.parent)
            config = None
        if file not in self._cache:
            if config is None:
                config = load_config(file, _display(_relative(file))) if file else self._default
            select, ignore, fail_on, report_unused = self._options
            self._cache[file] = build_policy(config, select, ignore, fail_on, report_unused)
        return self._cache[file]


def _relative(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def _today(value: Optional[str]):
    from datetime import date

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected a date like 2026-11-24, got {value!r}") from None


@app.command()
def lint(
    paths: Annotated[Optional[list[Path]], typer.Argument(metavar="PATH", help="Map files or folders (default: every map under the current folder).")] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
    select: Annotated[Optional[list[str]], typer.Option("--select", help="Rules to run (codes, prefixes like CJM2, or names; comma-separated). Replaces the config's.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="Rules to skip, added to the config's.")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="Settings file (default: cjmap.toml or [tool.cjmap] found upwards).")] = None,
    fail_on: Annotated[Optional[Level], typer.Option("--fail-on", help="Lowest severity that makes the exit code 1 (default: error).")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when findings are reported (2 still means a map could not be loaded).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print findings only, no summary.")] = False,
    show_statistics: Annotated[bool, typer.Option("--statistics", help="Print how often each rule fired instead of the findings.")] = False,
    today: Annotated[Optional[str], typer.Option("--today", help="Date to judge freshness against (YYYY-MM-DD; default: today).")] = None,
    report_unused: Annotated[bool, typer.Option("--report-unused-ignores", help="Report `# cjmap: ignore` comments that suppress nothing (CJM901).")] = False,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Maps linted at once (default: one per core when there are many).")] = None,
) -> None:
    """Check maps and report problems: exit 0 when clean, 1 on findings at --fail-on, 2 when a map cannot be loaded."""
    from cjmap.diagnostics import MapError, Severity, summary, to_json
    from cjmap.pipeline import LintTask, discover, lint_file
    from cjmap.policy import SelectorError
    from cjmap.rules import Context

    context = Context(today=_today(today))
    missing = [p for p in paths or () if not p.exists()]
    if missing:
        for p in missing:
            typer.echo(f"{p}:1:1: error CJM000 no such file or folder [unreadable-file]", err=True)
        raise typer.Exit(EXIT_INPUT)
    try:
        policies = _Policies(config, _selectors(select), _selectors(ignore) or [], fail_on.value if fail_on else None, report_unused)
        files = list(discover(paths or [Path(".")]))
        tasks = []
        for path in files:
            policy = policies.for_path(path)
            ctx = Context(today=context.today, stale_days=policy.stale_days, low_emotion=policy.low_emotion)
            tasks.append(LintTask(path, _display(path), policy, ctx))
    except MapError as e:  # a broken config: nothing can be judged
        _print_diagnostics(e.diagnostics, stderr=True)
        raise typer.Exit(EXIT_INPUT) from None
    except SelectorError as e:
        _fail(str(e))
        raise typer.Exit(EXIT_INPUT) from None
    from cjmap.batch import default_jobs, run_all
    from cjmap.formats import statistics, to_github, to_junit, to_sarif, unique

    # one process is quicker for a handful of maps: forking workers costs more than linting them
    workers = jobs or (default_jobs() if len(tasks) >= LINT_BATCH else 1)
    results = list(zip(run_all(lint_file, tasks, workers, "linting"), (t.policy for t in tasks)))

    diagnostics = unique(d for r, _ in results for d in r.diagnostics)
    if show_statistics:
        sys.stdout.write(statistics(diagnostics))
    elif output_format is OutputFormat.json:
        sys.stdout.write(to_json(diagnostics))
    elif output_format is OutputFormat.github:
        sys.stdout.write(to_github(diagnostics))
    elif output_format is OutputFormat.sarif:
        sys.stdout.write(to_sarif(diagnostics))
    elif output_format is OutputFormat.junit:
        worst = min((p.fail_on for _, p in results), key=lambda s: s.rank, default=Severity.ERROR)
        sys.stdout.write(to_junit([(r.file, r.diagnostics) for r, _ in results], worst))
    else:
        _print_diagnostics(diagnostics)
    if not quiet and output_format is OutputFormat.text:
        typer.echo(summary(diagnostics, len(files)) if files else "no maps found (YAML files with a top-level 'cjmap:' key)", err=True)
    if any(not r.loaded for r, _ in results):
        raise typer.Exit(EXIT_INPUT)
    failing = any(d.severity.rank >= p.fail_on.rank for r, p in results for d in r.diagnostics)
    if failing and not exit_zero:
        raise typer.Exit(EXIT_FINDINGS)


def _formats(value: str) -> list[str]:
    from cjmap.render import FORMATS

    chosen = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise typer.BadParameter(f"choose from {', '.join(FORMATS)} (comma-separated), got {value!r}")
    return list(dict.fromkeys(chosen))


@app.command()
def render(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH", help="Map files or folders (every map inside, definitions-only files skipped).")],
    output_dir: Annotated[Optional[Path], typer.Option("--output-dir", "-o", help="Folder for the outputs (default: beside each map).")] = None,
    formats: Annotated[str, typer.Option("--format", "-f", help="Comma-separated: svg, html, png, pdf, dot, mermaid, markdown.")] = "svg,html",
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="Seconds Graphviz may take for one map.")] = 60.0,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Maps rendered at once (default: one per core).")] = None,
    watch: Annotated[bool, typer.Option("--watch", "-w", help="Stay running and re-render a map when it or one of its imports is saved.")] = False,
    theme: Annotated[Theme, typer.Option("--theme", help="Colours of the HTML report.")] = Theme.light,
    today: Annotated[Optional[str], typer.Option("--today", help="Date to judge freshness against (YYYY-MM-DD; default: today).")] = None,
) -> None:
    """Render maps to an SVG diagram and an HTML report (exit 1 when a map has lint errors)."""
    from cjmap.batch import default_jobs, run_all
    from cjmap.build import render_file
    from cjmap.render import GRAPHVIZ_FORMATS

    chosen = _formats(formats)
    missing = [p for p in paths if not p.exists()]
    if missing:
        for p in missing:
            typer.echo(f"{_display(p)}:1:1: error CJM000 no such file or folder [unreadable-file]", err=True)
        raise typer.Exit(EXIT_INPUT)
    if set(GRAPHVIZ_FORMATS) & set(chosen):
        _require_dot()
    tasks = _render_tasks(paths, output_dir, chosen, timeout, theme.value, _today(today))
    results = run_all(render_file, tasks, jobs or default_jobs(), "rendering")
    code = _report_renders(results, [t.policy for t in tasks])
    if watch:
        from cjmap.watch import watch_and_render

        watch_and_render(tasks, results, lambda result, task: _report_renders([result], [task.policy]))
        code = EXIT_CLEAN  # stopped by the user, who saw every result as it came
    raise typer.Exit(code)


def _require_dot() -> None:
    """Say once, before any work, that Graphviz is missing, rather than once per map."""
    import shutil

    from cjmap.render import INSTALL_GRAPHVIZ

    if shutil.which("dot") is None:
        _fail(INSTALL_GRAPHVIZ)
        raise typer.Exit(EXIT_INPUT)


def _render_tasks(paths: list[Path], output_dir: Path | None, chosen: list[str], timeout: float, theme: str, today) -> list:
    """One task per map, in discovery order; two maps that would write the same output are refused."""
    from cjmap.build import RenderTask
    from cjmap.diagnostics import MapError
    from cjmap.pipeline import discover, output_stem
    from cjmap.render import EXTENSIONS
    from cjmap.rules import Context

    named = {p.resolve() for p in paths if not p.is_dir()}
    try:
        policies = _Policies(None, None, [], None, False)
        tasks, owners = [], {}
        for path in discover(paths):
            policy = policies.for_path(path)
            folder = output_dir if output_dir is not None else path.parent
            targets = tuple((fmt, folder / f"{output_stem(path)}.{EXTENSIONS.get(fmt, fmt)}") for fmt in chosen)
            first = targets[0][1].resolve()
            if first in owners:
                _fail(f"{_display(path)} and {owners[first]} would both write {targets[0][1]}; render them into different -o folders")
                raise typer.Exit(EXIT_INPUT)
            owners[first] = _display(path)
            context = Context(today=today, stale_days=policy.stale_days, low_emotion=policy.low_emotion)
            tasks.append(RenderTask(path, _display(path), targets, policy, context, timeout, f"cjmap {__version__}", path.resolve() in named, theme))
    except MapError as e:  # a broken config
        _print_diagnostics(e.diagnostics, stderr=True)
        raise typer.Exit(EXIT_INPUT) from None
    return tasks


def _report_renders(results: Sequence, policies: Sequence) -> int:
    """Print each map's findings and files in input order, a summary for batches; return the exit code."""
    code = EXIT_CLEAN
    for result, policy in zip(results, policies):
        _print_diagnostics(result.diagnostics, stderr=True)
        for target in result.written:
            typer.echo(f"wrote {target}", err=True)
        if result.error:
            _fail(result.error)
        if result.failed:
            code = EXIT_INPUT
        elif code == EXIT_CLEAN and any(d.severity.rank >= policy.fail_on.rank for d in result.diagnostics):
            code = EXIT_FINDINGS
    rendered = [r for r in results if not r.skipped]
    if len(rendered) > 1:
        failed = sum(r.failed for r in rendered)
        typer.echo(f"rendered {len(rendered) - failed} of {len(rendered)} maps" + (f"; {failed} failed" if failed else ""), err=True)
    elif not rendered:
        typer.echo("no maps to render (YAML files with a top-level 'cjmap:' key and stages)", err=True)
    return code


@app.command()
def rules(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the table as Markdown (as in README.md).")] = False,
) -> None:
    """List every lint rule: code, name, default severity and what it finds."""
    from cjmap.rules import RULES, rules_markdown

    if markdown:
        sys.stdout.write(rules_markdown())
        return
    for code in sorted(RULES):
        rule = RULES[code]
        typer.echo(f"{code}  {rule.name:<32} {rule.severity.value:<8} {rule.summary}")


@app.command()
def rule(
    code_or_name: Annotated[str, typer.Argument(metavar="CODE|NAME", help="A rule code (CJM101) or name (stage-without-touchpoints).")],
) -> None:
    """Print a rule's documentation, with a failing and a passing example."""
    from cjmap.rules import RULES

    wanted = code_or_name.strip()
    found = next((r for r in RULES.values() if r.code == wanted.upper() or r.name == wanted.lower()), None)
    if found is None:
        _fail(f"no rule '{wanted}' (see `cjmap rules`)")
        raise typer.Exit(EXIT_INPUT)
    typer.echo(f"{found.code} {found.name} (default: {found.severity.value})\n\n{found.doc}")


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of standard output.")] = None,
) -> None:
    """Print the JSON Schema of the map format (for editors and other tools)."""
    from cjmap.schema import schema_text

    text = schema_text()
    if output is None:
        sys.stdout.write(text)
        return
    _write_or_exit(output, text)


class DiffFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command()
def diff(
    specs: Annotated[Optional[list[str]], typer.Argument(metavar="OLD NEW", help="Two maps: files, or git revisions as REV:path (main:maps/car.cjmap.yaml).")] = None,
    git: Annotated[Optional[str], typer.Option("--git", metavar="REF", help="Compare every map changed in the working tree against REF (then the arguments are optional paths to limit it).")] = None,
    output_format: Annotated[DiffFormat, typer.Option("--format", "-f", help="text, markdown (for a pull-request comment) or json.")] = DiffFormat.text,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when anything changed, like `git diff --exit-code`.")] = False,
    today: Annotated[Optional[str], typer.Option("--today", help="Date freshness findings are judged against (YYYY-MM-DD).")] = None,
) -> None:
    """What changed for the customer between two versions of a map: stages, touchpoints, emotion, owners, flow, lint."""
    from cjmap.diff_formats import to_json, to_markdown, to_text
    from cjmap.revisions import GitError

    specs = specs or []
    if git is None and len(specs) != 2:
        raise typer.BadParameter("give OLD and NEW, or --git REF")
    try:
        pairs = _diff_git(git, specs, _today(today)) if git is not None else [_diff_pair(specs[0], specs[1], _today(today))]
    except GitError as e:
        _fail(f"git: {e}")
        raise typer.Exit(EXIT_INPUT) from None
    if any(p is None for p in pairs):
        raise typer.Exit(EXIT_INPUT)
    render = {DiffFormat.text: to_text, DiffFormat.markdown: to_markdown, DiffFormat.json: to_json}[output_format]
    if output_format is DiffFormat.text and sys.stdout.isatty():
        _print_coloured_diff(render(pairs))
    else:
        sys.stdout.write(render(pairs))
    if exit_code and any(p.changed for p in pairs):
        raise typer.Exit(EXIT_FINDINGS)


def _print_coloured_diff(text: str) -> None:
    """The text diff on a terminal: better in green, worse and new findings in red, headings bold."""
    from rich.text import Text

    console = _console()
    for line in text.splitlines():
        if "\u25b2" in line or line.endswith("(fixed)"):
            style = "green"
        elif "\u25bc" in line or line.startswith("    + "):
            style = "red"
        elif not line.startswith("    "):
            style = "bold"
        else:
            style = ""
        console.print(Text(line, style=style))


def _diff_side(spec: str | None, today, stack):
    """(journey, findings) of one side, loaded from disk or from a git revision; (None, ()) when absent."""
    from cjmap.pipeline import check
    from cjmap.revisions import GitError, split_revision, tree_at

    if spec is None:
        return None, ()
    revision = split_revision(spec, Path.cwd())
    path = Path(spec)
    if revision is not None:
        rev, inside = revision
        path = stack.enter_context(tree_at(rev, Path.cwd())) / inside
        if not path.is_file():
            raise GitError(f"'{inside}' does not exist at {rev}")
    elif not path.is_file():
        typer.echo(f"{spec}:1:1: error CJM000 no such file [unreadable-file]", err=True)
        return False, ()
    policy = _Policies(None, None, [], None, False).for_path(path)
    checked = check(path, spec, policy, _context_for(policy, today))
    if checked.journey is None:
        _print_diagnostics(checked.diagnostics, stderr=True)
        return False, ()
    return checked.journey, checked.diagnostics


def _context_for(policy, today):
    from cjmap.rules import Context

    return Context(today=today, stale_days=policy.stale_days, low_emotion=policy.low_emotion)


def _diff_pair(old: str | None, new: str | None, today, label: str | None = None):
    from contextlib import ExitStack

    from cjmap.diff import diff_journeys

    with ExitStack() as stack:
        old_journey, old_findings = _diff_side(old, today, stack)
        new_journey, new_findings = _diff_side(new, today, stack)
        if old_journey is False or new_journey is False:
            return None
        old_label = label if label and old else (old or "")
        return diff_journeys(old_journey, new_journey, old_findings, new_findings, old_label, new or "")


def _diff_git(ref: str, paths: list[str], today) -> list:
    from cjmap.revisions import changed_maps, exists_at, repo_root
    from cjmap.source import looks_like_map

    root = repo_root(Path.cwd())
    pairs = []
    for name in changed_maps(ref, Path.cwd(), paths):
        here = root / name
        shown = _display(_relative(here))
        old = f"{ref}:{name}" if exists_at(ref, name, Path.cwd()) else None
        new = shown if here.is_file() else None
        if new is not None and not looks_like_map(here):
            continue
        if new is None and old is None:
            continue
        pairs.append(_diff_pair(old, new, today, label=shown))
    return pairs


@app.command()
def compare(
    maps: Annotated[list[Path], typer.Argument(metavar="[CURRENT] FUTURE", help="The current-state map and the future-state map; FUTURE alone when it says `compares: current.cjmap.yaml`.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="The report to write (default: FUTURE-compare.html beside the future map).")] = None,
    theme: Annotated[Theme, typer.Option("--theme", help="Colours of the report.")] = Theme.light,
    today: Annotated[Optional[str], typer.Option("--today", help="Date freshness findings are judged against (YYYY-MM-DD).")] = None,
) -> None:
    """One report of a current state against its future state: both emotion curves, resolved pain points, every change."""
    from cjmap.compare import compare as compare_maps
    from cjmap.config import find_project_root
    from cjmap.pipeline import output_stem
    from cjmap.render.html import comparison_to_html

    if len(maps) > 2:
        raise typer.BadParameter("give CURRENT and FUTURE, or FUTURE alone")
    loaded = [_checked_or_exit(path, _today(today)) for path in maps]
    if len(loaded) == 1:
        future = loaded[0]
        if not future.journey.compares:
            _fail(f"{_display(maps[0])} names no current state: give CURRENT too, or add `compares: current.cjmap.yaml` to it")
            raise typer.Exit(EXIT_INPUT)
        current_path = (maps[0].parent / future.journey.compares)
        root = find_project_root(maps[0].resolve().parent)
        if not current_path.resolve().is_relative_to(root) or not current_path.is_file():
            _fail(f"{_display(maps[0])}: compares: '{future.journey.compares}' is not a map file inside the project")
            raise typer.Exit(EXIT_INPUT)
        loaded.insert(0, _checked_or_exit(current_path, _today(today)))
    current, future = loaded
    target = output or maps[-1].parent / f"{output_stem(maps[-1])}-compare.html"
    html = comparison_to_html(compare_maps(current.journey, future.journey, current.diagnostics, future.diagnostics), f"cjmap {__version__}", theme.value)
    _write_or_exit(target, html)


@app.command()
def outline(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A map file.")],
) -> None:
    """Print a map as plain lines, one fact each: a git textconv filter for readable `git diff`s of maps."""
    from cjmap.diagnostics import MapError
    from cjmap.outline import outline as outline_of
    from cjmap.source import read_source
    from cjmap.validate import validate_source

    try:
        data = validate_source(read_source(file, _display(file)))
    except MapError:  # not a map we can read: git still deserves the text
        try:
            sys.stdout.write(file.read_text(encoding="utf-8", errors="replace"))
        except OSError as e:
            _fail(f"cannot read {file}: {e.strerror}")
            raise typer.Exit(EXIT_INPUT) from None
        return
    sys.stdout.write(outline_of(data))


import_app = typer.Typer(help="Convert maps from other tools into cjmap maps.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(import_app, name="import")


@import_app.command("mermaid")
def import_mermaid(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A Mermaid journey diagram (.mmd), or Markdown holding one in a ```mermaid block.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the map here instead of standard output.")] = None,
) -> None:
    """Turn a Mermaid `journey` diagram into a cjmap map; what cannot be carried over is a warning."""
    import yaml

    from cjmap.diagnostics import printable
    from cjmap.mermaid import parse_journey, partial_actors, to_map_data
    from cjmap.pipeline import output_stem

    shown = _display(file)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) else "file is not UTF-8 text"
        typer.echo(f"{shown}:1:1: error CJM000 cannot read file: {reason} [unreadable-file]", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    try:
        journey = parse_journey(text)
    except ValueError as e:
        where, _, message = str(e).partition(": ")
        typer.echo(f"{shown}:{where}: error CJM010 {message} [mermaid-import]", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    for w in sorted(journey.warnings + partial_actors(journey), key=lambda w: (w.line, w.column)):
        typer.echo(f"{shown}:{w.line}:{w.column}: warning CJM010 {printable(w.message)} [mermaid-import]", err=True)
    fallback = output_stem(file).replace("-", " ").replace("_", " ").capitalize()
    body = yaml.safe_dump(to_map_data(journey, fallback), sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)
    header = (
        f"# Imported from {file.name} by cjmap {__version__}. Mermaid's actors became personas: move staff,\n"
        "# systems and devices to teams (as owners), then add channels, pain points and sources.\n"
    )
    text = header + body
    if output is None:
        sys.stdout.write(text)
        return
    _write_or_exit(output, text)


def _write_or_exit(target: Path, text: str) -> None:
    """Write a whole output atomically (creating its folder) and say so, or fail in one line with exit 2."""
    from cjmap.output import write_atomic

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text.encode("utf-8"))
    except OSError as e:
        _fail(f"cannot write to {target}: {e.strerror}")
        raise typer.Exit(EXIT_INPUT) from None
    typer.echo(f"wrote {target}", err=True)


def _checked_or_exit(path: Path, today):
    """Load and lint one map with its own settings; print its errors and exit 2 when it does not load."""
    from cjmap.pipeline import check

    policy = _Policies(None, None, [], None, False).for_path(path)
    checked = check(path, _display(path), policy, _context_for(policy, today))
    if checked.journey is None:
        _print_diagnostics(checked.diagnostics, stderr=True)
        raise typer.Exit(EXIT_INPUT)
    return checked


def _display(path: Path) -> str:
    """Paths as the user wrote them, without a leading './' from discovery."""
    text = str(path)
    return text[2:] if text.startswith("./") else text


def main() -> None:
    """Console-script entry point: no traceback reaches the user on Ctrl-C."""
    import os

    # pydantic looks for plugins through every installed package's metadata (~20 ms a run); cjmap uses none
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)

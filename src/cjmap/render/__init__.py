"""Outputs of a resolved journey: every format in `cjmap.render.outputs`, and Graphviz run safely.

Importing this package loads no library code, so the CLI can list the formats for `--help` cheaply.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess
    from datetime import date

    from cjmap.diagnostics import Diagnostic
    from cjmap.render.outputs import Rendering
    from cjmap.resolve import Journey

DOT_TIMEOUT = 60.0
MAX_EDGES = 10_000  # two per touchpoint at the 5,000-touchpoint limit; 20,000 drove dot past 6 GB
DOT_MEMORY = 4 * 2**30  # address space for the Graphviz child: 5,000 touchpoints need well under 1 GiB
DEFAULT_FORMATS = ("svg", "html")
INSTALL_GRAPHVIZ = (
    "Graphviz 'dot' was not found on PATH; install Graphviz "
    "(Debian/Ubuntu: apt-get install graphviz, macOS: brew install graphviz, Windows: winget install graphviz)"
)


class RenderError(Exception):
    """Rendering failed for a reason outside the map (Graphviz missing or failing)."""


def layout_svg(dot_source: str, timeout: float = DOT_TIMEOUT, *, engine: str = "dot", args: Sequence[str] = ()) -> str:
    """Run a Graphviz layout engine on DOT text and return the SVG, or raise RenderError in one line."""
    svg = layout(dot_source, "svg", timeout, engine=engine, args=args)
    if not svg.strip():
        raise RenderError(f"Graphviz ({engine}) exited without writing an SVG")
    try:
        return svg.decode("utf-8")
    except UnicodeDecodeError:
        raise RenderError(f"Graphviz ({engine}) wrote an SVG that is not UTF-8 text") from None


def _memory_cap() -> tuple[int, int]:
    """The Graphviz child's address-space limit (soft, hard): DOT_MEMORY, or a lower limit this process was
    given (`ulimit -v`), which is kept: raising a hard limit needs a privilege a container rarely has."""
    import resource

    def lower(current: int) -> int:
        return DOT_MEMORY if current == resource.RLIM_INFINITY else min(current, DOT_MEMORY)

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    return lower(soft), lower(hard)


def _limit_memory() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Cap the address space of the Graphviz child, so a hostile graph fails instead of eating the machine."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, _memory_cap())


def _limited_afterwards(process: subprocess.Popen[bytes]) -> bool:
    """Cap a just-started Graphviz child's address space from here (Linux's prlimit), before it is given its
    first byte; False when that cannot be done. A function run in the child between fork and exec does the
    same, but forces a full fork of this process (~3 ms of a small render) where a limit set afterwards lets
    Python start the child with vfork."""
    try:
        import resource

        resource.prlimit(process.pid, resource.RLIMIT_AS, _memory_cap())
    except (ImportError, AttributeError, OSError):
        return False
    return True


def layout(
    dot_source: str, fmt: str, timeout: float = DOT_TIMEOUT, *, engine: str = "dot", args: Sequence[str] = ()
) -> bytes:
    """Run Graphviz `<engine> -T<fmt>` on DOT text, bounded in time and memory, or raise RenderError in one line."""
    return start_layout(fmt, timeout, engine=engine, args=args).output(dot_source)


class Layout:
    """A Graphviz process started: `output()` gives it the DOT text and waits for what it draws (in any
    thread), `stop()` ends it (from the thread that started it, when that one is stopped)."""

    def __init__(self, process: subprocess.Popen[bytes], engine: str, timeout: float) -> None:
        self.process, self.engine, self.timeout = process, engine, timeout

    def output(self, dot_source: str) -> bytes:
        """The drawing, or RenderError in one line."""
        import subprocess

        engine, timeout = self.engine, self.timeout
        try:
            stdout, stderr = self.process.communicate(dot_source.encode("utf-8"), timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise RenderError(
                f"Graphviz ({engine}) took longer than {timeout:g} s and was stopped (raise it with --timeout)"
            ) from None
        code = self.process.returncode
        if code == 0:
            return stdout
        lines = (stderr or b"").decode("utf-8", "replace").strip().splitlines()
        if code < 0 or any("memory" in line.lower() or "alloc" in line.lower() for line in lines):
            raise RenderError(
                f"Graphviz ({engine}) ran out of its memory limit of {DOT_MEMORY // 2**30} GiB"
                " laying out this diagram; split the map"
            )
        first = _printable(lines[0]) if lines else f"exit code {code}"
        raise RenderError(f"Graphviz ({engine}) failed: {first}")

    def stop(self) -> None:
        self.process.kill()
        self.process.communicate()


def start_layout(fmt: str, timeout: float = DOT_TIMEOUT, *, engine: str = "dot", args: Sequence[str] = ()) -> Layout:
    """Start Graphviz `<engine> -T<fmt>` bounded in memory (its time is bounded by `Layout.output`);
    RenderError when it is not installed."""
    import os
    import subprocess

    from graphviz.backend import dot_command

    command = [*dot_command.command(engine, fmt), *args]

    def spawn(preexec_fn: Callable[[], None] | None = None) -> subprocess.Popen[bytes]:
        pipe = subprocess.PIPE
        return subprocess.Popen(command, stdin=pipe, stdout=pipe, stderr=pipe, preexec_fn=preexec_fn)

    try:
        process = spawn()
        if os.name == "posix" and not _limited_afterwards(process):  # then limited as it starts, the slow way
            process.kill()
            process.communicate()
            process = spawn(_limit_memory)
    except FileNotFoundError:
        raise RenderError(INSTALL_GRAPHVIZ) from None
    except (OSError, subprocess.SubprocessError) as e:  # the limit or the start refused: nothing is drawn unbounded
        raise RenderError(f"Graphviz ({engine}) could not be started with its memory limit: {e}") from None
    return Layout(process, engine, timeout)


def _printable(text: str) -> str:
    """One line of a child's message with control characters removed, so it cannot drive the terminal."""
    return "".join(c if c.isprintable() else "?" for c in text)[:300]


def described_svg(svg: str, journey: Journey) -> str:
    """Graphviz SVG with a `<title>` and `<desc>` first in the root, for screen readers and file previews."""
    import re

    from cjmap.render.dot import xml_text

    stages = ", ".join(f"{i}. {s.name}" for i, s in enumerate(journey.stages, 1))
    count = len(journey.touchpoints)
    desc = (
        f"Flow diagram: {count} touchpoint{'s' if count != 1 else ''} in {len(journey.stages)} stages ({stages}),"
        " cards coloured and scored by emotion from −2 to +2."
    )
    head = f"<title>{xml_text(journey.title)}</title>\n<desc>{xml_text(desc)}</desc>\n"
    return re.sub(r"(<svg\b[^>]*>\n?)", lambda m: m[1] + head, svg, count=1)


def render_journey(
    journey: Journey,
    formats: Sequence[str],
    diagnostics: Sequence[Diagnostic],
    generator: str,
    timeout: float = DOT_TIMEOUT,
    theme: str = "light",
    today: date | None = None,
    lanes: str = "none",
) -> dict[str, bytes]:
    """Every requested output as bytes, built in memory so nothing is written half-done.

    `lanes` draws the diagram with a band of rows per persona or per channel (none, persona, channel).
    """
    rendering = start_rendering(journey, formats, diagnostics, generator, timeout, theme, today, lanes)
    draw_together([(rendering, formats)])
    return build_outputs(rendering, formats)


def start_rendering(
    journey: Journey,
    formats: Sequence[str],
    diagnostics: Sequence[Diagnostic],
    generator: str,
    timeout: float = DOT_TIMEOUT,
    theme: str = "light",
    today: date | None = None,
    lanes: str = "none",
) -> Rendering:
    """A journey ready to render as `formats`, or RenderError (ValueError for an unknown format) at once."""
    from cjmap.render.outputs import OUTPUT_FORMATS, Rendering

    if len(journey.edges) > MAX_EDGES:
        raise RenderError(
            f"the flow has {len(journey.edges):,} steps (next), over the diagram limit of {MAX_EDGES:,};"
            " split the map or remove branches"
        )
    unknown = [fmt for fmt in formats if fmt not in OUTPUT_FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}")
    return Rendering(journey, diagnostics, generator, timeout, theme, today, lanes)


def draw_together(renderings: Sequence[tuple[Rendering, Sequence[str]]]) -> None:
    """Draw the diagrams of every (rendering, formats) in one Graphviz process, while the formats' code loads.

    Each rendering keeps its SVGs in `drawn`; one that is missing there (the shared run failed) is drawn
    alone when asked for, which tells its own error.
    """
    from cjmap.render.dot import ENGINE, ENGINE_ARGS
    from cjmap.render.drawing import Drawing
    from cjmap.render.outputs import OUTPUT_FORMATS

    if not renderings:
        return
    sources = [source for rendering, formats in renderings for source in rendering.to_draw(formats)]
    timeout = max(rendering.timeout for rendering, _ in renderings)
    drawing = Drawing(sources, timeout, engine=ENGINE, args=ENGINE_ARGS)
    try:
        if drawing.sources:  # something to do while Graphviz draws
            for rendering, formats in renderings:
                for fmt in formats:
                    OUTPUT_FORMATS[fmt].get_ready(rendering)
        drawn = drawing.svgs()
    except BaseException:  # Ctrl-C, or a worker told to stop: Graphviz stops too
        drawing.stop()
        raise
    for rendering, formats in renderings:
        rendering.drawn.update((source, drawn[source]) for source in rendering.to_draw(formats) if source in drawn)


def build_outputs(rendering: Rendering, formats: Sequence[str]) -> dict[str, bytes]:
    """The bytes of each format, in the order asked."""
    from cjmap.render.outputs import OUTPUT_FORMATS

    return {fmt: OUTPUT_FORMATS[fmt].render(rendering) for fmt in formats}

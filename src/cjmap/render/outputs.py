"""Output formats of `cjmap render`, one declaration each, registered in `OUTPUT_FORMATS`.

A format is a name, a file suffix, a line of help and a function from a `Rendering` to the file's text
or bytes, named as "module:function" so that listing the formats (`--format` help, the README table)
imports none of them. Adding a format is one module with that function and one line below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from importlib import import_module
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cjmap.diagnostics import Diagnostic
    from cjmap.resolve import Journey


@dataclass
class Rendering:
    """One journey being rendered, and what several formats share, laid out once when first asked for:
    the DOT text (dot, png, pdf, svg), the diagram's SVG (svg, html) and the dark report's SVG."""

    journey: Journey
    diagnostics: Sequence[Diagnostic]
    generator: str
    timeout: float
    theme: str = "light"
    today: date | None = None
    lanes: str = "none"
    # DOT source -> SVG (or why Graphviz failed), drawn beforehand by a run shared with other diagrams
    drawn: dict[str, str | Exception] = field(default_factory=dict)
    early: dict[str, str] = field(default_factory=dict)  # format -> its text but for the diagram, made meanwhile

    @cached_property
    def dot_source(self) -> str:
        from cjmap.render.dot import journey_to_dot

        return journey_to_dot(self.journey, lanes=self.lanes)

    @cached_property
    def dark_dot_source(self) -> str:
        from cjmap.render.dot import journey_to_dot

        return journey_to_dot(self.journey, "dark", self.lanes)

    def to_draw(self, formats: Sequence[str]) -> list[str]:
        """The DOT sources the `formats` need drawn as SVG (the diagram, and the dark report's own)."""
        wanted = []
        if "svg" in formats or "html" in formats:
            wanted.append(self.dot_source)
        if "html" in formats and self.theme == "dark":
            wanted.append(self.dark_dot_source)
        return wanted

    def layout(self, fmt: str) -> bytes:
        """The finished layout drawn by Graphviz as `fmt` (every place is in the DOT: Graphviz only draws it)."""
        from cjmap import render
        from cjmap.render.dot import ENGINE, ENGINE_ARGS

        return render.layout(self.dot_source, fmt, self.timeout, engine=ENGINE, args=ENGINE_ARGS)

    def _svg(self, dot_source: str) -> str:
        from cjmap import render
        from cjmap.render.dot import ENGINE, ENGINE_ARGS

        drawn = self.drawn.get(dot_source)
        if isinstance(drawn, Exception):
            raise drawn
        if drawn is None:
            drawn = render.layout_svg(dot_source, self.timeout, engine=ENGINE, args=ENGINE_ARGS)
        return render.described_svg(drawn, self.journey)

    @cached_property
    def svg(self) -> str:
        return self._svg(self.dot_source)

    @cached_property
    def report_svg(self) -> str:
        """The diagram in the report: the dark report shows it dark too; the .svg file keeps the light one."""
        if self.theme != "dark":
            return self.svg
        return self._svg(self.dark_dot_source)


Build = Callable[[Rendering], str | bytes]


class OutputFormat(NamedTuple):
    name: str  # what --format takes
    suffix: str  # the output file's ending: car.cjmap.yaml -> car.<suffix>
    summary: str  # one line for the README table
    build: str  # "module:function", a `Build`
    graphviz: bool = False  # needs Graphviz's `dot`/`neato` on the PATH
    default: bool = False  # written when --format is not given
    ready: str = ""  # "module:function" given the Rendering, doing what it can while Graphviz draws

    def render(self, rendering: Rendering) -> bytes:
        built: str | bytes = _named(self.build)(rendering)
        if isinstance(built, bytes):
            return built
        try:
            return built.encode("utf-8")
        except UnicodeEncodeError:  # a file name that is not UTF-8 reaches Python as lone surrogates
            return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in built).encode("utf-8")

    def get_ready(self, rendering: Rendering) -> None:
        """Import what building this format needs, and do what needs no diagram yet, while Graphviz draws."""
        _named(self.build)
        if self.ready:
            _named(self.ready)(rendering)


def _named(name: str) -> Callable:
    module, _, function = name.partition(":")
    return getattr(import_module(module), function)


OUTPUT_FORMATS: dict[str, OutputFormat] = {
    f.name: f
    for f in (
        OutputFormat("svg", "svg", "the flow diagram", "cjmap.render.outputs:svg", graphviz=True, default=True),
        OutputFormat(
            "html",
            "html",
            "the report, one file",
            "cjmap.render.outputs:html",
            graphviz=True,
            default=True,
            ready="cjmap.render.outputs:html_awaiting_diagram",
        ),
        OutputFormat("png", "png", "the flow diagram as an image", "cjmap.render.outputs:png", graphviz=True),
        OutputFormat("pdf", "pdf", "the flow diagram as a PDF", "cjmap.render.outputs:pdf", graphviz=True),
        OutputFormat("dot", "dot", "the finished layout; `neato -n2 -Tsvg` draws it", "cjmap.render.outputs:dot"),
        OutputFormat("mermaid", "mmd", "a Mermaid `journey`, which GitHub draws", "cjmap.render.mermaid:output"),
        OutputFormat("markdown", "md", "facts, Mermaid block and grid as a table", "cjmap.render.outputs:markdown"),
    )
}


def outputs_markdown() -> str:
    """The README's table of output formats, generated so it cannot drift from `OUTPUT_FORMATS`."""
    rows = ["| `--format` | file | Graphviz | what |", "|---|---|---|---|"]
    for f in OUTPUT_FORMATS.values():
        name = f"`{f.name}` (default)" if f.default else f"`{f.name}`"
        rows.append(f"| {name} | `car.{f.suffix}` | {'yes' if f.graphviz else 'no'} | {f.summary} |")
    return "\n".join(rows) + "\n"


# the built-in formats made from functions of other modules, imported only when that format is rendered


def svg(rendering: Rendering) -> str:
    return rendering.svg


def png(rendering: Rendering) -> bytes:
    return rendering.layout("png")


def pdf(rendering: Rendering) -> bytes:
    """Graphviz's PDF, dated by the day it is judged on rather than the second it was drawn (Cairo writes the
    clock into `/CreationDate`), so that a PDF is the same bytes for the same map on the same day, as every
    other output is. The new date is no longer than the old one (spaces make up the rest, between tokens),
    so the byte offsets in the PDF's cross-reference table stay right."""
    import re

    drawn = rendering.layout("pdf")
    found = re.search(rb"/CreationDate \(D:[^)]*\)", drawn)
    day = rendering.today or date.today()
    dated = f"/CreationDate (D:{day:%Y%m%d}000000Z)".encode()
    if found is None or len(dated) > len(found[0]):
        return drawn
    return drawn[: found.start()] + dated.ljust(len(found[0])) + drawn[found.end() :]


def dot(rendering: Rendering) -> str:
    return rendering.dot_source


def html(rendering: Rendering) -> str:
    from cjmap.render.html import journey_to_html, with_diagram

    r = rendering
    early = r.early.pop("html", None)
    if early is not None:
        done = with_diagram(early, r.report_svg, r.journey)
        if done is not None:
            return done
    return journey_to_html(r.journey, r.report_svg, r.diagnostics, r.generator, r.theme, r.today)


def html_awaiting_diagram(rendering: Rendering) -> None:
    """The report but for its diagram, rendered while Graphviz draws (a 1,000-touchpoint report takes ~0.1 s)."""
    from cjmap.render.html import report_awaiting_diagram

    r = rendering
    try:
        r.early["html"] = report_awaiting_diagram(r.journey, r.diagnostics, r.generator, r.theme, r.today)
    except Exception:  # told where it belongs, when the report is built for writing
        return


def markdown(rendering: Rendering) -> str:
    from cjmap.render.markdown import to_markdown

    return to_markdown(rendering.journey, rendering.diagnostics)

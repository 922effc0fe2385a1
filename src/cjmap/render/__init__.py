"""Outputs of a resolved journey: DOT text, SVG through Graphviz, the HTML report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from cjmap.diagnostics import Diagnostic
from cjmap.resolve import Journey

FORMATS = ("svg", "html", "png", "pdf", "dot", "mermaid", "markdown")
GRAPHVIZ_FORMATS = ("svg", "html", "png", "pdf")  # the ones that need `dot`
EXTENSIONS = {"mermaid": "mmd", "markdown": "md"}  # the file name ending when it is not the format name
DOT_TIMEOUT = 60.0
DEFAULT_FORMATS = ("svg", "html")
INSTALL_GRAPHVIZ = (
    "Graphviz 'dot' was not found on PATH; install Graphviz "
    "(Debian/Ubuntu: apt-get install graphviz, macOS: brew install graphviz, Windows: winget install graphviz)"
)


class RenderError(Exception):
    """Rendering failed for a reason outside the map (Graphviz missing or failing)."""


def layout_svg(dot_source: str, timeout: float = DOT_TIMEOUT) -> str:
    """Run Graphviz `dot` on DOT text and return the SVG, or raise RenderError in one line."""
    return layout(dot_source, "svg", timeout).decode("utf-8")


def layout(dot_source: str, fmt: str, timeout: float = DOT_TIMEOUT) -> bytes:
    """Run Graphviz `dot -T<fmt>` on DOT text, or raise RenderError in one line."""
    import subprocess

    import graphviz
    from graphviz.backend import dot_command, execute

    command = dot_command.command("dot", fmt)
    try:
        # run_check passes `timeout` on to subprocess.run, which kills dot when it expires
        done = execute.run_check(command, input=dot_source.encode("utf-8"), capture_output=True, quiet=True, timeout=timeout)
    except graphviz.ExecutableNotFound:
        raise RenderError(INSTALL_GRAPHVIZ) from None
    except subprocess.TimeoutExpired:
        raise RenderError(f"Graphviz dot took longer than {timeout:g} s and was stopped (raise it with --timeout)") from None
    except graphviz.CalledProcessError as e:
        stderr = (e.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"Graphviz dot failed: {stderr[0] if stderr else f'exit code {e.returncode}'}") from None
    return done.stdout


def described_svg(svg: str, journey: Journey) -> str:
    """Graphviz SVG with a `<title>` and `<desc>` first in the root, for screen readers and file previews."""
    import re

    from cjmap.render.dot import xml_text

    stages = ", ".join(f"{i}. {s.name}" for i, s in enumerate(journey.stages, 1))
    count = len(journey.touchpoints)
    desc = f"Flow diagram: {count} touchpoint{'s' if count != 1 else ''} in {len(journey.stages)} stages ({stages}), cards coloured and scored by emotion from −2 to +2."
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
    stale_days: int = 365,
) -> dict[str, bytes]:
    """Every requested output as bytes, built in memory so nothing is written half-done."""
    from cjmap.render.dot import journey_to_dot

    dot_source = journey_to_dot(journey)
    outputs: dict[str, bytes] = {}
    svg = described_svg(layout_svg(dot_source, timeout), journey) if {"svg", "html"} & set(formats) else None
    for fmt in formats:
        if fmt == "dot":
            outputs[fmt] = dot_source.encode("utf-8")
        elif fmt == "svg":
            assert svg is not None
            outputs[fmt] = svg.encode("utf-8")
        elif fmt in ("png", "pdf"):
            outputs[fmt] = layout(dot_source, fmt, timeout)
        elif fmt == "markdown":
            from cjmap.render.markdown import to_markdown

            outputs[fmt] = to_markdown(journey, diagnostics).encode("utf-8")
        elif fmt == "mermaid":
            from cjmap.mermaid import to_mermaid

            outputs[fmt] = to_mermaid(journey).encode("utf-8")
        elif fmt == "html":
            from cjmap.render.html import journey_to_html

            outputs[fmt] = journey_to_html(journey, svg, diagnostics, generator, theme, today, stale_days).encode("utf-8")
        else:
            raise ValueError(f"unknown format {fmt!r}")
    return outputs

"""Outputs of a resolved journey: DOT text, SVG through Graphviz, the HTML report."""

from __future__ import annotations

from collections.abc import Sequence

from cjmap.diagnostics import Diagnostic
from cjmap.resolve import Journey

FORMATS = ("svg", "html", "dot", "mermaid")
EXTENSIONS = {"mermaid": "mmd"}  # the file name ending when it is not the format name
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
    import subprocess

    import graphviz
    from graphviz.backend import dot_command, execute

    command = dot_command.command("dot", "svg")
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
    return done.stdout.decode("utf-8")


def render_journey(
    journey: Journey,
    formats: Sequence[str],
    diagnostics: Sequence[Diagnostic],
    generator: str,
    timeout: float = DOT_TIMEOUT,
) -> dict[str, bytes]:
    """Every requested output as bytes, built in memory so nothing is written half-done."""
    from cjmap.render.dot import journey_to_dot

    dot_source = journey_to_dot(journey)
    outputs: dict[str, bytes] = {}
    svg = layout_svg(dot_source, timeout) if {"svg", "html"} & set(formats) else None
    for fmt in formats:
        if fmt == "dot":
            outputs[fmt] = dot_source.encode("utf-8")
        elif fmt == "svg":
            assert svg is not None
            outputs[fmt] = svg.encode("utf-8")
        elif fmt == "mermaid":
            from cjmap.mermaid import to_mermaid

            outputs[fmt] = to_mermaid(journey).encode("utf-8")
        elif fmt == "html":
            from cjmap.render.html import journey_to_html

            outputs[fmt] = journey_to_html(journey, svg, diagnostics, generator).encode("utf-8")
        else:
            raise ValueError(f"unknown format {fmt!r}")
    return outputs

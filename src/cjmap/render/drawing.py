"""Several diagrams drawn by one Graphviz process, in the background while Python goes on.

Each Graphviz process pays about 15 ms before it draws anything (starting, loading its plugins and
fonts): for a map of 30 touchpoints that is half of Graphviz's time. Graphviz draws every graph of its
input in turn, so the maps of a batch share one process; and the process runs on another core while
this one imports and prepares the report. The SVGs are the bytes separate runs write: the only
difference Graphviz makes, an id of later graphs (`page0,1_graph0` for `graph0`), is put back.

A shared run that fails, for any reason, is not an error of any one map: each map is then drawn
alone, so every error names its map and the others still render.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cjmap.render import Layout

_PROLOG = b"<?xml "  # each graph's SVG starts with it
_LATER_PAGE = re.compile(rb'<g id="page\d+,\d+_graph0" class="graph"')


class Drawing:
    """DOT sources being drawn as SVG by one Graphviz process; `svgs()` waits for them.

    The process is started here, in the calling thread; a thread only feeds it and reads what it draws
    (waiting, not computing), and `stop()` ends it when the caller is stopped meanwhile."""

    def __init__(self, sources: Sequence[str], timeout: float, *, engine: str, args: Sequence[str]) -> None:
        from cjmap import render

        self.sources = list(sources)
        self._out: bytes | None = None
        self._error: Exception | None = None
        self._layout: render.Layout | None = None
        self._thread: threading.Thread | None = None
        if not self.sources:
            return
        try:
            self._layout = render.start_layout("svg", timeout, engine=engine, args=args)
        except Exception as e:  # told by svgs()
            self._error = e
            return
        self._thread = threading.Thread(target=self._draw, args=(self._layout,), daemon=True)
        self._thread.start()

    def _draw(self, layout: Layout) -> None:
        try:
            self._out = layout.output("".join(self.sources))
        except Exception as e:  # told by svgs()
            self._error = e

    def stop(self) -> None:
        """End Graphviz if it is still drawing (the caller was stopped: nothing will read it)."""
        if self._layout is not None:
            self._layout.process.kill()

    def svgs(self) -> dict[str, str | Exception]:
        """Each source's SVG text, as one Graphviz run of it alone writes; empty when a shared run failed
        (each map is then drawn alone, to tell its own error), the error when the only graph's run did
        (not run twice: a map that takes too long would take twice the time to be stopped)."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            return {self.sources[0]: self._error} if len(set(self.sources)) == 1 else {}
        return dict(split_documents(self._out, self.sources))


def split_documents(out: bytes | None, sources: Sequence[str]) -> dict[str, str]:
    """Graphviz's output for several graphs cut into one SVG per source, or {} when it is not one per graph.

    Found with bytes.find, not a regex over the text: the SVG of 1,000 touchpoints is 2 MB."""
    if not out:
        return {}
    starts = []
    at = out.find(_PROLOG)
    while at != -1:
        starts.append(at)
        at = out.find(_PROLOG, at + 1)
    if len(starts) != len(sources) or starts[0] != 0:
        return {}
    drawn = {}
    for source, begin, end in zip(sources, starts, [*starts[1:], len(out)], strict=True):
        part = out[begin:end]
        later = _LATER_PAGE.match(part, max(0, part.find(b'<g id="page')))
        if later:
            part = part[: later.start()] + b'<g id="graph0" class="graph"' + part[later.end() :]
        try:
            drawn[source] = part.decode("utf-8")
        except UnicodeDecodeError:
            return {}
    return drawn

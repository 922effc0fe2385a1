"""Mermaid `journey` diagrams out: sections are stages, tasks touchpoints, score = emotion + 3, actors personas,
so GitHub shows a map natively. `cjmap.importers.mermaid` reads them back in."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cjmap.diagnostics import escape_controls

if TYPE_CHECKING:
    from cjmap.render.outputs import Rendering
    from cjmap.resolve import Journey, Touchpoint

SCORE_OFFSET = 3  # Mermaid scores 1..5 <-> cjmap emotion -2..+2
NO_SCORE = 3  # Mermaid draws a task without a usable score as neutral


def _clean(text: str) -> str:
    """Text Mermaid's journey grammar can hold: no ':', '#', ';' or line breaks (they end a field), and no
    terminal escape or bidi override a reader of the .mmd or the Markdown would be fooled by (shown as \\u202e)."""
    text = escape_controls(re.sub(r"[\r\n]+", " ", text))
    # %% starts a comment
    text = (
        re.sub(r" ?: ?", " \u2013 ", " ".join(text.split())).replace("#", "no. ").replace(";", ",").replace("%%", "%")
    )
    return " ".join(text.split()) or "-"


# Mermaid's journey lexer (case-insensitive, first rule wins) reads these at the start of a task as
# something else: `%` as a comment, `journey` as the diagram's keyword, `title ` and `section ` as those
# lines, `accTitle:`/`accDescr` as metadata. A zero-width space in front keeps the task a task and
# draws nothing; `import mermaid` drops it again.
_KEYWORD_START = re.compile(r"(?i)^(?:%|journey\b|title\s|section\s|acc(?:title|descr)\b)")
GUARD = "\u200b"


def _task_name(text: str) -> str:
    name = _clean(text)
    return GUARD + name if _KEYWORD_START.match(name) else name


def to_mermaid(journey: Journey) -> str:
    """A Mermaid `journey` block for a map; tasks with no emotion score 3 (neutral), as Mermaid would."""
    names = {p.id: _clean(p.name).replace(",", " \u2013") for p in journey.personas}  # ',' separates actors
    lines = ["journey", f"  title {_clean(journey.title)}"]
    if journey.summary:
        lines.append(f"  accDescr: {_clean(journey.summary)}")
    for stage in journey.stages:
        lines.append(f"  section {_clean(stage.name)}")
        for tp in stage.touchpoints:
            actors = [p for p in (tp.personas if tp.personas is not None else names) if p in names]
            for emotion, who in _tasks(tp, actors):
                score = NO_SCORE if emotion is None else emotion + SCORE_OFFSET
                lines.append(
                    f"    {_task_name(tp.name)}: {score}" + (f": {', '.join(names[p] for p in who)}" if who else "")
                )
    return "\n".join(lines) + "\n"


def _tasks(tp: Touchpoint, actors: list[str]) -> list[tuple[int | None, list[str]]]:
    """(score, actors) of the Mermaid tasks one touchpoint becomes.

    A Mermaid task has one score. With a score per persona, personas who feel
    the same share a task and each other score gets a task of its own, so every
    persona's line in Mermaid's chart keeps its own score.
    """
    if not tp.emotions:
        return [(tp.emotion, actors)]
    groups: dict[int | None, list[str]] = {}
    for persona in actors:
        groups.setdefault(tp.emotion_for(persona), []).append(persona)
    return list(groups.items()) or [(tp.emotion, actors)]


def output(rendering: Rendering) -> str:
    """`cjmap render --format mermaid`."""
    return to_mermaid(rendering.journey)

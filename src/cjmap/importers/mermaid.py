"""Mermaid `journey` diagrams in: read the way Mermaid's own grammar reads them (a task is
`name: score: actor, actor`; `%%` starts a comment; `accTitle`/`accDescr` are metadata), turned into
the data of a cjmap map. Anything that cannot be carried over becomes a warning with its line, never a
silent loss. `cjmap.render.mermaid` writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from cjmap.importers import Imported, ImportFailure, ImportWarning, map_yaml, title_from_file
from cjmap.render.mermaid import GUARD, NO_SCORE, SCORE_OFFSET
from cjmap.source.limits import MAX_TOUCHPOINTS
from cjmap.vocabulary.ids import unique_ids


@dataclass
class _Task:
    name: str
    score: int
    actors: list[str]
    line: int


@dataclass
class _Section:
    name: str
    tasks: list[_Task] = field(default_factory=list)


@dataclass
class MermaidJourney:
    title: str | None = None
    description: str | None = None
    sections: list[_Section] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)


MAX_TASKS = MAX_TOUCHPOINTS  # import nothing lint would refuse
_DIRECTIVE = re.compile(r"^%%\{.*\}%%$")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def parse_journey(text: str) -> MermaidJourney:
    """Read a Mermaid journey diagram (a bare diagram, or the first ```mermaid journey block of a Markdown file)."""
    text = _from_markdown(text)
    result = MermaidJourney()
    started = False
    tasks = 0
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        raw = lines[index]
        index += 1
        number = index
        line = raw.strip()
        if not line or line.startswith("%%"):
            if _DIRECTIVE.match(line):
                result.warnings.append(ImportWarning(number, 1, "Mermaid directive (theme or config) not carried over"))
            continue
        column = len(raw) - len(raw.lstrip()) + 1
        line = re.sub(r"\s%%.*$", "", line).strip()  # a comment after content
        if not started:
            if line.split()[0] == "journey":
                started = True
                continue
            raise ImportFailure(
                number, column, f"not a Mermaid journey diagram (it starts with {line.split()[0]!r}, not 'journey')"
            )
        keyword, _, rest = line.partition(" ")
        if keyword == "title":
            result.title = rest.strip() or None
        elif line.startswith("accTitle"):
            value = line.partition(":")[2].strip()
            result.title = result.title or value or None
        elif line.startswith("accDescr"):
            after = line[len("accDescr") :].strip()
            if after.startswith("{"):
                body = [after[1:]]
                while "}" not in body[-1] and index < len(lines):
                    body.append(lines[index])
                    index += 1
                result.description = " ".join(" ".join(body).split("}")[0].split()) or None
            else:
                result.description = after.lstrip(":").strip() or None
        elif keyword == "section":
            result.sections.append(_Section(rest.strip() or f"Section {len(result.sections) + 1}"))
        else:
            _task(line, number, column, result)
            tasks += 1
            if tasks > MAX_TASKS:
                raise ImportFailure(
                    number,
                    column,
                    f"more than {MAX_TASKS:,} tasks; a map holds at most {MAX_TASKS:,} touchpoints,"
                    " so split the diagram",
                )
    if not started:
        raise ImportFailure(1, 1, "no Mermaid journey diagram found")
    return result


def _from_markdown(text: str) -> str:
    """The first fenced mermaid block that holds a journey, when given Markdown; the text itself otherwise."""
    blocks = re.findall(
        r"^[ \t]*(?:```|~~~)[ \t]*\{?\.?mermaid[^\n]*\n(.*?)^[ \t]*(?:```|~~~)", text, re.MULTILINE | re.DOTALL
    )
    for block in blocks:
        if re.search(r"^[ \t]*journey\b", block, re.MULTILINE):
            offset = text.index(block)
            return "\n" * text[:offset].count("\n") + block  # keep line numbers of the original file
    return text


def _task(line: str, number: int, column: int, result: MermaidJourney) -> None:
    if not result.sections:
        result.sections.append(_Section("Journey"))
        result.warnings.append(ImportWarning(number, column, "task before any section; put in a stage named 'Journey'"))
    parts = line.split(":")
    fields = [f.strip() for f in parts[1:]]
    cut = _score_field(fields)  # where the score is; Mermaid itself always takes the first field
    if cut:
        result.warnings.append(
            ImportWarning(
                number,
                column,
                f"task name contains ':'; Mermaid reads it as {parts[0].strip()!r}, cjmap keeps the whole name",
            )
        )
    name = ":".join(parts[: cut + 1])
    pieces = fields[cut:]
    name = " ".join(name.strip().strip('"').split()).removeprefix(GUARD)
    if not name:
        result.warnings.append(ImportWarning(number, column, "task without a name skipped"))
        return
    score = NO_SCORE
    if not pieces or not _NUMBER.match(pieces[0]):
        result.warnings.append(ImportWarning(number, column, f"task {name!r} has no score; imported as neutral (3)"))
    else:
        value = float(pieces[0])
        score = min(5, max(1, round(value)))
        if score != value:
            result.warnings.append(
                ImportWarning(
                    number, column, f"task {name!r} scores {pieces[0]}, outside Mermaid's 1-5; imported as {score}"
                )
            )
    actors = [a.strip() for a in (pieces[1] if len(pieces) > 1 else "").split(",") if a.strip()]
    if len(pieces) > 2:
        result.warnings.append(
            ImportWarning(number, column, f"text after the actors of task {name!r} dropped: {':'.join(pieces[2:])!r}")
        )
    result.sections[-1].tasks.append(_Task(name, score, actors, number))


def partial_actors(journey: MermaidJourney) -> list[ImportWarning]:
    """Actors missing from some sections: often staff, systems or devices rather than customers,
    and each would make `cjmap lint` report CJM102 persona-missing-from-stage until it is moved to teams."""
    sections = [s for s in journey.sections if s.tasks]
    out: list[ImportWarning] = []
    first_line: dict[str, int] = {}
    for s in sections:
        for t in s.tasks:
            for a in t.actors:
                first_line.setdefault(a, t.line)
    if len(sections) < 2:
        return out
    for actor, line in first_line.items():
        present = sum(any(actor in t.actors for t in s.tasks) for s in sections)
        if present < len(sections):
            out.append(
                ImportWarning(
                    line,
                    1,
                    f"actor {actor!r} takes part in {present} of {len(sections)} sections; if it is staff,"
                    " a system or a device rather than a customer, move it to teams",
                )
            )
    return out


def _score_field(fields: list[str]) -> int:
    """Index of the score among the fields after the name: 0 as Mermaid reads it, later when the
    name itself holds a ':' ("Auswertung: Trends: 4: Web-App", "Push um 08:00: 5")."""
    if not fields or (_NUMBER.match(fields[0]) and len(fields) <= 2):
        return 0
    if len(fields) >= 2 and _NUMBER.match(fields[-2]):
        return len(fields) - 2
    if len(fields) >= 2 and _NUMBER.match(fields[-1]):
        return len(fields) - 1
    return 0


def to_map_data(journey: MermaidJourney, fallback_title: str) -> dict:
    """The data of a cjmap map (ready for YAML) holding every section, task, score and actor."""
    actors = list(dict.fromkeys(a for s in journey.sections for t in s.tasks for a in t.actors))
    actor_ids = dict(zip(actors, unique_ids(actors, "persona"), strict=True))
    tasks = [t for s in journey.sections for t in s.tasks]
    task_ids = iter(unique_ids([t.name for t in tasks], "task"))
    stage_ids = iter(unique_ids([s.name for s in journey.sections], "stage"))
    data: dict = {"cjmap": 1, "title": journey.title or fallback_title}
    if journey.description:
        data["summary"] = journey.description
    ids = [next(task_ids) for _ in tasks]
    if actors:
        data["personas"] = [{"id": actor_ids[a], "name": a, **_start(a, tasks, ids)} for a in actors]
    stages = []
    task_ids = iter(ids)
    for section in journey.sections:
        touchpoints = []
        for task in section.tasks:
            touchpoint = {"id": next(task_ids), "name": task.name, "emotion": task.score - SCORE_OFFSET}
            if set(task.actors) != set(actors):  # absent means every persona; [] means none
                touchpoint["personas"] = [actor_ids[a] for a in dict.fromkeys(task.actors)]
            touchpoints.append(touchpoint)
        stages.append({"id": next(stage_ids), "name": section.name, "touchpoints": touchpoints})
    data["stages"] = stages
    return data


def _start(actor: str, tasks: list[_Task], ids: list[str]) -> dict[str, str]:
    """`starts:` for an actor who enters later than the diagram's first task, at its own first task.

    Mermaid draws one line per actor from its first task; saying so in the map
    keeps that persona's path and curve starting where the diagram starts it.
    """
    first = next((i for i, t in enumerate(tasks) if actor in t.actors), None)
    return {} if first is None or first == 0 else {"starts": ids[first]}


def convert(text: str, file: Path) -> Imported:
    """`cjmap import mermaid`: the map's YAML, headed by what to review, and every warning in line order."""
    from cjmap import __version__

    journey = parse_journey(text)
    warnings = sorted(journey.warnings + partial_actors(journey), key=lambda w: (w.line, w.column))
    body = map_yaml(to_map_data(journey, title_from_file(file)))
    header = (
        f"# Imported from {file.name} by cjmap {__version__}. Mermaid's actors became personas: move staff,\n"
        "# systems and devices to teams (as owners), then add channels, pain points and sources.\n"
    )
    return Imported(header + body, tuple(warnings))

"""Mermaid `journey` diagrams in and out.

Out: a journey as Mermaid text (sections = stages, tasks = touchpoints, score =
emotion + 3, actors = personas), so GitHub shows a map natively.
In: Mermaid text read the way Mermaid's own grammar reads it (a task is
`name: score: actor, actor`; `%%` starts a comment; `accTitle`/`accDescr`
are metadata), turned into the data of a cjmap map. Anything that cannot be
carried over becomes a warning with its line, never a silent loss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cjmap.resolve import Journey, Touchpoint, slugify

SCORE_OFFSET = 3  # Mermaid scores 1..5 <-> cjmap emotion -2..+2
NO_SCORE = 3  # Mermaid draws a task without a usable score as neutral


# ---------------------------------------------------------------- out


def _clean(text: str) -> str:
    """Text Mermaid's journey grammar can hold: no ':', '#', ';' or line breaks (they end a field)."""
    text = re.sub(r"[\r\n]+", " ", text)
    text = re.sub(r" ?: ?", " \u2013 ", " ".join(text.split())).replace("#", "no. ").replace(";", ",").replace("%%", "%")  # %% starts a comment
    return " ".join(text.split()) or "-"


# Mermaid's journey lexer (case-insensitive, first rule wins) reads these at the start of a task as
# something else: `%` as a comment, `journey` as the diagram's keyword, `title ` and `section ` as those
# lines, `accTitle:`/`accDescr` as metadata. A zero-width space in front keeps the task a task and
# draws nothing; `import mermaid` drops it again.
_KEYWORD_START = re.compile(r"(?i)^(?:%|journey\b|title\s|section\s|acc(?:title|descr)\b)")
_GUARD = "\u200b"


def _task_name(text: str) -> str:
    name = _clean(text)
    return _GUARD + name if _KEYWORD_START.match(name) else name


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
                lines.append(f"    {_task_name(tp.name)}: {score}" + (f": {', '.join(names[p] for p in who)}" if who else ""))
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


# ---------------------------------------------------------------- in


@dataclass
class ImportWarning:
    line: int
    column: int
    message: str


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


MAX_TASKS = 5_000  # the touchpoint limit of a map: import nothing lint would refuse
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
            raise ValueError(f"{number}:{column}: not a Mermaid journey diagram (it starts with {line.split()[0]!r}, not 'journey')")
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
                raise ValueError(f"{number}:{column}: more than {MAX_TASKS:,} tasks; a map holds at most {MAX_TASKS:,} touchpoints, so split the diagram")
    if not started:
        raise ValueError("1:1: no Mermaid journey diagram found")
    return result


def _from_markdown(text: str) -> str:
    """The first fenced mermaid block that holds a journey, when given Markdown; the text itself otherwise."""
    blocks = re.findall(r"^[ \t]*(?:```|~~~)[ \t]*\{?\.?mermaid[^\n]*\n(.*?)^[ \t]*(?:```|~~~)", text, re.MULTILINE | re.DOTALL)
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
            ImportWarning(number, column, f"task name contains ':'; Mermaid reads it as {parts[0].strip()!r}, cjmap keeps the whole name")
        )
    name = ":".join(parts[: cut + 1])
    pieces = fields[cut:]
    name = " ".join(name.strip().strip('"').split()).removeprefix(_GUARD)
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
            result.warnings.append(ImportWarning(number, column, f"task {name!r} scores {pieces[0]}, outside Mermaid's 1-5; imported as {score}"))
    actors = [a.strip() for a in (pieces[1] if len(pieces) > 1 else "").split(",") if a.strip()]
    if len(pieces) > 2:
        result.warnings.append(ImportWarning(number, column, f"text after the actors of task {name!r} dropped: {':'.join(pieces[2:])!r}"))
    result.sections[-1].tasks.append(_Task(name, score, actors, number))


def partial_actors(journey: MermaidJourney) -> list[ImportWarning]:
    """Actors missing from some sections: often staff, systems or devices rather than customers,
    and each would make `cjmap lint` report CJM102 persona-missing-from-stage until it is moved to teams."""
    sections = [s for s in journey.sections if s.tasks]
    out = []
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
            out.append(ImportWarning(line, 1, f"actor {actor!r} takes part in {present} of {len(sections)} sections; if it is staff, a system or a device rather than a customer, move it to teams"))
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


def _unique_ids(names: list[str], fallback: str) -> list[str]:
    """Slugs for names, numbered when two collide or a name has no letters a slug can keep (e.g. Chinese)."""
    ids, seen = [], set()
    next_number: dict[str, int] = {}  # per base, the number to try next: 20,000 equal names stay linear
    for i, name in enumerate(names, 1):
        base = slugify(name) or f"{fallback}-{i}"
        candidate, n = base, next_number.get(base, 2)
        while candidate in seen:
            candidate, n = f"{base}-{n}", n + 1
        next_number[base] = n
        seen.add(candidate)
        ids.append(candidate)
    return ids


def to_map_data(journey: MermaidJourney, fallback_title: str) -> dict:
    """The data of a cjmap map (ready for YAML) holding every section, task, score and actor."""
    actors = list(dict.fromkeys(a for s in journey.sections for t in s.tasks for a in t.actors))
    actor_ids = dict(zip(actors, _unique_ids(actors, "persona")))
    tasks = [t for s in journey.sections for t in s.tasks]
    task_ids = iter(_unique_ids([t.name for t in tasks], "task"))
    stage_ids = iter(_unique_ids([s.name for s in journey.sections], "stage"))
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

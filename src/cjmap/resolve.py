"""From validated files to one resolved Journey: ids, references, flow.

This is where the map stops being a document and becomes a journey: ids are
derived from names, every reference is checked against what the map and its
imports define (with "did you mean"), and the flow is spelled out as edges,
following the rule that a touchpoint without `next` leads to the one after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, cast

from cjmap.diagnostics import MAX_ERRORS, Diagnostic, Location, MapError, structural
from cjmap.metrics.measured import Metrics
from cjmap.source.loader import LoadedMap, PathKey, SourceFile
from cjmap.validate import MAX_PERSONAS, checked_map
from cjmap.vocabulary.ids import id_of, slugify  # noqa: F401  (slugify: importable from here)
from cjmap.vocabulary.personas import takes

if TYPE_CHECKING:  # the map's files are read as the model's classes, or plain stand-ins (cjmap.plain)
    from cjmap import model as m

MetricValue = int | float | str


@dataclass(frozen=True)
class Located:
    """Something with a place in a file, and the places of its own keys."""

    where: Location
    spots: Mapping[str, Location] = field(default_factory=dict, compare=False, repr=False, kw_only=True)

    def at(self, key: str) -> Location:
        """Where the value of `key` is written, or the entry itself when it is not."""
        return self.spots.get(key, self.where)


@dataclass(frozen=True)
class Entity:
    """A team or a channel: something a touchpoint names by id."""

    id: str
    name: str
    where: Location


@dataclass(frozen=True)
class Source(Located):
    id: str
    name: str
    collected: date | None
    url: str | None


@dataclass(frozen=True)
class Persona(Located):
    id: str
    name: str
    role: str | None
    goals: tuple[str, ...]
    frustrations: tuple[str, ...]
    quote: str | None
    sources: tuple[str, ...]
    starts: tuple[str, ...] = ()  # where this persona enters: given, or its first touchpoint in the file
    stages: tuple[str, ...] | None = None  # the stages it takes part in; None: every stage


@dataclass(frozen=True)
class Touchpoint(Located):
    id: str
    name: str
    stage: str
    channel: str | None
    owner: str | None
    personas: tuple[str, ...] | None  # None: every persona
    doing: str | None
    thinking: str | None
    feeling: str | None
    emotion: int | None  # one score; with scores per persona, their mean rounded away from zero
    pain_points: tuple[str, ...]
    opportunities: tuple[str, ...]
    metrics: tuple[tuple[str, MetricValue], ...]
    sources: tuple[str, ...]
    exits: bool  # the customer may leave the journey here
    exit_reason: str | None
    emotions: tuple[tuple[str, int], ...] = ()  # (persona id, score) when the map gives one per persona

    def taken_by(self, persona: str) -> bool:
        """Whether this persona passes through this touchpoint (no `personas` list: everyone does)."""
        return takes(self.personas, persona)

    def emotion_for(self, persona: str) -> int | None:
        """The score this persona gives here: its own when the map says, else the one score."""
        if self.emotions:
            return dict(self.emotions).get(persona)
        return self.emotion

    @property
    def scores(self) -> tuple[int, ...]:
        """Every score given here: one, or one per persona."""
        if self.emotions:
            return tuple(score for _, score in self.emotions)
        return () if self.emotion is None else (self.emotion,)


@dataclass(frozen=True)
class Stage(Located):
    id: str
    name: str
    goal: str | None
    touchpoints: tuple[Touchpoint, ...]


@dataclass(frozen=True)
class Edge:
    """One step of the flow; `implicit` when it comes from file order, not `next`."""

    source: str
    target: str
    condition: str | None
    implicit: bool
    where: Location


@dataclass(frozen=True)
class Journey(Located):
    """A whole map with everything resolved: what rules and renderers read."""

    file: str
    title: str
    summary: str | None
    scope: str | None
    state: str
    updated: date | None
    owner: str | None
    compares: str | None  # the current-state map a future map improves on, as written
    personas: tuple[Persona, ...]
    teams: tuple[Entity, ...]
    channels: tuple[Entity, ...]
    sources: tuple[Source, ...]
    stages: tuple[Stage, ...]
    edges: tuple[Edge, ...]
    end: str | None  # the touchpoint where the journey ends, if any (the last one, in sequence flow)
    flow: str = "sequence"
    # every touchpoint where a journey ends: `end`, or in explicit flow each one without `next`
    ends: tuple[str, ...] = ()
    texts: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)  # (file, text) of map and imports
    metrics: Metrics = field(default_factory=Metrics, repr=False)  # definitions, values, trends and shares

    @property
    def touchpoints(self) -> tuple[Touchpoint, ...]:
        return tuple(tp for stage in self.stages for tp in stage.touchpoints)

    @property
    def starts(self) -> tuple[str, ...]:
        """Where journeys begin: the first touchpoint, and every persona's start."""
        first = self.touchpoints[:1]
        found = dict.fromkeys([*(tp.id for tp in first), *(s for p in self.personas for s in p.starts)])
        return tuple(found)

    def path_of(self, persona: str) -> tuple[str, ...]:
        """The touchpoints this persona can reach from its start, through touchpoints it takes, in file order."""
        return self._paths.get(persona, ())

    @cached_property
    def _paths(self) -> dict[str, tuple[str, ...]]:
        """Every persona's path, worked out once: rules, the curve, the report and compare all ask."""
        touchpoints = self.touchpoints
        by_id = {tp.id: tp for tp in touchpoints}
        outgoing: dict[str, list[Edge]] = {}
        for edge in self.edges:
            outgoing.setdefault(edge.source, []).append(edge)
        paths = {}
        for found in self.personas:
            persona = found.id
            order = [tp.id for tp in touchpoints if tp.taken_by(persona)]
            following = dict(pairwise(order))  # file order as this persona lives it
            seen = {s for s in found.starts if s in by_id and by_id[s].taken_by(persona)}
            stack = list(seen)
            while stack:
                source = stack.pop()
                for edge in outgoing.get(source, ()):
                    target = edge.target
                    if edge.implicit and target in by_id and not by_id[target].taken_by(persona):
                        target = following.get(source, "")  # "the next touchpoint in the file" skips others' cards
                    if target not in seen and target in by_id and by_id[target].taken_by(persona):
                        seen.add(target)
                        stack.append(target)
            paths[persona] = tuple(tp.id for tp in touchpoints if tp.id in seen)
        return paths

    def team(self, id: str | None) -> Entity | None:
        return self._teams_by_id.get(id) if id is not None else None

    def channel(self, id: str | None) -> Entity | None:
        return self._channels_by_id.get(id) if id is not None else None

    @cached_property
    def _teams_by_id(
        self,
    ) -> dict[str, Entity]:  # looked up once per touchpoint: 70,000 channels made a scan each time cost minutes
        return {t.id: t for t in self.teams}

    @cached_property
    def _channels_by_id(self) -> dict[str, Entity]:
        return {c.id: c for c in self.channels}


def resolve(loaded: LoadedMap, data: Sequence[Path] = ()) -> Journey:
    """Validate every file of a loaded map and resolve it, with its metrics and `data` files besides
    its own; raise MapError listing every problem."""
    from cjmap.metrics import mentions_metrics

    resolver = _Resolver(loaded)
    journey = resolver.journey()
    if not data and not mentions_metrics(resolver.files):
        return journey  # most maps: the metrics code (CSV, workbooks) is not even imported
    from cjmap.metrics.collect import attach_metrics

    return attach_metrics(journey, resolver.files, loaded, data)


# id, display name, position, and (file, model entry, path) for follow-up checks
_Defined = tuple[str, str, Location, tuple[SourceFile, "m.Identified", PathKey]]


class _Resolver:
    def __init__(self, loaded: LoadedMap) -> None:
        self.loaded = loaded
        self.errors: list[Diagnostic] = []

    def _error(self, code: str, where: Location, message: str) -> None:
        self.errors.append(structural(code, where, message))
        if len(self.errors) > MAX_ERRORS:  # a hostile map must not make did-you-mean run for minutes
            raise MapError(self.errors)

    def journey(self) -> Journey:
        files = self.files = self._validate(self.loaded.files)
        if self.errors:
            raise MapError(self.errors)
        root_source, root = files[0]
        for source, data in files[1:]:
            if data.stages:
                self._error(
                    "CJM005",
                    source.locate(("stages",), key=True),
                    "an imported file may define personas, teams, channels and sources, not stages",
                )
        if root.stages and root.title is None:
            self._error("CJM002", root_source.locate(()), "a map with stages needs a 'title'")

        kinds = ("teams", "channels", "sources", "personas")
        # imports first: a map redefining what it imports is where the duplicate is reported
        defined = {kind: self._define(kind, [*files[1:], files[0]]) for kind in kinds}
        teams = tuple(Entity(i, n, w) for i, n, w, _ in defined["teams"])
        channels = tuple(Entity(i, n, w) for i, n, w, _ in defined["channels"])
        sources = tuple(
            Source(id=i, name=n, collected=item.collected, url=item.url, where=w, spots=src.spots(path))
            for i, n, w, (src, entry, path) in defined["sources"]
            for item in (cast("m.Source", entry),)  # every entry under `sources:` is one
        )
        if len(defined["personas"]) > MAX_PERSONAS:  # each file may be under the limit; together they are judged too
            where = defined["personas"][MAX_PERSONAS][2]
            self._error(
                "CJM002",
                where,
                f"{len(defined['personas']):,} personas with the imports, more than the {MAX_PERSONAS} cjmap handles",
            )
            raise MapError(self.errors)
        known = {kind: {i: n for i, n, _, _ in defined[kind]} for kind in kinds}
        stages = self._stages(root_source, root, known)
        edges, ends = self._flow(root_source, root, stages)
        personas = tuple(
            self._persona(i, n, w, src, item, path, known, stages) for i, n, w, (src, item, path) in defined["personas"]
        )
        if self.errors:  # the metrics' own errors too: one run shows them all, not in waves
            from cjmap.metrics.collect import metric_errors

            raise MapError([*self.errors, *metric_errors(files, known["teams"], known["sources"])])
        return Journey(
            file=root_source.display,
            where=root_source.locate(()),
            spots=root_source.spots(()),
            title=root.title or "",
            summary=root.summary,
            scope=root.scope,
            state=root.state,
            updated=root.updated,
            owner=root.owner,
            compares=root.compares,
            personas=personas,
            teams=teams,
            channels=channels,
            sources=sources,
            stages=stages,
            edges=edges,
            end=ends[-1] if root.flow == "sequence" and ends else None,
            flow=root.flow,
            ends=ends,
            texts=tuple((f.display, f.text) for f in self.loaded.files),  # for rules about how text is written
        )

    def _validate(self, sources: Iterable[SourceFile]) -> list[tuple[SourceFile, m.MapFile]]:
        result = []
        for source in sources:
            try:
                result.append((source, checked_map(source)))
            except MapError as e:
                self.errors.extend(e.diagnostics)
        return result

    def _identity(self, source: SourceFile, item: m.Identified, path: PathKey) -> tuple[str, str, Location]:
        """The id (given or derived), display name and position of an entry."""
        where = source.locate(path)
        if item.id is not None:
            return item.id, item.name or item.id, where
        name = item.name or ""
        derived = id_of(item)
        if not derived:
            self._error(
                "CJM002", source.locate((*path, "name")), f"cannot derive an id from name '{name}'; add an 'id'"
            )
        return derived, name, where

    def _define(self, kind: str, files: Sequence[tuple[SourceFile, m.MapFile]]) -> list[_Defined]:
        """Every entry of one kind across the map and its imports, duplicates reported."""
        seen: dict[str, Location] = {}
        result: list[_Defined] = []
        for source, data in files:
            for index, item in enumerate(getattr(data, kind)):
                path = (kind, index)
                id, name, where = self._identity(source, item, path)
                if not id:
                    continue
                if id in seen:
                    at = source.locate((*path, "id")) if item.id else where
                    first = seen[id]
                    self._error(
                        "CJM004",
                        at,
                        f"duplicate {_SINGULAR[kind]} id '{id}' "
                        f"(first defined at {first.file}:{first.line}:{first.column})",
                    )
                    continue
                seen[id] = where
                result.append((id, name, where, (source, item, path)))
        return result

    def _check_ref(self, kind: str, value: str, known: dict[str, str], where: Location) -> None:
        if value in known:
            return
        noun = _SINGULAR[kind]
        hint = _suggest(value, known)
        if hint:
            message = f"unknown {noun} '{value}' (did you mean '{hint}'?)"
        elif not known:
            message = f"unknown {noun} '{value}' (no {kind} are defined; add it under '{kind}:')"
        else:  # nothing close: say what there is, so the author can pick (a typo in a persona's name is common)
            shown = ", ".join(f"'{k}'" for k in list(known)[:_LISTED])
            more = f" and {len(known) - _LISTED:,} more" if len(known) > _LISTED else ""
            message = f"unknown {noun} '{value}' (defined: {shown}{more})"
        self._error("CJM003", where, message)

    def _check_refs(
        self, kind: str, values: Iterable[str], known: dict[str, str], source: SourceFile, path: PathKey
    ) -> None:
        for index, value in enumerate(values):
            self._check_ref(kind, value, known, source.locate((*path, index)))

    def _persona(
        self,
        id: str,
        name: str,
        where: Location,
        source: SourceFile,
        entry: m.Identified,
        path: PathKey,
        known: dict[str, dict[str, str]],
        stages: tuple[Stage, ...],
    ) -> Persona:
        item = cast("m.Persona", entry)  # every entry under `personas:` is one
        self._check_refs("sources", item.sources, known["sources"], source, (*path, "sources"))
        touchpoints = {tp.id: tp for stage in stages for tp in stage.touchpoints}
        if item.stages is not None:
            self._check_refs("stages", item.stages, {s.id: s.name for s in stages}, source, (*path, "stages"))
        given = (item.starts,) if isinstance(item.starts, str) else item.starts
        if given is None:
            first = next((tp.id for tp in touchpoints.values() if tp.taken_by(id)), None)
            starts: tuple[str, ...] = () if first is None else (first,)
        else:
            starts = given
            at = (*path, "starts") if isinstance(item.starts, str) else None
            for index, start in enumerate(given):
                spot = source.locate(at or (*path, "starts", index))
                if start not in touchpoints:
                    self._check_ref("touchpoints", start, {t: tp.name for t, tp in touchpoints.items()}, spot)
                elif not touchpoints[start].taken_by(id):
                    self._error(
                        "CJM003",
                        spot,
                        f"persona '{id}' starts at '{start}', which lists only "
                        f"{_listed(touchpoints[start].personas)}; add '{id}' to its personas",
                    )
        return Persona(
            id=id,
            name=name,
            role=item.role,
            goals=item.goals,
            frustrations=item.frustrations,
            quote=item.quote,
            sources=item.sources,
            where=where,
            spots=source.spots(path),
            starts=starts,
            stages=item.stages,
        )

    def _stages(self, source: SourceFile, root: m.MapFile, known: dict[str, dict[str, str]]) -> tuple[Stage, ...]:
        stage_ids: dict[str, Location] = {}
        touchpoint_ids: dict[str, Location] = {}
        stages = []
        for s_index, stage in enumerate(root.stages):
            s_path: PathKey = ("stages", s_index)
            s_id, s_name, s_where = self._identity(source, stage, s_path)
            self._unique("stage", s_id, stage.id is not None, stage_ids, source, s_path, s_where)
            touchpoints = []
            for t_index, tp in enumerate(stage.touchpoints):
                t_path: PathKey = (*s_path, "touchpoints", t_index)
                t_id, t_name, t_where = self._identity(source, tp, t_path)
                self._unique("touchpoint", t_id, tp.id is not None, touchpoint_ids, source, t_path, t_where)
                self._touchpoint_refs(tp, source, t_path, known)
                emotions = self._emotions(tp, source, t_path, known)
                touchpoints.append(
                    Touchpoint(
                        id=t_id,
                        name=t_name,
                        stage=s_id,
                        channel=tp.channel,
                        owner=tp.owner,
                        personas=tp.personas,
                        doing=tp.doing,
                        thinking=tp.thinking,
                        feeling=tp.feeling,
                        emotion=_mean(emotions) if isinstance(tp.emotion, dict) else tp.emotion,
                        emotions=emotions,
                        pain_points=tp.pain_points,
                        opportunities=tp.opportunities,
                        metrics=tuple(tp.metrics.items()),
                        sources=tp.sources,
                        exits=tp.next == () or tp.exit is not None,
                        exit_reason=tp.exit,
                        where=t_where,
                        spots=source.spots(t_path),
                    )
                )
            stages.append(
                Stage(
                    id=s_id,
                    name=s_name,
                    goal=stage.goal,
                    touchpoints=tuple(touchpoints),
                    where=s_where,
                    spots=source.spots(s_path),
                )
            )
        return tuple(stages)

    def _emotions(
        self, tp: m.Touchpoint, source: SourceFile, path: PathKey, known: dict[str, dict[str, str]]
    ) -> tuple[tuple[str, int], ...]:
        """Scores per persona, each naming a persona that takes this touchpoint."""
        if not isinstance(tp.emotion, dict):
            return ()
        for persona in tp.emotion:
            where = source.locate((*path, "emotion", persona), key=True)
            if persona not in known["personas"]:
                self._check_ref("personas", persona, known["personas"], where)
            elif tp.personas is not None and persona not in tp.personas:
                self._error(
                    "CJM003",
                    where,
                    f"emotion for persona '{persona}', who does not take this touchpoint "
                    f"(it lists only {_listed(tp.personas)})",
                )
        return tuple(tp.emotion.items())

    def _unique(
        self,
        noun: str,
        id: str,
        explicit: bool,
        seen: dict[str, Location],
        source: SourceFile,
        path: PathKey,
        where: Location,
    ) -> None:
        if not id:
            return
        if id in seen:
            first = seen[id]
            at = source.locate((*path, "id")) if explicit else where
            self._error("CJM004", at, f"duplicate {noun} id '{id}' (first defined at line {first.line})")
        else:
            seen[id] = where

    def _touchpoint_refs(
        self, tp: m.Touchpoint, source: SourceFile, path: PathKey, known: dict[str, dict[str, str]]
    ) -> None:
        if tp.channel is not None:
            self._check_ref("channels", tp.channel, known["channels"], source.locate((*path, "channel")))
        if tp.owner is not None:
            self._check_ref("teams", tp.owner, known["teams"], source.locate((*path, "owner")))
        self._check_refs("personas", tp.personas or (), known["personas"], source, (*path, "personas"))
        self._check_refs("sources", tp.sources, known["sources"], source, (*path, "sources"))

    def _flow(
        self, source: SourceFile, root: m.MapFile, stages: tuple[Stage, ...]
    ) -> tuple[tuple[Edge, ...], tuple[str, ...]]:
        """Edges from `next`, or (in sequence flow) to the following touchpoint in file order; and where journeys end.

        In sequence flow the last touchpoint is the end; in explicit flow every
        touchpoint without `next` is one, and file order makes no edge.
        """
        ordered = [
            (tp, model_tp, ("stages", si, "touchpoints", ti))
            for si, (stage, model_stage) in enumerate(zip(stages, root.stages, strict=True))
            for ti, (tp, model_tp) in enumerate(zip(stage.touchpoints, model_stage.touchpoints, strict=True))
        ]
        ids = {tp.id: tp.name for tp, _, _ in ordered}
        explicit = root.flow == "explicit"
        edges: list[Edge] = []
        ends: list[str] = []
        for index, (tp, model_tp, path) in enumerate(ordered):
            if model_tp.next is None:
                if tp.exits:
                    continue
                if explicit or index + 1 == len(ordered):
                    ends.append(tp.id)
                else:
                    edges.append(Edge(tp.id, ordered[index + 1][0].id, None, True, tp.where))
                continue
            for n_index, step in enumerate(model_tp.next):
                where = source.locate((*path, "next", n_index, "to"))  # the item itself for `next: [id]`
                self._check_ref("touchpoints", step.to, ids, where)
                edges.append(Edge(tp.id, step.to, step.when, False, where))
        return tuple(edges), tuple(ends)


def _mean(emotions: tuple[tuple[str, int], ...]) -> int | None:
    """Scores per persona as one, for what shows one (a card's colour): the mean, rounded away from zero."""
    if not emotions:
        return None
    mean = sum(score for _, score in emotions) / len(emotions)
    return int(mean + 0.5) if mean >= 0 else -int(-mean + 0.5)


def _listed(ids: tuple[str, ...] | None) -> str:
    return ", ".join(f"'{i}'" for i in ids or ()) or "nobody"


_LISTED = 10  # the defined ids an unknown reference lists

_SINGULAR = {
    "teams": "team",
    "channels": "channel",
    "sources": "source",
    "personas": "persona",
    "touchpoints": "touchpoint",
    "stages": "stage",
}


def _suggest(value: str, known: dict[str, str]) -> str | None:
    """The id a typo most likely meant: a close id, or the id whose name was written."""
    by_name = {name.casefold(): id for id, name in known.items()}
    if value.casefold() in by_name:
        return by_name[value.casefold()]
    import difflib

    close = difflib.get_close_matches(value.lower(), list(known), n=1, cutoff=0.6)
    return close[0] if close else None

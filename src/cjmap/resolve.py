"""From validated files to one resolved Journey: ids, references, flow.

This is where the map stops being a document and becomes a journey: ids are
derived from names, every reference is checked against what the map and its
imports define (with "did you mean"), and the flow is spelled out as edges,
following the rule that a touchpoint without `next` leads to the one after it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date

from cjmap import model as m
from cjmap.diagnostics import MAX_ERRORS, Diagnostic, Location, MapError, structural
from cjmap.source import LoadedMap, PathKey, SourceFile
from cjmap.validate import validate_source

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
    emotion: int | None
    pain_points: tuple[str, ...]
    opportunities: tuple[str, ...]
    metrics: tuple[tuple[str, MetricValue], ...]
    sources: tuple[str, ...]
    exits: bool  # the customer may leave the journey here
    exit_reason: str | None


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
    end: str | None  # the touchpoint where the journey ends, if any

    @property
    def touchpoints(self) -> tuple[Touchpoint, ...]:
        return tuple(tp for stage in self.stages for tp in stage.touchpoints)

    def team(self, id: str | None) -> Entity | None:
        return self._teams_by_id.get(id) if id is not None else None

    def channel(self, id: str | None) -> Entity | None:
        return self._channels_by_id.get(id) if id is not None else None

    @cached_property
    def _teams_by_id(self) -> dict[str, Entity]:  # looked up once per touchpoint: 70,000 channels made a scan each time cost minutes
        return {t.id: t for t in self.teams}

    @cached_property
    def _channels_by_id(self) -> dict[str, Entity]:
        return {c.id: c for c in self.channels}


def slugify(text: str) -> str:
    """An id from a name: 'Sees TV ad' -> 'sees-tv-ad'; accents folded, at most 80 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].rstrip("-")


def resolve(loaded: LoadedMap) -> Journey:
    """Validate every file of a loaded map and resolve it; raise MapError listing every problem."""
    return _Resolver(loaded).journey()


# id, display name, position, and (file, model entry, path) for follow-up checks
_Defined = tuple[str, str, Location, tuple[SourceFile, m.Identified, PathKey]]


class _Resolver:
    def __init__(self, loaded: LoadedMap) -> None:
        self.loaded = loaded
        self.errors: list[Diagnostic] = []

    def _error(self, code: str, where: Location, message: str) -> None:
        self.errors.append(structural(code, where, message))
        if len(self.errors) > MAX_ERRORS:  # a hostile map must not make did-you-mean run for minutes
            raise MapError(self.errors)

    def journey(self) -> Journey:
        files = self._validate(self.loaded.files)
        if self.errors:
            raise MapError(self.errors)
        root_source, root = files[0]
        for source, data in files[1:]:
            if data.stages:
                self._error("CJM005", source.locate(("stages",), key=True), "an imported file may define personas, teams, channels and sources, not stages")
        if root.stages and root.title is None:
            self._error("CJM002", root_source.locate(()), "a map with stages needs a 'title'")

        kinds = ("teams", "channels", "sources", "personas")
        # imports first: a map redefining what it imports is where the duplicate is reported
        defined = {kind: self._define(kind, [*files[1:], files[0]]) for kind in kinds}
        teams = tuple(Entity(i, n, w) for i, n, w, _ in defined["teams"])
        channels = tuple(Entity(i, n, w) for i, n, w, _ in defined["channels"])
        sources = tuple(
            Source(id=i, name=n, collected=item.collected, url=item.url, where=w, spots=src.spots(path))
            for i, n, w, (src, item, path) in defined["sources"]
        )
        known = {kind: {i: n for i, n, _, _ in defined[kind]} for kind in kinds}
        personas = tuple(self._persona(i, n, w, src, item, path, known) for i, n, w, (src, item, path) in defined["personas"])
        stages = self._stages(root_source, root, known)
        edges, end = self._flow(root_source, root, stages)
        if self.errors:
            raise MapError(self.errors)
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
            end=end,
        )

    def _validate(self, sources: Iterable[SourceFile]) -> list[tuple[SourceFile, m.MapFile]]:
        result = []
        for source in sources:
            try:
                result.append((source, validate_source(source)))
            except MapError as e:
                self.errors.extend(e.diagnostics)
        return result

    def _identity(self, source: SourceFile, item: m.Identified, path: PathKey) -> tuple[str, str, Location]:
        """The id (given or derived), display name and position of an entry."""
        where = source.locate(path)
        if item.id is not None:
            return item.id, item.name or item.id, where
        name = item.name or ""
        derived = slugify(name)
        if not derived:
            self._error("CJM002", source.locate((*path, "name")), f"cannot derive an id from name '{name}'; add an 'id'")
        return derived, name, where

    def _define(self, kind: str, files: Sequence[tuple[SourceFile, m.MapFile]]) -> list[_Defined]:
        """Every entry of one kind across the map and its imports, duplicates reported."""
        seen: dict[str, Location] = {}
        result = []
        for source, data in files:
            for index, item in enumerate(getattr(data, kind)):
                path = (kind, index)
                id, name, where = self._identity(source, item, path)
                if not id:
                    continue
                if id in seen:
                    at = source.locate((*path, "id")) if item.id else where
                    first = seen[id]
                    self._error("CJM004", at, f"duplicate {_SINGULAR[kind]} id '{id}' (first defined at {first.file}:{first.line}:{first.column})")
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
        else:
            message = f"unknown {noun} '{value}'"
        self._error("CJM003", where, message)

    def _check_refs(self, kind: str, values: Iterable[str], known: dict[str, str], source: SourceFile, path: PathKey) -> None:
        for index, value in enumerate(values):
            self._check_ref(kind, value, known, source.locate((*path, index)))

    def _persona(self, id: str, name: str, where: Location, source: SourceFile, item: m.Identified, path: PathKey, known: dict[str, dict[str, str]]) -> Persona:
        assert isinstance(item, m.Persona)
        self._check_refs("sources", item.sources, known["sources"], source, (*path, "sources"))
        return Persona(
            id=id, name=name, role=item.role, goals=item.goals, frustrations=item.frustrations,
            quote=item.quote, sources=item.sources, where=where, spots=source.spots(path),
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
                touchpoints.append(
                    Touchpoint(
                        id=t_id, name=t_name, stage=s_id, channel=tp.channel, owner=tp.owner,
                        personas=tp.personas, doing=tp.doing, thinking=tp.thinking, feeling=tp.feeling,
                        emotion=tp.emotion, pain_points=tp.pain_points, opportunities=tp.opportunities,
                        metrics=tuple(tp.metrics.items()), sources=tp.sources,
                        exits=tp.next == () or tp.exit is not None, exit_reason=tp.exit, where=t_where,
                        spots=source.spots(t_path),
                    )
                )
            stages.append(
                Stage(id=s_id, name=s_name, goal=stage.goal, touchpoints=tuple(touchpoints), where=s_where, spots=source.spots(s_path))
            )
        return tuple(stages)

    def _unique(self, noun: str, id: str, explicit: bool, seen: dict[str, Location], source: SourceFile, path: PathKey, where: Location) -> None:
        if not id:
            return
        if id in seen:
            first = seen[id]
            at = source.locate((*path, "id")) if explicit else where
            self._error("CJM004", at, f"duplicate {noun} id '{id}' (first defined at line {first.line})")
        else:
            seen[id] = where

    def _touchpoint_refs(self, tp: m.Touchpoint, source: SourceFile, path: PathKey, known: dict[str, dict[str, str]]) -> None:
        if tp.channel is not None:
            self._check_ref("channels", tp.channel, known["channels"], source.locate((*path, "channel")))
        if tp.owner is not None:
            self._check_ref("teams", tp.owner, known["teams"], source.locate((*path, "owner")))
        self._check_refs("personas", tp.personas or (), known["personas"], source, (*path, "personas"))
        self._check_refs("sources", tp.sources, known["sources"], source, (*path, "sources"))

    def _flow(self, source: SourceFile, root: m.MapFile, stages: tuple[Stage, ...]) -> tuple[tuple[Edge, ...], str | None]:
        """Edges from `next`, or to the following touchpoint in file order when `next` is absent."""
        ordered = [
            (tp, model_tp, ("stages", si, "touchpoints", ti))
            for si, (stage, model_stage) in enumerate(zip(stages, root.stages))
            for ti, (tp, model_tp) in enumerate(zip(stage.touchpoints, model_stage.touchpoints))
        ]
        ids = {tp.id: tp.name for tp, _, _ in ordered}
        edges: list[Edge] = []
        end = None
        for index, (tp, model_tp, path) in enumerate(ordered):
            if model_tp.next is None:
                if tp.exits:
                    continue
                if index + 1 < len(ordered):
                    edges.append(Edge(tp.id, ordered[index + 1][0].id, None, True, tp.where))
                else:
                    end = tp.id
                continue
            for n_index, step in enumerate(model_tp.next):
                where = source.locate((*path, "next", n_index, "to"))  # the item itself for `next: [id]`
                self._check_ref("touchpoints", step.to, ids, where)
                edges.append(Edge(tp.id, step.to, step.when, False, where))
        return tuple(edges), end


_SINGULAR = {
    "teams": "team",
    "channels": "channel",
    "sources": "source",
    "personas": "persona",
    "touchpoints": "touchpoint",
}


def _suggest(value: str, known: dict[str, str]) -> str | None:
    """The id a typo most likely meant: a close id, or the id whose name was written."""
    by_name = {name.casefold(): id for id, name in known.items()}
    if value.casefold() in by_name:
        return by_name[value.casefold()]
    close = difflib.get_close_matches(value.lower(), list(known), n=1, cutoff=0.6)
    return close[0] if close else None

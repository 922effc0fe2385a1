"""Gather a journey's metrics: definitions from the map and its imports, values from the map and its data files.

Problems in the map itself (an unknown metric on a stage, a defined metric
given text, a definition's owner that is no team) stop the map from loading,
as every reference does (CJM002-CJM005). Problems in a data file (a bad row,
a file outside the project) do not: they become `DataProblem`s, reported by
CJM601 at the file, row and column, and the rest of the data is used.
"""

from __future__ import annotations

import difflib
import itertools
import os
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cjmap.diagnostics import Diagnostic, Location, MapError, structural
from cjmap.metrics import mentions_metrics
from cjmap.metrics.cells import cell_text, is_month, number_problem, parse_day, parse_number
from cjmap.metrics.tables import HEADER_SEARCH, Row, Table, TableError, read_table
from cjmap.metrics.values import MAP, DataProblem, Definition, Metrics, Place, Point, Series, Share, Target
from cjmap.source.project import PROJECT_MARKERS
from cjmap.source.safeio import follow, outside_project, unfollowable, written_absolute

if TYPE_CHECKING:
    from cjmap import model as m
    from cjmap.resolve import Journey
    from cjmap.source.loader import LoadedMap, PathKey, SourceFile

REQUIRED_COLUMNS = ("metric", "at", "value", "date")
MAX_DATA_FILES = 20
MAX_METRICS = 1_000  # definitions per map with its imports; a team measures dozens
MAX_DATA_ROWS = 100_000  # rows of all of a map's data files together, as one file may hold
MAX_VALUES = 100_000  # metric values of a map, written in it and read from its data, together
MAX_SERIES = 20_000  # trends (a metric at a place, for a persona): each is judged and drawn, 100,000 took 21 s
MAX_PROBLEMS_PER_FILE = 100  # then one line says how many more: 100,000 bad rows are not 400,000 lines


@dataclass(frozen=True)
class DataFile:
    """A data file to read: where it is, how diagnostics name it, and where it was asked for."""

    path: Path
    display: str
    asked: Location  # the `data:` entry, or the file itself when named with --data
    named: bool = False  # named on the command line: bounded by the project it is written in


def attach_metrics(
    journey: Journey, files: Sequence[tuple[SourceFile, m.MapFile]], loaded: LoadedMap, extra: Sequence[Path] = ()
) -> Journey:
    """The journey with its metrics; raise MapError for a problem in the map's own metric keys."""
    root_source, root = files[0]
    if not mentions_metrics(files) and not extra:
        return journey  # every older map: nothing to do, nothing read
    teams, sources = {t.id for t in journey.teams}, {s.id for s in journey.sources}
    errors: list[Diagnostic] = []
    definitions = _definitions(files, teams, sources, errors)
    by_id = {d.id: d for d in definitions}
    _check_values(root_source, root, by_id, errors)
    _check_imports(files, errors)
    if errors:
        raise MapError(errors)
    points: dict[tuple[str, Place, str | None], list[Point]] = {}
    _map_values(files, by_id, root.updated, points)
    _written_values(journey, root_source, root, by_id, points)
    _check_value_count(points)
    shares = _shares(journey, root_source, root)
    problems: list[DataProblem] = []
    wanted = _data_files(root_source, root, loaded.project_root, extra, problems)
    reader = _RowReader(journey, by_id, problems, MAX_VALUES - sum(len(found) for found in points.values()))
    for data_file in wanted:
        reader.read(data_file, points)
    reader.report_unread()
    series = _series(journey, definitions, points)
    metrics = Metrics(tuple(definitions), series, shares, tuple(problems), tuple(str(f.path) for f in wanted))
    return replace(journey, metrics=metrics)


def metric_errors(
    files: Sequence[tuple[SourceFile, m.MapFile]], teams: Collection[str], sources: Collection[str]
) -> list[Diagnostic]:
    """The problems in the map's own metric keys, for a map that has other errors already.

    Resolving stops at its own errors before the metrics are gathered; asking
    for these too reports an unknown team on a touchpoint and on a metric in
    one run, not the second only once the first is fixed.
    """
    if not mentions_metrics(files):
        return []
    errors: list[Diagnostic] = []
    by_id = {d.id: d for d in _definitions(files, set(teams), set(sources), errors)}
    _check_values(files[0][0], files[0][1], by_id, errors)
    _check_imports(files, errors)
    return errors


def _definitions(
    files: Sequence[tuple[SourceFile, m.MapFile]], teams: set[str], sources: set[str], errors: list[Diagnostic]
) -> list[Definition]:
    """Every definition, imports first (a map redefining an imported metric is where the duplicate is reported)."""
    from cjmap.vocabulary.ids import id_of

    ordered = [*files[1:], files[0]]
    items = ((source, index) for source, data in ordered for index in range(len(data.metrics)))
    past = next(itertools.islice(items, MAX_METRICS, None), None)
    if past is not None:
        message = f"more than {MAX_METRICS:,} metrics defined (with the imports'); a map measures dozens, not thousands"
        errors.append(structural("CJM002", past[0].locate(("metrics", past[1])), message))
        return []
    seen: dict[str, Location] = {}
    found = []
    for source, data in ordered:
        for index, item in enumerate(data.metrics):
            path = ("metrics", index)
            where = source.locate(path)
            id = id_of(item)
            if not id:
                errors.append(
                    structural(
                        "CJM002",
                        source.locate((*path, "name")),
                        f"cannot derive an id from name '{item.name}'; add an 'id'",
                    )
                )
                continue
            if id in seen:
                first = seen[id]
                errors.append(
                    structural(
                        "CJM004",
                        where,
                        f"duplicate metric id '{id}' (first defined at {first.file}:{first.line}:{first.column})",
                    )
                )
                continue
            seen[id] = where
            if item.owner is not None and item.owner not in teams:
                errors.append(
                    structural(
                        "CJM003",
                        source.locate((*path, "owner")),
                        f"unknown team '{item.owner}'{_hint(item.owner, teams)}",
                    )
                )
            if item.source is not None and item.source not in sources:
                errors.append(
                    structural(
                        "CJM003",
                        source.locate((*path, "source")),
                        f"unknown source '{item.source}'{_hint(item.source, sources)}",
                    )
                )
            if item.kind == "rate" and item.unit not in (None, "%"):
                message = (
                    f"metric '{id}' is a rate, a percentage from 0 to 100: "
                    f"its unit is '%' (or leave it out), not '{item.unit}'"
                )
                errors.append(structural("CJM002", source.locate((*path, "unit")), message))
            target = Target(float(item.target.value), item.target.better) if item.target else None
            found.append(
                Definition(
                    id=id,
                    name=item.name or id,
                    kind=item.kind,
                    unit=item.unit,
                    target=target,
                    owner=item.owner,
                    source=item.source,
                    where=where,
                    local=source is files[0][0],
                )
            )
    local = [d for d in found if d.local]
    return [*local, *(d for d in found if not d.local)]  # the map's own first, as it lists them


def _map_values(
    files: Sequence[tuple[SourceFile, m.MapFile]],
    by_id: dict[str, Definition],
    updated: date | None,
    points: dict[tuple[str, Place, str | None], list[Point]],
) -> None:
    from cjmap.vocabulary.ids import id_of

    for source, data in files:
        for index, item in enumerate(data.metrics):
            id = id_of(item)
            if item.value is not None and id in by_id:
                where = source.locate(("metrics", index, "value"))
                points.setdefault((id, Place("map", MAP), None), []).append(Point(float(item.value), updated, where))


def _check_value_count(points: dict[tuple[str, Place, str | None], list[Point]]) -> None:
    """Refuse a map giving more values than MAX_VALUES: each one becomes a series to judge and draw."""
    if len(points) > MAX_SERIES:
        past = next(itertools.islice(iter(points.values()), MAX_SERIES, None))[0]
        message = (
            f"the map gives values for more than {MAX_SERIES:,} metrics and places (on its touchpoints and stages)"
        )
        raise MapError([structural("CJM002", past.where, f"{message}; a map this size is not drawn")])
    if sum(len(found) for found in points.values()) <= MAX_VALUES:
        return
    past = next(itertools.islice((p for found in points.values() for p in found), MAX_VALUES, None))
    message = f"the map gives more than {MAX_VALUES:,} metric values (on its touchpoints, stages and metrics)"
    raise MapError([structural("CJM002", past.where, f"{message}; move them to a data file, one per metric")])


def _check_values(source: SourceFile, root: m.MapFile, by_id: dict[str, Definition], errors: list[Diagnostic]) -> None:
    """A stage's metric keys must be defined; a defined metric on a touchpoint takes a number."""
    for si, item in enumerate(root.stages):
        for key in item.metrics:
            if key not in by_id:
                message = _unknown_metric(key, by_id) + "; a stage's metrics must be defined under 'metrics:'"
                errors.append(structural("CJM003", source.locate(("stages", si, "metrics", key), key=True), message))
            else:
                _check_magnitude(item.metrics[key], source, ("stages", si, "metrics", key), errors)
        for ti, model_tp in enumerate(item.touchpoints):
            for key, value in model_tp.metrics.items():
                path = ("stages", si, "touchpoints", ti, "metrics", key)
                if key in by_id and (isinstance(value, bool) or not isinstance(value, (int, float))):
                    wanted = f"metric '{key}' is defined (a {by_id[key].kind}), so its value here must be a number"
                    if isinstance(value, str) and value.strip().lower().lstrip("+-") in ("nan", "inf"):
                        wanted, value = wanted.replace("a number", "a finite number"), value.strip()  # .nan, -.inf
                    errors.append(structural("CJM002", source.locate(path), f"{wanted}, not {_describe(value)}"))
                elif key in by_id:
                    _check_magnitude(value, source, path, errors)
    for index, definition in enumerate(root.metrics):
        if definition.value is not None:
            _check_magnitude(definition.value, source, ("metrics", index, "value"), errors)
        if definition.target is not None:
            _check_magnitude(definition.target.value, source, ("metrics", index, "target", "value"), errors)


def _check_magnitude(value: object, source: SourceFile, path: tuple[str | int, ...], errors: list[Diagnostic]) -> None:
    """A value past MAX_MAGNITUDE (1e308 parses) is a typo, and a chart of it gets no coordinates."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and parse_number(value) is None:
        shown = f"{value:g}" if isinstance(value, float) else f"a whole number of {len(str(value))} digits"
        problem = number_problem(value).removeprefix("is ")  # the schema refuses whole numbers of over 100 digits
        message = f"'{path[-1]}' is {shown}, {problem}"
        errors.append(structural("CJM002", source.locate(path), message))


def _check_imports(files: Sequence[tuple[SourceFile, m.MapFile]], errors: list[Diagnostic]) -> None:
    for source, data in files[1:]:
        if data.data:
            message = "an imported file may define metrics, not name data files"
            errors.append(structural("CJM005", source.locate(("data",), key=True), message))


def _written_values(
    journey: Journey,
    source: SourceFile,
    root: m.MapFile,
    by_id: dict[str, Definition],
    points: dict[tuple[str, Place, str | None], list[Point]],
) -> None:
    """Values of defined metrics written in the map, on stages, then on touchpoints (_check_values reported
    other keys of a stage; on a touchpoint any other key is a free note, as in every map before definitions)."""
    for place, path, written in _places_written(journey, root):
        for key, value in written.items():
            if key not in by_id or isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            points.setdefault((key, place, None), []).append(
                Point(float(value), root.updated, source.locate((*path, "metrics", key)))
            )


def _places_written(journey: Journey, root: m.MapFile) -> Iterator[tuple[Place, PathKey, Mapping[str, object]]]:
    """Each stage's `metrics:`, then each touchpoint's, with its place and its path in the file."""
    for si, (stage, item) in enumerate(zip(journey.stages, root.stages, strict=True)):
        yield Place("stage", stage.id), ("stages", si), item.metrics
    for si, (stage, item) in enumerate(zip(journey.stages, root.stages, strict=True)):
        for ti, (tp, written) in enumerate(zip(stage.touchpoints, item.touchpoints, strict=True)):
            yield Place("touchpoint", tp.id), ("stages", si, "touchpoints", ti), written.metrics


def _shares(journey: Journey, source: SourceFile, root: m.MapFile) -> tuple[Share, ...]:
    found = []
    for si, (stage, item) in enumerate(zip(journey.stages, root.stages, strict=True)):
        for ti, (tp, model_tp) in enumerate(zip(stage.touchpoints, item.touchpoints, strict=True)):
            for ni, step in enumerate(model_tp.next or ()):
                if step.share is not None:
                    where = source.locate(("stages", si, "touchpoints", ti, "next", ni, "share"))
                    found.append(Share(tp.id, step.to, float(step.share), where))
    return tuple(found)


def _data_files(
    source: SourceFile, root: m.MapFile, project_root: Path, extra: Sequence[Path], problems: list[DataProblem]
) -> list[DataFile]:
    """The data files to read, each inside the project (as imports must be); refused ones become problems."""
    wanted: list[DataFile] = []
    for index, entry in enumerate(root.data):
        asked = source.locate(("data", index))
        target = _data_target(entry, source.path.parent, project_root, asked, problems)
        if target is not None:
            display = os.path.normpath(os.path.join(os.path.dirname(source.display), entry))
            wanted.append(DataFile(target, display, asked))
    for path in extra:
        asked = Location(str(path))
        try:
            outside = outside_project(path, PROJECT_MARKERS)
        except (OSError, ValueError, RuntimeError) as e:
            problems.append(DataProblem(asked, unfollowable("data file", str(path), e)))
            continue
        if outside is not None:
            problems.append(
                DataProblem(
                    asked,
                    f"leads through a symbolic link to a file outside the project {outside}; refusing to read it",
                )
            )
            continue
        try:  # --data belongs to the map: it stays inside the map's project, as the map's own data: entries do
            inside = Path(path).resolve().is_relative_to(project_root.resolve())
        except (OSError, RuntimeError, ValueError):
            inside = False
        if not inside:
            problems.append(DataProblem(asked, f"is outside the map's project {project_root}; refusing to read it"))
            continue
        wanted.append(DataFile(path, str(path), asked, named=True))
    seen: set[Path] = set()
    unique = []
    for data_file in wanted:
        try:
            key = data_file.path.resolve()
        except (OSError, RuntimeError, ValueError) as e:
            problems.append(DataProblem(data_file.asked, unfollowable("data file", str(data_file.path), e)))
            continue
        if key not in seen:
            seen.add(key)
            unique.append(data_file)
    if len(unique) > MAX_DATA_FILES:
        problems.append(DataProblem(unique[MAX_DATA_FILES].asked, f"more than {MAX_DATA_FILES} data files; merge them"))
        unique = unique[:MAX_DATA_FILES]
    return unique


def _data_target(
    entry: str, folder: Path, project_root: Path, asked: Location, problems: list[DataProblem]
) -> Path | None:
    if not entry.strip() or "\x00" in entry:
        problems.append(DataProblem(asked, "data file path is empty or holds a NUL character"))
        return None
    if written_absolute(entry):
        problems.append(DataProblem(asked, f"data file '{entry}' is absolute; write it relative to this map"))
        return None
    followed = follow(folder, entry, "data file")
    if isinstance(followed, str):
        problems.append(DataProblem(asked, followed))
        return None
    target, exists = followed
    if not target.is_relative_to(project_root):
        problems.append(
            DataProblem(asked, f"data file '{entry}' leaves the project root {project_root}; refusing to read it")
        )
        return None
    if not exists:
        problems.append(DataProblem(asked, f"data file '{entry}' not found"))
        return None
    return target


class _RowReader:
    """Reads rows of data files into points, each bad row or cell one problem."""

    def __init__(
        self, journey: Journey, by_id: dict[str, Definition], problems: list[DataProblem], values_left: int
    ) -> None:
        self.by_id = by_id
        self.problems = problems
        self.touchpoints = {tp.id for tp in journey.touchpoints}
        self.stages = {s.id for s in journey.stages}
        self.places = self.touchpoints | self.stages  # built once: a row's unknown 'at' is hinted from these
        self.personas = {p.id for p in journey.personas}
        self.seen: dict[tuple[str, Place, str | None, date], Location] = {}  # across files: two exports may overlap
        self.hints: dict[tuple[str, str], str] = {}  # (what, value): a renamed id in 5,000 rows is matched once
        self.rows_left, self.values_left = MAX_DATA_ROWS, values_left
        self.file_problems = 0
        self.unread: list[DataFile] = []  # after the rows of the files before them filled the budget

    def report_unread(self) -> None:
        """One line for every data file left unread, at the first of them."""
        if not self.unread:
            return
        others = len(self.unread) - 1
        also = f" (nor {others} more data file{'s' if others > 1 else ''} after it)" if others else ""
        message = f"not read{also}: the map's data files before it hold {MAX_DATA_ROWS:,} rows, all a map may have"
        self.problems.append(DataProblem(Location(self.unread[0].display), message))

    def _problem(self, where: Location, message: str | Callable[[], str]) -> None:
        """One problem; past MAX_PROBLEMS_PER_FILE in a file only counted, its message never built."""
        self.file_problems += 1
        if self.file_problems <= MAX_PROBLEMS_PER_FILE:
            self.problems.append(DataProblem(where, message if isinstance(message, str) else message()))

    def _cached(self, what: str, value: str, message: Callable[[], str]) -> str:
        """A message naming an unknown value, built once per value: its hint compares it with every id."""
        key = (what, value)
        if key not in self.hints:
            self.hints[key] = message()
        return self.hints[key]

    def read(self, data_file: DataFile, points: dict[tuple[str, Place, str | None], list[Point]]) -> None:
        self.file_problems = 0
        if self.rows_left <= 0:
            self.unread.append(data_file)
            return
        try:
            table = read_table(data_file.path, data_file.display, REQUIRED_COLUMNS)
        except TableError as e:
            self._problem(e.where, e.message)
            return
        self._rows(data_file, table, points)
        hidden = self.file_problems - MAX_PROBLEMS_PER_FILE
        if hidden > 0:
            more = (
                f"{hidden:,} more problem{'s are' if hidden > 1 else ' is'} in this file, not shown "
                f"(the first {MAX_PROBLEMS_PER_FILE} are); fix those first"
            )
            self.problems.append(DataProblem(Location(data_file.display), more))

    def _rows(
        self, data_file: DataFile, table: Table, points: dict[tuple[str, Place, str | None], list[Point]]
    ) -> None:
        missing = [c for c in REQUIRED_COLUMNS if c not in table.header]
        if missing:
            named = ", ".join(f"'{c}'" for c in missing)
            held = table.header_text if len(table.header_text) <= 60 else table.header_text[:59] + "\u2026"
            self._problem(
                Location(data_file.display, table.header_line),
                f"missing column{'s' if len(missing) > 1 else ''} {named}: line {table.header_line}, read as the "
                f"header, holds '{held}'; name the columns metric,at,value,date (and persona) "
                f"on one of the first {HEADER_SEARCH} lines",
            )
            return
        twice = [c for c in (*REQUIRED_COLUMNS, "persona") if table.header.count(c) > 1]
        if twice:
            columns = " and ".join(str(i + 1) for i, name in enumerate(table.header) if name == twice[0])
            self._problem(
                Location(data_file.display, table.header_line),
                f"the header names '{twice[0]}' twice (columns {columns}); keep one, so it is clear which is read",
            )
            return
        for row in table.rows:
            if self.rows_left <= 0:
                self._problem(
                    row.where,
                    f"more than {MAX_DATA_ROWS:,} rows in the map's data files together; the rest is not read",
                )
                return
            self.rows_left -= 1
            if row.fields:
                self._problem(
                    row.where,
                    f"row has {row.fields} fields, the header names {len(table.header)}; "
                    "quote a value that holds the separator" + ("" if table.decimal_comma else ' ("12,000")'),
                )
                continue
            point = self._row(row, table.decimal_comma)
            if point is None:
                continue
            if self.values_left <= 0:
                self._problem(
                    row.where,
                    f"more than {MAX_VALUES:,} metric values in the map and its data together; the rest is not read",
                )
                return
            self.values_left -= 1
            key, value = point
            if key not in points and len(points) >= MAX_SERIES:
                message = (
                    f"more than {MAX_SERIES:,} metrics and places with values in the map and its data; "
                    "the rest is not read"
                )
                self._problem(row.where, message)
                return
            points.setdefault(key, []).append(value)

    def _row(self, row: Row, decimal_comma: bool) -> tuple[tuple[str, Place, str | None], Point] | None:
        metric_cell, at_cell, value_cell, date_cell = (row.cells.get(c) for c in REQUIRED_COLUMNS)
        if metric_cell is None or at_cell is None or value_cell is None or date_cell is None:
            self._problem(row.where, "row has fewer fields than the header names")
            return None
        ok = True
        metric = cell_text(metric_cell.raw)
        if metric not in self.by_id:
            self._problem(
                metric_cell.where,
                (lambda: self._cached("metric", metric, lambda: _unknown_metric(metric, self.by_id)))
                if metric
                else "no metric named in this row",
            )
            ok = False
        place = self._place(cell_text(at_cell.raw), at_cell.where)
        ok = ok and place is not None
        value = parse_number(value_cell.raw, decimal_comma)
        if value is None:
            shown = cell_text(value_cell.raw)
            shown = shown if len(shown) <= 40 else f"{shown[:20]}\u2026{shown[-8:]} ({len(shown):,} characters)"
            problem = number_problem(value_cell.raw, decimal_comma)
            self._problem(value_cell.where, f"value '{shown}' {problem}" if shown else "no value in this row")
            ok = False
        elif value_cell.percent and metric in self.by_id:
            value = self._from_percent(value, self.by_id[metric], value_cell.where)
            ok = ok and value is not None
        day = parse_day(date_cell.raw)
        if day is None:
            shown = cell_text(date_cell.raw)
            self._problem(
                date_cell.where, f"date '{shown}' is not a date like 2026-09-14" if shown else "no date in this row"
            )
            ok = False
        persona_cell = row.cells.get("persona")
        persona = cell_text(persona_cell.raw) if persona_cell is not None else ""
        if persona and persona not in self.personas:
            assert persona_cell is not None
            self._problem(
                persona_cell.where,
                lambda: self._cached(
                    "persona", persona, lambda: f"unknown persona '{persona}'{_hint(persona, self.personas)}"
                ),
            )
            ok = False
        if not ok or place is None or value is None or day is None:
            return None
        key = (metric, place, persona or None)
        first = self.seen.setdefault((*key, day), row.where)
        if first != row.where:
            again = f"line {first.line}" if first.file == row.where.file else f"{first.file}:{first.line}"
            when = day.isoformat()[:7] if is_month(date_cell.raw) else day.isoformat()
            self._problem(row.where, f"{metric} {place.phrase} on {when} is given twice (first on {again}); keep one")
            return None
        monthly = is_month(date_cell.raw)
        return key, Point(value, day, value_cell.where, from_data=True, precision="month" if monthly else "day")

    def _from_percent(self, value: float, metric: Definition, where: Location) -> float | None:
        """A spreadsheet cell formatted as a percentage stores 0.79 and shows 79 %: a rate takes what it shows.

        For any other metric the cell's meaning is unclear (0.79 days shown as
        79 %?), so the row is left out with a word on how to fix it.
        """
        shown = round(value * 100, 9)  # 0.29 * 100 is 28.999999999999996, off a target of 29
        if metric.kind == "rate" or metric.unit == "%":
            return shown
        unit = f" in {metric.unit}" if metric.unit else ""
        self._problem(
            where,
            f"the cell shows {shown:g} % (formatted as a percentage) but '{metric.id}' is a {metric.kind}{unit}, "
            "not a percentage; format the cell as a number",
        )
        return None

    def _place(self, text: str, where: Location) -> Place | None:
        """What `at` names: a touchpoint or stage id (`stage:ID` or `touchpoint:ID` when both have it), or `map`."""
        kind, _, id = text.partition(":") if text.startswith(("stage:", "touchpoint:")) else ("", "", text)
        id = id.strip()
        in_touchpoints, in_stages = id in self.touchpoints, id in self.stages
        if kind == "touchpoint" and in_touchpoints or not kind and in_touchpoints and not in_stages:
            return Place("touchpoint", id)
        if kind == "stage" and in_stages or not kind and in_stages and not in_touchpoints:
            return Place("stage", id)
        if not kind and in_touchpoints and in_stages:
            self._problem(where, f"'{id}' is both a stage and a touchpoint; write 'stage:{id}' or 'touchpoint:{id}'")
            return None
        if not kind and id == MAP:
            return Place("map", MAP)
        if not id:
            self._problem(where, "no 'at' in this row: name a touchpoint, a stage, or 'map'")
            return None
        other = {"stage": ("touchpoint", in_touchpoints), "touchpoint": ("stage", in_stages)}.get(kind)
        if other is not None and other[1]:  # the right id behind the wrong prefix: a closer hint than a similar id
            self._problem(where, f"unknown {kind} '{id}'; '{id}' is a {other[0]}: write '{other[0]}:{id}'")
            return None
        known = self.touchpoints if kind == "touchpoint" else self.stages if kind == "stage" else self.places
        noun = kind or "touchpoint or stage"
        self._problem(where, lambda: self._cached(noun, id, lambda: f"unknown {noun} '{id}'{_hint(id, known)}"))
        return None


def _series(
    journey: Journey, definitions: Sequence[Definition], points: dict[tuple[str, Place, str | None], list[Point]]
) -> tuple[Series, ...]:
    """One series per metric, place and persona, oldest value first, in the order the map lists them."""
    metric_order = {d.id: i for i, d in enumerate(definitions)}
    place_order = {Place("map", MAP): 0}
    for stage in journey.stages:
        place_order[Place("stage", stage.id)] = len(place_order)
        for tp in stage.touchpoints:
            place_order[Place("touchpoint", tp.id)] = len(place_order)
    persona_order = {p.id: i + 1 for i, p in enumerate(journey.personas)}
    by_id = {d.id: d for d in definitions}
    keys = sorted(
        points, key=lambda k: (metric_order[k[0]], place_order.get(k[1], 0), persona_order.get(k[2] or "", 0))
    )
    return tuple(
        Series(
            by_id[metric],
            place,
            persona,
            tuple(sorted(points[(metric, place, persona)], key=lambda p: p.day or date.min)),
        )
        for metric, place, persona in keys
    )


def _unknown_metric(key: str, by_id: dict[str, Definition]) -> str:
    if not by_id:
        return f"unknown metric '{key}' (no metrics are defined; add it under 'metrics:')"
    return f"unknown metric '{key}'{_hint(key, set(by_id))}"


def _hint(value: str, known: set[str]) -> str:
    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _describe(value: object) -> str:
    if isinstance(value, str) and value.lower().lstrip("+-") in ("nan", "inf"):
        return value  # YAML's .nan or -.inf, which a touchpoint's free notes keep as text
    return f"text '{value}'" if isinstance(value, str) else str(value)

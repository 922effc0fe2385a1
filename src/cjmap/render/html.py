"""Journey + diagram + findings -> one self-contained HTML report (Jinja, autoescaped).

The template does the escaping of map text; the only markup passed through
unescaped is the SVG that Graphviz wrote from our already-escaped DOT, with
its XML prolog and comments removed so it can sit inline. Behind the escaping,
the report's Content-Security-Policy allows no script, no fetch and no form:
it needs nothing from the network, so a missed escape still runs nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import PurePath
from typing import TYPE_CHECKING, NamedTuple, cast

import jinja2
from markupsafe import Markup

from cjmap.diagnostics import Diagnostic, escape_controls
from cjmap.render.flow_lane import flow_steps
from cjmap.resolve import Journey, Persona, Stage, Touchpoint
from cjmap.vocabulary.emotion import emotion_label, emotion_word, signed
from cjmap.vocabulary.lanes import GRID_LANES, Lane
from cjmap.vocabulary.palettes import DIAGRAM_LIGHT, OVERLAY_STYLES, PRINT_BADGE
from cjmap.vocabulary.personas import meets

if TYPE_CHECKING:
    from cjmap.render.funnel import StageFunnel
    from cjmap.review.compare import Comparison

_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def inline_svg(svg: str, label: str) -> Markup:
    """Graphviz SVG ready to sit inside HTML: no prolog or comments, scalable, labelled."""
    body = _COMMENT.sub("", _PROLOG.sub("", svg, count=1)).strip()
    escaped = Markup.escape(label)
    body = _SIZE.sub(
        lambda m: f'<svg role="img" aria-label="{escaped}" class="diagram" width="{m[1]}pt" height="{m[2]}pt"',
        body,
        count=1,
    )
    return Markup(body)


_CARD_NODE = re.compile(r'<g id="tp&#45;([^"]*)" class="node"')


def _marked_for_personas(svg: Markup, journey: Journey) -> Markup:
    """The diagram's cards carry `data-for` like the grid's, so the persona switch fades the diagram too."""
    if not journey.personas:
        return svg
    keys = persona_keys(journey)

    def mark(match: re.Match[str]) -> str:
        key = keys.get(match[1].replace("&#45;", "-"))
        return match[0] if key is None else f'{match[0]} data-for="{Markup.escape(key)}"'

    return Markup(_CARD_NODE.sub(mark, str(svg)))


class Badge(NamedTuple):
    """How an emotion score shows: number, word and colours (never colour alone)."""

    label: str
    word: str
    fill: str
    text: str


def emotion_badge(emotion: int | None, theme: str = "light") -> Badge:
    colours = cast("dict[int | None, tuple[str, str, str]]", DIAGRAM_LIGHT["emotion"])  # palettes are plain data
    _, fill, text = colours[emotion]
    if theme == "print":  # ink only: the number and the word carry the meaning
        fill, text = PRINT_BADGE
    return Badge(emotion_label(emotion), emotion_word(emotion), fill, text)


def persona_keys(journey: Journey) -> dict[str, str]:
    """`data-for` of each touchpoint's elements: the personas whose own path (from their own start)
    passes it, or 'all' when every persona's does, so the persona switch shows each one's path."""
    if not journey.personas:
        return {tp.id: "all" if tp.personas is None else " ".join(tp.personas) for tp in journey.touchpoints}
    paths = [(p.id, frozenset(journey.path_of(p.id))) for p in journey.personas]
    keys = {}
    for tp in journey.touchpoints:
        on = [pid for pid, path in paths if meets(path, tp.id)]
        keys[tp.id] = "all" if len(on) == len(paths) else " ".join(on)
    return keys


KPI_LANE = Lane("kpis", "Metrics", "kpis")
FUNNEL_LANE = Lane("funnel", "Funnel", "funnel")


def report_lanes(journey: Journey) -> tuple[Lane, ...]:
    """The grid's lanes: a map that measures something adds its metrics under the touchpoints, then its funnel
    when it gives branch shares; every other map keeps exactly the lanes it always had."""
    metrics = journey.metrics
    extra = (KPI_LANE,) * bool(metrics.series) + (FUNNEL_LANE,) * bool(metrics.shares)
    if not extra:
        return GRID_LANES
    at = next(i for i, lane in enumerate(GRID_LANES) if lane.kind == "touchpoints") + 1
    return (*GRID_LANES[:at], *extra, *GRID_LANES[at:])


class FunnelView(NamedTuple):
    """A funnel as the grid's Funnel lane reads it: whose (None: everyone's), each stage's by id, its notes."""

    persona: Persona | None
    by_stage: dict[str, StageFunnel]
    notes: tuple[str, ...]


def free_metrics(journey: Journey, tp: Touchpoint) -> list[tuple[str, object]]:
    """A card's notes: the `metrics` keys that are no defined metric (defined ones show in the Metrics lane)."""
    return [(key, value) for key, value in tp.metrics if journey.metrics.definition(key) is None]


def stage_owners(journey: Journey, stage: Stage) -> list[str]:
    """Team names owning touchpoints in a stage, in first-seen order."""
    names = []
    for tp in stage.touchpoints:
        team = journey.team(tp.owner)
        if team and team.name not in names:
            names.append(team.name)
    return names


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs (compiling the report costs ~0.1 s a process).

    Jinja keys each entry by the template's source checksum, so a changed
    template is recompiled; a cache that cannot be read or written is skipped.
    """

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _template_cache() -> jinja2.BytecodeCache | None:
    import os
    from pathlib import Path

    from cjmap import __version__

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base, "cjmap", f"templates-{__version__}")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return _TemplateCache(str(folder))


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        bytecode_cache=_template_cache(),
        loader=jinja2.PackageLoader("cjmap.render", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(badge=emotion_badge, stage_owners=stage_owners, lanes=GRID_LANES)
    return env


def report_template() -> jinja2.Template:
    return _environment().get_template("report.html.j2")


_SLOT = "<!-- cjmap: the diagram goes here -->"


def report_awaiting_diagram(
    journey: Journey,
    diagnostics: Sequence[Diagnostic],
    generator: str,
    theme: str = "light",
    today: date | None = None,
) -> str:
    """The report with a slot where the diagram goes: rendered while Graphviz draws, then `with_diagram`."""
    return _report(journey, Markup(_SLOT), diagnostics, generator, theme, today)


def with_diagram(report: str, svg: str, journey: Journey) -> str | None:
    """`report_awaiting_diagram`'s report with the diagram in its slot: the bytes `journey_to_html` writes;
    None when the slot is not there exactly once (map text cannot spell it: the report escapes its `<`)."""
    if report.count(_SLOT) != 1:
        return None
    return report.replace(_SLOT, str(_diagram(svg, journey)))


def journey_to_html(
    journey: Journey,
    svg: str | None,
    diagnostics: Sequence[Diagnostic],
    generator: str,
    theme: str = "light",
    today: date | None = None,
) -> str:
    """The report for one journey; `svg` is Graphviz output (or None to leave the diagram out).

    `today` dates the review age (the same date lint judged by), so a report is the same bytes
    for the same map on the same day; what is stale, the report reads from the CJM401/CJM403 findings.
    """
    return _report(journey, _diagram(svg, journey) if svg else None, diagnostics, generator, theme, today)


def _diagram(svg: str, journey: Journey) -> Markup:
    return _marked_for_personas(inline_svg(svg, f"Flow diagram of the journey '{journey.title}'"), journey)


def _report(
    journey: Journey,
    diagram: Markup | None,
    diagnostics: Sequence[Diagnostic],
    generator: str,
    theme: str,
    today: date | None,
) -> str:
    from cjmap.render.curve import emotion_curve, lines_for
    from cjmap.render.gaps import age_in_words, gaps, review_is_stale, stale_sources
    from cjmap.render.themes import css_variables

    today = today or date.today()
    kpis: dict[tuple[str, str], list] = {}
    funnel_views: list[FunnelView] = []
    funnel_words: dict[str, object] = {}  # what only the funnel lane uses
    if journey.metrics.series or journey.metrics.shares:  # most maps measure nothing: their code is not loaded
        from cjmap.render.funnel import funnels, leave_text, percent
        from cjmap.render.kpi import kpis_by_place

        kpis = kpis_by_place(journey)
        funnel_views = [FunnelView(f.persona, {s.stage.id: s for s in f.stages}, f.notes) for f in funnels(journey)]
        funnel_words = {"percent": percent, "leave_text": leave_text}
    keys = persona_keys(journey)
    personas_by_id = {p.id: p.name for p in journey.personas}
    counts = Counter(d.severity.value for d in diagnostics)
    return report_template().render(
        journey=journey,
        diagram=diagram,
        curve=Markup(emotion_curve(journey)),
        flow=flow_steps(journey),
        persona_key=lambda tp: keys[tp.id],
        curve_lines=lines_for(journey),
        gaps=gaps(journey, diagnostics),
        diagnostics=list(diagnostics),
        counts=counts,
        generator=generator,
        theme=theme,
        theme_css=css_variables(theme),
        review_age=age_in_words(journey.updated, today) if journey.updated else None,
        review_stale=review_is_stale(diagnostics),
        stale_sources=stale_sources(journey, diagnostics),
        source_name=escape_controls(PurePath(journey.file).name),  # a file name may hold anything but "/"
        shown_file=escape_controls,
        persona_names=personas_by_id,
        source_names={s.id: s.name for s in journey.sources},
        touchpoint_persona_note=_persona_note,
        lanes=report_lanes(journey),
        free_metrics=lambda tp: free_metrics(journey, tp),
        map_kpis=kpis.get(("map", "map"), []),
        kpis_at=lambda kind, id: kpis.get((kind, id), []),
        funnels=funnel_views,
        **funnel_words,
    )


def _persona_note(tp: Touchpoint, names: dict[str, str]) -> str | None:
    if tp.personas is None:
        return None
    return "only " + ", ".join(names.get(p, p) for p in tp.personas)


def comparison_to_html(comparison: Comparison, generator: str, theme: str = "light") -> str:
    """The current-against-future report (see cjmap.review.compare)."""
    from cjmap.render.overlay import overlay_curve
    from cjmap.render.themes import css_variables
    from cjmap.review.diff import grouped

    return (
        _environment()
        .get_template("compare.html.j2")
        .render(
            c=comparison,
            overlay=Markup(overlay_curve(comparison)),
            overlay_styles=OVERLAY_STYLES,
            groups=grouped(comparison.diff.changes),
            generator=generator,
            theme=theme,
            theme_css=css_variables(theme),
            current_name=PurePath(comparison.current.file).name,
            future_name=PurePath(comparison.future.file).name,
            signed=lambda v: "n/a" if v is None else signed(v),
            pain_count=lambda j: sum(len(tp.pain_points) for tp in j.touchpoints),
        )
    )

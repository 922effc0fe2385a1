"""render/: golden DOT and HTML for one example, SVG checked for structure, text escaped."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import html5lib
import pytest

from cjmap.lint.pipeline import check, load_journey
from cjmap.render import render_journey
from cjmap.render.dot import journey_to_dot
from cjmap.render.html import journey_to_html
from conftest import EXAMPLES, write
from goldens import assert_golden

GENERATOR = "cjmap (test)"
# A stand-in diagram so the HTML golden does not depend on the Graphviz version.
PLACEHOLDER_SVG = (
    '<?xml version="1.0"?>\n<!-- c -->\n<svg width="10pt" height="10pt" viewBox="0 0 10 10" '
    'xmlns="http://www.w3.org/2000/svg"><title>journey</title></svg>\n'
)
SVG_NS = "{http://www.w3.org/2000/svg}"


def car():
    result = check(EXAMPLES / "car-purchase.cjmap.yaml", "examples/car-purchase.cjmap.yaml")
    assert result.journey is not None
    return result


def test_dot_golden() -> None:
    assert_golden("car-purchase.dot", journey_to_dot(car().journey))


def test_html_golden() -> None:
    result = car()
    html = journey_to_html(result.journey, PLACEHOLDER_SVG, result.diagnostics, GENERATOR, today=date(2026, 11, 24))
    assert_golden("car-purchase.html", html)


def test_outputs_are_deterministic() -> None:
    first = render_journey(car().journey, ["svg", "html", "dot"], (), GENERATOR)
    second = render_journey(car().journey, ["svg", "html", "dot"], (), GENERATOR)
    assert first == second


def test_a_pdf_is_dated_by_its_day_and_its_cross_references_still_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cairo writes the clock's second into /CreationDate, so a PDF differed from one run to the next."""
    import cjmap.render.outputs

    drawn = []
    for clock in ("20260102030405", "20991231235959"):  # Graphviz run at two different seconds
        layout = cjmap.render.outputs.Rendering.layout

        def at(rendering: object, fmt: str, layout=layout, clock=clock) -> bytes:
            return re.sub(rb"\(D:\d{14}", f"(D:{clock}".encode(), layout(rendering, fmt), count=1)

        monkeypatch.setattr(cjmap.render.outputs.Rendering, "layout", at)
        drawn.append(render_journey(car().journey, ["pdf"], (), GENERATOR, today=date(2026, 1, 2))["pdf"])
        monkeypatch.undo()
    assert drawn[0] == drawn[1]
    pdf = drawn[0]
    assert b"/CreationDate (D:20260102000000Z)" in pdf
    table = pdf[int(pdf.rsplit(b"startxref", 1)[1].split()[0]) :]
    offsets = [int(line.split()[0]) for line in table.splitlines() if line.endswith((b" n", b" n "))]
    assert offsets and all(re.match(rb"\d+ 0 obj", pdf[at : at + 20]) for at in offsets)


def svg_tree(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)


def test_svg_has_every_touchpoint_stage_and_condition_and_no_script() -> None:
    journey = car().journey
    svg = render_journey(journey, ["svg"], (), GENERATOR)["svg"]
    root = svg_tree(svg)
    ids = {g.get("id") for g in root.iter(f"{SVG_NS}g")}
    assert {f"tp-{tp.id}" for tp in journey.touchpoints} <= ids
    assert {f"stage-{s.id}" for s in journey.stages} <= ids
    assert {"start", "end"} <= ids
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG_NS}text"))
    for condition in ("books a test drive", "leaves without booking"):
        assert condition in texts
    for tp in journey.touchpoints:
        assert tp.name.split()[0] in texts
    assert not list(root.iter(f"{SVG_NS}script"))
    assert not [a for el in root.iter() for a in el.attrib if a.lower().startswith("on")]


def test_exits_and_empty_stages_are_drawn(project: Path) -> None:
    text = """
    cjmap: 1
    title: T
    stages:
      - name: A
        touchpoints:
          - {name: Email, next: [{to: buys, when: clicks}], exit: Unsubscribes}
          - {name: Buys}
      - name: Empty
    """
    journey = load_journey(write(project, "m.cjmap.yaml", text))
    root = svg_tree(render_journey(journey, ["svg"], (), GENERATOR)["svg"])
    ids = {g.get("id") for g in root.iter(f"{SVG_NS}g")}
    assert {"exit-email", "empty-empty", "tp-buys"} <= ids
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG_NS}text"))
    assert "leaves: Unsubscribes" in texts and "no touchpoints" in texts


def branching_map(touchpoints: int) -> str:
    """One stage per 20 touchpoints; every 7th lets some customers skip ahead into a later stage."""
    lines = ["cjmap: 1", "title: Big", "stages:"]
    for n in range(touchpoints):
        if n % 20 == 0:
            lines += [f"  - name: Stage {n // 20}", "    touchpoints:"]
        lines.append(f"      - {{id: t{n}, name: Step {n}}}")
        if n % 7 == 3 and n + 30 < touchpoints:
            lines[-1] = (
                f"      - {{id: t{n}, name: Step {n}, next: [{{to: t{n + 30}, when: skips ahead}}, {{to: t{n + 1}, "
                "when: otherwise}]}"
            )
    return "\n".join(lines) + "\n"


def test_big_maps_keep_each_condition_on_its_own_edge(project: Path) -> None:
    journey = load_journey(write(project, "b.cjmap.yaml", branching_map(250)))
    root = svg_tree(render_journey(journey, ["svg"], (), GENERATOR)["svg"])
    edge = next(g for g in root.iter(f"{SVG_NS}g") if g.get("id") == "edge-t3--t33")
    assert [t.text for t in edge.iter(f"{SVG_NS}text")] == ["skips ahead"]


def test_the_dot_gives_every_node_its_place_and_every_edge_its_route() -> None:
    """Graphviz (neato -n2) only draws: nothing is left for it to decide, so it cannot reorder stages."""
    dot = journey_to_dot(car().journey)
    nodes = re.findall(r'^  "([^"]+)" \[(.*)\];$', dot, re.MULTILINE)
    edges = re.findall(r'^  "[^"]+" -> "[^"]+" \[(.*)\];$', dot, re.MULTILINE)
    assert nodes and all(re.search(r'pos="[\d.]+,[\d.]+!"', attrs) for _, attrs in nodes)
    assert edges and all(re.search(r'pos="e,', attrs) for attrs in edges)
    labelled = [attrs for attrs in edges if "label=<" in attrs]
    assert labelled and all(" lp=" in attrs for attrs in labelled)


HOSTILE = '"]; evil [label="x"]; <script>alert(1)</script> <b onload=alert(2)> </TABLE>> & \\" \u202e'


def test_map_text_is_escaped_in_every_output(project: Path) -> None:
    Q = json.dumps(HOSTILE)  # a JSON string is a YAML double-quoted scalar
    text = f"""
    cjmap: 1
    title: {Q}
    teams: [{{id: t, name: {Q}}}]
    channels: [{{id: c, name: {Q}}}]
    stages:
      - name: {Q}
        goal: {Q}
        touchpoints:
          - {{id: a, name: {Q}, owner: t, channel: c, doing: {Q}, pain_points: [{Q}],
              next: [{{to: b, when: {Q}}}], exit: {Q}}}
          - {{id: b, name: ok}}
    """
    journey = load_journey(write(project, "m.cjmap.yaml", text))
    assert journey is not None and journey.title == HOSTILE
    out = render_journey(journey, ["svg", "html", "dot"], (), GENERATOR)
    # DOT: only our own nodes, so the injected `evil` node never appears as a node statement
    assert not re.search(r'^\s*"?evil"?\s*\[', out["dot"].decode(), re.MULTILINE)
    root = svg_tree(out["svg"])  # parses: nothing broke the XML
    assert not list(root.iter(f"{SVG_NS}script")) and not list(root.iter("b"))
    assert not [a for el in root.iter() for a in el.attrib if a.lower().startswith("on")]
    document = html5lib.parse(out["html"].decode(), namespaceHTMLElements=False)
    assert [s.text for s in document.iter("script")] == []
    assert not [a for el in document.iter() for a in el.attrib if a.lower().startswith("on")]
    heading = document.find(".//h1")
    assert heading is not None and "<script>alert(1)</script>" in (heading.text or "")


def test_html_is_valid_and_self_contained() -> None:
    result = car()
    html = render_journey(result.journey, ["html"], result.diagnostics, GENERATOR)["html"].decode()
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    document = parser.parse(html)  # raises on any parse error
    assert not document.findall(".//script") and not document.findall(".//link")
    for element in document.iter():
        assert not element.get("src"), element.tag
    assert "url(" not in html and "@import" not in html
    links = [a.get("href") for a in document.iter("a")]
    assert all(h.startswith(("#", "https://", "http://", "mailto:")) for h in links)
    grid = document.find(".//table")
    assert [th.text.split(". ", 1)[1] for th in grid.findall("./thead/tr/th")] == [
        s.name for s in result.journey.stages
    ]
    assert [th.text for th in grid.findall("./tbody/tr/th")] == [
        "Touchpoints",
        "Branches and exits",
        "Doing",
        "Thinking",
        "Feeling",
        "Pain points",
        "Opportunities",
        "Owners",
    ]
    assert document.find(f".//{SVG_NS}svg") is not None


@pytest.mark.parametrize("fmt", ["dot", "svg", "html"])
def test_each_format_alone(fmt: str) -> None:
    assert set(render_journey(car().journey, [fmt], (), GENERATOR)) == {fmt}


def test_html_ids_are_unique_with_the_real_diagram_inline() -> None:
    result = car()
    html = render_journey(result.journey, ["html"], result.diagnostics, GENERATOR)["html"].decode()
    ids = [el.attrib["id"] for el in html5lib.parse(html, namespaceHTMLElements=False).iter() if el.get("id")]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)

"""The diagram's metrics as a new user read them: text as large as the rest, boxes as tall as what they say, exits
wrapped rather than cut, the whole journey's metrics in the SVG itself, and the KPI band outside persona lanes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from cjmap.lint.pipeline import load_journey
from cjmap.render import render_journey
from cjmap.render.dot import journey_grid, journey_to_dot
from cjmap.render.grid import META_SIZE, metric_box_height
from conftest import EXAMPLES, found, write

CHECKOUT = EXAMPLES / "checkout.cjmap.yaml"
SVG = "{http://www.w3.org/2000/svg}"

TWO_LANES = """\
cjmap: 1
title: Claims
updated: 2026-11-01
flow: explicit
personas:
  - {id: anna, name: Anna, starts: form}
  - {id: marek, name: Marek, starts: portal}
metrics:
  - {id: csat, name: Satisfaction, kind: score, unit: of 5, target: {value: 4.2, better: higher}, value: 3.9}
  - {id: wait, name: Call wait, kind: duration, unit: minutes}
stages:
  - name: Report
    touchpoints:
      - id: form
        name: Form
        personas: [anna]
        metrics: {wait: 7}
        next: [{to: upload, share: 0.9}]
        exit: Puts it off or pays the other driver privately, and never tells anyone about it
      - {id: portal, name: Portal, personas: [marek], next: [upload]}
  - name: Evidence
    touchpoints:
      - {id: upload, name: Uploads, metrics: {csat: 4.1}}
"""


def test_metric_text_is_no_smaller_than_the_rest_of_the_diagram() -> None:
    dot = journey_to_dot(load_journey(CHECKOUT))
    boxes = re.findall(r'^  "(?:journey-)?metrics[^"]*" \[([^\n]*)\];$', dot, re.MULTILINE)
    sizes = {float(s) for box in boxes for s in re.findall(r'POINT-SIZE="([\d.]+)"', box)}
    assert boxes and min(sizes) >= META_SIZE == 9  # 9 pt: 12 CSS px, what README says of the smallest text


def test_each_metrics_box_is_as_tall_as_what_it_says() -> None:
    grid = journey_grid(load_journey(CHECKOUT))
    heights = {box.id: box.box.h for box in grid.metrics}
    assert all(box.box.h == metric_box_height(box.lines) for box in grid.metrics)
    assert len(set(heights.values())) > 1  # not all as tall as the tallest


def test_a_long_exit_reason_wraps_instead_of_being_cut(project: Path) -> None:
    dot = journey_to_dot(load_journey(write(project, "m.cjmap.yaml", TWO_LANES), "m.cjmap.yaml"))
    exit_label = found(r'^  "exit-form" \[([^\n]*)\];$', dot, re.MULTILINE)[1]
    text = " ".join(re.findall(r"([^<>]+)<BR", exit_label))
    assert "\u2026" not in exit_label and text.endswith("never tells anyone about it")
    assert text.startswith("10 % leave: Puts it off")


def test_the_svg_carries_the_whole_journeys_metrics(project: Path) -> None:
    svg = render_journey(load_journey(CHECKOUT), ["svg"], [], "t")["svg"].decode("utf-8")
    node = next(g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("id") == "journey-metrics")
    text = " ".join(t.text or "" for t in node.iter(f"{SVG}text"))
    assert "Metrics for the whole journey" in text and "Checkout conversion" in text and "on target" in text
    journey = load_journey(write(project, "m.cjmap.yaml", TWO_LANES.replace(", value: 3.9}", "}")), "m.cjmap.yaml")
    assert "journey-metrics" not in journey_to_dot(journey)  # nothing measured for the whole journey: no box
    assert "journey-metrics" not in journey_to_dot(load_journey(EXAMPLES / "car-purchase.cjmap.yaml"))


def test_in_persona_lanes_the_metrics_have_a_band_of_their_own_under_every_persona(project: Path) -> None:
    journey = load_journey(write(project, "m.cjmap.yaml", TWO_LANES), "m.cjmap.yaml")
    grid = journey_grid(journey, "persona")
    *personas, metrics = grid.lanes
    assert [lane.title for lane in personas] == ["Everyone", "Anna", "Marek"] and metrics.title == "Metrics"
    lowest_card = max(card.box.bottom for card in grid.cards)
    assert lowest_card < metrics.top < min(box.box.y for box in grid.metrics)
    assert '"lane-:metrics"' in journey_to_dot(journey, lanes="persona")
    assert not any(lane.title == "Metrics" for lane in journey_grid(journey, "none").lanes)

"""Property test: on any map, the diagram keeps the order of time and its labels off the cards.

Maps are generated with random stages (empty ones too), touchpoints and flow:
forward, backward and cross-stage branches, loops onto the same touchpoint,
exits. The SVG Graphviz draws is parsed, and for every map: stage columns
stand left to right in file order with their tops and headers on one line
and one width; cards are one size, inside their own stage's column, top to
bottom in file order, and never overlap, with their badges and text inside
them; no condition label covers a card, and each sits beside its own edge.
"""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ET
from itertools import pairwise
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjmap.lint.pipeline import load_journey
from cjmap.render import render_journey
from cjmap.render.grid import text_width

SVG = "{http://www.w3.org/2000/svg}"
WORDS = [
    "Reads",
    "the",
    "account",
    "page",
    "calls",
    "branch",
    "verification",
    "fails",
    "again",
    "a",
    "x",
    "Überweisung",
    "identity",
    "check",
    "passes",
    "supercalifragilisticexpialidocious",
    "PIN",
    "letter",
    "→",
    "日本",
]
words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(" ".join)


@st.composite
def flow_maps(draw: st.DrawFn) -> dict:
    sizes = draw(st.lists(st.integers(0, 6), min_size=1, max_size=7))
    total = sum(sizes)
    ids = [f"t{i}" for i in range(total)]
    stages, n = [], 0
    for s, size in enumerate(sizes):
        touchpoints = []
        for _ in range(size):
            tp: dict = {"id": ids[n], "name": draw(words), "emotion": draw(st.sampled_from([-2, -1, 0, 1, 2, None]))}
            if tp["emotion"] is None:
                del tp["emotion"]
            kind = draw(st.sampled_from(["none", "none", "next", "next", "exit"]))
            if kind == "next":  # anywhere: forward, back, the same touchpoint, other stages
                targets = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3))
                tp["next"] = [{"to": t, "when": draw(words)} if draw(st.booleans()) else {"to": t} for t in targets]
            elif kind == "exit":
                tp["exit"] = draw(words)
            if draw(st.booleans()):
                tp["channel"], tp["owner"] = draw(st.sampled_from(["web", "phone"])), "team"
            chosen = draw(st.sampled_from([None, ["a"], ["b"], ["a", "b"], ["b", "a"]]))
            if chosen:
                tp["personas"] = chosen
            if draw(st.integers(0, 3)) == 0:  # a score per persona who takes it: a row of badges on the card
                tp["emotion"] = {
                    p: draw(st.integers(-2, 2)) for p in chosen or draw(st.sampled_from([["a", "b"], ["b", "a"]]))
                }
            touchpoints.append(tp)
            n += 1
        stages.append({"id": f"s{s}", "name": draw(words), "goal": draw(words), "touchpoints": touchpoints})
    return {
        "cjmap": 1,
        "title": "Generated",
        "teams": [{"id": "team", "name": "A team with a long name"}],
        "personas": [{"id": "a", "name": "Aisha, student"}, {"id": "b", "name": "Gerald, retiree"}],
        "channels": [{"id": "web", "name": "Website and mobile application"}, {"id": "phone", "name": "Phone"}],
        "stages": stages,
    }


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]


def _bounds(group: ET.Element) -> tuple[float, float, float, float]:
    """The outline of a node: the box of its first drawn shape (x0, y0, x1, y1)."""
    for el in group.iter():
        if el.tag in (f"{SVG}polygon", f"{SVG}path"):
            values = _numbers(el.get("points") or el.get("d") or "")
            xs, ys = values[0::2], values[1::2]
            return min(xs), min(ys), max(xs), max(ys)
    raise AssertionError(f"no shape in {group.get('id')}")


def _text_boxes(group: ET.Element) -> list[tuple[float, float, float, float]]:
    boxes = []
    for t in group.iter(f"{SVG}text"):
        x, y, size = float(t.attrib["x"]), float(t.attrib["y"]), float(t.attrib["font-size"])
        width = text_width(t.text or "", size)
        left = (
            x if t.get("text-anchor") == "start" else (x - width / 2 if t.get("text-anchor") == "middle" else x - width)
        )
        boxes.append((left, y - size * 0.8, left + width, y + size * 0.25))
    return boxes


def _overlap(a: tuple[float, ...], b: tuple[float, ...], slack: float = 0.5) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def _distance_to_path(box: tuple[float, ...], d: str) -> float:
    values = _numbers(d)
    points = list(zip(values[0::2], values[1::2], strict=False))  # (x, y) pairs
    best = float("inf")
    for (x0, y0), (x1, y1) in pairwise(points):
        for k in range(11):  # the routes are straight runs; their control points lie on them
            px, py = x0 + (x1 - x0) * k / 10, y0 + (y1 - y0) * k / 10
            dx = max(box[0] - px, 0, px - box[2])
            dy = max(box[1] - py, 0, py - box[3])
            best = min(best, (dx * dx + dy * dy) ** 0.5)
    return best


def _inside_card(group: ET.Element, card: tuple[float, float, float, float], tp_id: str) -> None:
    """Every badge (a persona's, or the one score) and every line of text drawn on a card lies inside it."""
    for el in group.iter():
        if el.tag == f"{SVG}polygon":
            values = _numbers(el.get("points") or "")
            shape = (min(values[0::2]), min(values[1::2]), max(values[0::2]), max(values[1::2]))
            assert card[0] <= shape[0] and shape[2] <= card[2] and card[1] <= shape[1] and shape[3] <= card[3], (
                f"a badge leaves {tp_id}"
            )
    for line in _text_boxes(group):
        assert card[0] - 0.5 <= line[0] and line[2] <= card[2] + 0.5 and card[1] <= line[1] and line[3] <= card[3], (
            f"text leaves {tp_id}"
        )


def check_layout(document: dict, svg: bytes, lanes: str = "none") -> None:
    root = ET.fromstring(svg)
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}
    stage_boxes = []
    for stage in document["stages"]:
        group = groups[f"stage-{stage['id']}"]
        box = _bounds(group)
        header = next(iter(group.iter(f"{SVG}text")))
        stage_boxes.append((box, float(header.attrib["x"]), float(header.attrib["y"])))
    lefts = [b[0][0] for b in stage_boxes]
    assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts), f"stage columns out of file order: {lefts}"
    heads = [b[1] for b in stage_boxes]
    assert heads == sorted(heads), f"stage headers out of file order: {heads}"
    assert len({round(b[0][1], 1) for b in stage_boxes}) == 1, "stage columns do not share one top line"
    assert len({round(b[2], 1) for b in stage_boxes}) == 1, "stage headers are not aligned"
    assert len({round(b[0][2] - b[0][0], 1) for b in stage_boxes}) == 1, "stage columns differ in width"
    cards = []
    for (box, _, _), stage in zip(stage_boxes, document["stages"], strict=True):
        tops = []
        for tp in stage["touchpoints"]:
            card = _bounds(groups[f"tp-{tp['id']}"])
            _inside_card(groups[f"tp-{tp['id']}"], card, tp["id"])
            assert box[0] <= card[0] and card[2] <= box[2] and box[1] <= card[1] and card[3] <= box[3], (
                f"{tp['id']} outside its stage"
            )
            tops.append(card[1])
            cards.append((tp["id"], card))
            if f"exit-{tp['id']}" in groups:
                exit_box = _bounds(groups[f"exit-{tp['id']}"])
                assert box[0] <= exit_box[0] and exit_box[2] <= box[2], (
                    f"the exit of {tp['id']} is outside its stage's column"
                )
        if lanes == "none":  # with lanes, file order holds within each lane (tests/test_layout.py)
            assert tops == sorted(tops) and len(set(tops)) == len(tops), (
                f"touchpoints of {stage['id']} out of file order"
            )
    assert len({(round(c[2] - c[0], 1), round(c[3] - c[1], 1)) for _, c in cards}) <= 1, "cards differ in size"
    for i, (a_id, a) in enumerate(cards):
        for b_id, b in cards[i + 1 :]:
            assert not _overlap(a, b), f"cards {a_id} and {b_id} overlap"
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "edge":
            continue
        path = next(group.iter(f"{SVG}path")).attrib["d"]
        lines = _text_boxes(group)
        for line in lines:
            for tp_id, card in cards:
                assert not _overlap(line, card), f"a label of {group.get('id')} covers {tp_id}"
        if lines:
            label = (
                min(b[0] for b in lines),
                min(b[1] for b in lines),
                max(b[2] for b in lines),
                max(b[3] for b in lines),
            )
            assert _distance_to_path(label, path) < 8, f"the label of {group.get('id')} is not beside its edge"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(flow_maps(), st.sampled_from(["none", "none", "persona", "channel"]))
def test_any_flow_keeps_the_order_of_time_and_labels_off_cards(document: dict, lanes: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.cjmap.yaml"
        (Path(folder) / "cjmap.toml").write_text("")
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
        journey = load_journey(path)
        assert journey is not None
        svg = render_journey(journey, ["svg"], (), "cjmap (test)", lanes=lanes)["svg"]
    check_layout(document, svg, lanes)


def test_the_bank_account_map_keeps_its_order() -> None:
    """26 touchpoints, three personas, branches back and across stages: dot drew its stages 1, 5, 4, 3, 2."""
    path = Path(__file__).parent.parent / "fixtures" / "bank-account.cjmap.yaml"
    journey = load_journey(path)
    assert journey is not None and len(journey.touchpoints) == 26
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    check_layout(document, render_journey(journey, ["svg"], (), "cjmap (test)")["svg"])

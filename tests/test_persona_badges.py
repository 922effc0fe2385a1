"""A card scored per persona shows each persona's own score: a row of named badges, read back from the SVG."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from itertools import pairwise
from pathlib import Path

from cjmap.lint.pipeline import load_journey
from cjmap.render import render_journey
from cjmap.render.dot import THEME, journey_to_dot
from cjmap.render.grid import emotion_label
from conftest import EXAMPLES, write

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
LEGEND = "badges with names"

BRANCH = """
cjmap: 1
title: Opening an account
flow: explicit
personas:
  - {id: student, name: "Maya, student", starts: apply-online}
  - {id: owner, name: "Tomasz, cafe owner", starts: branch-visit}
  - {id: retiree, name: "Irena, retiree", starts: branch-visit}
channels: [{id: app, name: Mobile app}, {id: branch, name: Branch}]
teams: [{id: kyc, name: Identity & compliance}]
stages:
  - name: Apply
    touchpoints:
      - {id: apply-online, name: Applies online, personas: [student], channel: app, owner: kyc, emotion: 1,
         next: [id-check]}
      - id: branch-visit
        name: Meets an adviser in the branch
        personas: [owner, retiree]
        channel: branch
        owner: kyc
        emotion: {owner: -1, retiree: 1}
        next: [id-check]
  - name: Verify
    touchpoints:
      - id: id-check
        name: Identity check
        channel: app
        owner: kyc
        emotion: {student: 1, owner: 0, retiree: -2}
        next: [done]
      - {id: done, name: Account opened, channel: app, owner: kyc, emotion: 2}
"""


def _svg(journey, lanes: str = "none") -> ET.Element:
    return ET.fromstring(render_journey(journey, ["svg"], (), "cjmap (test)", lanes=lanes)["svg"])


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]


def _box(el: ET.Element) -> tuple[float, float, float, float]:
    values = _numbers(el.get("points") or el.get("d") or "")
    return min(values[0::2]), min(values[1::2]), max(values[0::2]), max(values[1::2])


def _cards(root: ET.Element) -> dict[str, ET.Element]:
    return {
        g.attrib["id"][3:]: g
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "node" and g.get("id", "").startswith("tp-")
    }


def _badges(card: ET.Element) -> list[tuple[str, str]]:
    """(text, fill) of each badge drawn on a card: a filled polygon and the bold text drawn right after it."""
    shapes = [el for el in card.iter() if el.tag in (f"{SVG}polygon", f"{SVG}text")]
    out = []
    for shape, text in pairwise(shapes):
        if shape.tag == f"{SVG}polygon" and text.tag == f"{SVG}text" and text.get("font-weight") == "bold":
            out.append((text.text or "", shape.attrib["fill"]))
    return out


def _check_geometry(root: ET.Element) -> None:
    """Every card one size, and everything drawn on a card inside its outline."""
    sizes = set()
    for tp_id, card in _cards(root).items():
        shapes = [el for el in card.iter() if el.tag in (f"{SVG}polygon", f"{SVG}path")]
        outline = _box(shapes[0])
        sizes.add((round(outline[2] - outline[0], 1), round(outline[3] - outline[1], 1)))
        for shape in shapes[1:]:
            x0, y0, x1, y1 = _box(shape)
            assert outline[0] <= x0 and x1 <= outline[2] and outline[1] <= y0 and y1 <= outline[3], (
                f"a badge of {tp_id} leaves its card"
            )
    assert len(sizes) == 1, sizes


def test_each_persona_has_its_own_badge_on_its_card(project: Path) -> None:
    journey = load_journey(write(project, "m.cjmap.yaml", BRANCH))
    root = _svg(journey)
    cards = _cards(root)
    badge = {score: THEME["emotion"][score][1] for score in (-2, -1, 0, 1, 2)}
    assert _badges(cards["branch-visit"]) == [("Tomasz \u22121", badge[-1]), ("Irena +1", badge[1])]
    assert _badges(cards["id-check"]) == [("Maya +1", badge[1]), ("Tomasz 0", badge[0]), ("Irena \u22122", badge[-2])]
    # the fill stays the mean's colour: 0 for −1 and +1, and for +1, 0, −2 (−1/3); −3/2 would round to −2
    assert next(cards["branch-visit"].iter(f"{SVG}path")).get("fill") == THEME["emotion"][0][0]
    assert next(cards["id-check"].iter(f"{SVG}path")).get("fill") == THEME["emotion"][0][0]
    _check_geometry(root)


def test_single_score_cards_keep_their_one_badge(project: Path) -> None:
    journey = load_journey(write(project, "m.cjmap.yaml", BRANCH))
    cards = _cards(_svg(journey))
    assert _badges(cards["apply-online"]) == [("+1", THEME["emotion"][1][1])]
    assert _badges(cards["done"]) == [("+2", THEME["emotion"][2][1])]
    for tp_id in ("apply-online", "done"):
        assert not list(cards[tp_id].iter(f"{SVG}a")), "a single-score card has no tooltip"


def test_a_map_without_scores_per_persona_is_drawn_as_before() -> None:
    """The DOT golden holds the bytes; here: no badges row, no tooltip on a card and no legend note."""
    dot = journey_to_dot(load_journey(EXAMPLES / "car-purchase.cjmap.yaml"))
    assert LEGEND not in dot and not re.search(r'^  "tp-[^"]+" \[.*tooltip=', dot, re.MULTILINE)
    assert LEGEND in journey_to_dot(load_journey(EXAMPLES / "bank-account.cjmap.yaml"))


def test_the_tooltip_says_each_score_in_words(project: Path) -> None:
    journey = load_journey(write(project, "m.cjmap.yaml", BRANCH))
    card = _cards(_svg(journey))["branch-visit"]
    title = next(card.iter(f"{SVG}a")).get(f"{XLINK}title")
    assert title == (
        "Meets an adviser in the branch \u2014 Tomasz, cafe owner: negative (\u22121); Irena, retiree: positive (+1); "
        "the card's colour is their mean: neutral (0)"
    )


def test_the_bank_account_example_shows_every_persona_score() -> None:
    """Read from the example's own scores, so editing the example does not break the test."""
    journey = load_journey(EXAMPLES / "bank-account.cjmap.yaml")
    assert journey is not None
    names = {p.id: p.name.split(",")[0] for p in journey.personas}
    for lanes in ("none", "persona"):
        root = _svg(journey, lanes)
        cards = _cards(root)
        split = [tp for tp in journey.touchpoints if tp.emotions]
        assert split, "the example scores some touchpoint per persona"
        for tp in journey.touchpoints:
            shown = _badges(cards[tp.id])
            if tp.emotions:
                assert shown == [(f"{names[p]} {emotion_label(s)}", THEME["emotion"][s][1]) for p, s in tp.emotions], (
                    tp.id
                )
            else:
                assert shown == [(emotion_label(tp.emotion), THEME["emotion"][tp.emotion][1])], tp.id
        _check_geometry(root)
        legend = " ".join(
            t.text or "" for g in root.iter(f"{SVG}g") if g.get("id") == "legend-emotion" for t in g.iter(f"{SVG}text")
        )
        assert LEGEND in legend


def test_many_personas_fill_three_rows_and_count_the_rest(project: Path) -> None:
    personas = "\n".join(f"  - {{id: p{i}, name: 'Persona{i}, someone'}}" for i in range(16))
    scores = ", ".join(f"p{i}: {i % 5 - 2}" for i in range(16))
    text = (
        f"cjmap: 1\ntitle: Many\npersonas:\n{personas}\nstages:\n  - name: S\n    touchpoints:\n      - {{id: a, "
        f"name: All, emotion: {{{scores}}}}}\n      - {{id: b, name: One, emotion: 1}}\n"
    )
    journey = load_journey(write(project, "m.cjmap.yaml", text))
    root = _svg(journey)
    shown = [t for t, _ in _badges(_cards(root)["a"])]
    assert shown[0] == "Persona0 \u22122" and re.fullmatch(r"\d+ more", shown[-1])
    assert len(shown) - 1 + int(shown[-1].split()[0]) == 16
    _check_geometry(root)


def test_persona_tags_are_short_distinct_and_escaped(project: Path) -> None:
    hostile = json.dumps(
        '"]; evil [label="x"]; <script>alert(1)</script> \\N & </TABLE>>'
    )  # a YAML double-quoted scalar
    text = f"""
    cjmap: 1
    title: Tags
    personas:
      - {{id: maya-a, name: "Maya, student"}}
      - {{id: maya-b, name: "Maya, retiree"}}
      - {{id: long, name: Supercalifragilisticexpialidocious person}}
      - {{id: bad, name: {hostile}}}
    stages:
      - name: S
        touchpoints:
          - {{id: a, name: Shared, emotion: {{maya-a: 1, maya-b: -1, long: 2, bad: 0}}}}
    """
    project_file = write(project, "m.cjmap.yaml", text)
    journey = load_journey(project_file)
    out = render_journey(journey, ["svg", "dot"], (), "cjmap (test)")
    root = ET.fromstring(out["svg"])  # parses: nothing broke the XML
    assert not list(root.iter(f"{SVG}script"))
    assert not re.search(r'^\s*"?evil"?\s*\[', out["dot"].decode(), re.MULTILINE)
    shown = [t for t, _ in _badges(_cards(root)["a"])]
    assert shown[:2] == ["maya-a +1", "maya-b \u22121"]  # the same first name twice: each by its id
    assert shown[2].startswith("Super") and shown[2].endswith("\u2026 +2")
    assert shown[3] == '"]; 0'
    title = next(_cards(root)["a"].iter(f"{SVG}a")).attrib[f"{XLINK}title"]
    # \N stays text, not the node name; cut at 60
    assert "<script>alert(1)</script> \\N & </TABL\u2026: neutral (0)" in title
    _check_geometry(root)

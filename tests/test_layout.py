"""render/grid.py: lanes per persona and per channel, text wrapped to its box, linear pieces."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cjmap.lint.pipeline import load_journey
from cjmap.render import render_journey
from cjmap.render.dot import lanes_of
from cjmap.render.grid import _assign_tracks, text_width, wrap
from conftest import run_cli

SVG = "{http://www.w3.org/2000/svg}"
BANK = Path(__file__).parent / "fixtures" / "bank-account.cjmap.yaml"


def _box(group: ET.Element) -> tuple[float, float, float, float]:
    for el in group.iter():
        if el.tag == f"{SVG}ellipse":
            cx, cy, rx, ry = (float(el.attrib[k]) for k in ("cx", "cy", "rx", "ry"))
            return cx - rx, cy - ry, cx + rx, cy + ry
        if el.tag in (f"{SVG}polygon", f"{SVG}path"):
            values = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", el.get("points") or el.get("d") or "")]
            return min(values[0::2]), min(values[1::2]), max(values[0::2]), max(values[1::2])
    raise AssertionError(group.get("id"))


@pytest.mark.parametrize("lanes", ["persona", "channel"])
def test_lanes_put_each_touchpoint_once_in_its_band_in_file_order(lanes: str) -> None:
    journey = load_journey(BANK)
    order, lane_of = lanes_of(journey, lanes)
    root = ET.fromstring(render_journey(journey, ["svg"], (), "t", lanes=lanes)["svg"])
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}
    cards = {tp.id: _box(groups[f"tp-{tp.id}"]) for tp in journey.touchpoints}
    tops = [float(next(groups[f"lane-{lane}"].iter(f"{SVG}text")).attrib["y"]) for lane, _ in order]  # lane titles
    assert tops == sorted(tops), "lanes out of order"
    # every card lies in its own lane's band: below the line that opens it, above the next one
    lines = {lane: _box(groups[f"lane-line-{lane}"])[1] for lane, _ in order[1:]}
    bounds = [lines.get(lane, float("-inf")) for lane, _ in order] + [float("inf")]
    for tp in journey.touchpoints:
        i = [lane for lane, _ in order].index(lane_of[tp.id])
        assert bounds[i] < cards[tp.id][1] and cards[tp.id][3] < bounds[i + 1], tp.id
    for stage in journey.stages:  # within a stage and a lane, file order top to bottom
        for lane, _ in order:
            ys = [cards[tp.id][1] for tp in stage.touchpoints if lane_of[tp.id] == lane]
            assert ys == sorted(ys) and len(set(ys)) == len(ys)
    if lanes == "persona":
        shared = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "tp-book-appointment")
        assert "with Tomasz, cafe owner" in " ".join(t.text or "" for t in shared.iter(f"{SVG}text"))


def test_lanes_from_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "cjmap.toml").write_text("")
    (tmp_path / "bank.cjmap.yaml").write_text(BANK.read_text(encoding="utf-8"), encoding="utf-8")
    done = run_cli("render", "bank.cjmap.yaml", "--lanes", "persona", "-f", "svg", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    root = ET.fromstring((tmp_path / "bank.svg").read_bytes())
    assert "lane-p:retiree" in {g.get("id") for g in root.iter(f"{SVG}g")}
    assert run_cli("render", "bank.cjmap.yaml", "--lanes", "team", cwd=tmp_path).returncode == 2


def test_wrapped_lines_fit_their_width_and_long_text_ends_in_an_ellipsis() -> None:
    lines = wrap("Letter gives a phone number to call for the PIN, which the retiree never gets through to", 100, 9, 3)
    assert all(text_width(line, 9) <= 100 for line in lines) and len(lines) == 3 and lines[-1].endswith("\u2026")
    assert wrap("x" * 10_000_000, 186, 11, 3)[-1].endswith("\u2026")  # linear, and stops reading early
    assert wrap("Short", 100, 9, 2) == ("Short",)


def test_tracks_are_shared_only_by_runs_that_do_not_meet() -> None:
    runs = [(0, 10), (5, 15), (11, 20), (16, 30), (0, 30)]
    tracks = _assign_tracks(runs, clearance=0)
    for i, a in enumerate(runs):
        for j, b in enumerate(runs[i + 1 :], i + 1):
            if a[0] <= b[1] and b[0] <= a[1]:
                assert tracks[i] != tracks[j], (a, b)
    assert max(tracks) + 1 == 3


def test_every_start_and_end_is_marked_clear_of_the_cards(tmp_path: Path) -> None:
    """In explicit flow a persona may start further down and several touchpoints may end a journey."""
    (tmp_path / "cjmap.toml").write_text("")
    path = tmp_path / "s.cjmap.yaml"
    path.write_text(
        "cjmap: 1\ntitle: Starts\nflow: explicit\n"
        "personas: [{id: a, name: Walk-in}, {id: b, name: Online, starts: web}]\n"
        "stages:\n"
        "  - name: One\n    touchpoints:\n"
        "      - {id: door, name: Walks in, next: [desk]}\n"
        "      - {id: web, name: Opens the website, personas: [b], next: [{to: form, when: fills the form}, {to: "
        "desk}]}\n"
        "      - {id: desk, name: Talks at the desk}\n"
        "  - name: Two\n    touchpoints:\n"
        "      - {id: form, name: Fills the form}\n",
        encoding="utf-8",
    )
    journey = load_journey(path)
    assert journey is not None
    root = ET.fromstring(render_journey(journey, ["svg"], (), "t")["svg"])
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}
    assert {"start", "start-web", "edge-start-web", "end", "end-form"} <= set(groups)
    cards = [_box(groups[f"tp-{tp.id}"]) for tp in journey.touchpoints]
    for marker in ("start", "start-web", "end", "end-form"):
        m = _box(groups[marker])
        assert not any(m[0] < c[2] and c[0] < m[2] and m[1] < c[3] and c[1] < m[3] for c in cards), marker

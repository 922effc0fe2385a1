"""The vocabulary: one answer for how a score is written, what a lane is, an id, and who meets a touchpoint."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cjmap.vocabulary.emotion import SCALE, emotion_label, emotion_text, emotion_word, signed
from cjmap.vocabulary.ids import id_of, slugify
from cjmap.vocabulary.lanes import GRID_LANES, LIST_LANES, TEXT_LANES
from cjmap.vocabulary.palettes import DIAGRAM_THEMES, REPORT_THEMES
from cjmap.vocabulary.personas import meets, takes


@pytest.mark.parametrize(
    ("score", "label", "text", "word"),
    [
        (-2, "\u22122", "\u22122", "very negative"),
        (-1, "\u22121", "\u22121", "negative"),
        (0, "0", "0", "neutral"),
        (1, "+1", "+1", "positive"),
        (2, "+2", "+2", "very positive"),
        (None, "?", "no score", "no score"),
    ],
)
def test_a_score_is_written_one_way(score: int | None, label: str, text: str, word: str) -> None:
    assert (emotion_label(score), emotion_text(score), emotion_word(score)) == (label, text, word)


def test_averages_are_signed_like_scores() -> None:
    assert [signed(v) for v in (0.5, -0.3, 0.0, -1)] == ["+0.5", "\u22120.3", "0.0", "\u22121"]


def test_every_palette_colours_every_score() -> None:
    for theme in DIAGRAM_THEMES.values():
        assert set(theme["emotion"]) == {*SCALE, None}
    assert len({frozenset(t) for t in REPORT_THEMES.values()}) == 1, "every report theme names the same roles"


@dataclass
class _Entry:
    id: str | None
    name: str | None


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (_Entry("given", "Name"), "given"),
        (_Entry(None, "Sees the TV ad!"), "sees-the-tv-ad"),
        (_Entry(None, "Café Crème"), "cafe-creme"),
        (_Entry(None, "???"), ""),
        (_Entry(None, None), ""),
    ],
)
def test_an_id_is_given_or_derived_from_the_name(entry: _Entry, expected: str) -> None:
    assert id_of(entry) == expected


def test_derived_ids_are_cut_at_80_without_a_trailing_dash() -> None:
    assert slugify("a" * 79 + " b") == "a" * 79


def test_who_takes_and_who_meets_a_touchpoint() -> None:
    assert takes(None, "sam") and takes(("sam", "lee"), "sam") and not takes(("lee",), "sam") and not takes((), "sam")
    assert meets(None, "tp") and meets(frozenset({"tp"}), "tp") and not meets(frozenset({"other"}), "tp")


def test_lanes_are_listed_once_in_the_grid_order() -> None:
    assert [lane.id for lane in GRID_LANES] == [
        "touchpoints",
        "flow",
        "doing",
        "thinking",
        "feeling",
        "pain_points",
        "opportunities",
        "owners",
    ]
    assert [lane.id for lane in TEXT_LANES] == ["doing", "thinking", "feeling"]
    assert [(lane.id, lane.item) for lane in LIST_LANES] == [
        ("pain_points", "pain point"),
        ("opportunities", "opportunity"),
    ]


def test_a_part_that_overflowed_is_shown_as_unknown_not_a_crash() -> None:
    from cjmap.vocabulary.shares import percent

    assert percent(0.62) == "62 %" and percent(0.044) == "4.4 %"
    assert percent(float("inf")) == "?" and percent(float("nan")) == "?"

"""The emotion scale, −2 … +2: how a score is written and said, wherever it shows."""

from __future__ import annotations

SCALE = (-2, -1, 0, 1, 2)
WORDS = {-2: "very negative", -1: "negative", 0: "neutral", 1: "positive", 2: "very positive"}
NO_SCORE = "no score"


def signed(value: float) -> str:
    """`+1`, `0`, `−2`, `+0.5`: a plus on positives and a real minus sign, so a column of scores reads evenly."""
    return f"+{value}" if value > 0 else str(value).replace("-", "\u2212")


def emotion_label(emotion: int | None) -> str:
    """A score as drawn on a badge: `+1`, `0`, `−2`, or `?` when the map gives no score."""
    return "?" if emotion is None else signed(emotion)


def emotion_text(emotion: int | None) -> str:
    """A score in running text: its label, or 'no score'."""
    return NO_SCORE if emotion is None else signed(emotion)


def emotion_word(emotion: int | None) -> str:
    """A score in words ('very negative'), so colour is never the only way it is told."""
    return NO_SCORE if emotion is None else WORDS.get(emotion, NO_SCORE)

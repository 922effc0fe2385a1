"""Text widths are additive per character: the quick path for printable ASCII and the remembered results
give what measuring one character at a time gives."""

from __future__ import annotations

import random

import pytest

from cjmap.render.grid import _units, text_width


@pytest.mark.parametrize("bold", [True, False])
def test_a_line_is_as_wide_as_its_characters(bold: bool) -> None:
    chosen = random.Random(5)
    alphabet = [chr(c) for c in range(0x250)] + list("→…—–−€日本🙂\u0301")
    for _ in range(5_000):
        text = "".join(chosen.choice(alphabet) for _ in range(chosen.randint(0, 16)))
        assert _units(text, bold) == sum(_units(ch, bold) for ch in text)
        assert text_width(text, 11, bold) == _units(text, bold) * 11 / 1000


def test_known_widths() -> None:
    assert _units("Hi", True) == 722 + 278 and _units("Hi", False) == 722 + 222
    assert _units("é", True) == 556 + 60 and _units("→", True) == 1000 and _units("日", True) == 1150
    assert _units("\x07", True) == 950 and _units("e\u0301", True) == 556

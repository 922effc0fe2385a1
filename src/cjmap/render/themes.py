"""Report themes: colour roles per theme turned into CSS, and the WCAG contrast the tests check them by.

Each theme names the same roles; the template turns them into CSS custom
properties. The colours, and the diagram's own palettes, are data in
cjmap.vocabulary.palettes: the dark report draws the diagram dark, on a dark
panel; the other themes show the light one.
"""

from __future__ import annotations

from cjmap.vocabulary.palettes import REPORT_THEMES

THEMES = REPORT_THEMES  # the colours are data in cjmap.vocabulary.palettes

# (foreground role, background role) pairs the report draws text with
TEXT_PAIRS = (
    ("text", "background"),
    ("muted", "background"),
    ("text", "surface"),
    ("muted", "surface"),
    ("accent", "background"),
    ("accent", "surface"),
    ("bad", "background"),
    ("bad", "surface"),
    ("warn", "surface"),
    ("good", "surface"),
    ("text", "cell-on"),
    ("muted", "band"),
    ("text", "band"),
)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio, 1..21; 4.5 is the floor for body text."""
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def css_variables(theme: str) -> str:
    return " ".join(f"--{role}: {value};" for role, value in THEMES[theme].items())

"""Report themes as data: colour roles per theme, checked for WCAG contrast in the tests.

Each theme names the same roles; the template turns them into CSS custom
properties. The diagram has its own palettes (render/dot.py): the dark report
draws it dark, on a dark panel; the other themes show the light one.
"""

from __future__ import annotations

THEMES: dict[str, dict[str, str]] = {
    "light": {
        "text": "#1f2328", "muted": "#57606a", "background": "#ffffff", "surface": "#f6f8fa", "line": "#d0d7de",
        "accent": "#0550ae", "bad": "#a40e26", "warn": "#9a6700", "good": "#1a7f37", "panel": "#ffffff",
        "cell-on": "#ddf4ff", "grid-line": "#d0d7de", "band": "#f6f8fa", "band-alt": "#ffffff",
    },
    "dark": {
        "text": "#e6edf3", "muted": "#9da7b3", "background": "#0d1117", "surface": "#161b22", "line": "#30363d",
        "accent": "#79c0ff", "bad": "#ff8182", "warn": "#e3b341", "good": "#56d364", "panel": "#0d1117",
        "cell-on": "#0c2d6b", "grid-line": "#30363d", "band": "#161b22", "band-alt": "#0d1117",
    },
    "print": {
        "text": "#000000", "muted": "#3b3b3b", "background": "#ffffff", "surface": "#ffffff", "line": "#8c8c8c",
        "accent": "#000000", "bad": "#000000", "warn": "#000000", "good": "#000000", "panel": "#ffffff",
        "cell-on": "#e6e6e6", "grid-line": "#bdbdbd", "band": "#f2f2f2", "band-alt": "#ffffff",
    },
}
THEME_NAMES = tuple(THEMES)

# (foreground role, background role) pairs the report draws text with
TEXT_PAIRS = (
    ("text", "background"), ("muted", "background"), ("text", "surface"), ("muted", "surface"),
    ("accent", "background"), ("accent", "surface"), ("bad", "background"), ("bad", "surface"),
    ("warn", "surface"), ("good", "surface"), ("text", "cell-on"), ("muted", "band"), ("text", "band"),
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

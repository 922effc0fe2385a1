"""Every colour cjmap draws with, as data: the diagram's, the report's, the curves' (themes are data, not code).

Text on every fill is dark or white with a contrast of at least 4.5:1 (the tests check the pairs).
"""

from __future__ import annotations

from typing import Any

# Colour roles by name (str), and "emotion": {score: (card fill, badge fill, badge text)}; dot.py reads roles by name.
DiagramTheme = dict[str, Any]

# The diagram: colour roles, and per emotion (card fill, badge fill, badge text).
DIAGRAM_LIGHT: DiagramTheme = {
    "background": "#ffffff",
    "text": "#1f2328",
    "muted": "#57606a",
    "stage_fill": "#f6f8fa",
    "stage_border": "#d0d7de",
    "card_border": "#8c959f",
    "edge": "#57606a",
    "branch": "#0550ae",
    "exit": "#a40e26",
    "end": "#1a7f37",
    "on_target": "#1a7f37",  # a metric's status in the diagram's KPI lane, said in words beside the colour
    "off_target": "#a40e26",
    "emotion": {
        -2: ("#ffd8d3", "#a40e26", "#ffffff"),
        -1: ("#ffe7cf", "#953800", "#ffffff"),
        0: ("#eaeef2", "#57606a", "#ffffff"),
        1: ("#dcf5e3", "#1a7f37", "#ffffff"),
        2: ("#b9ecc8", "#116329", "#ffffff"),
        None: ("#ffffff", "#ffffff", "#57606a"),
    },
}
# The report's dark theme draws the diagram dark too: the same roles, dark fills and light text.
DIAGRAM_DARK: DiagramTheme = {
    "background": "#0d1117",
    "text": "#e6edf3",
    "muted": "#9da7b3",
    "stage_fill": "#161b22",
    "stage_border": "#30363d",
    "card_border": "#6e7681",
    "edge": "#9da7b3",
    "branch": "#79c0ff",
    "exit": "#ff8182",
    "end": "#56d364",
    "on_target": "#56d364",
    "off_target": "#ff8182",
    "emotion": {
        -2: ("#4c1419", "#ff8182", "#0d1117"),
        -1: ("#3d2410", "#f0883e", "#0d1117"),
        0: ("#21262d", "#9da7b3", "#0d1117"),
        1: ("#12301c", "#56d364", "#0d1117"),
        2: ("#0f3d20", "#7ee787", "#0d1117"),
        None: ("#0d1117", "#0d1117", "#9da7b3"),
    },
}
DIAGRAM_THEMES = {"light": DIAGRAM_LIGHT, "dark": DIAGRAM_DARK, "print": DIAGRAM_LIGHT}

# The report: the same roles in every theme, turned into CSS custom properties.
REPORT_THEMES: dict[str, dict[str, str]] = {
    "light": {
        "text": "#1f2328",
        "muted": "#57606a",
        "background": "#ffffff",
        "surface": "#f6f8fa",
        "line": "#d0d7de",
        "accent": "#0550ae",
        "bad": "#a40e26",
        "warn": "#9a6700",
        "good": "#1a7f37",
        "panel": "#ffffff",
        "cell-on": "#ddf4ff",
        "grid-line": "#d0d7de",
        "band": "#f6f8fa",
        "band-alt": "#ffffff",
    },
    "dark": {
        "text": "#e6edf3",
        "muted": "#9da7b3",
        "background": "#0d1117",
        "surface": "#161b22",
        "line": "#30363d",
        "accent": "#79c0ff",
        "bad": "#ff8182",
        "warn": "#e3b341",
        "good": "#56d364",
        "panel": "#0d1117",
        "cell-on": "#0c2d6b",
        "grid-line": "#30363d",
        "band": "#161b22",
        "band-alt": "#0d1117",
    },
    "print": {
        "text": "#000000",
        "muted": "#3b3b3b",
        "background": "#ffffff",
        "surface": "#ffffff",
        "line": "#8c8c8c",
        "accent": "#000000",
        "bad": "#000000",
        "warn": "#000000",
        "good": "#000000",
        "panel": "#ffffff",
        "cell-on": "#e6e6e6",
        "grid-line": "#bdbdbd",
        "band": "#f2f2f2",
        "band-alt": "#ffffff",
    },
}
THEME_NAMES = tuple(REPORT_THEMES)
PRINT_BADGE = ("#ffffff", "#000000")  # (fill, text) of a printed report's badges: ink only, the words carry the meaning

# The emotion curve: (stroke, dash) per persona, told apart by pattern as well as by colour
CURVE_STYLES = (
    ("#0550ae", ""),
    ("#bc4c00", "6 4"),
    ("#8250df", "2 3"),
    ("#1a7f37", "10 3 2 3"),
    ("#bf3989", "4 2"),
    ("#57606a", "1 2"),
)
# The comparison's overlay: (side, stroke, dash); the current state dashed grey, the future solid blue
OVERLAY_STYLES = (("current", "#6e7781", "6 4"), ("future", "#0550ae", ""))

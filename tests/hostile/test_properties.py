"""Property tests: no text makes cjmap raise, and no map text becomes markup in an output.

Two generators: YAML-ish text built from the pieces that trip parsers (anchors,
tags, brackets, tabs, control characters), and valid maps whose every text
field holds hostile strings (HTML, SVG, DOT, Jinja, bidi, very long text).
Outputs are parsed, and every element and attribute is checked against what
cjmap itself emits.
"""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import html5lib
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjmap.lint.pipeline import check
from cjmap.render import render_journey
from cjmap.rules import Context

MARKER = "cjmapevil"
PAYLOADS = [
    f"<{MARKER}>x</{MARKER}>",
    "<script>document.documentElement.setAttribute('data-pwned','1')</script>",
    f'"><img src=x onerror=alert(1) {MARKER}=1>',
    f"'><svg onload=alert(1) {MARKER}=1>",
    f"</style><{MARKER}/>",
    f"</script><{MARKER}/>",
    f"</title><{MARKER}/>",
    f"]]><{MARKER}/><![CDATA[",
    f'"]; {MARKER} [label="x',
    f'"] {MARKER} -> start [label="',
    f"<TABLE><TR><TD>{MARKER}</TD></TR></TABLE>",
    f"<title>{MARKER}</title>",
    "{{ 7*7 }}{% raw %}{# x #}",
    "&lt;&amp;&#x3c;",
    "\u202eevil\u202c \u2066x\u2069 zero\u200bwidth",
    "\\N \\G \\L \\E \\T \\H",
    "x" * 10_000,
]
hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(min_size=1, max_size=40),
    st.builds(lambda a, b: a + b, st.sampled_from(PAYLOADS), st.text(max_size=20)),
)
# the few places where cjmap only accepts a slug get safe ids; everything people read is hostile
hostile_url = st.builds(lambda t: "https://example.com/?q=" + t, st.sampled_from(PAYLOADS[:6]))


@st.composite
def hostile_maps(draw: st.DrawFn) -> dict:
    text = lambda: draw(hostile_text)  # noqa: E731 - one draw per field keeps the map readable
    touchpoints = [
        {
            "id": f"t{i}",
            "name": text(),
            "channel": "web",
            "owner": "team",
            "personas": ["p"],
            "doing": text(),
            "thinking": text(),
            "feeling": text(),
            "emotion": draw(st.integers(-2, 2)),
            "pain_points": [text()],
            "opportunities": [text()],
            "metrics": {text(): draw(st.one_of(st.integers(), st.floats(allow_nan=False), hostile_text))},
            "sources": ["s"],
            **({"next": [{"to": "t1", "when": text()}, {"to": "t2", "when": text()}]} if i == 0 else {}),
            **({"next": [], "exit": text()} if i == 1 else {}),
            f"x-{MARKER}": text(),
        }
        for i in range(3)
    ]
    return {
        "cjmap": 1,
        "title": text(),
        "summary": text(),
        "scope": text(),
        "owner": text(),
        "updated": "2026-11-01",
        "personas": [
            {
                "id": "p",
                "name": text(),
                "role": text(),
                "goals": [text()],
                "frustrations": [text()],
                "quote": text(),
                "sources": ["s"],
            }
        ],
        "teams": [{"id": "team", "name": text()}],
        "channels": [{"id": "web", "name": text()}],
        "sources": [{"id": "s", "name": text(), "url": draw(hostile_url), "collected": "2026-10-01"}],
        "stages": [
            {"id": "first", "name": text(), "goal": text(), "touchpoints": touchpoints[:2]},
            {"id": "second", "name": text(), "goal": text(), "touchpoints": touchpoints[2:]},
        ],
    }


def lint_and_render(map_text: str) -> dict[str, bytes] | None:
    """What `cjmap lint` then `cjmap render` do with this text, in process; None when it does not load."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.cjmap.yaml"
        path.write_text(map_text, encoding="utf-8", errors="surrogatepass")
        checked = check(path, "m.cjmap.yaml", context=Context(today=date(2026, 11, 24)))
        for d in checked.diagnostics:
            assert d.where.file == "m.cjmap.yaml" and d.where.line >= 1 and d.message
        if checked.journey is None:
            assert any(d.code.startswith("CJM0") for d in checked.diagnostics)
            return None
        return render_journey(checked.journey, ("svg", "html", "dot"), checked.diagnostics, "cjmap test")


YAMLISH = [
    "cjmap: 1\n",
    "title: ",
    "stages:\n",
    "touchpoints:\n",
    "- ",
    "  ",
    "    ",
    "name: ",
    "next: ",
    "id: ",
    "&a ",
    "*a",
    "<<: *a\n",
    "[",
    "]",
    "{",
    "}",
    ": ",
    ", ",
    "\n",
    "'",
    '"',
    "#",
    "---\n",
    "...\n",
    "? ",
    "|\n",
    ">-\n",
    "\t",
    "!!python/object:os.system ",
    "!tag ",
    "!!binary ",
    "%YAML 1.1\n",
    "\x00",
    "\x1b[2J",
    "\ufeff",
    "é",
    "\u202e",
    "emotion: ",
    "-3",
    "99999999999999999999",
    "1e309",
    ".nan",
    "null",
    "~",
    "2026-13-45",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(YAMLISH) | st.text(max_size=5), max_size=40).map("".join))
def test_any_text_gives_diagnostics_not_exceptions(text: str) -> None:
    lint_and_render(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile_maps())
def test_hostile_text_never_becomes_markup(data: dict) -> None:
    outputs = lint_and_render(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert outputs is not None, "a valid map with hostile text must load"
    assert_svg_clean(ET.fromstring(outputs["svg"]))
    assert_html_clean(html5lib.parse(outputs["html"].decode("utf-8"), namespaceHTMLElements=False))


# what cjmap emits itself; anything else came from map text
HTML_TAGS = {
    "html",
    "head",
    "body",
    "article",
    "aside",
    "b",
    "i",
    "hr",
    "meta",
    "title",
    "style",
    "main",
    "header",
    "footer",
    "section",
    "nav",
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "div",
    "span",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "strong",
    "em",
    "small",
    "time",
    "blockquote",
    "figure",
    "figcaption",
    "details",
    "summary",
    "button",
    "label",
    "input",
    "select",
    "option",
    "fieldset",
    "legend",
    "tfoot",
    "abbr",
    "bdi",
    "code",
    "br",
    "script",
    "caption",
    "col",
    "colgroup",
    "svg",
}
SVG_TAGS = {
    "svg",
    "g",
    "title",
    "desc",
    "path",
    "polygon",
    "polyline",
    "ellipse",
    "circle",
    "text",
    "tspan",
    "a",
    "defs",
    "rect",
    "line",
}
URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction"}
SAFE_URL = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)


SVG = "{http://www.w3.org/2000/svg}"
_NODE = r"(?:tp-t\d|start|end|exit-t\d)"
GRAPH_PARTS = {
    "graph": re.compile("journey"),
    "cluster": re.compile(r"cluster-(?:first|second)"),
    "node": re.compile(rf"{_NODE}|stage-(?:first|second)|empty-(?:first|second)|title|legend-emotion|legend-flow"),
    "edge": re.compile(f"{_NODE}->{_NODE}"),
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_element(tag: str, attributes: dict[str, str], allowed: set[str]) -> None:
    assert tag in allowed, f"unexpected element <{tag}>"
    for name, value in attributes.items():
        short = _local(name)
        assert not short.lower().startswith("on"), f"event handler {short}={value!r} on <{tag}>"
        assert MARKER not in short, f"injected attribute {short} on <{tag}>"
        if short in URL_ATTRIBUTES or name.endswith("}href"):
            assert SAFE_URL.match(value.strip()), f"unsafe link {value!r} on <{tag}>"
        if short == "style":
            assert "url(" not in value and "expression" not in value, f"style from map text on <{tag}>"


def assert_svg_clean(root: ET.Element) -> None:
    for element in root.iter():
        _check_element(_local(element.tag), dict(element.attrib), SVG_TAGS)
    # DOT injection would add nodes, edges or clusters: every one must be a statement cjmap wrote
    for group in root.iter(f"{SVG}g"):
        kind = group.get("class")
        if kind in GRAPH_PARTS:
            title = group.find(f"{SVG}title")
            assert title is not None, f"a {kind} without a title"
            assert GRAPH_PARTS[kind].fullmatch(title.text or ""), f"unexpected {kind} {title.text!r}"


def assert_html_clean(document: ET.Element) -> None:
    for element in document.iter():
        tag = _local(element.tag) if isinstance(element.tag, str) else "#comment"
        if tag == "#comment":
            continue
        _check_element(tag, dict(element.attrib), HTML_TAGS | SVG_TAGS)
        if tag in {"script", "style"}:
            assert MARKER not in (element.text or "") and "pwned" not in (element.text or ""), (
                f"map text inside <{tag}>"
            )

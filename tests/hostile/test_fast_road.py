"""The fast road (plain maps and settings, without pydantic) changes no output: end to end, byte for byte.

Issue 17 lets `cjmap.plain.plain_map` and `cjmap.lint.plain_settings.plain_settings` stand in for the pydantic
models when the data is exactly valid. Each test here runs a command twice in this process, once as shipped
and once with both readers switched off (so every map and config goes to pydantic), and compares standard
output, standard error, exit code and every file written. The maps are odd on purpose: aliases and merge
keys, `x-` keys in every model, numbers spelled in hex or base 60, `-0`, `share: 1`, unicode minus, dates
with a time, empty lists against null; each case also pins which road it takes, so a case meant for the
fast road cannot silently drift to pydantic and compare pydantic with itself.
"""

from __future__ import annotations

import gc
import shutil
from pathlib import Path
from typing import Any

import pytest

import cjmap.lint.config
import cjmap.validate
from cjmap.diagnostics import MapError
from cjmap.lint.config import load_config
from cjmap.lint.pipeline import load_journey
from cjmap.lint.plain_settings import PlainSettings
from cjmap.plain import Plain, plain_map
from cjmap.resolve import Journey
from cjmap.source.loader import load_map
from conftest import run_cli

TODAY = "2026-11-26"

BASE = """\
cjmap: 1
title: Base
updated: 2026-01-02
owner: cx
imports: [shared/lib.cjmap.yaml]
personas:
  - id: mia
    name: Mia
    goals: [Pay fast]
    sources: [survey]
teams:
  - {id: shop, name: Shop}
channels:
  - {id: web, name: Web}
metrics:
  - id: conv
    name: Conversion
    kind: rate
    target: {value: 3.5, better: higher}
    owner: shop
    value: 2
stages:
  - id: buy
    name: Buy
    goal: Get it
    metrics: {conv: 3}
    touchpoints:
      - id: cart
        name: Cart
        channel: web
        owner: shop
        doing: Adds items
        emotion: 1
        pain_points: [Slow]
        metrics: {conv: 2.5, note: fine}
        sources: [survey]
        next:
          - {to: pay, when: ready, share: 0.6}
          - {to: leave, share: 0.4}
      - id: pay
        name: Pay
        channel: web
        emotion: -2
        next: []
        exit: Done
      - id: leave
        name: Leave
        emotion: {mia: -1}
"""

LIB = """\
cjmap: 1
sources:
  - {id: survey, name: Survey, collected: 2026-01-01}
"""

# name: (replacements in BASE, replacements in LIB); each `old` must occur in the text
Edits = list[tuple[str, str]]
FAST: dict[str, tuple[Edits, Edits]] = {
    "base": ([], []),
    "x-keys in every model": (
        [
            ("cjmap: 1\n", "cjmap: 1\nx-top: {a: 1}\n"),
            ("{to: pay, when: ready, share: 0.6}", "{to: pay, when: ready, share: 0.6, x-w: 1}"),
            ("target: {value: 3.5, better: higher}", "target: {value: 3.5, better: higher, x-t: [1]}"),
            ("        emotion: 1\n", "        emotion: 1\n        x-e: null\n"),
            ("  - {id: shop, name: Shop}", "  - {id: shop, name: Shop, x-: 2}"),
        ],
        [("name: Survey", "name: Survey, x-z: 1")],
    ),
    "x-key as a free metric note": ([("note: fine", "note: fine, x-m: 3")], []),
    "emotion -0": ([("        emotion: 1\n", "        emotion: -0\n")], []),
    "emotion as an empty mapping": ([("emotion: {mia: -1}", "emotion: {}")], []),
    "emotion null": ([("        emotion: 1\n", "        emotion: ~\n")], []),
    "share 1 and 0 as whole numbers": ([("share: 0.6}", "share: 1}"), ("share: 0.4}", "share: 0}")], []),
    "share -0.0": ([("share: 0.4}", "share: -0.0}")], []),
    "-0.0 metric values": (
        [("conv: 2.5, note", "conv: -0.0, note"), ("metrics: {conv: 3}", "metrics: {conv: -0.0}")],
        [],
    ),
    "hex, octal-free and base 60 integers": ([("metrics: {conv: 3}", "metrics: {conv: 0x1F}")], []),
    "sexagesimal": ([("metrics: {conv: 3}", "metrics: {conv: 1:30}")], []),
    "underscored integer": ([("metrics: {conv: 3}", "metrics: {conv: 1_000}")], []),
    "exponent float": ([("conv: 2.5, note", "conv: 1.0e+3, note")], []),
    "huge whole numbers": (
        [
            ("metrics: {conv: 3}", "metrics: {conv: 99999999999999999999999999}"),
            ("value: 3.5, better", "value: 99999999999999999999999999, better"),
        ],
        [],
    ),
    "whole-number target and float map value": (
        [("value: 3.5, better", "value: 3, better"), ("    value: 2\n", "    value: 2.0\n")],
        [],
    ),
    "anchors and aliases": (
        [
            ("  - {id: shop, name: Shop}", "  - &t {id: shop, name: Shop}"),
            ("        owner: shop\n        doing", "        owner: shop\n        x-copy: *t\n        doing"),
            ("pain_points: [Slow]", "pain_points: &p [Slow, Slower]\n        opportunities: *p"),
        ],
        [],
    ),
    "merge keys": (
        [
            ("  - {id: web, name: Web}", "  - &c {id: web, name: Web}\n  - {<<: *c, id: web2}"),
            (
                "      - id: leave\n        name: Leave\n",
                "      - <<: {name: Leave, channel: web}\n        id: leave\n",
            ),
        ],
        [],
    ),
    "block text with trailing newlines": (
        [
            ("        doing: Adds items\n", "        doing: |\n          Adds items\n\n"),
            ("    goal: Get it\n", "    goal: >\n      Get\n      it\n"),
        ],
        [],
    ),
    "blank and control text": (
        [("    goal: Get it\n", "    goal: ' '\n"), ("title: Base\n", 'title: "B\\x1b[31m\\r\\nx"\n')],
        [],
    ),
    "next null": ([("        next: []\n", "        next: ~\n")], []),
    "next [] without exit": ([("        next: []\n        exit: Done\n", "        next: []\n")], []),
    "next shorthand": ([("          - {to: leave, share: 0.4}", "          - leave")], []),
    "next when and share null": ([("{to: leave, share: 0.4}", "{to: leave, when: ~, share: ~}")], []),
    "empty lists": (
        [
            ("pain_points: [Slow]", "pain_points: []"),
            ("    goals: [Pay fast]\n", "    goals: [Pay fast]\n    starts: []\n    stages: []\n"),
            (
                "        channel: web\n        emotion: -2",
                "        channel: web\n        personas: []\n        emotion: -2",
            ),
        ],
        [],
    ),
    "starts as text": ([("    goals: [Pay fast]\n", "    goals: [Pay fast]\n    starts: pay\n")], []),
    "starts as a list": ([("    goals: [Pay fast]\n", "    goals: [Pay fast]\n    starts: [pay, cart]\n")], []),
    "id of 200 characters": ([("  - id: buy\n", "  - id: " + "b" * 200 + "\n")], []),
    "name only, accented": ([("  - id: buy\n    name: Buy\n", "  - name: Kaufen \u00fc\u00df\n")], []),
    "name only, no slug": ([("  - id: buy\n    name: Buy\n", "  - name: \u8cfc\u5165\n")], []),
    "link with blanks and capitals": (
        [],
        [("collected: 2026-01-01}", "collected: 2026-01-01, url: '  HTTPS://x.example  '}")],
    ),
    "future, explicit flow": ([("title: Base\n", "title: Base\nstate: future\nflow: explicit\n")], []),
    "no title": ([("title: Base\n", "")], []),
    "explicit tags": (
        [("    goal: Get it\n", "    goal: !!str 123\n"), ("metrics: {conv: 3}", "metrics: {conv: !!float 3}")],
        [],
    ),
    "null key in a free mapping": ([("note: fine", "~: fine")], []),
    "imported file with empty stages": ([], [("collected: 2026-01-01}\n", "collected: 2026-01-01}\nstages: []\n")]),
    "imported file with stages": ([], [("collected: 2026-01-01}\n", "collected: 2026-01-01}\nstages: [{id: s}]\n")]),
}
# pydantic coerces or refuses these: the fast road must hand them over, and say nothing different
SLOW: dict[str, tuple[Edits, Edits]] = {
    "id a number": ([("  - id: buy\n", "  - id: 123\n")], []),
    "name a number": ([("    name: Buy\n", "    name: 2024\n")], []),
    "name yes": ([("    name: Buy\n", "    name: yes\n")], []),
    "emotion 2.0": ([("        emotion: 1\n", "        emotion: 2.0\n")], []),
    "emotion unicode minus": ([("        emotion: 1\n", "        emotion: \u22121\n")], []),
    "emotion unicode minus per persona": ([("emotion: {mia: -1}", "emotion: {mia: \u22122}")], []),
    "emotion true": ([("        emotion: 1\n", "        emotion: true\n")], []),
    "updated with a time": ([("updated: 2026-01-02", "updated: 2026-11-01T10:00:00")], []),
    "updated at midnight": ([("updated: 2026-01-02", "updated: 2026-11-01T00:00:00")], []),
    "updated as text": ([("updated: 2026-01-02", "updated: '2026-01-02'")], []),
    "nan metric": ([("conv: 2.5, note", "conv: .nan, note")], []),
    "inf note": ([("note: fine", "note: .inf")], []),
    "bool metric": ([("conv: 2.5, note", "conv: true, note")], []),
    "share as text": ([("share: 0.4}", "share: '0.4'}")], []),
    "share true": ([("share: 0.4}", "share: true}")], []),
    "cjmap 1.0": ([("cjmap: 1\n", "cjmap: 1.0\n")], []),
    "next to a number": ([("{to: leave, share: 0.4}", "{to: 7, share: 0.4}")], []),
    "starts a number": ([("    goals: [Pay fast]\n", "    goals: [Pay fast]\n    starts: 5\n")], []),
    "pain point a number": ([("pain_points: [Slow]", "pain_points: [1]")], []),
    "pain points null": ([("pain_points: [Slow]", "pain_points: ~")], []),
    "imports as text": ([("imports: [shared/lib.cjmap.yaml]", "imports: shared/lib.cjmap.yaml")], []),
    "unknown key": ([("        doing: Adds items\n", "        doin: Adds items\n")], []),
    "imported file invalid": ([], [("name: Survey", "nam: Survey")]),
    "link not a link": ([], [("collected: 2026-01-01}", "collected: 2026-01-01, url: 'javascript:1'}")]),
    "collected with a time": ([], [("collected: 2026-01-01", "collected: 2026-01-01T00:00:00")]),
}

CONFIGS: dict[str, tuple[str, str, bool]] = {  # name: (file, text, fast)
    "select ignore fail-on": ("cjmap.toml", 'select = ["CJM1", "CJM3"]\nignore = ["CJM301"]\nfail-on = "info"\n', True),
    "severity by name and prefix": (
        "cjmap.toml",
        '[severity]\nunaddressed-low-emotion = "error"\nCJM1 = "info"\n',
        True,
    ),
    "per-file-ignores": ("cjmap.toml", '[per-file-ignores]\n"*.cjmap.yaml" = ["CJM3"]\n"legacy/**" = []\n', True),
    "options at their lower bounds": ("cjmap.toml", "stale-days = 1\nlow-emotion = -2\nshare-slack = 0\n", True),
    "options at their upper bounds": (
        "cjmap.toml",
        "low-emotion = 2\nshare-slack = 100\nmax-file-size = 104857600\n",
        True,
    ),
    "max-file-size 1": ("cjmap.toml", "max-file-size = 1\n", True),
    "huge stale-days": ("cjmap.toml", "stale-days = 99999999999999999999\n", True),
    "dotted keys": ("cjmap.toml", 'severity.CJM301 = "info"\n', True),
    "empty": ("cjmap.toml", "", True),
    "selectors repeated": ("cjmap.toml", 'select = ["CJM1", "CJM1", "cjm1"]\nignore = ["CJM1"]\n', True),
    "select naming no rule": ("cjmap.toml", 'select = ["CJM999"]\n', True),
    "severity naming no rule": ("cjmap.toml", '[severity]\nnope = "error"\n', True),
    "pyproject table": (
        "pyproject.toml",
        '[project]\nname = "x"\n[tool.cjmap]\nfail-on = "warning"\nselect = ["CJM3"]\n[tool.ruff]\nselect = ["E"]\n',
        True,
    ),
    "pyproject subtables": (
        "pyproject.toml",
        '[tool.cjmap]\nshare-slack = 0\n[tool.cjmap.per-file-ignores]\n"m*.yaml" = ["CJM301"]\n'
        '[tool.cjmap.severity]\nCJM103 = "info"\n',
        True,
    ),
    "option above its bound": ("cjmap.toml", "share-slack = 101\n", False),
    "option below its bound": ("cjmap.toml", "low-emotion = -3\n", False),
    "option as a float": ("cjmap.toml", "stale-days = 30.0\n", False),
    "option as a bool": ("cjmap.toml", "stale-days = true\n", False),
    "option as text": ("cjmap.toml", 'stale-days = "30"\n', False),
    "unknown setting": ("cjmap.toml", 'selec = ["CJM1"]\n', False),
    "snake-case setting": ("cjmap.toml", 'fail_on = "info"\n', False),
    "select as text": ("cjmap.toml", 'select = "CJM1"\n', False),
    "severity not a level": ("cjmap.toml", '[severity]\nCJM301 = "fatal"\n', False),
    "empty glob": ("cjmap.toml", '[per-file-ignores]\n" " = ["CJM3"]\n', False),
    "pyproject bad option": ("pyproject.toml", '[tool.cjmap]\nshare-slack = "x"\n', False),
}


def edited(text: str, edits: Edits) -> str:
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def make_project(folder: Path, map_edits: Edits, lib_edits: Edits) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "shared").mkdir(exist_ok=True)
    (folder / "map.cjmap.yaml").write_text(edited(BASE, map_edits), encoding="utf-8")
    (folder / "shared" / "lib.cjmap.yaml").write_text(edited(LIB, lib_edits), encoding="utf-8")
    return folder


def outcome(folder: Path, args: tuple[str, ...]) -> dict[str, Any]:
    """What a command says and writes: its streams, exit code and every file in the folder afterwards."""
    done = run_cli(*args, cwd=folder)
    files = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    return {"stdout": done.stdout, "stderr": done.stderr, "exit": done.returncode, "files": files}


def both_roads(tmp_path: Path, source: Path, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    """Run `args` in two copies of `source`: as shipped, then with the plain readers off; every byte the same."""
    fast, slow = tmp_path / "fast" / "p", tmp_path / "slow" / "p"  # the same depth: paths in output match
    shutil.copytree(source, fast)
    shutil.copytree(source, slow)
    shipped = outcome(fast, args)
    with monkeypatch.context() as m:
        m.setattr(cjmap.validate, "plain_map", lambda data: None)
        m.setattr(cjmap.lint.config, "plain_settings", lambda table: None)
        judged = outcome(slow, args)
    assert shipped["exit"] == judged["exit"], (shipped["stderr"], judged["stderr"])
    assert shipped["stdout"] == judged["stdout"]
    assert shipped["stderr"] == judged["stderr"]
    assert shipped["files"].keys() == judged["files"].keys()
    for name, data in shipped["files"].items():
        assert data == judged["files"][name], name


COMMANDS = {
    "lint": ("lint", "-j", "1", "--today", TODAY, "--fail-on", "info", "--report-unused-ignores", "map.cjmap.yaml"),
    "lint json": ("lint", "-j", "1", "-f", "json", "--today", TODAY, "map.cjmap.yaml"),
    "lint folder": ("lint", "-j", "1", "--today", TODAY, "--statistics"),
    "outline": ("outline", "map.cjmap.yaml"),
    "outline import": ("outline", "shared/lib.cjmap.yaml"),
    "render text formats": (
        "render",
        "-j",
        "1",
        "-f",
        "markdown,mermaid",
        "--today",
        TODAY,
        "-o",
        "out",
        "map.cjmap.yaml",
    ),
    "diff": ("diff", "map.cjmap.yaml", "map.cjmap.yaml"),
    "compare": ("compare", "map.cjmap.yaml", "map.cjmap.yaml", "-o", "compare.html"),
}


def _road(folder: Path, name: str = "map.cjmap.yaml") -> bool:
    """Whether the map itself takes the fast road (None data: the loader refused it, neither road is taken)."""
    source = load_map(folder / name).files[0]
    return plain_map(source.data) is not None


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", FAST)
def test_a_map_on_the_fast_road_gives_every_output_pydantic_gives(
    case: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_project(tmp_path / "source", *FAST[case])
    assert _road(source), "this case should take the fast road"
    both_roads(tmp_path, source, COMMANDS[command], monkeypatch)


@pytest.mark.parametrize("command", ["lint", "lint json", "outline", "outline import", "diff"])
@pytest.mark.parametrize("case", SLOW)
def test_a_map_pydantic_must_judge_is_handed_over_and_says_the_same(
    case: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_project(tmp_path / "source", *SLOW[case])
    if not case.startswith(("imported", "link", "collected")):
        assert not _road(source), "this case should be handed to pydantic"
    both_roads(tmp_path, source, COMMANDS[command], monkeypatch)


@pytest.mark.parametrize("case", ["base", "x-keys in every model", "merge keys", "share 1 and 0 as whole numbers"])
def test_drawings_are_the_same_on_both_roads(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    source = make_project(tmp_path / "source", *FAST[case])
    args = ("render", "-j", "1", "-f", "svg,html,dot", "--today", TODAY, "--lanes", "persona", "-o", "out", ".")
    both_roads(tmp_path, source, args, monkeypatch)


@pytest.mark.parametrize("case", CONFIGS)
def test_a_config_on_either_road_gives_the_same_lint(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, text, fast = CONFIGS[case]
    source = make_project(tmp_path / "source", *FAST["base"])
    (source / name).write_text(text, encoding="utf-8")
    try:
        plain = isinstance(load_config(source / name).settings, PlainSettings)
    except MapError:
        plain = False
    assert plain is fast, "this config should take the fast road" if fast else "the settings model should judge it"
    runs = (COMMANDS["lint"], COMMANDS["lint json"], ("lint", "-j", "1", "--today", TODAY, "--select", "CJM3"))
    for index, args in enumerate(runs):
        both_roads(tmp_path / str(index), source, args, monkeypatch)


def _holds_plain(value: object) -> bool:
    seen: set[int] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, type):
            continue
        seen.add(id(item))
        if isinstance(item, Plain):
            return True
        stack.extend(gc.get_referents(item))
    return False


def _journey_or_error(path: Path) -> Journey | MapError:
    try:
        return load_journey(path)
    except MapError as error:  # anything else (a crash) fails the test
        return error


@pytest.mark.parametrize("case", FAST)
def test_load_journey_gives_the_journey_pydantic_gives(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library call: an equal Journey, with nothing of the plain reader left inside it to surprise a caller."""
    source = make_project(tmp_path, *FAST[case])
    fast = _journey_or_error(source / "map.cjmap.yaml")
    monkeypatch.setattr(cjmap.validate, "plain_map", lambda data: None)
    slow = _journey_or_error(source / "map.cjmap.yaml")
    if isinstance(fast, MapError) or isinstance(slow, MapError):  # a map that does not load fails the same way
        assert isinstance(fast, MapError) and isinstance(slow, MapError)
        assert fast.diagnostics == slow.diagnostics
        return
    assert fast == slow
    assert repr(fast) == repr(slow)
    assert not _holds_plain(fast)

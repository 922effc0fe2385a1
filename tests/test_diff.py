"""cjmap diff: each kind of change, git revisions, --git, formats, exit codes; and outline as a textconv."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import MINIMAL, TODAY, run_cli, write

BASE = """
cjmap: 1
title: Shop
updated: 2026-11-01
personas: [{id: sam, name: Sam}]
teams: [{id: sales, name: Sales}, {id: care, name: Care}]
channels: [{id: web, name: Website}, {id: phone, name: Phone}]
stages:
  - id: browse
    name: Browse
    touchpoints:
      - id: search
        name: Searches
        channel: web
        owner: sales
        emotion: -1
        pain_points: [Results are slow]
        opportunities: [Faster search]
        next: [{to: pay, when: finds it}, {to: call, when: otherwise}]
      - id: call
        name: Calls the shop
        channel: phone
        owner: care
        emotion: 0
  - id: buy
    name: Buy
    touchpoints:
      - {id: pay, name: Pays, channel: web, owner: sales, emotion: 1}
"""


def changes(project: Path, old: str, new: str) -> list[tuple[str, str, str]]:
    write(project, "old.cjmap.yaml", old)
    write(project, "new.cjmap.yaml", new)
    result = run_cli("diff", "--format", "json", "--today", TODAY, "old.cjmap.yaml", "new.cjmap.yaml", cwd=project)
    assert result.returncode == 0, result.stderr
    (only,) = json.loads(result.stdout)["maps"]
    return [(c["kind"], c["subject"], c["detail"]) for c in only["changes"]]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("emotion: -1", "emotion: 1"), ("emotion", "Searches", "emotion \u22121 \u2192 +1 (better)")),
        (("emotion: 1}", "emotion: -2}"), ("emotion", "Pays", "emotion +1 \u2192 \u22122 (worse)")),
        (("owner: care", "owner: sales"), ("owner", "Calls the shop", "owner: Care \u2192 Sales")),
        (("channel: phone", "channel: web"), ("channel", "Calls the shop", "channel: Phone \u2192 Website")),
        (
            ("name: Calls the shop", "name: Phones the shop"),
            ("touchpoint-renamed", "Phones the shop", "renamed from \u2018Calls the shop\u2019"),
        ),
        ((": call", ": phone-call"), ("touchpoint-renamed", "Calls the shop", "id changed from call to phone-call")),
        (("name: Buy\n", "name: Checkout\n"), ("stage-renamed", "Checkout", "stage renamed from \u2018Buy\u2019")),
        (
            ("[Results are slow]", "[Results are slow, No filters]"),
            ("pain-points-added", "Searches", "pain point added: No filters"),
        ),
        (
            ("opportunities: [Faster search]", "opportunities: []"),
            ("opportunities-removed", "Searches", "opportunity removed: Faster search"),
        ),
        (
            ("when: finds it", "when: finds it fast"),
            ("branch-added", "Searches", "now leads to Pays when \u2018finds it fast\u2019"),
        ),
        (
            ("        emotion: 0\n", "        emotion: 0\n        next: []\n        exit: gives up\n"),
            ("exit-added", "Calls the shop", "customers may now leave here: gives up"),
        ),
        (
            ("personas: [{id: sam, name: Sam}]", "personas: [{id: sam, name: Sam}, {id: lee, name: Lee}]"),
            ("persona-added", "Lee", "persona added"),
        ),
        (
            ("updated: 2026-11-01", "updated: 2026-11-20"),
            ("reviewed", "map", "last reviewed: 2026-11-01 \u2192 2026-11-20"),
        ),
    ],
    ids=lambda v: v[0] if isinstance(v, tuple) and len(v) == 3 else None,
)
def test_each_kind_of_change(project: Path, edit: tuple[str, str], expected: tuple[str, str, str]) -> None:
    assert edit[0] in BASE
    found = changes(project, BASE, BASE.replace(*edit))
    assert expected in found, found


def test_touchpoints_and_stages_added_removed_and_moved(project: Path) -> None:
    new = (
        BASE.replace(
            "  - id: buy\n    name: Buy\n    touchpoints:\n      - {id: pay, name: Pays, channel: web, owner: "
            "sales, emotion: 1}\n",
            "",
        )
        .replace(
            "stages:\n",
            "stages:\n  - id: buy\n    name: Buy\n    touchpoints:\n      - {id: pay, name: Pays, channel: web, "
            "owner: sales, emotion: 1}\n"
            "      - {id: review, name: Writes a review, channel: web, owner: sales, emotion: 2}\n",
        )
        .replace(
            "      - id: call\n        name: Calls the shop\n        channel: phone\n        owner: care\n        "
            "emotion: 0\n",
            "",
        )
    )
    new = new.replace("{to: call, when: otherwise}", "{to: pay, when: otherwise}")
    found = changes(project, BASE, new)
    assert ("touchpoint-added", "Writes a review", "added in Buy (+2)") in found
    assert ("touchpoint-removed", "Calls the shop", "removed from Browse") in found
    assert ("stage-moved", "Buy", "stage moved from 2 to 1") in found


def test_lint_findings_introduced_and_fixed(project: Path) -> None:
    write(project, "old.cjmap.yaml", BASE)
    write(
        project,
        "new.cjmap.yaml",
        BASE.replace("        owner: care\n", "").replace("pain_points: [Results are slow]", "pain_points: []"),
    )
    result = run_cli("diff", "--today", TODAY, "old.cjmap.yaml", "new.cjmap.yaml", cwd=project)
    assert "    + CJM103 touchpoint 'call' has no owner" in result.stdout
    assert (
        "    + CJM301 touchpoint 'search' scores -1 but names no pain point or opportunity" not in result.stdout
    )  # it has an opportunity
    assert "    + CJM105 team 'care' is defined but never used" in result.stdout
    assert result.stdout.splitlines()[0].endswith("lint: 2 introduced, 0 fixed")


def test_no_change_exit_code_and_markdown(project: Path) -> None:
    write(project, "a.cjmap.yaml", BASE)
    write(project, "b.cjmap.yaml", BASE.replace("  # unchanged", ""))
    same = run_cli("diff", "--exit-code", "--today", TODAY, "a.cjmap.yaml", "b.cjmap.yaml", cwd=project)
    assert same.returncode == 0 and "no changes for the customer" in same.stdout
    write(
        project,
        "b.cjmap.yaml",
        BASE.replace("name: Searches", "name: Searches <b>|*now*|</b>").replace("emotion: 1}", "emotion: 2}"),
    )
    changed = run_cli(
        "diff", "--exit-code", "--format", "markdown", "--today", TODAY, "a.cjmap.yaml", "b.cjmap.yaml", cwd=project
    )
    assert changed.returncode == 1
    assert "- **Pays**: emotion \\+1 → \\+2 (better ▲)" in changed.stdout
    assert "Searches &lt;b&gt;\\|\\*now\\*\\|&lt;/b&gt;" in changed.stdout and "<b>" not in changed.stdout


def git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=project,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write(
        tmp_path,
        "maps/shared/teams.cjmap.yaml",
        "cjmap: 1\nteams: [{id: sales, name: Sales}, {id: care, name: Care}]\n",
    )
    write(
        tmp_path,
        "maps/shop.cjmap.yaml",
        BASE.replace("teams: [{id: sales, name: Sales}, {id: care, name: Care}]", "imports: [shared/teams.cjmap.yaml]"),
    )
    write(tmp_path, "maps/other.cjmap.yaml", MINIMAL)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "maps")
    return tmp_path


def test_git_revision_with_imports_against_the_working_tree(repo: Path) -> None:
    shop = repo / "maps" / "shop.cjmap.yaml"
    shop.write_text(shop.read_text().replace("emotion: 0", "emotion: -2"))
    result = run_cli("diff", "--today", TODAY, "main:maps/shop.cjmap.yaml", "maps/shop.cjmap.yaml", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "Calls the shop: emotion 0 \u2192 \u22122 (worse) \u25bc" in result.stdout
    relative = run_cli("diff", "--today", TODAY, "main:./shop.cjmap.yaml", "shop.cjmap.yaml", cwd=repo / "maps")
    assert relative.stdout == result.stdout.replace("main:maps/shop.cjmap.yaml", "main:./shop.cjmap.yaml").replace(
        "→ maps/shop", "→ shop"
    )


def test_git_mode_lists_every_changed_map_added_and_deleted(repo: Path) -> None:
    shop = repo / "maps" / "shop.cjmap.yaml"
    shop.write_text(shop.read_text().replace("name: Pays", "name: Pays by card"))
    (repo / "maps" / "other.cjmap.yaml").unlink()
    write(repo, "maps/new.cjmap.yaml", MINIMAL)
    write(repo, "notes.yaml", "not: a map\n")
    result = run_cli("diff", "--git", "main", "--format", "json", "--today", TODAY, cwd=repo)
    assert result.returncode == 0, result.stderr
    maps = json.loads(result.stdout)["maps"]
    assert [(m["old"], m["new"]) for m in maps] == [
        (None, "maps/new.cjmap.yaml"),
        ("maps/other.cjmap.yaml", None),
        ("maps/shop.cjmap.yaml", "maps/shop.cjmap.yaml"),
    ]
    assert [c["kind"] for c in maps[0]["changes"]] == ["map-added"] and [c["kind"] for c in maps[1]["changes"]] == [
        "map-removed"
    ]


def test_git_errors_are_one_line(repo: Path) -> None:
    for args, message in (
        (["--git", "nosuch"], "error: git: unknown revision 'nosuch'"),
        (
            ["main:maps/missing.cjmap.yaml", "maps/shop.cjmap.yaml"],
            "error: git: 'maps/missing.cjmap.yaml' does not exist at main",
        ),
    ):
        result = run_cli("diff", *args, cwd=repo)
        assert result.returncode == 2 and result.stderr.strip() == message


def test_outline_makes_git_diff_readable(repo: Path) -> None:
    import sys

    (repo / ".gitattributes").write_text("*.cjmap.yaml diff=cjmap\n")
    git(repo, "config", "diff.cjmap.textconv", f"{sys.executable} -m cjmap outline")
    shop = repo / "maps" / "shop.cjmap.yaml"
    shop.write_text(shop.read_text().replace("emotion: 0", "emotion: 2"))
    done = subprocess.run(
        ["git", "diff", "--", "maps/shop.cjmap.yaml"], cwd=repo, capture_output=True, text=True, check=True
    )
    removed = [line for line in done.stdout.splitlines() if line.startswith("-    touchpoint")]
    added = [line for line in done.stdout.splitlines() if line.startswith("+    touchpoint")]
    assert removed == ["-    touchpoint call: Calls the shop (channel phone; owner care; emotion 0)"]
    assert added == ["+    touchpoint call: Calls the shop (channel phone; owner care; emotion +2)"]


def test_an_owner_change_is_listed_once(project: Path) -> None:
    new = BASE.replace("title: Shop\n", "title: Shop\nowner: cx-team\n").replace("owner: care", "owner: sales")
    write(project, "old.cjmap.yaml", BASE)
    write(project, "new.cjmap.yaml", new)
    result = run_cli("diff", "--today", TODAY, "old.cjmap.yaml", "new.cjmap.yaml", cwd=project)
    assert (
        result.stdout.count("owner: none \u2192 cx-team") == 1
        and result.stdout.count("Calls the shop: owner: Care \u2192 Sales") == 1
    ), result.stdout
    assert ("map-owner", "map", "owner: none \u2192 cx-team") in changes(project, BASE, new)


def test_a_changed_folded_summary_reads_as_text(project: Path) -> None:
    old = BASE.replace("title: Shop\n", "title: Shop\nsummary: >\n  Sam buys\n  online.\n")
    new = BASE.replace("title: Shop\n", "title: Shop\nsummary: >\n  Sam buys\n  in the shop.\n")
    write(project, "old.cjmap.yaml", old)
    write(project, "new.cjmap.yaml", new)
    result = run_cli("diff", "--today", TODAY, "old.cjmap.yaml", "new.cjmap.yaml", cwd=project)
    assert "    summary: Sam buys online. \u2192 Sam buys in the shop.\n" in result.stdout, result.stdout
    assert "\\x0a" not in result.stdout


def test_a_new_branch_to_a_new_touchpoint_is_reported(project: Path) -> None:
    new = BASE.replace(
        "{to: call, when: otherwise}", "{to: call, when: otherwise}, {to: chat, when: has a question}"
    ).replace(
        "  - id: buy\n",
        "      - {id: chat, name: Chats, channel: web, owner: care, emotion: 1, next: [pay]}\n  - id: buy\n",
    )
    found = changes(project, BASE, new)
    assert ("branch-added", "Searches", "now leads to Chats when \u2018has a question\u2019") in found, found
    assert ("branch-removed", "Searches", "no longer leads to Chats when \u2018has a question\u2019") in changes(
        project, new, BASE
    )
    assert not [c for c in found if c[0] == "step-added"], found  # file-order steps into a new touchpoint stay quiet


def test_opportunities_the_future_state_delivers(project: Path) -> None:
    future = BASE.replace("title: Shop\n", "title: Shop\nstate: future\n").replace(
        "opportunities: [Faster search]", "opportunities: []"
    )
    found = changes(project, BASE, future)
    assert ("opportunities-delivered", "Searches", "opportunity delivered: Faster search") in found, found
    assert not [c for c in found if c[0] == "opportunities-removed"], found


def test_every_kind_of_change_is_shown_under_a_heading() -> None:
    """A kind in no group was counted ('3 changes') but never listed: flow and persona starts were lost."""
    import ast

    from cjmap.review import diff
    from cjmap.vocabulary.lanes import LIST_LANES

    tree = ast.parse(Path(diff.__file__).read_text(encoding="utf-8"))
    made = {
        call.args[0].value
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
        and getattr(call.func, "id", None) == "Change"
        and call.args
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    }
    made |= {f"{lane.id.replace('_', '-')}-{end}" for lane in LIST_LANES for end in ("added", "removed")}
    made |= {"map-added", "map-removed", "title", "state", "map-owner", "scope", "summary"}  # named by variable
    assert {"flow", "persona-starts", "persona-stages", "emotion", "exit-added"} <= made
    grouped = {kind for _, kinds in diff.GROUPS for kind in kinds}
    assert made - grouped == set()


def test_a_moved_persona_start_and_a_new_flow_are_listed(project: Path) -> None:
    from cjmap.lint.pipeline import load_journey
    from cjmap.review.diff import diff_journeys
    from cjmap.review.diff_formats import to_markdown, to_text

    new = BASE.replace(
        "personas: [{id: sam, name: Sam}]", "flow: explicit\npersonas: [{id: sam, name: Sam, starts: call}]"
    )
    old_journey = load_journey(write(project, "old.cjmap.yaml", BASE))
    new_journey = load_journey(write(project, "new.cjmap.yaml", new))
    text = to_text([diff_journeys(old_journey, new_journey, old_file="old", new_file="new")])
    assert "    flow: sequence \u2192 explicit" in text.splitlines()
    assert "    Sam: starts at search \u2192 call" in text.splitlines()
    shown = [line for line in text.splitlines() if line.startswith("    ")]
    assert text.splitlines()[0] == f"old \u2192 new: {len(shown)} changes"
    markdown = to_markdown([diff_journeys(old_journey, new_journey, old_file="old", new_file="new")])
    assert "- **Sam**: starts at search → call" in markdown


def test_a_finding_whose_numbers_moved_is_still_open_not_fixed_and_new() -> None:
    """A metric still off target at a new value is one finding that stays, not one fixed and one introduced."""
    from cjmap.diagnostics import Diagnostic, Location, Severity
    from cjmap.review.diff import compare_findings

    def finding(code: str, message: str, line: int) -> Diagnostic:
        return Diagnostic(Location("m.cjmap.yaml", line, 1), Severity.WARNING, code, message, "r")

    old = [
        finding("CJM602", "NPS for the map is 18 points, below its target 30 points", 5),
        finding("CJM602", "Form completion at touchpoint 'form' is 74 %, below its target 85 %", 9),
        finding("CJM301", "touchpoint 'call' is -2 with no pain point", 12),
    ]
    new = [
        finding("CJM602", "NPS for the map is 22 points, below its target 30 points", 6),
        finding("CJM602", "Form completion at touchpoint 'form' is 81 %, below its target 85 %", 10),
        finding("CJM103", "unused channel 'fax'", 2),
    ]
    introduced, fixed, still = compare_findings(old, new)
    assert [d.code for d in introduced] == ["CJM103"]
    assert [d.code for d in fixed] == ["CJM301"]
    assert [(b.message[:3], a.message[:3]) for b, a in still] == [("NPS", "NPS"), ("For", "For")]
    assert [a.where.line for _, a in still] == [6, 10]


def test_a_still_open_finding_shows_what_it_said_before_only_where_it_differs() -> None:
    from cjmap.diagnostics import Diagnostic, Location, Severity
    from cjmap.review.diff import MapDiff
    from cjmap.review.diff_formats import to_json, to_markdown, to_text

    def finding(message: str) -> Diagnostic:
        return Diagnostic(Location("m.cjmap.yaml", 3, 1), Severity.WARNING, "CJM602", message, "metric-off-target")

    before, after = finding("NPS is 18 points, below its target 30"), finding("NPS is 22 points, below its target 30")
    diff = MapDiff("m.cjmap.yaml", "m.cjmap.yaml", still=[(before, after)])
    assert "lint: 0 introduced, 0 fixed, 1 still open, changed" in to_text([diff])
    assert "~ CJM602 NPS is 22 points, below its target 30 (still open; was 18)" in to_text([diff])
    assert "(was 18)" in to_markdown([diff])
    assert json.loads(to_json([diff]))["maps"][0]["findings"]["still"][0]["before"]["message"] == before.message


def test_outline_and_diff_carry_metric_definitions_shares_and_data_files(project: Path) -> None:
    """git diff with the outline textconv must show a retargeted metric, a new kind, a share and a data file."""
    metric = (
        "metrics:\n  - {id: conv, name: Conversion, kind: count, unit: orders, target: {value: 3.5, better: higher}}\n"
        "data: [d.csv]\n"
    )
    write(project, "d.csv", "metric,at,value,date\n")
    write(project, "d2.csv", "metric,at,value,date\n")
    old = MINIMAL + metric
    new = old.replace("kind: count, unit: orders", "kind: currency, unit: EUR").replace("value: 3.5", "value: 9.5")
    new = new.replace("data: [d.csv]", "data: [d2.csv]")
    new = new.replace("emotion: 1}", "emotion: 1, next: [{to: buys, share: 0.9}]}")
    new = new.replace("stages:\n  - name: Awareness", "stages:\n  - name: Awareness\n    metrics: {conv: 4}")
    write(project, "old.cjmap.yaml", old)
    write(project, "new.cjmap.yaml", new)
    before, after = run_cli("outline", "old.cjmap.yaml", cwd=project), run_cli("outline", "new.cjmap.yaml", cwd=project)
    assert "metric conv: Conversion (count; unit orders; target 3.5, higher is better)" in before.stdout
    assert "metric conv: Conversion (currency; unit EUR; target 9.5, higher is better)" in after.stdout
    assert "data d.csv" in before.stdout and "data d2.csv" in after.stdout
    assert "  metric conv: 4" in after.stdout and "      next buys (share 0.9)" in after.stdout
    said = run_cli("diff", "--today", TODAY, "old.cjmap.yaml", "new.cjmap.yaml", cwd=project).stdout
    assert "Conversion: count in orders \u2192 currency in EUR" in said, said

"""Several personas on one map: explicit flow, each persona's start and stages, scores per persona, broken hand-offs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cjmap.diagnostics import MapError
from cjmap.lint.pipeline import load_journey
from cjmap.rules import RULES
from conftest import lint_findings, write

HEAD = """\
cjmap: 1
title: Opening an account
updated: 2026-11-01
{flow}teams: [{{id: ops}}]
channels: [{{id: web}}]
personas:
  - {{id: student, name: Student{student}}}
  - {{id: owner, name: Owner{owner}}}
stages:
"""
TP = "channel: web, owner: ops, emotion: 1"


def bank(stages: dict[str, list[str]], flow: str = "explicit", student: str = "", owner: str = "") -> str:
    """A two-persona map: `stages` maps a stage name to touchpoint bodies (without channel/owner/emotion)."""
    text = HEAD.format(flow=f"flow: {flow}\n" if flow else "", student=student, owner=owner)
    for name, touchpoints in stages.items():
        text += f"  - name: {name}\n    touchpoints:\n" + "".join(f"      - {{{tp}, {TP}}}\n" for tp in touchpoints)
    return text


# Each persona enters somewhere else, and every card says where it goes: the bank map a new user could not write.
THREE_DOORS = {
    "Apply": [
        "id: online, name: Applies online, personas: [student], next: [verify]",
        "id: branch, name: Books a branch visit, personas: [owner], next: [verify]",
    ],
    "Verify": [
        "id: verify, name: Verifies identity, next: [{to: open, when: the check passes}, {to: call, when: the "
        "check does not pass}]"
    ],
    "Use": [
        "id: call, name: Calls support, next: [verify]",
        "id: open, name: Opens the account",
    ],
}


def test_each_persona_starts_at_its_own_first_touchpoint_and_nothing_is_unreachable(project: Path) -> None:
    assert lint_findings(project, bank(THREE_DOORS), ("CJM2",)) == []
    journey = load_journey(project / "m.cjmap.yaml")
    assert {p.id: p.starts for p in journey.personas} == {"student": ("online",), "owner": ("branch",)}
    assert journey.path_of("student") == ("online", "verify", "call", "open")
    assert journey.path_of("owner") == ("branch", "verify", "call", "open")
    assert journey.ends == ("open",) and journey.end is None


def test_the_same_map_in_sequence_flow_needed_a_fake_start(project: Path) -> None:
    """Before `flow: explicit` and persona starts: the owner's door is unreachable in file order...
    unless starts say otherwise."""
    found = lint_findings(project, bank(THREE_DOORS, flow=""), ("CJM2",))
    assert found == []  # persona starts are judged in sequence flow too: 'branch' is the owner's first touchpoint


def test_explicit_flow_does_not_change_when_the_file_is_tidied(project: Path) -> None:
    reordered = dict(THREE_DOORS)
    reordered["Use"] = list(reversed(THREE_DOORS["Use"]))
    write(project, "a.cjmap.yaml", bank(THREE_DOORS))
    write(project, "b.cjmap.yaml", bank(reordered))
    edges = [sorted((e.source, e.target) for e in load_journey(project / f"{n}.cjmap.yaml").edges) for n in "ab"]
    assert edges[0] == edges[1]
    assert lint_findings(project, bank(reordered), ("CJM2",)) == []


def test_in_sequence_flow_a_touchpoint_without_next_still_continues_in_file_order(project: Path) -> None:
    text = bank({"S": ["id: a", "id: b"]}, flow="")
    write(project, "m.cjmap.yaml", text)
    journey = load_journey(project / "m.cjmap.yaml")
    assert [(e.source, e.target, e.implicit) for e in journey.edges] == [("a", "b", True)]
    assert journey.end == "b" and journey.ends == ("b",) and journey.flow == "sequence"


def test_explicit_starts_and_their_mistakes(project: Path) -> None:
    text = bank(
        {"S": ["id: a, next: [b]", "id: b, next: [], exit: done", "id: c, personas: [owner], next: [b]"]},
        owner=", starts: c",
    )
    assert lint_findings(project, text, ("CJM2",)) == []
    write(project, "m.cjmap.yaml", text)
    assert load_journey(project / "m.cjmap.yaml").path_of("owner") == ("b", "c")
    typo = bank({"S": ["id: a, next: []"]}, owner=", starts: [aa]")
    with pytest.raises(MapError) as caught:
        load_journey(write(project, "m.cjmap.yaml", typo))
    assert [(d.code, d.where.line, d.message) for d in caught.value.diagnostics] == [
        ("CJM003", 9, "unknown touchpoint 'aa' (did you mean 'a'?)")
    ]
    not_taken = bank({"S": ["id: a, personas: [student], next: []"]}, owner=", starts: a")
    with pytest.raises(MapError) as caught:
        load_journey(write(project, "m.cjmap.yaml", not_taken))
    assert (
        "persona 'owner' starts at 'a', which lists only 'student'; add 'owner' to its personas"
        in caught.value.diagnostics[0].message
    )


def test_coverage_judges_a_persona_only_in_its_stages(project: Path) -> None:
    stages = {
        "Research": ["id: r, personas: [student], next: [p]"],
        "Renewal": ["id: p, next: []"],
    }
    assert [f[3] for f in lint_findings(project, bank(stages), ("CJM102",))] == [
        "persona 'owner' has no touchpoint in stage 'research'"
    ]
    assert lint_findings(project, bank(stages, owner=", stages: [renewal]"), ("CJM102",)) == []
    with pytest.raises(MapError) as caught:
        load_journey(write(project, "m.cjmap.yaml", bank(stages, owner=", stages: [renewals]")))
    assert caught.value.diagnostics[0].message == "unknown stage 'renewals' (did you mean 'renewal'?)"


@pytest.mark.parametrize(
    ("touchpoints", "expected"),
    [
        # the student's card hands the student to one only the owner takes
        (
            ["id: s, personas: [student], next: [o]", "id: o, personas: [owner], next: [], exit: done"],
            [("CJM205", 13, 45, "'s' hands persona 'student' to 'o', which none of them takes")],
        ),
        # a shared card whose only way on is a card the owner never takes
        (
            ["id: both, next: [s]", "id: s, personas: [student], next: [], exit: done"],
            [("CJM205", 13, 27, "'both' hands persona 'owner' only to 's', which 'owner' never takes")],
        ),
        # routing each persona its own way is fine
        (
            [
                "id: both, next: [s, o]",
                "id: s, personas: [student], next: [], exit: done",
                "id: o, personas: [owner], next: [], exit: done",
            ],
            [],
        ),
        # leaving is a way on for everyone
        (["id: both, next: [s], exit: owners stop here", "id: s, personas: [student], next: [], exit: done"], []),
    ],
)
def test_persona_handed_off(project: Path, touchpoints: list[str], expected: list) -> None:
    assert lint_findings(project, bank({"S": touchpoints}), ("CJM205",)) == expected


def test_the_rule_doc_examples_fail_and_pass_as_they_say(project: Path) -> None:
    doc = RULES["CJM205"].doc
    fails, passes = doc.split("Fails:", 1)[1].split("Passes:", 1)
    header = "cjmap: 1\ntitle: T\nflow: explicit\n"
    for example, count in ((fails, 1), (passes, 0)):
        found = lint_findings(project, header + textwrap.dedent(example).strip() + "\n", ("CJM205",))
        assert len(found) == count, (example, found)


def test_emotion_per_persona(project: Path) -> None:
    text = bank({"S": ["id: a, next: []"]}).replace("emotion: 1", "emotion: {student: 1, owner: -2}")
    write(project, "m.cjmap.yaml", text)
    [tp] = load_journey(project / "m.cjmap.yaml").touchpoints
    assert tp.emotions == (("student", 1), ("owner", -2))
    assert (tp.emotion_for("student"), tp.emotion_for("owner"), tp.emotion) == (
        1,
        -2,
        -1,
    )  # the mean, -0.5, away from zero
    assert tp.scores == (1, -2)
    assert [f[0] for f in lint_findings(project, text, ("CJM301",))] == ["CJM301"]  # the unhappiest persona counts


@pytest.mark.parametrize(
    ("emotion", "personas", "message"),
    [
        ("{studnet: 1}", "", "unknown persona 'studnet' (did you mean 'student'?)"),
        (
            "{owner: 1}",
            ", personas: [student]",
            "emotion for persona 'owner', who does not take this touchpoint (it lists only 'student')",
        ),
    ],
)
def test_emotion_per_persona_mistakes(project: Path, emotion: str, personas: str, message: str) -> None:
    text = bank({"S": [f"id: a, next: []{personas}"]}).replace("emotion: 1", f"emotion: {emotion}")
    with pytest.raises(MapError) as caught:
        load_journey(write(project, "m.cjmap.yaml", text))
    [error] = caught.value.diagnostics
    assert (error.code, error.where.line, error.message) == ("CJM003", 13, message)


def test_the_schema_knows_the_new_keys() -> None:
    from cjmap.model import json_schema

    schema = json_schema()
    defs = schema["$defs"]
    assert {"starts", "stages"} <= set(defs["Persona"]["properties"])
    assert schema["properties"]["flow"]["enum"] == ["sequence", "explicit"] or "sequence" in str(
        schema["properties"]["flow"]
    )
    assert "object" in str(defs["Touchpoint"]["properties"]["emotion"])


def test_in_sequence_flow_file_order_skips_cards_a_persona_does_not_take(project: Path) -> None:
    """Old maps: a student-only card followed in the file by an owner-only one is no hand-off."""
    text = bank(
        {"S": ["id: a", "id: s, personas: [student]", "id: o, personas: [owner]", "id: z, next: [], exit: done"]},
        flow="",
    )
    assert lint_findings(project, text, ("CJM205",)) == []
    journey = load_journey(write(project, "m.cjmap.yaml", text))
    assert journey.path_of("student") == ("a", "s", "z")
    assert journey.path_of("owner") == ("a", "o", "z")


PER_PERSONA = bank({"S": ["id: a, name: Scans a passport, next: []"]}).replace(
    "emotion: 1", "emotion: {student: 1, owner: -2}"
)


def test_diff_names_each_persona_whose_score_moved(project: Path) -> None:
    from datetime import date

    from cjmap.review.sides import diff_specs

    write(project, "old.cjmap.yaml", PER_PERSONA)
    write(project, "new.cjmap.yaml", PER_PERSONA.replace("{student: 1, owner: -2}", "{student: -1, owner: -2}"))
    write(project, "single.cjmap.yaml", PER_PERSONA.replace("{student: 1, owner: -2}", "1"))
    found = diff_specs(str(project / "old.cjmap.yaml"), str(project / "new.cjmap.yaml"), date(2026, 11, 24))
    emotions = [(c.subject, c.detail, c.direction) for c in found.changes if c.kind == "emotion"]
    assert emotions == [("Scans a passport", "emotion for Student +1 \u2192 \u22121 (worse)", -1)]
    found = diff_specs(str(project / "single.cjmap.yaml"), str(project / "old.cjmap.yaml"), date(2026, 11, 24))
    assert [c.detail for c in found.changes if c.kind == "emotion"] == ["emotion for Owner +1 \u2192 \u22122 (worse)"]


def test_outline_markdown_and_mermaid_carry_each_persona_score(project: Path) -> None:
    from cjmap.importers.mermaid import parse_journey
    from cjmap.render.markdown import to_markdown
    from cjmap.render.mermaid import to_mermaid
    from cjmap.review.outline import outline
    from cjmap.source.loader import read_source
    from cjmap.validate import validate_source

    path = write(project, "m.cjmap.yaml", PER_PERSONA)
    assert "emotion student +1, owner \u22122" in outline(validate_source(read_source(path, "m.cjmap.yaml")))
    journey = load_journey(path)
    assert "**Scans a passport** (Student: +1; Owner: \u22122)" in to_markdown(journey, ())
    mermaid = to_mermaid(journey)
    tasks = [(t.name, t.score, t.actors) for s in parse_journey(mermaid).sections for t in s.tasks]
    assert tasks == [("Scans a passport", 4, ["Student"]), ("Scans a passport", 1, ["Owner"])]


def test_mermaid_import_gives_a_late_actor_its_own_start_and_lints_clean(project: Path) -> None:
    mmd = write(
        project,
        "bank.mmd",
        "journey\n  title Bank\n  section Apply\n    Applies online: 4: Student\n    Books a branch visit: 3: "
        "Owner\n  section Verify\n    Verifies identity: 2: Student, Owner\n",
    )
    from conftest import run_cli

    done = run_cli("import", "mermaid", "bank.mmd", "-o", "bank.cjmap.yaml", cwd=project)
    assert done.returncode == 0, done.stderr
    journey = load_journey(project / "bank.cjmap.yaml")
    assert {p.id: p.starts for p in journey.personas} == {
        "student": ("applies-online",),
        "owner": ("books-a-branch-visit",),
    }
    assert journey.path_of("owner") == ("books-a-branch-visit", "verifies-identity")
    assert lint_findings(project, (project / "bank.cjmap.yaml").read_text(), ("CJM2",)) == []
    assert mmd.exists()


def test_compare_averages_each_persona_along_its_own_path(project: Path) -> None:
    from cjmap.review.compare import compare

    two = {
        "S": [
            "id: a, next: [s, o]",
            "id: s, personas: [student], next: [], exit: done",
            "id: o, personas: [owner], next: [], exit: done",
        ]
    }
    current_text = bank(two).replace("emotion: 1", "emotion: -1", 1)  # a: -1 for everyone
    future_text = bank(two).replace("emotion: 1", "emotion: {student: 2, owner: 0}", 1)
    write(project, "cur.cjmap.yaml", current_text)
    write(project, "fut.cjmap.yaml", future_text.replace("state: current", "state: future"))
    current, future = load_journey(project / "cur.cjmap.yaml"), load_journey(project / "fut.cjmap.yaml")
    c = compare(current, future, (), ())
    assert c.personas == (("student", "Student"), ("owner", "Owner"))
    assert (c.average("current", "student"), c.average("future", "student")) == (
        0.0,
        1.5,
    )  # a then s: (-1+1)/2, (2+1)/2
    assert (c.average("current", "owner"), c.average("future", "owner")) == (0.0, 0.5)
    assert c.average("future") == round((1 + 1 + 1) / 3, 1)  # the card's one score: the mean of 2 and 0


def test_report_follows_each_persona_on_its_own_path_with_its_own_scores() -> None:
    """The persona switch shows a persona's own path from its own start; its curve uses its own scores."""
    import re
    from datetime import date

    from cjmap.render.curve import emotion_curve
    from cjmap.render.html import journey_to_html, persona_keys
    from conftest import EXAMPLES

    journey = load_journey(EXAMPLES / "bank-account.cjmap.yaml")
    keys = persona_keys(journey)
    assert keys["student-offer"] == "student" and keys["phone-enquiry"] == "retiree"
    assert keys["branch-appointment"] == "owner retiree" and keys["id-check"] == "all"
    html = journey_to_html(journey, None, (), "test", today=date(2026, 11, 24))
    card = html[html.index('id="card-id-check"') :].split("</div>\n", 2)[0]
    assert re.findall(
        r'data-for="(\w+)"><span class="badge"[^>]*>([^<]+)</span> <span class="meta">([^<]+)</span>', card
    ) == [
        ("student", "+1", "Maya, student"),
        ("owner", "0", "Tomasz, cafe owner"),
        ("retiree", "\u22122", "Irena, retiree"),
    ]
    curve = emotion_curve(journey)
    retiree = curve[curve.index('class="curve-line curve-retiree"') :].split("</g>", 1)[0]
    assert (
        "Irena, retiree: Identity check, -2" in retiree
        and "Irena, retiree: Meets an adviser in the branch, +1" in retiree
    )
    assert "Sees the student offer" not in retiree  # not on her path
    owner = curve[curve.index('class="curve-line curve-owner"') :].split("</g>", 1)[0]
    assert "Tomasz, cafe owner: Meets an adviser in the branch, -1" in owner


def test_compare_report_shows_each_persona_average_only_when_scored_per_persona(project: Path) -> None:
    from cjmap.render.html import comparison_to_html
    from cjmap.review.compare import compare

    two = {
        "S": [
            "id: a, next: [s, o]",
            "id: s, personas: [student], next: [], exit: done",
            "id: o, personas: [owner], next: [], exit: done",
        ]
    }
    write(project, "cur.cjmap.yaml", bank(two))
    write(
        project,
        "fut.cjmap.yaml",
        bank(two)
        .replace("emotion: 1", "emotion: {student: 2, owner: 0}", 1)
        .replace("title: Opening", "state: future\ntitle: Opening"),
    )
    current, future = load_journey(project / "cur.cjmap.yaml"), load_journey(project / "fut.cjmap.yaml")
    html = comparison_to_html(compare(current, future, (), ()), "test")
    assert "Student, along their own path" in html and "Owner, along their own path" in html
    plain = comparison_to_html(compare(current, current, (), ()), "test")
    assert "along their own path" not in plain


def test_a_card_listed_for_a_persona_off_its_path_is_a_warning(project: Path) -> None:
    stages = {
        "S": [
            "id: scene, name: At the scene, personas: [owner], next: [call]",
            "id: call, name: Calls, personas: [owner], next: [], exit: filed",
            "id: app, name: App, personas: [student], next: [], exit: filed",
        ]
    }
    late = bank(stages, owner=", starts: call")
    assert lint_findings(project, late, ("CJM206",)) == [
        ("CJM206", 13, 51, "touchpoint 'scene' lists persona 'owner', whose path from 'call' never reaches it")
    ]
    assert lint_findings(project, bank(stages, owner=", starts: scene"), ("CJM206",)) == []
    doc = RULES["CJM206"].doc
    fails, passes = doc.split("Fails:", 1)[1].split("Passes:", 1)
    for example, count in ((fails, 1), (passes, 0)):
        found = lint_findings(project, "cjmap: 1\ntitle: T\n" + textwrap.dedent(example).strip() + "\n", ("CJM206",))
        assert len(found) == count, (example, found)


def test_diff_and_outline_show_where_personas_start_and_which_stages_they_take(project: Path) -> None:
    from datetime import date

    from cjmap.review.outline import outline
    from cjmap.review.sides import diff_specs
    from cjmap.source.loader import read_source
    from cjmap.validate import validate_source

    stages = {"A": ["id: a, next: [b]", "id: b, next: [], exit: done"], "B": ["id: c, next: [], exit: done"]}
    write(project, "old.cjmap.yaml", bank(stages))
    new = write(project, "new.cjmap.yaml", bank(stages, flow="", owner=", starts: b, stages: [a]"))
    found = diff_specs(str(project / "old.cjmap.yaml"), str(new), date(2026, 11, 24))
    assert [(c.kind, c.subject, c.detail) for c in found.changes if c.kind.startswith(("persona", "flow"))] == [
        ("flow", "map", "flow: explicit \u2192 sequence"),
        ("persona-starts", "Owner", "starts at a \u2192 b"),
        ("persona-stages", "Owner", "takes part in every stage \u2192 a"),
    ]
    text = outline(validate_source(read_source(new, "new.cjmap.yaml")))
    assert "persona owner: Owner\n  starts at b\n  takes part in a\n" in text
    assert "flow: explicit" in outline(validate_source(read_source(project / "old.cjmap.yaml", "old.cjmap.yaml")))


def test_a_persona_curve_breaks_where_its_journey_stops() -> None:
    from cjmap.render.curve import emotion_curve
    from conftest import EXAMPLES

    curve = emotion_curve(load_journey(EXAMPLES / "bank-account.cjmap.yaml"))
    student = curve[curve.index('class="curve-line curve-student"') :].split("</g>", 1)[0]
    assert student.count("<polyline") == 2  # 'Gives up' is an exit: the line does not go on to 'Account opened'


def test_the_persona_switch_fades_the_diagram_cards_off_a_persona_path() -> None:
    import shutil

    from cjmap.render import render_journey
    from conftest import EXAMPLES

    if shutil.which("neato") is None:
        pytest.skip("Graphviz is not installed")
    journey = load_journey(EXAMPLES / "bank-account.cjmap.yaml")
    html = render_journey(journey, ["html"], (), "test")["html"].decode()
    assert '<g id="tp&#45;student&#45;offer" class="node" data-for="student"' in html
    assert '<g id="tp&#45;id&#45;check" class="node" data-for="all"' in html


def test_outline_names_an_entry_given_only_an_id_by_its_id(tmp_path: Path) -> None:
    """A persona, team or stage with an id and no name is allowed; the outline must not print 'None'."""
    from cjmap.review.outline import outline
    from cjmap.source.loader import read_source
    from cjmap.validate import checked_map

    path = tmp_path / "lib.cjmap.yaml"
    path.write_text("cjmap: 1\npersonas:\n  - id: p1\nteams:\n  - id: ops\n", encoding="utf-8")
    text = outline(checked_map(read_source(path, "lib.cjmap.yaml")))
    assert "persona p1: p1" in text and "team ops: ops" in text
    assert "None" not in text

"""The funnel with personas who enter at their own starts: one funnel each, both parts of who leaves, and a note
wherever its numbers do not add up (a step back, a branch skipping a stage, steps of a stage leading to each other)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from cjmap.lint.pipeline import load_journey
from cjmap.render import render_journey
from cjmap.render.funnel import funnels, leave_text, percent
from cjmap.render.markdown import to_markdown
from conftest import found, write

TWO_STARTS = """\
cjmap: 1
title: Claims
flow: explicit
personas:
  - {id: anna, name: Anna, starts: search}
  - {id: marek, name: Marek, starts: portal}
stages:
  - id: report
    name: Report
    touchpoints:
      - id: search
        name: Searches
        personas: [anna]
        next:
          - {to: form, when: fills the form, share: 0.6}
          - {to: phone, when: calls, share: 0.3}
        exit: Gives up
      - {id: form, name: Form, personas: [anna], exit: Abandons,
         next: [{to: upload, share: 0.8}, {to: phone, share: 0.1}]}
      - {id: phone, name: Phone, personas: [anna], next: [upload]}
      - {id: portal, name: Portal, personas: [marek], next: [upload]}
  - id: evidence
    name: Evidence
    touchpoints:
      - id: upload
        name: Uploads
        next: [{to: offer, share: 0.9}]
        exit: Never uploads
  - id: assess
    name: Assess
    touchpoints:
      - id: offer
        name: Offer
        next:
          - {to: repair, share: 0.7}
          - {to: cash, share: 0.2}
          - {to: phone, when: disputes, share: 0.1}
  - id: repair
    name: Repair
    touchpoints:
      - {id: repair, name: Repair, next: [cash]}
  - id: payout
    name: Payout
    touchpoints:
      - {id: cash, name: Cash}
"""


def load(project: Path, text: str = TWO_STARTS):
    return load_journey(write(project, "m.cjmap.yaml", text), "m.cjmap.yaml")


def test_each_persona_with_its_own_start_gets_a_funnel_along_its_own_path(project: Path) -> None:
    anna, marek = funnels(load(project))
    assert anna.persona is not None and marek.persona is not None
    assert (anna.persona.id, marek.persona.id) == ("anna", "marek")
    reach = {s.touchpoint.id: percent(s.reach) for f in marek.stages for s in f.steps}
    assert reach == {"portal": "100 %", "upload": "100 %", "offer": "90 %", "repair": "63 %", "cash": "81 %"}
    reach = {s.touchpoint.id: percent(s.reach) for f in anna.stages for s in f.steps}
    # 60 % by the form, 30 % + 6 % by phone: everyone who reaches the upload is known, nothing is "?"
    assert reach["upload"] == "84 %" and "?" not in reach.values() and "portal" not in reach
    assert [f.steps for f in marek.stages][0][0].touchpoint.id == "portal"  # Anna's cards are not on his path


def test_one_start_keeps_one_funnel_for_everyone(project: Path) -> None:
    one = TWO_STARTS.replace("  - {id: marek, name: Marek, starts: portal}\n", "")
    one = one.replace("      - {id: portal, name: Portal, personas: [marek], next: [upload]}\n", "")
    (found,) = funnels(load(project, one))
    assert found.persona is None


def test_who_leaves_is_said_of_everyone_and_of_those_at_the_step(project: Path) -> None:
    anna = funnels(load(project))[0]
    form = next(s for f in anna.stages for s in f.steps if s.touchpoint.id == "form")
    assert leave_text(form) == "6 % of all leave here (10 % of those here)"
    search = next(s for f in anna.stages for s in f.steps if s.touchpoint.id == "search")
    assert leave_text(search) == "10 % of all leave here"  # everyone is there: one number


def test_notes_say_why_the_numbers_do_not_add_up_only_when_they_do_not(project: Path) -> None:
    anna, marek = funnels(load(project))
    assert any("Steps back to an earlier card (Offer \u2192 Phone)" in n for n in anna.notes)
    assert any("A branch skips a stage (Offer \u2192 Cash)" in n for n in marek.notes)
    assert any("Steps of one stage lead to each other" in n for n in anna.notes)
    assert not any("Steps back" in n for n in marek.notes)  # Phone is not on Marek's path
    straight = TWO_STARTS.replace("          - {to: cash, share: 0.2}\n", "").replace(
        "          - {to: phone, when: disputes, share: 0.1}\n", ""
    )
    assert not any("skips" in n or "back" in n for n in funnels(load(project, straight))[1].notes)


def test_report_shows_each_personas_funnel_labelled_and_the_switch_keeps_only_the_chosen(project: Path) -> None:
    out = render_journey(load(project), ["html"], [], "cjmap test", today=date(2026, 11, 24))
    html = out["html"].decode("utf-8")
    assert (
        html.count('<div class="funnel" data-funnel="anna">')
        == 5
        == html.count('<div class="funnel" data-funnel="marek">')
    )
    assert '<span class="funnel-who">Marek</span>' in html and "? reach" not in html
    assert 'body:has(#view-marek:checked) [data-funnel]:not([data-funnel="marek"]) { display: none; }' in html
    notes = found(r'<tr class="funnel-notes">(.*?)</tr>', html, re.DOTALL)[1]
    assert '<li data-funnel="marek"><strong>Marek:</strong> A branch skips a stage' in notes


def test_markdown_has_a_funnel_row_per_persona_and_the_notes_under_the_table(project: Path) -> None:
    md = to_markdown(load(project), [])
    assert "| **Funnel: Anna** (from branch shares) | **100 %** enter<br>*Searches*: 100 % reach" in md
    assert "| **Funnel: Marek** (from branch shares) | **100 %** enter<br>*Portal*: 100 % reach |" in md
    assert "*Form*: 60 % reach · 6 % of all leave here (10 % of those here)" in md
    assert "- **Marek:** A branch skips a stage \\(Offer → Cash\\)" in md


def test_a_funnel_whose_numbers_add_up_has_no_notes(project: Path) -> None:
    straight = """\
cjmap: 1
title: Shop
stages:
  - name: Browse
    touchpoints:
      - {id: look, name: Looks, next: [{to: buy, share: 0.4}], exit: Leaves}
  - name: Buy
    touchpoints:
      - {id: buy, name: Buys}
"""
    journey = load(project, straight)
    (found,) = funnels(journey)
    assert found.notes == ()
    html = render_journey(journey, ["html"], [], "cjmap test", today=date(2026, 11, 24))["html"].decode("utf-8")
    assert '<tr class="funnel-notes">' not in html and "see the notes under it" not in html and "40 % reach" in html
    assert "Funnel notes" not in to_markdown(journey, [])

"""Metrics drawn where people look: the report's KPI and funnel lanes, shares on the flow, metric changes in diff."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import html5lib

from cjmap.diagnostics import Location
from cjmap.lint.pipeline import check, load_journey
from cjmap.metrics.values import Point, Target
from cjmap.render import render_journey
from cjmap.render.dot import journey_to_dot, share_width
from cjmap.render.funnel import funnel, percent
from cjmap.render.markdown import to_markdown
from cjmap.render.sparkline import HEIGHT, WIDTH, sparkline
from cjmap.review.diff import diff_journeys
from cjmap.review.diff_formats import to_json, to_text
from cjmap.review.diff_formats import to_markdown as diff_markdown
from conftest import EXAMPLES, found, run_cli, write

CHECKOUT = EXAMPLES / "checkout.cjmap.yaml"
SVG = "{http://www.w3.org/2000/svg}"

MAP = """\
cjmap: 1
title: Shop
updated: 2026-11-01
personas: [{id: mia, name: Mia}, {id: jon, name: Jon}]
teams: [{id: shop, name: TEAM}]
metrics:
  - {id: conversion, name: NAME, kind: rate, target: {value: 3.5, better: higher}, owner: shop}
  - {id: wait, name: Waiting time, kind: duration, unit: UNIT, target: {value: 5, better: lower}}
stages:
  - name: Buy
    touchpoints:
      - id: cart
        name: Cart
        owner: shop
        metrics: {conversion: 2.9, wait: 4}
        next:
          - {to: pay, when: pays, share: 0.6}
          - {to: ask, when: asks, share: 0.1}
      - {id: ask, name: Asks a question, next: [pay]}
      - {id: pay, name: Pays}
"""


def load(project: Path, text: str = MAP, csv: str | None = None):
    if csv is not None:
        write(project, "data.csv", csv)
        text = text.replace("updated: 2026-11-01\n", "updated: 2026-11-01\ndata: [data.csv]\n")
    return load_journey(write(project, "m.cjmap.yaml", text), "m.cjmap.yaml")


def report(journey) -> str:
    out = render_journey(journey, ["html"], [], "cjmap test", today=date(2026, 11, 24))
    return out["html"].decode("utf-8")


def kpis(html: str) -> list[str]:
    """Each KPI box's text, whitespace folded."""
    boxes = re.findall(r'<div class="kpi [^"]*"[^>]*>(.*?)</div>', html, re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", box).split()) for box in boxes]


def test_the_checkout_report_shows_value_target_status_and_trend_per_place() -> None:
    html = report(load_journey(CHECKOUT))
    shown = kpis(html)
    assert "Reviews the cart Cart abandonment 45 % \u2713 on target target \u2264 50 % as of 2026-10-31" in shown
    assert "Checkout conversion 3.6 % \u2713 on target target \u2265 3.5 % as of 2026-10-31" in shown  # the map's
    assert "whole stage Satisfaction (CSAT) 4.3 of 5 \u2713 on target target \u2265 4.2 of 5 as of 2026-11-02" in shown
    # a persona's value says whose it is and fades with the persona switch like their path
    assert re.search(r'<div class="kpi on" data-for="first-time"[^>]*>\s*<span class="who">Fills in address', html)
    assert "Satisfaction (CSAT) \u00b7 Mia, first order" in html
    # the sparkline: one polyline with a point per dated value, and the target dashed across
    spark = found(r'<svg [^>]*class="sparkline" [^>]*aria-label="Trend of Cart abandonment: ([^"]*)".*?</svg>', html)
    assert spark and spark[1] == "52 % on 2026-08-31, 49 % on 2026-09-30, 45 % on 2026-10-31"
    assert len(found(r'points="([^"]*)"', spark[0])[1].split()) == 3 and 'class="target"' in spark[0]
    assert html.count('<th scope="row">Metrics</th>') == 1


def test_off_target_is_said_in_words_and_a_symbol_not_colour_alone(project: Path) -> None:
    html = report(load(project))
    (conversion,) = [k for k in kpis(html) if "NAME" in k]
    assert "2.9 % \u2717 off target target \u2265 3.5 %" in conversion
    assert '<div class="kpi off"' in html and '<div class="kpi on"' in html  # waiting time 4 UNIT is on target
    assert "sparkline" not in html.split("</style>")[1]  # one value each: no trend to draw


def test_per_persona_values_are_labelled_and_never_shown_as_everyones(project: Path) -> None:
    csv = "metric,at,value,date,persona\nconversion,cart,4.1,2026-10-01,mia\nconversion,cart,4.4,2026-11-01,mia\n"
    html = report(load(project, csv=csv))
    mia = [k for k in kpis(html) if "NAME \u00b7 Mia" in k]
    assert mia == ["Cart NAME \u00b7 Mia 4.4 % \u2713 on target target \u2265 3.5 % as of 2026-11-01"]
    everyone = [k for k in kpis(html) if k.startswith("Cart NAME 2.9 %")]
    assert len(everyone) == 1
    assert re.search(r'<div class="kpi on" data-for="mia"', html)


def test_funnel_follows_the_shares_and_says_what_it_does_not_know(project: Path) -> None:
    stages = funnel(load_journey(CHECKOUT))
    assert [(f.stage.id, percent(f.reach)) for f in stages] == [
        ("browse", "100 %"),
        ("cart", "100 %"),
        ("checkout", "55 %"),
        ("after-purchase", "51 %"),
    ]
    steps = {s.touchpoint.id: (percent(s.reach), s.leave and percent(s.leave)) for f in stages for s in f.steps}
    assert steps["review-cart"] == ("100 %", "45 %") and steps["checkout-form"] == ("55 %", "4.4 %")
    assert steps["pay-card"][0] == "39 %" and steps["pay-wallet"][0] == "12 %" and steps["delivery"][0] == "51 %"
    # a step reached both by a branch with a share and by one without: unknown, not guessed
    journey = load(
        project,
        MAP.replace(
            "      - {id: ask, name: Asks a question, next: [pay]}\n",
            "      - {id: ask, name: Asks a question, next: [pay, cart]}\n",
        ),
    )
    (buy,) = funnel(journey)
    reach = [(s.touchpoint.id, percent(s.reach)) for s in buy.steps]
    assert reach == [("cart", "100 %"), ("ask", "10 %"), ("pay", "?")]
    assert funnel(load_journey(EXAMPLES / "car-purchase.cjmap.yaml")) == ()  # no shares, no funnel


def test_report_funnel_lane_and_markdown_rows() -> None:
    journey = load_journey(CHECKOUT)
    html = report(journey)
    assert "<strong>55 %</strong> enter this stage" in html
    assert '<span class="leaves">45 % of all leave here</span>' in html
    assert "4.4 % of all leave here (8 % of those here)" in html  # of everyone, and of those at the form
    assert 'style="width: 55.0%"' in html
    md = to_markdown(journey, [])
    assert "| **Funnel** (from branch shares) | **100 %** enter<br>*Reads the product page*: 100 % reach |" in md
    assert "*Fills in address and payment*: 55 % reach · 4.4 % of all leave here (8 % of those here)" in md
    assert "*Reviews the cart*: Cart abandonment 45 % \\(target \u2264 50 %, \u2713 on target\\)" in md
    assert "- Checkout conversion 3\\.6 % \\(target \u2265 3\\.5 %, \u2713 on target\\)" in md


def test_flow_edges_are_as_wide_as_their_share_and_exits_say_how_many_leave() -> None:
    dot = journey_to_dot(load_journey(CHECKOUT))
    card = found(r'"tp-checkout-form" -> "tp-pay-card" \[([^\n]*)\];', dot)[1]
    assert f"penwidth={share_width(0.7):.2f}" in card and "<B>70 %<BR" in card and "pays by card" in card
    wallet = found(r'"tp-checkout-form" -> "tp-pay-wallet" \[([^\n]*)\];', dot)[1]
    assert f"penwidth={share_width(0.22):.2f}" in wallet and share_width(0.22) < share_width(0.7)
    plain = found(r'"tp-pay-card" -> "tp-order-confirmation" \[([^\n]*)\];', dot)[1]
    assert "penwidth" not in plain  # no share given: drawn as before
    assert '<45 % leave:<BR ALIGN="LEFT"/>Leaves with the<BR' in dot and "<8 % leave: Gives<BR" in dot
    assert "share of customers taking a branch" in dot
    assert "share of customers" not in journey_to_dot(load_journey(EXAMPLES / "car-purchase.cjmap.yaml"))


def test_shares_that_leave_a_rest_without_an_exit_show_the_rest(project: Path) -> None:
    dot = journey_to_dot(load(project))
    assert '"exit-cart"' in dot and '30 % unaccounted<BR ALIGN="LEFT"/>(no exit named)<BR' in dot


def test_sparkline_places_points_by_date_and_takes_in_the_target() -> None:
    where = Location("m", 1, 1)
    points = [Point(v, date(2026, 1, d), where) for v, d in ((10, 1), (20, 2), (30, 11))]
    svg = ET.fromstring(str(sparkline(points, Target(40, "higher"), 'Trend "x" <y>')))
    assert svg.get("aria-label") == 'Trend "x" <y>' and svg.get("width") == str(WIDTH)
    line, target = svg.find(f"{SVG}polyline"), svg.find(f"{SVG}line")
    assert line is not None and target is not None
    xy = [tuple(map(float, p.split(","))) for p in line.attrib["points"].split()]
    assert xy[1][0] - xy[0][0] < (xy[2][0] - xy[1][0]) / 5  # one day apart, then nine
    assert xy[0][1] > xy[1][1] > xy[2][1]  # rising values go up
    target_y = float(target.attrib["y1"])
    assert target_y < xy[2][1] and 0 <= target_y <= HEIGHT  # the target is above the newest value, inside the box
    assert str(sparkline(points[:1], None, "one")) == ""


def test_hostile_metric_text_is_escaped_in_html_svg_dot_and_markdown(project: Path) -> None:
    evil = "<script>alert(1)</script> \"q\" 's' & {x} -> \\N |a|"
    text = MAP.replace("name: NAME", f"name: {json.dumps(evil)}").replace("unit: UNIT", f"unit: {json.dumps(evil)}")
    journey = load(project, text.replace("name: TEAM", f"name: {json.dumps(evil)}"))
    out = render_journey(journey, ["html", "svg", "dot", "markdown"], [], "cjmap test", today=date(2026, 11, 24))
    html, svg, dot, md = (out[f].decode("utf-8") for f in ("html", "svg", "dot", "markdown"))
    document = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)
    assert not list(document.iter("script"))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'title="&lt;script&gt;' in html  # the KPI's tooltip names the metric, escaped in the attribute
    assert not list(ET.fromstring(svg).iter(f"{SVG}script")) and "<script>" not in svg
    assert "<script>" not in dot and "&lt;script&gt;" in dot  # the owner's team name, on the cards
    assert "<script>" not in md and "&lt;script&gt;alert\\(1\\)" in md


def test_diff_reports_metric_values_targets_definitions_and_shares(project: Path) -> None:
    old = load(project)
    new_text = (
        MAP.replace("metrics: {conversion: 2.9, wait: 4}", "metrics: {conversion: 3.6}")
        .replace("value: 3.5, better: higher", "value: 3.4, better: higher")
        .replace("share: 0.6}", "share: 0.65}")
        .replace("  - {id: wait,", "  - {id: nps, name: NPS, kind: score, value: 31}\n  - {id: wait,")
    )
    new = load(project, new_text)
    changes = diff_journeys(old, new).changes
    said = [(c.kind, c.subject, c.detail, c.direction) for c in changes]
    assert ("metric", "Cart", "NAME 2.9 % \u2192 3.6 %, target 3.4 % (better)", 1) in said
    assert ("metric-target", "NAME", "target 3.5 % \u2192 3.4 % (higher is better)", 0) in said
    assert ("metric-added", "NPS", "metric defined: score, target none", 0) in said
    assert ("metric-measured", "map", "NPS now measured: 31", 0) in said
    assert ("metric-unmeasured", "Cart", "Waiting time no longer measured (was 4 UNIT)", 0) in said
    assert ("share", "Cart", "60 % \u2192 65 % go on to Pays", 0) in said
    text = to_text([diff_journeys(old, new, old_file="m", new_file="m")])
    assert "  Metrics\n" in text and "    Cart: NAME 2.9 % \u2192 3.6 %, target 3.4 % (better) \u25b2" in text
    markdown = diff_markdown([diff_journeys(old, new)])
    assert "- **Cart**: NAME 2\\.9 % \u2192 3\\.6 %, target 3\\.4 % (better \u25b2)" in markdown
    kinds = {c["kind"] for c in json.loads(to_json([diff_journeys(old, new)]))["maps"][0]["changes"]}
    assert {"metric", "metric-target", "metric-added", "metric-measured", "metric-unmeasured", "share"} <= kinds
    assert not [c for c in diff_journeys(old, old).changes]


def test_diff_on_the_command_line_says_it_like_the_issue(project: Path) -> None:
    old = write(project, "old.cjmap.yaml", MAP)
    new = write(project, "new.cjmap.yaml", MAP.replace("conversion: 2.9", "conversion: 3.6"))
    result = run_cli("diff", str(old), str(new), cwd=project)
    assert "Cart: NAME 2.9 % \u2192 3.6 %, target 3.5 % (better) \u25b2" in result.stdout


def test_funnel_bars_stay_inside_their_track_when_shares_add_up_to_more(project: Path) -> None:
    journey = load(project, MAP.replace("share: 0.6}", "share: 0.95}").replace("share: 0.1}", "share: 0.5}"))
    html = report(journey)
    widths = [float(w) for w in re.findall(r'style="width: ([\d.]+)%"', html)]
    assert max(widths) == 100.0 and "145 % reach" in html  # the text says what the map says; the bar is full


def test_the_diagram_has_a_metrics_box_per_stage_that_measures_something() -> None:
    journey = load_journey(CHECKOUT)
    dot = journey_to_dot(journey)
    boxes = re.findall(r'^  "(metrics-[^"]+)" \[[^\n]*$', dot, re.MULTILINE)
    assert boxes == ["metrics-cart", "metrics-checkout", "metrics-after-purchase"]  # Browse measures nothing
    cart = found(r'^  "metrics-cart" \[([^\n]*)\];$', dot, re.MULTILINE)[1]
    assert "Reviews the cart \u00b7 Cart abandonment" in cart and "<B>45 % \u2713 on target<BR" in cart
    assert "target \u2264 50 % \u00b7 2026-10-31" in cart
    checkout = found(r'^  "metrics-checkout" \[([^\n]*)\];$', dot, re.MULTILINE)[1]
    assert "Mia, first order" in checkout and "Jon, returning customer" in checkout  # whose value it is
    svg = ET.fromstring(render_journey(journey, ["svg"], [], "t")["svg"].decode("utf-8"))
    grid_boxes = {g.get("id") for g in svg.iter(f"{SVG}g")}
    assert {"metrics-cart", "metrics-checkout"} <= grid_boxes
    assert "metrics-" not in journey_to_dot(load_journey(EXAMPLES / "car-purchase.cjmap.yaml"))


def test_bidi_overrides_in_tooltips_and_trend_labels_are_shown_not_obeyed() -> None:
    """HTML escaping leaves U+202E alone, and an attribute cannot be isolated by CSS: the KPI's tooltip and the
    sparkline's label show it as \\u202e instead."""
    import dataclasses

    from cjmap.render.kpi import kpi

    journey = load_journey(CHECKOUT)
    series = next(s for s in journey.metrics.series if s.trend)
    renamed = dataclasses.replace(series.metric, name="Conv\u202eevil")
    item = kpi(journey, dataclasses.replace(series, metric=renamed), {}, {})
    assert "\u202e" not in item.details and "Conv\\u202eevil" in item.details
    assert "\u202e" not in str(item.trend) and "Conv\\u202eevil" in str(item.trend)


def test_a_bidi_override_in_a_finding_cannot_reverse_the_place_shown_after_it(tmp_path: Path) -> None:
    """A data cell's text reaches a CJM601 message; in the report the message is isolated (<bdi>)."""
    from cjmap.render.html import journey_to_html

    (tmp_path / "cjmap.toml").write_text("")
    (tmp_path / "d.csv").write_text("metric,at,value,date\nconversion,map,\u202eevil,2026-10-01\n", encoding="utf-8")
    text = (
        "cjmap: 1\ntitle: T\nupdated: 2026-11-01\ndata: [d.csv]\n"
        "metrics: [{id: conversion, name: Conversion, kind: rate}]\n"
        "stages:\n  - name: S\n    touchpoints: [{id: t1, name: T1}]\n"
    )
    (tmp_path / "m.cjmap.yaml").write_text(text)
    result = check(tmp_path / "m.cjmap.yaml", "m.cjmap.yaml")
    assert result.journey is not None
    html = journey_to_html(result.journey, "<svg/>", result.diagnostics, "cjmap test")
    (item,) = [line for line in html.splitlines() if "CJM601" in line and "<li" in line]
    assert re.search(r"<bdi>[^<]*\u202e[^<]*</bdi> <span class=\"meta\">", item), item

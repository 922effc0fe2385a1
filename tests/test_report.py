"""The HTML report and the diagram: valid, offline, accessible, themed, and right in a real browser."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import html5lib
import pytest
from playwright.sync_api import sync_playwright

from cjmap.lint.pipeline import check, load_journey
from cjmap.render import render_journey
from cjmap.render.dot import THEME
from cjmap.render.themes import TEXT_PAIRS, THEMES, contrast
from conftest import EXAMPLES, TODAY, run_cli, write

EXAMPLE_MAPS = sorted(EXAMPLES.glob("*.cjmap.yaml"))
SVG = "{http://www.w3.org/2000/svg}"


def rendered(path: Path, theme: str = "light") -> dict[str, str]:
    result = check(path, path.name)
    assert result.journey is not None
    outputs = render_journey(
        result.journey, ["svg", "html"], result.diagnostics, "cjmap test", theme=theme, today=date(2026, 11, 24)
    )
    return {fmt: data.decode("utf-8") for fmt, data in outputs.items()}


@pytest.mark.parametrize("path", EXAMPLE_MAPS, ids=lambda p: p.name)
@pytest.mark.parametrize("theme", list(THEMES))
def test_report_is_valid_html_that_needs_no_network(path: Path, theme: str) -> None:
    html = rendered(path, theme)["html"]
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    document = parser.parse(html)  # strict: any parse error raises
    for element in document.iter():
        assert element.tag not in ("link", "script", "iframe", "img", "object", "embed"), element.tag
        assert "src" not in element.attrib
        href = element.get("href")
        if href is not None:  # links are navigation a reader chooses, never a fetch; only anchors and sources
            assert href.startswith("#") or re.match(r"https?://|mailto:", href), href
    styles = " ".join(e.text or "" for e in document.iter("style")) + " ".join(
        e.get("style", "") for e in document.iter()
    )
    assert "url(" not in styles and "@import" not in styles
    assert "default-src 'none'" in html


def test_diagram_names_every_touchpoint_and_runs_no_script() -> None:
    path = EXAMPLES / "running-shoes.cjmap.yaml"
    svg = ET.fromstring(rendered(path)["svg"])
    journey = load_journey(path)
    ids = {g.get("id") for g in svg.iter(f"{SVG}g")}
    assert {f"tp-{tp.id}" for tp in journey.touchpoints} <= ids
    assert not list(svg.iter(f"{SVG}script")) and not any(k.startswith("on") for e in svg.iter() for k in e.attrib)
    assert svg[0].tag == f"{SVG}title" and svg[0].text == journey.title
    assert svg[1].tag == f"{SVG}desc" and "10 touchpoints in 5 stages" in (svg[1].text or "")


@pytest.mark.parametrize("theme", list(THEMES))
def test_theme_colours_meet_wcag_contrast(theme: str) -> None:
    colours = THEMES[theme]
    for foreground, background in TEXT_PAIRS:
        ratio = contrast(colours[foreground], colours[background])
        assert ratio >= 4.5, f"{theme}: {foreground} on {background} is {ratio:.2f}:1"


def test_emotion_badges_and_diagram_text_meet_wcag_contrast() -> None:
    for emotion, (card, badge, badge_text) in THEME["emotion"].items():
        assert contrast(badge_text, badge) >= 4.5, emotion
        assert contrast(THEME["text"], card) >= 4.5 and contrast(THEME["muted"], card) >= 4.5, emotion
    for role in ("branch", "exit", "end", "muted"):
        assert contrast(THEME[role], THEME["background"]) >= 4.5, role


def test_every_image_has_a_text_alternative_and_tables_have_headers() -> None:
    html = rendered(EXAMPLES / "running-shoes.cjmap.yaml")["html"]
    document = html5lib.parse(html, namespaceHTMLElements=False)
    svgs = [e for e in document.iter() if e.tag.endswith("svg")]
    assert len(svgs) == 2  # the emotion curve and the flow diagram
    for svg in svgs:
        assert svg.get("role") == "img" and (svg.get("aria-label") or svg.get("aria-labelledby"))
    for table in document.iter("table"):
        assert table.findall(".//th"), "a table without header cells"
    assert all(th.get("scope") in ("col", "row") for th in document.iter("th"))
    assert document.find(".//main") is not None and document.find(".//header") is not None


def test_emotion_is_never_colour_alone() -> None:
    html = rendered(EXAMPLES / "car-purchase.cjmap.yaml")["html"]
    badges = re.findall(r'<span class="badge"[^>]*>([^<]*)</span> <span class="meta">([^<]*)</span>', html)
    assert badges and all(label and word for label, word in badges)
    assert ("\u22122", "very negative") in badges


def test_gaps_show_silos_uncovered_stages_and_unowned_touchpoints(project: Path) -> None:
    write(
        project,
        "m.cjmap.yaml",
        """
        cjmap: 1
        title: Gaps
        teams: [{id: sales, name: Sales}, {id: care, name: Care}]
        channels: [{id: web, name: Web}, {id: phone, name: Phone}]
        stages:
          - name: Buy
            touchpoints:
              - {name: Orders online, channel: web, owner: sales, emotion: 1}
          - name: Help
            touchpoints:
              - {name: Calls the hotline, channel: phone, emotion: -2, pain_points: [Waits 40 minutes]}
    """,
    )
    assert run_cli("render", "--today", TODAY, "m.cjmap.yaml", cwd=project).returncode == 0  # warnings only
    document = html5lib.parse((project / "m.html").read_text(), namespaceHTMLElements=False)
    matrices = {t.findtext(".//th[@scope='row']"): t for t in document.iter("table") if t.get("class") == "matrix"}
    teams = matrices["Sales"]
    body, foot = teams.find("tbody"), teams.find("tfoot")
    assert body is not None and foot is not None
    rows = {tr.findtext("th"): [td.text or "".join(td.itertext()) for td in tr.findall("td")] for tr in body}
    assert rows == {"Sales": ["1", "none\u2013"], "Care": ["none\u2013", "none\u2013"]}
    assert [td.text for td in foot.iter("td")] == [None, "none"]
    curve = next(e for e in document.iter() if e.tag == f"{SVG}svg" and e.get("class") == "curve")
    assert "Waits 40 minutes" in "".join(curve.itertext())
    unowned = next(d for d in document.iter("div") if d.findtext("h3") == "Touchpoints nobody owns")
    assert [a.text for a in unowned.iter("a")] == ["Calls the hotline"]


def test_stale_review_and_sources_are_marked(project: Path) -> None:
    write(
        project,
        "m.cjmap.yaml",
        """
        cjmap: 1
        title: Old
        updated: 2024-01-10
        sources: [{id: s, name: Survey, collected: 2023-05-01}, {id: t, name: Interviews, collected: 2026-10-01}]
        stages: [{name: S, touchpoints: [{name: T}]}]
    """,
    )
    run_cli("render", "--today", TODAY, "m.cjmap.yaml", cwd=project)
    html = (project / "m.html").read_text()
    assert '<span class="stale">(2 years ago, due for review)</span>' in html
    assert (
        re.search(
            r'Survey</a>?, collected <time datetime="2023-05-01">2023-05-01</time> <span '
            r'class="stale">\(stale\)</span>',
            html,
        )
        or 'Survey, collected <time datetime="2023-05-01">2023-05-01</time> <span class="stale">(stale)</span>' in html
    )
    assert '2026-10-01</time> <span class="stale">' not in html


def test_print_theme_uses_ink_only_badges() -> None:
    html = rendered(EXAMPLES / "car-purchase.cjmap.yaml", "print")["html"]
    assert 'style="background: #ffffff; color: #000000"' in html and "#a40e26; color" not in html


# ---------------------------------------------------------------- in a real browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    result = run_cli("render", "--today", TODAY, *map(str, EXAMPLE_MAPS), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("path", EXAMPLE_MAPS, ids=lambda p: p.name)
@pytest.mark.parametrize(("width", "height"), [(1400, 900), (390, 844)], ids=["desktop", "phone"])
def test_example_reports_render_in_chromium_without_errors(
    browser, reports: Path, path: Path, width: int, height: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": height})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: problems.append(f"request {r.url}") if not r.url.startswith("file:") else None)
    stem = path.name.removesuffix(".cjmap.yaml")
    page.goto((reports / f"{stem}.html").as_uri())
    journey = load_journey(path)
    assert page.title().startswith(journey.title)
    assert page.locator("table.grid thead th").count() == len(journey.stages)
    assert page.locator(".card").count() == len(journey.touchpoints)
    assert page.locator("svg.diagram").is_visible() and page.locator("svg.curve").is_visible()
    # nothing spills out of the page sideways: wide parts scroll inside their own boxes
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{stem}-{width}.png"), full_page=True)
    page.close()
    assert problems == []


def test_persona_switch_dims_the_other_personas_touchpoints(browser, reports: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto((reports / "running-shoes.html").as_uri())
    opacity = lambda selector: float(page.eval_on_selector(selector, "e => getComputedStyle(e).opacity"))  # noqa: E731
    assert opacity("#card-store-fitting") == 1 and opacity("#card-product-page") == 1
    page.click("label:has(#view-sam)")
    assert opacity("#card-store-fitting") < 0.5, "Lee's fitting should fade on Sam's path"
    assert opacity("#card-product-page") == 1 and opacity("#card-instagram-ad") == 1
    assert opacity(".curve-line.curve-lee") < 0.5 and opacity(".curve-line.curve-sam") == 1
    page.click("label:has(#view-all)")
    assert opacity("#card-store-fitting") == 1
    page.close()


def test_a_score_badge_stays_on_one_line_beside_a_long_persona_name(browser, tmp_path: Path) -> None:
    """The new user's claim map: beside "Graham, landlord with 6 properties" the badge broke into "−" over "2"."""
    names = "[{id: a, name: 'Priya, first-time claimant'}, {id: b, name: 'Graham, landlord with 6 properties'}]"
    write(
        tmp_path,
        "m.cjmap.yaml",
        f"cjmap: 1\ntitle: Claim\npersonas: {names}\nstages:\n"
        + "".join(  # five stages, as the user's map had: columns as narrow as theirs
            f"  - name: Stage {s}\n    touchpoints:\n      - {{name: Step {s}, emotion: {{a: -1, b: -2}}}}\n"
            for s in range(5)
        ),
    )
    result = run_cli("render", "--today", TODAY, str(tmp_path / "m.cjmap.yaml"), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto((tmp_path / "out" / "m.html").as_uri())
    heights = page.evaluate(
        """() => [...document.querySelectorAll('.score .badge')].map(b => [b.textContent,
            b.getBoundingClientRect().height, parseFloat(getComputedStyle(b).lineHeight) || 18])"""
    )
    page.close()
    assert [text for text, _, _ in heights] == ["\u22121", "\u22122"] * 5
    assert all(height < 1.6 * line for _, height, line in heights), heights


def stress_map(stages: int, crowded: int) -> str:
    """Many stages, one stage with many touchpoints, and text far longer than a card."""
    long = "a very long name that goes on and on " * 8 + "unbroken" * 12  # a word wider than any card
    lines = ["cjmap: 1", f"title: {'Stress ' * 30}", "personas: [{id: p1, name: One}, {id: p2, name: Two}]", "stages:"]
    for s in range(stages):
        count = crowded if s == 1 else 2
        lines += [f"  - name: Stage {s} {long[:60]}", f"    goal: {long}", "    touchpoints:"]
        lines += [
            f"      - {{id: s{s}t{i}, name: '{long}{i}', emotion: {(i % 5) - 2}, doing: '{long}', pain_points: "
            f"['{long}'], personas: [p{1 + i % 2}]}}"
            for i in range(count)
        ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("stages", "crowded"), [(2, 1), (12, 30)], ids=["2-stages-1-touchpoint", "12-stages-30-touchpoints"]
)
def test_long_text_and_big_maps_neither_clip_nor_overlap(browser, tmp_path: Path, stages: int, crowded: int) -> None:
    write(tmp_path, "cjmap.toml", "")
    write(tmp_path, "stress.cjmap.yaml", stress_map(stages, crowded))
    assert run_cli("render", "--today", TODAY, "stress.cjmap.yaml", cwd=tmp_path).returncode in (0, 1)
    for width in (1400, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto((tmp_path / "stress.html").as_uri())
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
            "the page spills sideways"
        )
        clipped = page.evaluate(
            "[...document.querySelectorAll('.card, .grid td, .grid th, h1, .persona')].filter(e => e.scrollWidth > "
            "e.clientWidth + 1).length"
        )
        assert clipped == 0, f"{clipped} boxes clip their text at {width}px"
        overlaps = page.evaluate("""() => {
            const boxes = [...document.querySelectorAll('.card')].map(e => e.getBoundingClientRect());
            let n = 0;
            for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                const a = boxes[i], b = boxes[j];
                if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) n++;
            }
            return n;
        }""")
        assert overlaps == 0, f"{overlaps} pairs of cards overlap at {width}px"
        page.screenshot(path=str(SCREENSHOTS / f"stress-{stages}x{crowded}-{width}.png"))
        page.close()


def test_dark_diagram_text_meets_wcag_contrast() -> None:
    from cjmap.render.dot import DARK_THEME

    for emotion, (card, badge, badge_text) in DARK_THEME["emotion"].items():
        assert contrast(badge_text, badge) >= 4.5, emotion
        assert contrast(DARK_THEME["text"], card) >= 4.5 and contrast(DARK_THEME["muted"], card) >= 4.5, emotion
    for role in ("branch", "exit", "end", "muted", "text"):
        assert contrast(DARK_THEME[role], DARK_THEME["background"]) >= 4.5, role
        assert contrast(DARK_THEME[role], DARK_THEME["stage_fill"]) >= 4.5, role


def test_the_dark_report_draws_the_diagram_dark_and_the_svg_file_stays_light() -> None:
    from cjmap.render.dot import DARK_THEME

    outputs = rendered(EXAMPLES / "car-purchase.cjmap.yaml", "dark")
    diagram = outputs["html"][outputs["html"].index('class="diagram"') :]
    assert f'fill="{DARK_THEME["stage_fill"]}"' in diagram and f'fill="{THEME["stage_fill"]}"' not in diagram
    assert f'fill="{THEME["stage_fill"]}"' in outputs["svg"]


def test_the_grid_has_a_lane_for_branches_and_exits() -> None:
    html = rendered(EXAMPLES / "car-purchase.cjmap.yaml")["html"]
    document = html5lib.parse(html, namespaceHTMLElements=False)
    lane = next(tr for tr in document.iter("tr") if tr.findtext("th") == "Branches and exits")
    steps = [" ".join("".join(li.itertext()).split()) for li in lane.iter("li")]
    assert "\u2192 Test drive (3. Purchase), if books a test drive" in steps
    assert "\u21a9 back to Reads the model page, if clicks through" in steps
    assert "leaves: Ignores the email and keeps the old car" in steps


BANK = Path(__file__).parent / "fixtures" / "bank-account.cjmap.yaml"
SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('svg.diagram text')].map(t => {
    const m = t.getScreenCTM(); return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b); }))"""


def thirty_touchpoints() -> str:
    lines = ["cjmap: 1", "title: Thirty", "stages:"]
    for s in range(5):
        lines += [f"  - name: Stage {s + 1}", "    touchpoints:"]
        lines += [
            f"      - {{id: t{s}-{i}, name: Step {i} of stage {s + 1}, emotion: {(i % 5) - 2},"
            f" pain_points: ['Letter gives a phone number to call for the PIN, and nobody answers it']}}"
            for i in range(6)
        ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("width", [1400, 390])
def test_report_shows_the_diagram_at_natural_size_and_the_curve_whole(browser, tmp_path: Path, width: int) -> None:
    """No shrinking to the page: the diagram scrolls, its smallest text stays 11 CSS px or more;
    a 30-touchpoint curve fits 1,400 px."""
    write(tmp_path, "cjmap.toml", "")
    write(tmp_path, "thirty.cjmap.yaml", thirty_touchpoints())
    (tmp_path / "bank.cjmap.yaml").write_text(BANK.read_text(encoding="utf-8"), encoding="utf-8")
    assert run_cli("render", "--today", TODAY, "bank.cjmap.yaml", "thirty.cjmap.yaml", cwd=tmp_path).returncode in (
        0,
        1,
    )
    for stem in ("bank", "thirty"):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto((tmp_path / f"{stem}.html").as_uri())
        assert page.evaluate(SMALLEST_TEXT) >= 11, f"{stem}: diagram text shrunk below 11 px at {width}px"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
            "the page spills sideways"
        )
        if width == 1400 and stem == "thirty":
            assert page.evaluate(
                "(() => { const c = document.querySelector('.curve-wrap'); return c.scrollWidth <= c.clientWidth + "
                "1 })()"
            )
            cut = page.evaluate(
                "[...document.querySelectorAll('svg.curve text.low')].filter(t => "
                "t.textContent.endsWith('\u2026')).length"
            )
            assert cut == 0, "low-point labels are cut instead of wrapped"
        page.screenshot(path=str(SCREENSHOTS / f"natural-{stem}-{width}.png"))
        page.close()


def test_the_curve_prints_whole_on_a4_landscape(browser, tmp_path: Path) -> None:
    write(tmp_path, "cjmap.toml", "")
    write(tmp_path, "thirty.cjmap.yaml", thirty_touchpoints())
    assert run_cli("render", "--today", TODAY, "thirty.cjmap.yaml", cwd=tmp_path).returncode in (0, 1)
    page = browser.new_page(viewport={"width": 1032, "height": 700})  # A4 landscape inside 12 mm margins, at 96 dpi
    page.emulate_media(media="print")
    page.goto((tmp_path / "thirty.html").as_uri())
    right = page.evaluate("document.querySelector('svg.curve').getBoundingClientRect().right")
    assert right <= 1032, f"the curve runs off the page ({right:.0f} px of 1032)"
    page.close()

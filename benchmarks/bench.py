"""How fast is cjmap, and how far ahead of bare Graphviz? Run: `.venv/bin/python benchmarks/bench.py`.

Generates maps of given sizes into a temporary folder, runs each case as a
user would (a fresh `cjmap` process), several times, and prints median and
max wall time and the peak memory of the largest process (Linux `wait4`
rusage: the biggest of cjmap and the `dot` it ran, not their sum). The same
layout work done by bare `dot` on a naive clustered DOT runs in the same table.
Each case first runs once unmeasured, with bytecode caching on, so the numbers
are a user's second run, not Python compiling cjmap's modules.

The start-up cases (`--version`, `--help`, lint of one map) run many times (`--short-repeat`), paired
with their peers in one loop, turn by turn: `python -c pass` (Python's own start) and yamllint on the
same file (found on the PATH or given with `--yamllint`), so a busy machine slows both sides alike. The
machine's load average is printed before and after: on a shared machine read the ratios, not the times.

`cjmap render` (svg + html) of 30 touchpoints is paired the same way with Mermaid CLI (`mmdc`) rendering
the same journey, 30 tasks in 5 sections, to SVG (three times `--repeat` rounds, 15 by default: the ratio
sits near its target, and a median of five moved it by a tenth from one run to the next). mmdc is not a
dependency of cjmap; install it by hand, its headless browser pointed at the system's Chromium:

    PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix /tmp/mmdc @mermaid-js/mermaid-cli
    echo '{"executablePath": "/usr/bin/chromium", "args": ["--no-sandbox", "--disable-gpu"]}' > /tmp/mmdc/puppeteer.json
    .venv/bin/python benchmarks/bench.py --mmdc /tmp/mmdc/node_modules/.bin/mmdc --mmdc-config /tmp/mmdc/puppeteer.json

Without it (not on the PATH, no `--mmdc`) the pair's peer row is left out with a note.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# the console script a user types, beside this Python (as pip installs it); `python -m cjmap` when there is none,
# which costs ~5 ms more (runpy)
SCRIPT = Path(sys.executable).with_name("cjmap")
CJMAP = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "cjmap"]
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
EMOTIONS = (-2, -1, 0, 1, 2)


def jumps(total: int, branch_every: int = 7, reach: int = 60) -> dict[int, int]:
    """Where branches go: every 7th touchpoint lets some customers skip 2–60 steps ahead, often into a
    later stage. The same flow is given to cjmap and to bare `dot`; long jumps across stage clusters are
    what make Graphviz slow (with only short branches a naive DOT of 1,000 cards lays out in 0.2 s)."""
    chosen = random.Random(1)
    targets = {n: n + chosen.randint(2, reach) for n in range(total) if n % branch_every == 3}
    return {n: to for n, to in targets.items() if to < total}  # near the end, no skipping


def make_map(stages: int, per_stage: int, personas: int = 3) -> str:
    """A realistic map: named stages, touchpoints with channel, owner, emotion, lanes, branches and exits."""
    lines = ["cjmap: 1", f"title: Benchmark {stages}x{per_stage}", "updated: 2026-11-01", "personas:"]
    lines += [f"  - {{id: p{i}, name: Persona {i}, role: Buyer {i}}}" for i in range(personas)]
    lines += [
        "teams: [{id: sales, name: Sales}, {id: support, name: Support}]",
        "channels: [{id: web, name: Website}, {id: store, name: Store}, {id: email, name: Email}]",
        "stages:",
    ]
    channels, teams = ("web", "store", "email"), ("sales", "support")
    total = stages * per_stage
    branches = jumps(total)
    for s in range(stages):
        lines += [f"  - name: Stage {s + 1}", f"    goal: What the customer wants in stage {s + 1}", "    touchpoints:"]
        for i in range(per_stage):
            n = s * per_stage + i
            emotion = EMOTIONS[n % 5]
            lines += [
                f"      - id: t{n}",
                f"        name: Touchpoint {n} where the customer does something",
                f"        channel: {channels[n % 3]}",
                f"        owner: {teams[n % 2]}",
                f"        emotion: {emotion}",
                f"        doing: Compares options on the {channels[n % 3]}",
                "        thinking: Is this the right choice for me?",
            ]
            if emotion < 0:
                lines.append(f"        pain_points: [Waiting too long at step {n}]")
            if n in branches:
                lines += [
                    "        next:",
                    f"          - {{to: t{branches[n]}, when: skips ahead}}",
                    f"          - {{to: t{n + 1}, when: otherwise}}",
                ]
    return "\n".join(lines) + "\n"


def make_journey(sections: int, per_section: int, actors: int = 3) -> str:
    """The same journey as `make_map`'s, as Mermaid writes one: a section per stage, a task per touchpoint,
    its score (1–5) from the emotion (-2..2) and one or two personas as actors."""
    lines = ["journey", f"    title Benchmark {sections}x{per_section}"]
    for s in range(sections):
        lines.append(f"    section Stage {s + 1}")
        for i in range(per_section):
            n = s * per_section + i
            who = [f"Persona {n % actors}"] + ([f"Persona {(n + 1) % actors}"] if n % 2 else [])
            lines.append(
                f"      Touchpoint {n} where the customer does something: {EMOTIONS[n % 5] + 3}: {', '.join(who)}"
            )
    return "\n".join(lines) + "\n"


def naive_dot(stages: int, per_stage: int) -> str:
    """What someone would write by hand: a cluster per stage, an HTML card per touchpoint, edges in order
    and the same labelled branches as the map."""
    out = ["digraph G {", "  rankdir=LR; node [shape=plain];"]
    for s in range(stages):
        out.append(f'  subgraph cluster_{s} {{ label="Stage {s + 1}";')
        for i in range(per_stage):
            n = s * per_stage + i
            out.append(
                f'    t{n} [label=<<TABLE BORDER="1" CELLBORDER="0"><TR><TD><B>Touchpoint {n} where the '
                "customer</B></TD></TR>"
                f"<TR><TD>does something</TD></TR><TR><TD>web · sales · {EMOTIONS[n % 5]}</TD></TR></TABLE>>];"
            )
        out.append("  }")
    out += [f"  t{n} -> t{n + 1};" for n in range(stages * per_stage - 1)]
    out += [f'  t{n} -> t{to} [label="skips ahead"];' for n, to in jumps(stages * per_stage).items()]
    return "\n".join(out + ["}"]) + "\n"


@dataclass
class Result:
    name: str
    target: str
    times: list[float]
    peak_mb: float

    def row(self) -> str:
        median, worst = statistics.median(self.times), max(self.times)
        return (
            f"| {self.name} | {median * 1000:,.0f} ms | {worst * 1000:,.0f} ms | {self.peak_mb:,.0f} MB | "
            f"{self.target} |"
        )


def measure(command: list[str], cwd: Path, stdin: bytes | None = None) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of one run of `command`."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )
    if stdin:
        assert process.stdin is not None  # a pipe, when there is input
        process.stdin.write(stdin)
        process.stdin.close()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1 = lint findings, expected in big generated maps
        raise SystemExit(f"{' '.join(command)} failed with exit code {code}")
    return elapsed, usage.ru_maxrss / 1024


def paired(cases: list[tuple[str, str, list[str] | None]], cwd: Path, repeat: int) -> list[Result]:
    """Run commands turn by turn (`repeat` rounds, every other round in reverse order) so that they share the
    machine's good and bad moments; a case whose command is None (a peer not installed) is left out."""
    present = [(name, target, command) for name, target, command in cases if command]
    for _, _, command in present:
        measure(command, cwd)  # warm-up
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in present}
    for turn in range(repeat):
        for name, _, command in present if turn % 2 == 0 else present[::-1]:
            samples[name].append(measure(command, cwd))
    results = []
    for name, target, _ in present:
        result = Result(name, target, [t for t, _ in samples[name]], max(m for _, m in samples[name]))
        print(result.row(), flush=True)
        results.append(result)
    return results


def run(
    name: str, target: str, command: list[str], cwd: Path, repeat: int, stdin: bytes | None = None, warm: bool = True
) -> Result:
    if warm:
        measure(command, cwd, stdin)  # warm-up: bytecode written, files in the page cache
    samples = [measure(command, cwd, stdin) for _ in range(repeat)]
    result = Result(name, target, [t for t, _ in samples], max(m for _, m in samples))
    print(result.row(), flush=True)
    return result


def mermaid_command(mmdc: str | None, config: str | None, root: Path) -> list[str] | None:
    """The `mmdc` run that renders the 30-task journey to SVG, after one checked run proves it makes one (a
    failing mmdc exits 1, which `measure` would take for lint findings); None when there is no mmdc."""
    if not mmdc:
        return None
    (root / "journey.mmd").write_text(make_journey(5, 6))
    svg = root / "journey.svg"
    command = [mmdc, "--quiet", *(["-p", config] if config else []), "-i", "journey.mmd", "-o", svg.name]
    done = subprocess.run(command, cwd=root, check=False, capture_output=True, text=True, env=ENV)
    if done.returncode or not svg.is_file() or "<svg" not in svg.read_text():
        raise SystemExit(f"{' '.join(command)} made no SVG (exit code {done.returncode}): {done.stderr.strip()}")
    return command


def render_pair(root: Path, out: str, mermaid: list[str] | None, repeat: int) -> list[Result]:
    """`cjmap render` of 30 touchpoints and Mermaid CLI on the same journey, turn by turn."""
    return paired(
        [
            (
                "`cjmap render`, 30 touchpoints",
                "< 200 ms, ≤ 0.1× Mermaid CLI",
                [*CJMAP, "render", "small.cjmap.yaml", "-o", out],
            ),
            ("`mmdc` (Mermaid CLI), the same 30 tasks as a journey", "(peer)", mermaid),
        ],
        root,
        repeat,
    )


def print_ratio(pair: list[Result], goal: str) -> None:
    """How many times the time of its peer a paired case takes (nothing when the peer was left out)."""
    if len(pair) == 2:
        ratio = statistics.median(pair[0].times) / statistics.median(pair[1].times)
        print(f"{pair[0].name} takes {ratio:.3f}× the time of {pair[1].name}, paired in one run{goal}")


MMDC_MISSING = (
    "(mmdc not found: npm install @mermaid-js/mermaid-cli, or give --mmdc PATH [--mmdc-config puppeteer.json], "
    "for the Mermaid CLI peer row)"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (naive dot of 1,000 runs once)")
    parser.add_argument(
        "--short-repeat", type=int, default=31, help="runs of each start-up case (--version, --help, lint of one map)"
    )
    parser.add_argument("--yamllint", help="the yamllint to pair lint with (default: the one on the PATH)")
    parser.add_argument("--mmdc", help="the Mermaid CLI to pair render with (default: the one on the PATH)")
    parser.add_argument("--mmdc-config", help="puppeteer config JSON for mmdc (`mmdc -p`), e.g. the browser to use")
    parser.add_argument("--quick", action="store_true", help="skip the 1,000-card bare-dot reference (it takes ~20 s)")
    parser.add_argument("--mermaid-only", action="store_true", help="run only the render / Mermaid CLI pair")
    args = parser.parse_args()
    env_python = subprocess.run([sys.executable, "-c", "import cjmap"], check=False, capture_output=True)
    if env_python.returncode:
        raise SystemExit("install cjmap first: python3 -m venv .venv && .venv/bin/pip install -e .")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "cjmap.toml").write_text("")
        (root / "small.cjmap.yaml").write_text(make_map(5, 6))
        (root / "large.cjmap.yaml").write_text(make_map(20, 50))
        (root / "huge.cjmap.yaml").write_text(make_map(20, 150))
        (root / "limit.cjmap.yaml").write_text(make_map(20, 250))  # 5,000: the most a map may hold
        many = root / "many"
        many.mkdir()
        for i in range(200):
            (many / f"map-{i:03}.cjmap.yaml").write_text(make_map(5, 6))
        maps = sorted(str(p.relative_to(root)) for p in many.iterdir())
        r, out = args.repeat, str(root / "out")
        cores = os.cpu_count()
        print(
            f"cjmap benchmark on {platform.node()}: {cores} cores, {platform.processor() or platform.machine()}, "
            f"Python {platform.python_version()}, {_dot_version()}\n"
        )
        print(f"load average before: {_load()}\n")
        print("| work | median | max | peak memory | target |\n|---|---|---|---|---|")
        mermaid = mermaid_command(args.mmdc or shutil.which("mmdc"), args.mmdc_config, root)
        if args.mermaid_only:
            rendered = render_pair(root, out, mermaid, 3 * r)
            print()
            print_ratio(rendered, " (target: at most 0.1×)")
            if not mermaid:
                print(MMDC_MISSING)
            print(f"\nload average after: {_load()}")
            return
        short = args.short_repeat
        yamllint = args.yamllint or shutil.which("yamllint")
        start = paired(
            [
                ("`python -c pass` (Python starting)", "(reference)", [sys.executable, "-c", "pass"]),
                ("`cjmap --version`", "< 30 ms", [*CJMAP, "--version"]),
                ("`cjmap --help`", "< 80 ms", [*CJMAP, "--help"]),
            ],
            root,
            short,
        )
        small = paired(
            [
                (
                    "`cjmap lint`, 30 touchpoints",
                    "< 100 ms, < 25 MB, ≤ 0.8× yamllint",
                    [*CJMAP, "lint", "small.cjmap.yaml"],
                ),
                ("`yamllint`, the same 30 touchpoints", "(peer)", [yamllint, "small.cjmap.yaml"] if yamllint else None),
            ],
            root,
            short,
        )
        big = paired(
            [
                ("`cjmap lint`, 1,000 touchpoints", "< 250 ms", [*CJMAP, "lint", "large.cjmap.yaml"]),
                (
                    "`yamllint`, the same 1,000 touchpoints",
                    "(peer)",
                    [yamllint, "large.cjmap.yaml"] if yamllint else None,
                ),
            ],
            root,
            max(r, short // 2),
        )
        rendered = render_pair(root, out, mermaid, 3 * r)
        large = run(
            "`cjmap render`, 1,000 touchpoints",
            "< 1 s, < 300 MB",
            [*CJMAP, "render", "large.cjmap.yaml", "-o", out],
            root,
            r,
        )
        run(
            "`cjmap render`, 3,000 touchpoints",
            "< 6 s",
            [*CJMAP, "render", "huge.cjmap.yaml", "-o", out],
            root,
            max(1, r // 2),
        )
        run(
            "`cjmap render`, 5,000 touchpoints",
            "< 10 s",
            [*CJMAP, "render", "limit.cjmap.yaml", "-o", out],
            root,
            max(1, r // 2),
        )
        run("`cjmap lint`, 200 maps", "< 0.6 s", [*CJMAP, "lint", "many"], root, max(1, r // 2))
        run("`cjmap render`, 200 maps of 30", "< 4 s", [*CJMAP, "render", *maps, "-o", out], root, max(1, r // 2))
        run(
            "bare `dot`, naive DOT of 30 cards",
            "(reference)",
            ["dot", "-Tsvg"],
            root,
            r,
            naive_dot(5, 6).encode(),
            warm=False,
        )
        if not args.quick:
            naive = run(
                "bare `dot`, naive DOT of 1,000 cards",
                "(reference)",
                ["dot", "-Tsvg"],
                root,
                1,
                naive_dot(20, 50).encode(),
                warm=False,
            )
            ratio = statistics.median(large.times) / statistics.median(naive.times)
            print(
                f"\n`cjmap render` of 1,000 touchpoints takes {ratio:.2f}× the time of bare `dot` on the naive DOT "
                "(target: at most 0.25×)"
            )
        print()
        for mine, goal in ((small, " (target: at most 0.8×)"), (big, ""), (rendered, " (target: at most 0.1×)")):
            print_ratio(mine, goal)
        if not yamllint:
            print("(yamllint not found: pip install yamllint, or give --yamllint PATH, for the paired peer rows)")
        if not mermaid:
            print(MMDC_MISSING)
        over = statistics.median(start[1].times) - statistics.median(start[0].times)
        print(f"`cjmap --version` takes {over * 1000:.0f} ms more than Python starting")
        print(f"\nload average after: {_load()}")


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 minutes)"
    except OSError:
        return "unknown"


def _dot_version() -> str:
    try:
        done = subprocess.run(["dot", "-V"], check=False, capture_output=True, text=True)
    except FileNotFoundError:
        return "no Graphviz"
    return done.stderr.strip().replace("dot - graphviz version", "Graphviz")


if __name__ == "__main__":
    main()

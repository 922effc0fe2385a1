"""The package's parts depend one way: read from every module's imports, without importing anything.

A part is a subpackage (source, lint, rules, render, review, importers, jobs, cli, …) or a top-level
module (model, resolve, vocabulary, …). Imports under `if TYPE_CHECKING:` are left out: they load
nothing at run time, and a part may name the types of the part that calls it.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "cjmap"
# The console script's entry module and `python -m cjmap` are the command line's front door.
FRONT_DOOR = {"entry": "cli", "__main__": "cli"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(nodes: Iterable[ast.AST], module: str, is_package: bool) -> Iterator[str]:
    """Every module named by an import among `nodes`, at any depth (function bodies too), relative imports made
    absolute; `from a import b` names `a` and `a.b` (b may be a module)."""
    for node in nodes:
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from _imports(node.orelse, module, is_package)
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            yield source
            yield from (f"{source}.{alias.name}" for alias in node.names)
        yield from _imports(ast.iter_child_nodes(node), module, is_package)


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules it imports: cjmap's by full name, others by their top-level package."""
    paths = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
    graph = {}
    for module, path in paths.items():
        named = set(_imports([ast.parse(path.read_text(encoding="utf-8"))], module, path.name == "__init__.py"))
        graph[module] = {name for name in named if name in paths}  # `a.b` where b is a class or function: dropped
        graph[module] |= {name.split(".")[0] for name in named if name.split(".")[0] != "cjmap"}
    return graph


def part_of(module: str) -> str:
    """`cjmap.render.dot` -> `render`, `cjmap.resolve` -> `resolve`, `cjmap` -> `cjmap`."""
    bits = module.split(".")
    part = bits[1] if len(bits) > 1 else bits[0]
    return FRONT_DOOR.get(part, part)


def part_graph(graph: Mapping[str, set[str]]) -> dict[str, dict[str, list[str]]]:
    """Part -> part it imports -> the module imports that make that edge ('a -> b'), for messages."""
    parts: dict[str, dict[str, list[str]]] = {}
    for module, imported in graph.items():
        for target in imported:
            if target.split(".")[0] != "cjmap" or part_of(target) == part_of(module):
                continue
            parts.setdefault(part_of(module), {}).setdefault(part_of(target), []).append(f"{module} -> {target}")
    return parts


def cycles(parts: Mapping[str, Mapping[str, object]]) -> list[list[str]]:
    """The strongly connected groups of more than one part (Tarjan), each sorted: a group is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in parts.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(parts):
        if node not in index:
            visit(node)
    return found


GRAPH = import_graph()
PARTS = part_graph(GRAPH)


def _why(group: list[str]) -> list[str]:
    return [edge for a in group for b in group if b in PARTS.get(a, {}) for edge in sorted(PARTS[a][b])]


def test_the_graph_reads_every_part() -> None:
    """The test sees what it checks: each part of the architecture, and the edges known to be there."""
    architecture = {"source", "lint", "rules", "render", "review", "importers", "jobs", "cli", "vocabulary", "resolve"}
    assert architecture <= {part_of(m) for m in GRAPH}
    assert "resolve" in PARTS["rules"] and "review" in PARTS["render"]


# Part edges that still close a cycle, each with what breaks it. Any other cycle fails the test, and so does an
# entry here once its edge is gone, so the list only shrinks.
TO_BREAK: dict[tuple[str, str], str] = {}


def test_parts_depend_one_way() -> None:
    assert not [edge for edge in TO_BREAK if edge[1] not in PARTS.get(edge[0], {})], "an edge to break is gone"
    kept = {a: {b: why for b, why in targets.items() if (a, b) not in TO_BREAK} for a, targets in PARTS.items()}
    assert not (found := cycles(kept)), "\n".join(f"cycle {group}: {_why(group)}" for group in found)


def test_a_cycle_is_found_when_there_is_one() -> None:
    """The check itself can fail: a made-up graph with review -> render -> review is caught, a chain is not."""
    looped = part_graph({"cjmap.review.diff": {"cjmap.render.dot"}, "cjmap.render.html": {"cjmap.review.compare"}})
    assert cycles(looped) == [["render", "review"]]
    one_way = {"cjmap.render.html": {"cjmap.review.compare"}, "cjmap.review.diff": {"cjmap.resolve"}}
    assert cycles(part_graph(one_way)) == []
    assert part_graph({"cjmap.entry": {"cjmap.cli"}, "cjmap.cli": {"cjmap.entry"}}) == {}  # one part: no edge


def _reaches(part: str) -> dict[str, list[str]]:
    return PARTS.get(part, {})


def test_review_hands_data_to_render_and_never_imports_it() -> None:
    """Rendering reads what review computes (render/html and render/overlay draw a comparison), not back."""
    assert "render" not in _reaches("review"), _reaches("review").get("render")


def test_rules_and_lint_never_reach_outputs() -> None:
    """The lint path loads no renderer, report, review or command line."""
    for part in ("rules", "lint"):
        assert not {"render", "review", "jobs", "cli", "importers"} & set(_reaches(part)), (part, _reaches(part))


def _third_party(module: str) -> set[str]:
    return {name.split(".")[0] for name in GRAPH[module]} - set(sys.stdlib_module_names) - {"cjmap"}


def test_model_imports_only_pydantic() -> None:
    """The schema's models stand alone: the JSON Schema is generated from them without the rest of cjmap, only
    the field rules they share with the plain reader (standard library only, see the vocabulary test)."""
    assert _third_party("cjmap.model") == {"pydantic"}
    assert [name for name in GRAPH["cjmap.model"] if name.split(".")[0] == "cjmap"] == ["cjmap.vocabulary.fields"]


def test_vocabulary_imports_only_the_standard_library() -> None:
    """Every part may use the vocabulary, the lint path included: it must load no Graphviz, Jinja or rich."""
    vocabulary = [m for m in GRAPH if part_of(m) == "vocabulary"]
    assert len(vocabulary) >= 6
    for module in vocabulary:
        assert not _third_party(module), module
        assert all(part_of(name) == "vocabulary" for name in GRAPH[module] if name.split(".")[0] == "cjmap"), module


def test_the_core_leans_on_no_part_but_source() -> None:
    """Diagnostics, model, validation and resolution sit under every part; only reading files is beneath them."""
    beneath = {"diagnostics", "model", "plain", "schema", "validate", "vocabulary", "cjmap", "source", "metrics"}
    for core in ("diagnostics", "model", "plain", "schema", "validate", "resolve", "vocabulary", "markdown_escape"):
        reached = set(_reaches(core)) - beneath
        assert not reached, (core, {p: _reaches(core)[p] for p in reached})


def reached_from(module: str, graph: Mapping[str, set[str]]) -> set[str]:
    """Every module `module` may load, at once or later in a function: what it imports, their packages, and so on."""
    seen: set[str] = set()
    stack = [module]
    while stack:
        name = stack.pop()
        parents = [".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)]
        for found in (name, *parents):
            if found not in seen:
                seen.add(found)
                stack.extend(graph.get(found, ()))
    return seen


def test_the_lint_path_can_load_no_renderer() -> None:
    """Nothing lint may ever import, however deep in a function, is Graphviz, Jinja, rich or one of cjmap's outputs
    (the CLI tests check the same in a real run)."""
    reached = reached_from("cjmap.lint.pipeline", GRAPH)
    assert {"cjmap.resolve", "cjmap.rules", "cjmap.rules.flow", "cjmap.vocabulary.personas"} <= reached
    assert not {"graphviz", "jinja2", "markupsafe", "rich", "typer"} & reached
    assert not {m for m in reached if part_of(m) in ("render", "review", "jobs", "cli", "importers")}
    assert "jinja2" in reached_from("cjmap.render.html", GRAPH)  # the check sees a heavy import where there is one

"""README's promises: two set-up commands first, and CI runs the second one verbatim."""

from __future__ import annotations

import re

from cjmap.diagnostics import STRUCTURAL_CODES
from cjmap.rules import RULES
from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def opening_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README, re.DOTALL)
    assert block and README.index(block.group(0)) < README.index("\n## "), "README must open with the commands"
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_readme_opens_with_two_commands_render_then_test() -> None:
    render, test = opening_commands()
    assert "cjmap render examples/" in render and "graphviz" in render
    assert "pytest" in test and "graphviz" in test


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert opening_commands()[1] in ci_lines


def test_every_diagnostic_code_is_documented() -> None:
    for code, name in {**STRUCTURAL_CODES, **{c: r.name for c, r in RULES.items()}}.items():
        assert f"| {code} | {name} |" in README, code


def test_readme_rule_table_is_generated_from_the_rules() -> None:
    from cjmap.rules import rules_markdown

    table = README.split("<!-- rules:start -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert table == rules_markdown(), "regenerate with `cjmap rules --markdown`"


def test_readme_code_table_is_generated_from_the_library() -> None:
    from cjmap.diagnostics import OTHER_CODES, codes_markdown

    table = README.split("<!-- codes:start -->\n", 1)[1].split("<!-- codes:end -->", 1)[0]
    assert table == codes_markdown({**STRUCTURAL_CODES, **OTHER_CODES})


def test_pre_commit_hook_lints_staged_maps_without_graphviz(tmp_path) -> None:
    import os
    import shlex
    import subprocess
    import sys

    import yaml

    from conftest import MINIMAL, TODAY, write

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "cjmap-lint" and hook["language"] == "python"
    assert re.search(hook["files"], "maps/car.cjmap.yaml") and not re.search(hook["files"], ".github/workflows/ci.yml")
    good = write(tmp_path, "good.cjmap.yaml", MINIMAL)
    bad = write(tmp_path, "bad.cjmap.yaml", MINIMAL + "  - name: Retention\n")
    argv = shlex.split(hook["entry"])
    assert argv[0] == "cjmap"
    bare = tmp_path / "bin"
    bare.mkdir()  # no `dot` here
    command = [sys.executable, "-m", "cjmap", *argv[1:], "--today", TODAY, str(good), str(bad)]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PATH": str(bare)})
    assert result.returncode == 1 and "CJM101" in result.stdout


def test_action_and_readme_workflows_are_valid_and_call_real_commands() -> None:
    import yaml

    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite" and set(action["inputs"]) == {"paths", "base", "fail-on", "render"}
    scripts = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    for command in ("cjmap lint --format github", "cjmap diff --git", "--format markdown", "cjmap render"):
        assert command in scripts
    workflows = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", README, re.DOTALL)]
    assert any("jobs" in w for w in workflows) and all(w for w in workflows)
    for option in ("--fail-on", "--git", "--format"):  # every option the action passes exists
        assert option in run_help(option)


def run_help(option: str) -> str:
    from conftest import run_cli

    command = "diff" if option == "--git" else "lint"
    return run_cli(command, "--help").stdout


def test_every_rule_option_is_in_the_config_example() -> None:
    """The cjmap.toml example shows every option a rule declares, so a new option cannot go unmentioned."""
    from cjmap.rules import OPTIONS

    text = (REPO / "README.md").read_text(encoding="utf-8")
    example = text[text.index("# cjmap.toml (in pyproject.toml") :].split("```", 1)[0]
    missing = [key for key in OPTIONS if f"\n{key} = " not in example]
    assert not missing, f"add {missing} to the cjmap.toml example in README's Configuration section"


def test_the_render_synopsis_lists_every_output_format() -> None:
    from cjmap.render.outputs import OUTPUT_FORMATS

    text = (REPO / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"cjmap render PATH\.\.\. .*?--format ([a-z,]+)\]", text)
    assert listed, "README's render synopsis is gone"
    assert listed.group(1).split(",") == list(OUTPUT_FORMATS)

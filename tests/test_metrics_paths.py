"""A data file named on the command line stays inside the map's project, as the map's own `data:` entries do."""

from __future__ import annotations

from pathlib import Path

from conftest import MINIMAL, run_cli, write

METRIC = "metrics:\n  - {id: conv, name: Conversion, kind: rate}\n"


def test_data_named_with_the_option_may_not_leave_the_maps_project(tmp_path: Path) -> None:
    project = tmp_path / "maps"
    write(project, "cjmap.toml", "")
    write(project, "m.cjmap.yaml", MINIMAL + METRIC)
    secret = write(tmp_path, "outside/secret.csv", "metric,at,value,date\nAWS_SECRET=abc123,map,1,2026-01-01\n")
    for named in ("../outside/secret.csv", str(secret)):
        result = run_cli("lint", "m.cjmap.yaml", "--data", named, cwd=project)
        assert result.returncode == 1, result.stderr
        assert f"{named}:1:1: error CJM601 is outside the map's project" in result.stdout
        assert "AWS_SECRET" not in result.stdout + result.stderr
    write(project, "data/inside.csv", "metric,at,value,date\nconv,map,3.1,2026-10-01\n")
    inside = run_cli("lint", "m.cjmap.yaml", "--data", "data/inside.csv", cwd=project)
    assert "CJM601" not in inside.stdout, inside.stdout

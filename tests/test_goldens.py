"""scripts/update_goldens.py makes exactly the files in tests/golden/, the same bytes the golden tests expect."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

from conftest import REPO
from goldens import GOLDEN, GOLDENS, assert_golden


def test_every_golden_file_has_a_maker() -> None:
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(GOLDENS)


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_the_maker_gives_the_reviewed_golden(name: str) -> None:
    assert_golden(name, GOLDENS[name]())


def test_the_script_rewrites_a_golden_that_differs_and_leaves_the_rest(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import goldens

    copy = tmp_path / "golden"
    copy.mkdir()
    for name in GOLDENS:
        (copy / name).write_bytes((GOLDEN / name).read_bytes())
    (copy / "running-shoes.mmd").write_text("stale\n", encoding="utf-8")
    monkeypatch.setattr(goldens, "GOLDEN", copy)
    monkeypatch.setattr(sys, "argv", ["update_goldens.py"])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(REPO / "scripts" / "update_goldens.py"), run_name="__main__")
    assert done.value.code == 0
    assert capsys.readouterr().out.splitlines()[0] == "rewrote tests/golden/running-shoes.mmd"
    assert all((copy / name).read_bytes() == (GOLDEN / name).read_bytes() for name in GOLDENS)

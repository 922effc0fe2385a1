"""Regenerate every golden file in tests/golden/ from the examples; then review `git diff tests/golden` by eye.

Run from anywhere: `.venv/bin/python scripts/update_goldens.py`. It prints each golden it rewrote.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"


def main() -> int:
    sys.path.insert(0, str(TESTS))  # the makers live beside the tests that compare with them
    from goldens import GOLDEN, GOLDENS

    changed = []
    for name, make in GOLDENS.items():
        path = GOLDEN / name
        text = make()
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    unknown = sorted(p.name for p in GOLDEN.iterdir() if p.name not in GOLDENS)
    for name in changed:
        print(f"rewrote tests/golden/{name}")
    print(f"{len(GOLDENS)} goldens, {len(changed)} rewritten; review them with `git diff tests/golden`")
    if unknown:
        print(f"not made by this script (add them to tests/goldens.py): {', '.join(unknown)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

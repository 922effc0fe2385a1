"""The output guard's quick look for a `cjmap:` line finds exactly what the regex it replaces finds."""

from __future__ import annotations

import random

from cjmap.jobs.output import _has_map_key
from cjmap.source.safeio import MAP_KEY

WRITTEN = [b"cjmap: 1", b"x\ncjmap :", b"xcjmap: 1", b"x\n cjmap: 1", b"\r\ncjmap:", b"a\rcjmap:", b"cjmap"]
WRITTEN += [b"cjmapcjmap:\ncjmap\t:", b"cjcjmap:", b"\ncjmap x:", b"<p>cjmap</p>\ncjmap:\t1", b""]


def test_a_cjmap_line_is_found_where_the_regex_finds_one() -> None:
    chosen = random.Random(17)
    texts = WRITTEN + [
        bytes(chosen.choice(b"cjmap \t:\n\rx") for _ in range(chosen.randint(0, 24))) for _ in range(20_000)
    ]
    assert any(_has_map_key(t) for t in texts) and not all(_has_map_key(t) for t in texts)
    assert [t for t in texts if _has_map_key(t) != bool(MAP_KEY.search(t))] == []

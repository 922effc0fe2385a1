"""CJM5xx text: what the author wrote reaches the map whole.

These rules read the map's source text, as suppression comments are read: the
YAML loader keeps no comments, and a comment is exactly what they are about.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from cjmap.diagnostics import Location, Severity
from cjmap.resolve import Journey
from cjmap.rules.registry import Context, Finding, rule

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]  # another class under the same name

_SUSPECT = re.compile(r"[ \t]#\S")  # most maps have none: then the file is not parsed again
_CUT = re.compile(r"(?<![ \t])[ \t]+#(\S.*)$")  # from the start of a run of blanks: linear on long ones


@rule("CJM501", "comment-cuts-text", Severity.WARNING)
def comment_cuts_text(journey: Journey, context: Context) -> Iterator[Finding]:
    """A `#` after a space ends an unquoted value: what follows is a comment, and is lost.

    YAML reads `doing: Types flat #4 into the form` as `Types flat` and a
    comment, without a word. A comment written with a space after the `#`
    (`# like this`) is plainly one; `#4` or `#fff` right after a value almost
    always belonged to it. Quote the value when the `#` is part of the text,
    or put a space after the `#` when it is a comment (yamllint's `comments`
    rule asks the same).

    Fails:

        - name: Fills in the form
          doing: Types flat #4 into the address field

    Passes:

        - name: Fills in the form
          doing: "Types flat #4 into the address field"  # quoted: the '#' is text
    """
    for file, text in journey.texts:
        if not _SUSPECT.search(text):
            continue
        lines = text.splitlines()
        try:
            events = list(yaml.parse(text, Loader=_Loader))
        except yaml.YAMLError:  # pragma: no cover - the text loaded once already
            continue
        for event in events:
            if not isinstance(event, yaml.ScalarEvent) or event.style not in (None, ""):
                continue  # quoted and block values keep their '#'
            end = event.end_mark  # None only for an event made by hand
            if end is None or end.line >= len(lines):
                continue
            line, column = end.line, end.column
            cut = _CUT.match(lines[line][column:])
            if cut is None:
                continue
            at = column + lines[line][column:].index("#") + 1
            kept = f"'{event.value}'" if event.value else "empty"
            message = (
                f"'#{cut[1]}' is a comment, so the value is {kept}; "
                "quote the value if '#' is part of it, or write '# ' for a comment"
            )
            yield Finding(Location(file, line + 1, at), message)

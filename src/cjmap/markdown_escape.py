"""Map text made inert in Markdown: the one place it is escaped, for the Markdown output and the diff's comments.

Markdown and HTML characters are escaped and line breaks folded, so no map text
can become a link, an image, HTML or a new table row.
"""

from __future__ import annotations

import re

from cjmap.diagnostics import escape_controls

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
# What GitHub turns into a link by itself (GFM's autolink extension): URLs, www. names and e-mail addresses
_AUTOLINK = re.compile(
    r"(?i)(?:\b(?:https?|ftp)://|\bwww\.|\b(?:mailto|xmpp):)[^\s`<]*"  # URLs and www. names
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
)


def md(text: str) -> str:
    """Map text as inert Markdown on one line: HTML characters as entities, Markdown ones backslashed,
    controls and bidi overrides shown as escapes, and what GitHub would autolink put in a code span."""
    text = escape_controls(" ".join(text.split()))
    out, start = [], 0
    for match in _AUTOLINK.finditer(text):
        out.append(_inert(text[start : match.start()]))
        # a code span is never a link; a table still splits on a bare |
        out.append("`" + match[0].replace("|", "\\|") + "`")
        start = match.end()
    out.append(_inert(text[start:]))
    return "".join(out)


def _inert(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)

"""The Footnotes plugin's ``((…))`` markers.

The opener is whitespace + ``((`` (the whitespace belongs to the marker, as in the plugin), the first ``))``
closes, identical notes are combined (the plugin's default). Never inside tags, comments,
``pre``/``code``/``script``/``style``; a ``((`` without ``))``, or whose note would cross a block boundary or
cut an inline element, stays text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from typing import ClassVar

from exporter.clean.footnotes.base import Context, Recognizer, Ref
from exporter.clean.footnotes.scan import Tag
from exporter.clean.structure import BLOCK
from exporter.messages import warning

MAX_PAREN_NOTE = 10_000
"""A ((…)) note longer than this is taken for prose that happens to contain the markers."""
_PAREN_OPEN = re.compile("[ \t\r\n\u00a0]\\(\\(")
_INLINE_RAW = re.compile(r"<code\b", re.IGNORECASE)


class DoubleParentheses(Recognizer):
    """``((note))`` in the text; identical notes share one number."""

    name = "parens"
    sources: ClassVar[Mapping[str, str]] = {"parens": "((…)) markers"}

    def finish(self, context: Context) -> None:
        doc, html = context.doc, context.html
        masked = doc.masked()
        # A note never crosses a block boundary, a comment or a pre/script/style (inline code is fine).
        barriers = sorted(
            [s for s, _ in doc.protected if not _INLINE_RAW.match(html, s)]
            + [t.start for t in doc.tags if t.name in BLOCK and not doc.is_protected(t.start)]
        )
        pos = 0
        unclosed = False
        while True:
            m = _PAREN_OPEN.search(masked, pos)
            if m is None:
                break
            close = masked.find("))", m.end())
            if close < 0:
                unclosed = True
                break
            content = html[m.end() : close]
            barrier = bisect.bisect_left(barriers, m.end())
            if (
                (barrier < len(barriers) and barriers[barrier] < close)
                or close - m.end() > MAX_PAREN_NOTE
                or not _inline_balanced(doc.tags_between(m.end(), close))
            ):
                pos = m.start() + 1
                continue
            key = "pp:" + " ".join(content.split())
            context.refs.append(Ref(m.start(), close + 2, key=key, source="parens", note_html=content, marker=""))
            pos = close + 2
        if unclosed:
            context.messages.append(warning("footnotes", "unclosed-parens", "'((' without a closing '))' left as text"))


def _inline_balanced(tags: Iterable[Tag]) -> bool:
    """True if the tags form balanced inline markup (no block boundary inside a ((…)) note)."""
    stack: list[str] = []
    for tag in tags:
        if not tag.name:
            continue
        if tag.name in BLOCK:
            return False
        if tag.self_closing:
            continue
        if tag.closing:
            if not stack or stack.pop() != tag.name:
                return False
        else:
            stack.append(tag.name)
    return not stack

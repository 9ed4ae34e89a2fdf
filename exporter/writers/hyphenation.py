"""Words the PDF must not hyphenate, marked for the print styles.

WeasyPrint hyphenates every word of a ``hyphens: auto`` text with its dictionary (pyphen), which splits
names and codes where no reader would: "HTM-L5", "ACCESSI-BILITY", "Version20-24". This module wraps such words
in ``<span class="no-hyphens">`` (``hyphens: manual`` in ``styles/print.css``); their text is unchanged, and a
soft hyphen the author put in one still counts.

The rule: a word is left whole when it has a digit, or an upper-case letter after its first letter (all
capitals such as "ACCESSIBILITY", and mixed case such as "WordPress" or "iPhone": names, whose parts a
dictionary does not know). Words shorter than WeasyPrint's default hyphenation minimum (5 characters) are never
hyphenated and are left as they are.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

NO_HYPHENS_CLASS = "no-hyphens"
MIN_LENGTH = 5
"""WeasyPrint's default ``hyphenate-limit-chars`` (auto) hyphenates words of 5 characters or more."""
# A word: letters and digits, with the combining marks and soft hyphens inside it (no underscore).
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u00ad])+")
# Elements whose text is never hyphenated (print.css sets hyphens: manual on code) or holds no text.
_SKIPPED = frozenset("pre code kbd samp var script style svg math".split())


def keeps_whole(word: str) -> bool:
    """Whether ``word`` must not be hyphenated: it has a digit or an upper-case letter after its first."""
    letters = word.replace("\u00ad", "")
    if len(letters) < MIN_LENGTH:
        return False
    return any(c.isdigit() for c in letters) or any(c.isupper() for c in letters[1:])


def _pieces(text: str) -> list[str]:
    """``text`` split as [plain, word, plain, word, …, plain], the words being those to keep whole."""
    pieces, start = [], 0
    for match in _WORD.finditer(text):
        if keeps_whole(match.group()):
            pieces += [text[start : match.start()], match.group()]
            start = match.end()
    pieces.append(text[start:])
    return pieces


def _spans(text: str) -> tuple[str, list[Any]]:
    """``text`` as the text before its first word to keep whole, and a span for each such word (its tail being
    the text up to the next one). No spans when ``text`` has no such word."""
    head, *rest = _pieces(text)
    spans = []
    for word, tail in zip(rest[::2], rest[1::2], strict=True):
        span = etree.Element("span", {"class": NO_HYPHENS_CLASS})
        span.text, span.tail = word, tail or None
        spans.append(span)
    return head, spans


def _skipped(el: Any) -> bool:
    return not isinstance(el.tag, str) or el.tag in _SKIPPED or NO_HYPHENS_CLASS in (el.get("class") or "").split()


def mark_unhyphenated(root: Any) -> int:
    """Wrap each word of ``root``'s text that :func:`keeps_whole` in a ``no-hyphens`` span; returns how many.

    The text of ``pre``, ``code``, ``kbd``, ``samp`` and ``var`` is left alone (it is never hyphenated).
    """
    count = 0
    # The elements whose text and children's tails are visited, listed before any span is added.
    elements = [el for el in root.iter() if not any(_skipped(a) for a in (el, *el.iterancestors()))]
    for el in elements:
        children = list(el)
        if el.text:
            head, spans = _spans(el.text)
            if spans:
                el.text = head or None
                for index, span in enumerate(spans):
                    el.insert(index, span)
                count += len(spans)
        for child in children:
            if child.tail:
                head, spans = _spans(child.tail)
                if spans:
                    child.tail = head or None
                    position = el.index(child)
                    for offset, span in enumerate(spans, start=1):
                        el.insert(position + offset, span)
                    count += len(spans)
    return count

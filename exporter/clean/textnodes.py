"""Walk and rewrite the text of an lxml tree: the one helper every text-level transform uses."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import lxml.html
from lxml.html import HtmlElement

SKIP_TEXT = frozenset({"a", "code", "pre", "kbd", "samp", "script", "style", "sup", "sub"})


Skip = frozenset[str] | Callable[[HtmlElement], bool]


def text_slots(root: HtmlElement, skip: Skip = SKIP_TEXT) -> Iterator[tuple[HtmlElement, str]]:
    """Yield (element, 'text' | 'tail') for every text slot whose text sits outside skipped elements.

    ``skip`` is a set of tag names, or a predicate on elements.
    """
    skipped = skip if callable(skip) else (lambda el: el.tag in skip)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if not _inside(el, skipped, root) and el.text:
            yield el, "text"
        if el is not root and el.tail and not _inside(el.getparent(), skipped, root):
            yield el, "tail"


def _inside(el: HtmlElement | None, skipped: Callable[[HtmlElement], bool], root: HtmlElement) -> bool:
    while el is not None:
        if isinstance(el.tag, str) and skipped(el):
            return True
        if el is root:
            return False
        el = el.getparent()
    return False


def wrap_matches(
    root: HtmlElement,
    pattern: re.Pattern[str],
    make: Callable[[re.Match[str], str], HtmlElement | None],
    skip: Skip = SKIP_TEXT,
) -> int:
    """Replace each match of ``pattern`` in text slots by the element ``make(match, context)`` returns.

    ``context`` is the text before the match in the same slot. ``make`` may return None to leave a match
    as text. Returns the number of replacements.
    """
    count = 0
    for el, slot in list(text_slots(root, skip)):
        text = el.text if slot == "text" else el.tail
        pieces: list[str | HtmlElement] = []
        pos = 0
        for m in pattern.finditer(text):
            new = make(m, text[: m.start()])
            if new is None:
                continue
            pieces.append(text[pos : m.start()])
            pieces.append(new)
            pos = m.end()
        if not pieces:
            continue
        pieces.append(text[pos:])
        count += sum(1 for p in pieces if not isinstance(p, str))
        _splice(el, slot, pieces)
    return count


def _splice(el: HtmlElement, slot: str, pieces: list[str | HtmlElement]) -> None:
    """Put ``pieces`` (strings and new elements) where the text slot was."""
    first, rest = pieces[0], pieces[1:]
    assert isinstance(first, str)
    if slot == "text":
        el.text = first
        anchor_parent, index = el, 0
    else:
        el.tail = first
        anchor_parent = el.getparent()
        index = anchor_parent.index(el) + 1
    last: HtmlElement | None = None
    for piece in rest:
        if isinstance(piece, str):
            if last is not None:
                last.tail = (last.tail or "") + piece
            continue
        piece.tail = None
        anchor_parent.insert(index, piece)
        index += 1
        last = piece


def make_element(tag: str, text: str, **attrib: str) -> HtmlElement:
    """A new HTML element with text and attributes (attribute names with '_' become '-')."""
    el = lxml.html.Element(tag, {k.replace("_", "-"): v for k, v in attrib.items()})
    el.text = text
    return el


def block_text(el: HtmlElement) -> str:
    """The element's text with whitespace collapsed."""
    return " ".join(el.text_content().split())

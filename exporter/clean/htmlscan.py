"""One scanner for the markup in HTML text: tags, comments, CDATA, and raw-text regions.

The text stages (wpautop, block delimiters, footnotes, shortcodes) each need to know which parts of a string
are markup and which are text, without parsing it into a tree (they must give back every other byte as it
was). They all walk the string with :func:`tokens`: at each ``<`` a :class:`Grammar` says whether an element
starts there and where it ends; an opening tag named in ``raw`` also takes in its content, up to its closing tag
(``</name>``, any case, spaces before ``>``) or to the end of the text when there is none.

The grammars differ on purpose, and only in how they read a ``<``:

* :data:`WP_SPLIT` is WordPress's ``wp_html_split`` (``get_html_split_regex``), which ``wpautop`` and
  ``wp_replace_in_html_tags`` use: *every* ``<`` starts an element (``a < b`` too), quotes are not special, the
  element runs to the next ``>`` or to the end, and a comment ends at the first ``-->`` after ``<!`` (so
  ``<!-->`` is a whole comment). Ports of WordPress functions must split exactly as it does.
* :data:`WP_TAGS` reads elements as WordPress splits them, but only where ``<`` starts something tag-like (a
  letter, ``/``, ``!`` or ``?`` after it): a ``<`` in prose is text. A tag still runs to the first ``>`` even
  inside quotes, as in WordPress's ``do_shortcodes_in_html_tags``, so ``<a title="x>[y]">`` leaves ``[y]``
  outside the tag, where WordPress would expand it. A tag is written closed only as ``/>``. The shortcode
  stage and the auto-embeds use it.
* :data:`HTML_TAGS` reads quoted attribute values as HTML does, so a ``>`` or ``<`` inside quotes stays in
  the tag (Easy Footnotes writes a note's HTML into a link's ``title``), and a ``<`` that never closes into a
  tag is text; ``<code / >`` is written closed too. The footnotes stage uses it: it reads classes, ids and
  titles out of the tags.

:func:`split` cuts a string into text and element pieces; joining them gives the string back.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["HTML_TAGS", "RAW_TEXT", "WP_SPLIT", "WP_TAGS", "Grammar", "Token", "split", "tokens"]

RAW_TEXT = frozenset({"pre", "code", "script", "style", "textarea", "xmp"})
"""Elements whose content is text, not markup, for the stages that protect it (each stage picks its set)."""


@dataclass(frozen=True)
class Grammar:
    """How a ``<`` is read: ``pattern`` is matched at each ``<`` (no match: the ``<`` is text).

    Named groups: ``comment`` or ``cdata`` for those; ``name`` (and ``closing``, ``attrs``) for a tag that
    may open a raw-text region. ``self_closing`` tells, from an element's text, whether a tag is written
    closed (``<code/>``), so it opens no region.
    """

    name: str
    pattern: re.Pattern[str]
    self_closing: Callable[[str], bool]


WP_SPLIT = Grammar(
    "wp_html_split",
    re.compile(
        r"(?P<comment><!(?=--).*?(?:-->|\Z))|(?P<cdata><!\[CDATA\[.*?(?:\]\]>|\Z))|<[^>]*(?:>|\Z)",
        re.DOTALL,
    ),
    lambda element: element.endswith("/>"),
)
WP_TAGS = Grammar(
    "wordpress-tags",
    re.compile(
        r"(?P<comment><!--.*?(?:-->|\Z))|(?P<cdata><!\[CDATA\[.*?(?:\]\]>|\Z))"
        r"|<(?:(?P<closing>/?)(?P<name>[A-Za-z]+)(?=[\s/>])|[A-Za-z/!?])(?P<attrs>[^>]*)(?:>|\Z)",
        re.DOTALL,
    ),
    lambda element: element.endswith("/>"),
)
HTML_TAGS = Grammar(
    "html-tags",
    re.compile(
        r"(?P<comment><!--.*?(?:-->|\Z))|(?P<cdata><!\[CDATA\[.*?(?:\]\]>|\Z))"
        r"|<(?P<closing>/?)(?P<name>[A-Za-z][A-Za-z0-9:-]*)(?P<attrs>(?:[^<>\"']|\"[^\"]*\"|'[^']*')*)>"
        r"|<[!?][^<>]*>",
        re.DOTALL,
    ),
    lambda element: element[:-1].rstrip().endswith("/"),
)


class Token(NamedTuple):
    """One element: ``[start, end)`` is the tag, comment or CDATA itself; ``region_end`` is where its raw-text
    region ends (``end`` when it opens none)."""

    start: int
    end: int
    kind: str
    """``tag`` (a named tag), ``comment``, ``cdata``, or ``other`` (a doctype, a processing instruction, an
    element the grammar does not name)."""
    name: str
    """The lowercased tag name ("" unless ``kind`` is ``tag``)."""
    closing: bool
    attrs: str
    """The text between the name and the ``>``."""
    raw: bool
    """True if this tag opens a raw-text region (its content, to ``region_end``, is text)."""
    region_end: int
    closer: tuple[int, int] | None
    """The span of the closing tag of a raw-text region, when there is one."""


@functools.lru_cache(maxsize=64)
def _closer(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE)


def tokens(text: str, grammar: Grammar, raw: frozenset[str] = frozenset()) -> Iterator[Token]:
    """The elements of ``text`` left to right, as ``grammar`` reads them; the content of a tag named in
    ``raw`` (lowercase names) belongs to its region and is not scanned."""
    pattern, self_closing = grammar.pattern, grammar.self_closing
    index = pattern.groupindex
    comment, cdata = index.get("comment"), index.get("cdata")
    named, closing_group, attrs_group = index.get("name"), index.get("closing"), index.get("attrs")
    n = len(text)
    pos = 0
    while True:
        # Every pattern starts with "<": the first match is at the first "<" that starts an element.
        m = pattern.search(text, pos)
        if m is None:
            return
        lt, end = m.span()
        name = m.group(named) if named else None
        if name is not None:
            kind, name = "tag", name.lower()
        elif comment and m.group(comment) is not None:
            kind, name = "comment", ""
        elif cdata and m.group(cdata) is not None:
            kind, name = "cdata", ""
        else:
            kind, name = "other", ""
        closing = bool(closing_group and m.group(closing_group))
        attrs = (m.group(attrs_group) or "") if attrs_group else ""
        region_end, closer = end, None
        opens_raw = name in raw and not closing and not self_closing(m.group())
        if opens_raw:
            close = _closer(name).search(text, end)
            if close is None:
                region_end = n
            else:
                region_end, closer = close.end(), close.span()
        yield Token(lt, end, kind, name, closing, attrs, opens_raw, region_end, closer)
        pos = region_end


def split(text: str, grammar: Grammar, raw: frozenset[str] = frozenset()) -> list[str]:
    """``text`` cut into pieces, text and element by turns (starting and ending with text, maybe empty);
    an element piece holds its raw-text region. ``"".join(split(text, …)) == text``."""
    pieces: list[str] = []
    pos = 0
    for token in tokens(text, grammar, raw):
        pieces.append(text[pos : token.start])
        pieces.append(text[token.start : token.region_end])
        pos = token.region_end
    pieces.append(text[pos:])
    return pieces

"""What the recognizers share: the places they find (:class:`Ref`), the note lists, and the :class:`Context`.

A recognizer is one source of notes (a plugin's shortcodes, the block editor's footnotes, a rendered reference
list…). The extractor runs every recognizer of the registry in its order, in three rounds:

1. :meth:`Recognizer.targets`: note texts that references elsewhere may point to (the reference lists);
2. :meth:`Recognizer.reference`, for each opening tag outside protected regions and outside the lists: the
   first recognizer that returns a :class:`Ref` for a tag claims it;
3. :meth:`Recognizer.finish`: what is found in the text rather than at a tag (shortcodes, ``((…))``), and
   what goes once the references are known (a cited list, its heading, the block editor's comment).

A recognizer adds its places to ``context.refs``; the extractor then keeps the leftmost, longest place where
places overlap, numbers the notes and writes the noterefs.
"""

from __future__ import annotations

import html as htmllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from exporter.clean.footnotes.scan import Doc, Tag
from exporter.messages import Message


@dataclass
class Ref:
    """One place in the HTML: a note reference (``key`` set) or a removal (``key`` None, ``remove`` True)."""

    start: int
    end: int
    key: str | None = None
    source: str = ""
    marker: str = ""
    """The visible label kept as a citation marker when the note text is missing."""
    remove: bool = False
    note_html: str | None = None
    target: HtmlElement | None = None
    missing: Message | None = None
    """The warning for a reference whose note text is missing (it stays a citation marker)."""


@dataclass
class NoteList:
    """A rendered list of notes (``ol.references``, ``ol.wp-block-footnotes``…) and its items by id."""

    start: int
    end: int
    kind: str
    items: dict[str, HtmlElement]
    all_items: list[HtmlElement]


Target = tuple[HtmlElement, NoteList | None, tuple[int, int] | None]
"""A note text a link may point to: the element, the list holding it (if any), and its own span when it
stands outside a list (it is removed once cited)."""


@dataclass
class Context:
    """The state one extraction shares between its recognizers."""

    html: str
    doc: Doc
    meta: dict[str, str]
    """The block editor's ``footnotes`` post meta, {id: content HTML}."""
    messages: list[Message] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    lists: list[NoteList] = field(default_factory=list)
    targets: dict[str, Target] = field(default_factory=dict)
    note_names: Collection[str] = ()
    """The footnote shortcodes of this article's shortcode registry (built-ins and ``--rules`` notes)."""
    """Note texts by the id a link's fragment names."""

    def inside_list(self, pos: int) -> bool:
        """True if ``pos`` lies inside one of the note lists found."""
        return any(lst.start <= pos < lst.end for lst in self.lists)


class Recognizer:
    """One source of notes; override the rounds it takes part in (see the module docstring)."""

    name: ClassVar[str] = ""
    sources: ClassVar[Mapping[str, str]] = {}
    """The ``Ref.source`` values this recognizer sets, each with the words the summary message uses."""

    def targets(self, context: Context) -> None:
        """Round 1: add note lists and note texts to ``context``."""

    def reference(self, context: Context, i: int, tag: Tag) -> Ref | None:
        """Round 2: the reference that tag ``i`` opens, if it is one of this source."""
        return None

    def finish(self, context: Context) -> None:
        """Round 3: add references found in the text, and the removals that depend on the references."""


def parse_element(text: str) -> HtmlElement | None:
    """The first element of an HTML snippet, parsed leniently."""
    try:
        holder = lxml.html.fragment_fromstring(text, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None
    return next((c for c in holder if isinstance(c.tag, str)), None)


def marker_of(text: str) -> str:
    """The visible label of a reference snippet, spaces collapsed ("" when it does not parse)."""
    el = parse_element(text)
    return " ".join(el.text_content().split()) if el is not None else ""


def fragment(href: str | None) -> str | None:
    """The unescaped fragment of a link, or None."""
    if not href or "#" not in href:
        return None
    return htmllib.unescape(href.split("#", 1)[1]) or None


def inner_html(el: HtmlElement) -> str:
    """The markup inside ``el``."""
    parts = [htmllib.escape(el.text, quote=False)] if el.text else []
    parts += [lxml.html.tostring(c, encoding="unicode", with_tail=True) for c in el]
    return "".join(parts)

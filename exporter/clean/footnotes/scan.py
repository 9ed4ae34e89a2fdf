"""The footnotes stage's view of an HTML string: tag positions, open/close pairs, protected regions.

Every recognizer reads the same :class:`Doc`: the tags of the body in order (with the index of each tag's
matching closing or opening tag), and the protected regions (comments, CDATA, and the content of ``pre``,
``code``, ``script``, ``style``, ``textarea`` and ``xmp``) where nothing is a note reference. The tags come
from the shared scanner (:mod:`exporter.clean.htmlscan`) with its HTML grammar: the recognizers read classes,
ids and titles from the tags, and a title may hold markup inside its quotes (Easy Footnotes).
"""

from __future__ import annotations

import bisect
import html as htmllib
import re
from dataclasses import dataclass, field

from exporter.clean.htmlscan import HTML_TAGS, RAW_TEXT, tokens

_ATTR = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`=]+)))?""")
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
"""HTML's void elements: they have no closing tag."""


@dataclass
class Tag:
    """One tag (or comment, CDATA section, doctype) of the string, by its offsets."""

    start: int
    end: int
    name: str
    """Lowercased tag name; "" for comments, CDATA, doctype and processing instructions."""
    closing: bool
    attr_text: str
    pair: int | None = None
    """Index of the matching closing tag (for an opening tag) or opening tag (for a closing one)."""

    _attrs: dict[str, str] | None = field(default=None, repr=False)

    @property
    def attrs(self) -> dict[str, str]:
        """The attributes, names lowercased, values unescaped (the first of a repeated name wins)."""
        if self._attrs is None:
            self._attrs = {}
            for m in _ATTR.finditer(self.attr_text):
                value = next((g for g in m.groups()[1:] if g is not None), "")
                self._attrs.setdefault(m.group(1).lower(), htmllib.unescape(value))
        return self._attrs

    def has_class(self, name: str) -> bool:
        """True if ``name`` is one of the tag's classes."""
        return name in self.attrs.get("class", "").split()

    @property
    def opening(self) -> bool:
        """True for an opening (or self-closing) tag."""
        return bool(self.name) and not self.closing

    @property
    def self_closing(self) -> bool:
        """True for a void element or a tag written ``<x/>``: it opens nothing."""
        return self.name in VOID or self.attr_text.rstrip().endswith("/")


@dataclass
class Doc:
    """The tags of one HTML string and its protected regions (comments, pre/code/script/style content)."""

    html: str
    tags: list[Tag] = field(default_factory=list)
    protected: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for token in tokens(self.html, HTML_TAGS, RAW_TEXT):
            if token.kind != "tag":
                self.tags.append(Tag(token.start, token.end, "", False, ""))
                if token.kind in ("comment", "cdata"):
                    self.protected.append((token.start, token.end))
                continue
            self.tags.append(Tag(token.start, token.end, token.name, token.closing, token.attrs))
            if token.raw:
                self.protected.append((token.start, token.region_end))
                if token.closer is not None:
                    self.tags.append(Tag(*token.closer, token.name, True, ""))
        stacks: dict[str, list[int]] = {}
        for i, tag in enumerate(self.tags):
            if not tag.name or tag.self_closing:
                continue
            if tag.closing:
                stack = stacks.get(tag.name)
                if stack:
                    j = stack.pop()
                    self.tags[j].pair = i
                    tag.pair = j
            else:
                stacks.setdefault(tag.name, []).append(i)
        self.starts = [t.start for t in self.tags]
        self.ends = {t.end: i for i, t in enumerate(self.tags)}
        self._protected_starts = [s for s, _ in self.protected]

    def is_protected(self, pos: int) -> bool:
        """True if ``pos`` lies in a comment, CDATA, or the content of a raw-text element."""
        i = bisect.bisect_right(self._protected_starts, pos) - 1
        return i >= 0 and self.protected[i][0] <= pos < self.protected[i][1]

    def element(self, i: int) -> tuple[int, int] | None:
        """The span of the element opened by tag ``i`` (None if it is never closed)."""
        tag = self.tags[i]
        if tag.pair is None:
            return None
        return tag.start, self.tags[tag.pair].end

    def inner(self, i: int) -> tuple[int, int] | None:
        """The span of the content of the element opened by tag ``i`` (None if it is never closed)."""
        tag = self.tags[i]
        if tag.pair is None:
            return None
        return tag.end, self.tags[tag.pair].start

    def tags_between(self, start: int, end: int) -> list[Tag]:
        """The tags lying wholly within ``[start, end)``."""
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_left(self.starts, end)
        return [t for t in self.tags[lo:hi] if t.end <= end]

    def next_tag(self, pos: int) -> int | None:
        """Index of the first tag at or after ``pos`` when only whitespace lies between."""
        i = bisect.bisect_left(self.starts, pos)
        if i < len(self.tags) and not self.html[pos : self.tags[i].start].strip():
            return i
        return None

    def masked(self) -> str:
        """The string with tags blanked to NUL and protected regions to U+0001 (offsets unchanged)."""
        spans = [(s, e, "\x01") for s, e in self.protected]
        spans += [(t.start, t.end, "\x00") for t in self.tags if not self.is_protected(t.start)]
        spans.sort()
        parts: list[str] = []
        pos = 0
        for s, e, ch in spans:
            if s < pos:
                continue
            parts.append(self.html[pos:s])
            parts.append(ch * (e - s))
            pos = e
        parts.append(self.html[pos:])
        return "".join(parts)

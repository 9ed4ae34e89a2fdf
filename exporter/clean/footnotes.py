"""Footnotes: every kind of note reference in a post becomes one canonical noteref plus a :class:`Footnote`.

The stage runs on the raw body HTML string, before the shortcode stage and before sanitizing, so ids, classes
and ``data-*`` attributes are still there. Only the note references and the note lists are rewritten; every
other byte of the HTML stays as it was (the later stages see the same text).

Sources (see ``shared/wordpress/plugins.md`` §5):

* footnote shortcodes ``[efn_note]``, ``[footnote]``, ``[ref]``, ``[mfn]``, ``[modern_footnote]`` (enclosing
  only; the note is the content) and the Footnotes plugin's ``((…))``: the opener is whitespace + ``((`` (the
  whitespace belongs to the marker, as in the plugin), the first ``))`` closes, identical notes are combined
  (the plugin's default). Never inside tags, comments, ``pre``/``code``/``script``/``style``; a ``((`` without
  ``))``, or whose note would cross a block boundary or cut an inline element, stays text;
* the block editor's core footnotes: ``<sup data-fn="ID">`` (and the early ``<a data-fn>``), the note texts from
  the ``footnotes`` post meta (JSON ``[{"id", "content"}]``; the quoting damage of core ticket 59103 is
  repaired). When the meta has no entry, the rendered ``ol.wp-block-footnotes`` item with that id is used; else
  the label stays as a citation marker. The ``<!-- wp:footnotes -->`` comment and the rendered list go;
* linked reference lists: Wikipedia ``sup.reference`` / ``sup[id^=cite_ref]`` → ``ol.references`` item (or an
  element with a ``cite_note-…`` id), and the rendered forms of the WordPress plugins in saved pages (Footnotes
  ``a.footnote-identifier-link`` → ``ol.footnotes``, Easy Footnotes ``span.easy-footnote`` →
  ``ol.easy-footnotes-wrapper``, Modern Footnotes ``sup.modern-footnotes-footnote`` + its tooltip span), and
  Markdown footnotes (Jetpack: ``sup#fnref:1`` → ``div.footnotes li#fn:1``). Any other ``sup`` whose link points
  into one of those lists is a reference too; a plain ``<sup>2</sup>`` is not.
  Backlinks (``^ a b``, ``↩``) are not note text. A list is removed when at least one of its items is cited,
  together with a "References"/"Notes" heading right before it; a reference whose target is missing stays a
  visible citation marker.

Bare markers in prose (``[5]``, ``[b]``) are left to the citations stage.

Notes are numbered 1, 2… in order of first reference (ids ``n1``, ``n2``…); a note cited again keeps its label.
Note bodies go through the shortcode stage, the sanitizer and the XHTML serializer here, since they never pass
through the rest of the cleaner: in-page and relative links are unwrapped, images become their alt text, a
note nested in a note is kept inline in parentheses. A note whose body is empty is dropped with its reference.
"""

from __future__ import annotations

import bisect
import copy
import html as htmllib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from exporter import urls
from exporter.clean.handlers import MAX_ATTR_LEN, Registry, apply_shortcodes, default_registry
from exporter.clean.sanitize import sanitize_html, to_xhtml
from exporter.clean.shortcodes import ShortcodeMatch, find_shortcodes, replace_shortcodes
from exporter.clean.structure import BLOCK, drop_empty, fix_nesting, wrap_loose_inline
from exporter.model import Footnote

__all__ = ["FOOTNOTE_SHORTCODES", "extract_footnotes"]

FOOTNOTE_SHORTCODES = default_registry().note_names()
"""The built-in footnote shortcodes (``efn_note``, ``footnote``, ``ref``, ``mfn``, ``modern_footnote``): the
handlers with action ``note`` in the default registry, the one list of them."""

_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<(/?)([A-Za-z][A-Za-z0-9:-]*)((?:[^<>\"']|\"[^\"]*\"|'[^']*')*)>"
    r"|<[!?][^<>]*>",
    re.DOTALL,
)
_ATTR = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`=]+)))?""")
_RAW = frozenset({"pre", "code", "script", "style", "textarea", "xmp"})
_INLINE_RAW = re.compile(r"<code\b", re.IGNORECASE)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_WP_FOOTNOTES_COMMENT = re.compile(r"<!--\s*/?wp:footnotes\b.*?-->", re.DOTALL)
_PAREN_OPEN = re.compile("[ \t\r\n\u00a0]\\(\\(")
_NOTES_HEADING = re.compile(
    r"(?:foot|end)?notes?|references?|citations?|sources?|notes and references|references and notes"
    r"|bibliography|works cited",
    re.IGNORECASE,
)
_EDIT_LINK = re.compile(r"\s*\[\s*edit\s*\]\s*$", re.IGNORECASE)
_BACKLINK_TEXT = re.compile(r"[\s\^\u2191\u21a9\ufe0e\u2934\u2b06\[\]]*(?:[a-z]|\d{1,3})?[\s\^\u2191\u21a9\ufe0e\[\]]*")
_BACKLINK_TARGETS = ("cite_ref", "identifier_", "easy-footnote-", "fnref")
_LEADING_CARET = re.compile(r"^\s*[\^\u2191]+\s*")
_SPACE = " \t\r\n\f\u00a0"
_EMPTY_BRACKETS = re.compile(r"\s*\[\s*\]\s*$")

# Class of a note list (ol, or a div/section around one) → the source its notes are counted under.
_LISTS = {
    "references": "wiki",
    "mw-references": "wiki",
    "wp-block-footnotes": "core",
    "footnotes": "fnplugin",
    "easy-footnotes-wrapper": "easy",
}
MAX_PAREN_NOTE = 10_000
"""A ((…)) note longer than this is taken for prose that happens to contain the markers."""
_LIST_TAGS = frozenset({"ol", "ul", "div", "section"})
_REF_HINTS = ("footnote-identifier-link", "footnote-ref", "doc-noteref")
_SOURCE_NAMES = {
    "wiki": "a Wikipedia-style reference list",
    "core": "the block editor's footnotes meta",
    "core-list": "the block editor's rendered footnotes list",
    "fnplugin": "a Footnotes plugin list",
    "markdown": "a Markdown footnotes section",
    "easy": "an Easy Footnotes list",
    "title": "the reference's tooltip (its list is missing)",
    "mfn-rendered": "Modern Footnotes tooltips",
    "parens": "((…)) markers",
}
_BACKLINK_CLASSES = (
    "mw-cite-backlink",
    "footnote-back-link",
    "footnote-backref",
    "easy-footnote-to-top",
    "mw-editsection",
)


# --------------------------------------------------------------------------------------------------------
# A light tokenizer: tag positions in the original string, with open/close pairs matched per name.


@dataclass
class _Tag:
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
        if self._attrs is None:
            self._attrs = {}
            for m in _ATTR.finditer(self.attr_text):
                value = next((g for g in m.groups()[1:] if g is not None), "")
                self._attrs.setdefault(m.group(1).lower(), htmllib.unescape(value))
        return self._attrs

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()

    @property
    def opening(self) -> bool:
        return bool(self.name) and not self.closing


@dataclass
class _Doc:
    """The tags of one HTML string and its protected regions (comments, pre/code/script/style content)."""

    html: str
    tags: list[_Tag] = field(default_factory=list)
    protected: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        html = self.html
        pos = 0
        while True:
            lt = html.find("<", pos)
            if lt < 0:
                break
            m = _TOKEN.match(html, lt)
            if m is None:
                pos = lt + 1
                continue
            pos = m.end()
            if m.group(2) is None:
                self.tags.append(_Tag(lt, pos, "", False, ""))
                if m.group().startswith(("<!--", "<![CDATA[")):
                    self.protected.append((lt, pos))
                continue
            name = m.group(2).lower()
            self.tags.append(_Tag(lt, pos, name, bool(m.group(1)), m.group(3)))
            if not m.group(1) and name in _RAW and not m.group(3).rstrip().endswith("/"):
                close = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(html, pos)
                end = close.end() if close else len(html)
                self.protected.append((lt, end))
                if close:
                    self.tags.append(_Tag(close.start(), end, name, True, ""))
                pos = end
        stacks: dict[str, list[int]] = {}
        for i, tag in enumerate(self.tags):
            if not tag.name or tag.name in _VOID or tag.attr_text.rstrip().endswith("/"):
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

    def tags_between(self, start: int, end: int) -> list[_Tag]:
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


def _parse_element(text: str) -> HtmlElement | None:
    """The first element of an HTML snippet, parsed leniently."""
    try:
        holder = lxml.html.fragment_fromstring(text, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None
    return next((c for c in holder if isinstance(c.tag, str)), None)


def _classes(el: HtmlElement) -> list[str]:
    return (el.get("class") or "").split()


def _fragment(href: str | None) -> str | None:
    if not href or "#" not in href:
        return None
    return htmllib.unescape(href.split("#", 1)[1]) or None


def _inner_html(el: HtmlElement) -> str:
    parts = [htmllib.escape(el.text, quote=False)] if el.text else []
    parts += [lxml.html.tostring(c, encoding="unicode", with_tail=True) for c in el]
    return "".join(parts)


# --------------------------------------------------------------------------------------------------------
# The references found, and what replaces them.


@dataclass
class _Ref:
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
    missing: str = ""
    """Warning for a reference whose note text is missing."""


@dataclass
class _List:
    start: int
    end: int
    kind: str
    items: dict[str, HtmlElement]
    all_items: list[HtmlElement]


class _Extractor:
    def __init__(self, html: str, footnotes_meta: str | None, registry: Registry | None) -> None:
        self.html = html
        self.registry = registry
        self.note_names = registry.note_names() if registry is not None else FOOTNOTE_SHORTCODES
        self.warnings: list[str] = []
        self.doc = _Doc(html)
        self.meta, meta_warnings = _parse_meta(footnotes_meta)
        self.warnings += meta_warnings
        self.refs: list[_Ref] = []

    # -- finding ----------------------------------------------------------------------------------------
    def lists(self) -> list[_List]:
        found: list[_List] = []
        for i, tag in enumerate(self.doc.tags):
            if tag.name not in _LIST_TAGS or not tag.opening or self.doc.is_protected(tag.start):
                continue
            kind = next((k for c, k in _LISTS.items() if tag.has_class(c)), None)
            if kind == "fnplugin" and tag.name != "ol":
                kind = "markdown"
            span = self.doc.element(i)
            if kind is None or span is None or any(lst.start <= tag.start < lst.end for lst in found):
                continue
            ol = _parse_element(self.html[span[0] : span[1]])
            if ol is None:
                continue
            items: dict[str, HtmlElement] = {}
            lis = [li for li in ol if li.tag == "li"] if ol.tag in ("ol", "ul") else list(ol.iter("li"))
            for li in lis:
                for el in li.iter():
                    if isinstance(el.tag, str) and el.get("id"):
                        items.setdefault(el.get("id"), li)
            found.append(_List(span[0], span[1], kind, items, lis))
        return found

    def find(self) -> None:
        lists = self.lists()
        list_spans = [(lst.start, lst.end) for lst in lists]
        targets: dict[str, tuple[HtmlElement, _List | None, tuple[int, int] | None]] = {}
        for lst in lists:
            for key, li in lst.items.items():
                targets.setdefault(key, (li, lst, None))
        doc = self.doc

        def inside_list(pos: int) -> bool:
            return any(s <= pos < e for s, e in list_spans)

        for i, tag in enumerate(doc.tags):
            if not tag.opening or doc.is_protected(tag.start) or inside_list(tag.start):
                continue
            if tag.attrs.get("id", "").startswith("cite_note") and tag.name not in _VOID:
                span = doc.element(i)
                el = _parse_element(self.html[span[0] : span[1]]) if span else None
                if el is not None:
                    targets.setdefault(tag.attrs["id"], (el, None, span))

        cited: dict[int, set[int]] = {}
        where = {id(li): (id(lst), n) for lst in lists for n, li in enumerate(lst.all_items)}
        for i, tag in enumerate(doc.tags):
            if not tag.opening or doc.is_protected(tag.start) or inside_list(tag.start):
                continue
            ref = self.reference(i, tag, targets)
            if ref is None:
                continue
            self.refs.append(ref)
            if ref.target is not None and id(ref.target) in where:
                list_id, n = where[id(ref.target)]
                cited.setdefault(list_id, set()).add(n)

        for lst in lists:
            used = cited.get(id(lst), set())
            if not used and not (lst.kind == "core" and self.meta):
                continue
            self.refs.append(_Ref(lst.start, lst.end, remove=True))
            dropped = len(lst.all_items) - len(used)
            if dropped and lst.kind != "core":
                self.warnings.append(
                    f"{dropped} item(s) of a reference list not cited in the text: dropped with the list"
                )
            heading = self.heading_before(lst)
            if heading is not None:
                self.refs.append(_Ref(*heading, remove=True))
                self.warnings.append("heading of a reference list removed with the list")
        for el_target, _, span in targets.values():
            if span is not None and any(r.target is el_target for r in self.refs):
                self.refs.append(_Ref(*span, remove=True))
        for m in _WP_FOOTNOTES_COMMENT.finditer(self.html):
            self.refs.append(_Ref(m.start(), m.end(), remove=True))

        self.shortcodes()
        self.parens()

    def reference(
        self, i: int, tag: _Tag, targets: dict[str, tuple[HtmlElement, _List | None, tuple[int, int] | None]]
    ) -> _Ref | None:
        """The reference that tag ``i`` opens, if it is one."""
        doc = self.doc
        if tag.name not in ("sup", "a", "span"):
            return None
        attrs = tag.attrs
        span = doc.element(i)
        if span is None:
            return None
        if "data-fn" in attrs and tag.name in ("sup", "a"):
            el = _parse_element(self.html[span[0] : span[1]])
            marker = " ".join(el.text_content().split()) if el is not None else ""
            fn_id = attrs["data-fn"]
            ref = _Ref(*span, key=f"fn:{fn_id}", marker=marker or "*")
            if fn_id in self.meta:
                ref.note_html, ref.source = self.meta[fn_id], "core"
            elif fn_id in targets:
                ref.target, ref.source = targets[fn_id][0], "core-list"
                ref.key = f"el:{id(ref.target)}"
            else:
                ref.missing = f"block editor footnote {fn_id!r} has no entry in the footnotes meta"
            return ref
        if tag.name == "sup" and tag.has_class("modern-footnotes-footnote"):
            el = _parse_element(self.html[span[0] : span[1]])
            marker = " ".join(el.text_content().split()) if el is not None else ""
            ref = _Ref(*span, key=f"mfn:{span[0]}", marker=marker or "*", source="mfn-rendered")
            j = doc.next_tag(span[1])
            if (
                j is not None
                and doc.tags[j].name == "span"
                and doc.tags[j].has_class("modern-footnotes-footnote__note")
            ):
                inner, outer = doc.inner(j), doc.element(j)
                if inner is not None and outer is not None:
                    ref.end = outer[1]
                    ref.note_html = self.html[inner[0] : inner[1]]
                    return ref
            ref.missing = "Modern Footnotes reference without its note"
            return ref
        snippet = self.html[span[0] : span[1]]
        if tag.name == "sup":
            # A known reference form: a missing target leaves a citation marker. Any other sup is a
            # reference only when its link points into a recognised note list.
            known = (
                tag.has_class("reference")
                or attrs.get("id", "").startswith(("cite_ref", "fnref"))
                or any(hint in snippet for hint in _REF_HINTS)
            )
            if not known and "#" not in snippet:
                return None
        elif tag.name == "span":
            known = tag.has_class("easy-footnote")
            if not known:
                return None
        else:
            return None
        el = _parse_element(snippet)
        if el is None:
            return None
        link = next(iter(el.iter("a")), None)
        fragment = _fragment(link.get("href")) if link is not None else None
        marker = " ".join(el.text_content().split()) or "*"
        ref = _Ref(*span, marker=marker)
        if fragment is not None and fragment in targets:
            target, lst, _ = targets[fragment]
            ref.target, ref.key = target, f"el:{id(target)}"
            ref.source = lst.kind if lst is not None else "wiki"
            return ref
        if not known:
            return None
        title = link.get("title") if link is not None else None
        if title and title.strip():
            # Easy Footnotes puts the note's HTML in the title; the Footnotes plugin its plain text.
            ref.note_html = title if tag.name == "span" else htmllib.escape(title, quote=False)
            ref.key, ref.source = f"title:{span[0]}", "title"
            return ref
        ref.key = f"missing:{span[0]}"
        ref.missing = f"note reference {'#' + fragment if fragment else marker!r} has no note text in the page"
        return ref

    def heading_before(self, lst: _List) -> tuple[int, int] | None:
        """A "References"/"Notes" heading right before the list (only wrappers and spaces between)."""
        doc, html = self.doc, self.html
        pos = lst.start
        for _ in range(8):
            end = len(html[:pos].rstrip())
            i = doc.ends.get(end)
            if i is None:
                return None
            tag = doc.tags[i]
            if tag.opening and tag.name in ("div", "section"):
                pos = tag.start
                continue
            if not tag.closing or tag.pair is None or tag.name not in ("h2", "h3", "h4", "h5", "h6", "div", "p"):
                return None
            start = doc.tags[tag.pair].start
            el = _parse_element(html[start : tag.end])
            text = " ".join(el.text_content().split()) if el is not None else ""
            text = _EDIT_LINK.sub("", text).strip(" :.")
            return (start, tag.end) if _NOTES_HEADING.fullmatch(text) else None
        return None

    def shortcodes(self) -> None:
        def accept(m: ShortcodeMatch) -> bool:
            return m.name in self.note_names and m.content is not None

        for m in find_shortcodes(self.html, accept, self.note_names, max_attr_len=MAX_ATTR_LEN):
            if m.escaped:
                continue
            start, end = m.tag_span
            self.refs.append(
                _Ref(start, end, key=f"sc:{start}", source=f"[{m.name}]", note_html=m.content, marker=m.raw)
            )

    def parens(self) -> None:
        masked = self.doc.masked()
        doc = self.doc
        # A note never crosses a block boundary, a comment or a pre/script/style (inline code is fine).
        barriers = sorted(
            [s for s, _ in doc.protected if not _INLINE_RAW.match(self.html, s)]
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
            content = self.html[m.end() : close]
            barrier = bisect.bisect_left(barriers, m.end())
            if (
                (barrier < len(barriers) and barriers[barrier] < close)
                or close - m.end() > MAX_PAREN_NOTE
                or not _inline_balanced(doc.tags_between(m.end(), close))
            ):
                pos = m.start() + 1
                continue
            key = "pp:" + " ".join(content.split())
            self.refs.append(_Ref(m.start(), close + 2, key=key, source="parens", note_html=content, marker=""))
            pos = close + 2
        if unclosed:
            self.warnings.append("'((' without a closing '))' left as text")

    # -- numbering and output ---------------------------------------------------------------------------
    def run(self) -> tuple[str, list[Footnote], list[str]]:
        self.find()
        accepted: list[_Ref] = []
        last_end = 0
        for ref in sorted(self.refs, key=lambda r: (r.start, -r.end)):
            if ref.start < last_end:
                continue
            accepted.append(ref)
            last_end = ref.end

        bodies: dict[str, str | None] = {}
        numbers: dict[str, Footnote] = {}
        notes: list[Footnote] = []
        per_source: Counter[str] = Counter()
        out: list[str] = []
        pos = 0
        for ref in accepted:
            out.append(self.html[pos : ref.start])
            pos = ref.end
            if ref.remove or ref.key is None:
                continue
            if ref.missing:
                self.warnings.append(f"{ref.missing}: kept as a citation marker")
                out.append(f'<sup class="citation">{htmllib.escape(ref.marker, quote=False)}</sup>')
                continue
            if ref.key not in bodies:
                raw = ref.note_html if ref.target is None else _target_html(ref.target)
                bodies[ref.key] = self.clean_body(raw or "")
                if bodies[ref.key] is None:
                    self.warnings.append(f"empty footnote from {self.source_name(ref.source)} dropped")
            body = bodies[ref.key]
            if body is None:
                continue
            note = numbers.get(ref.key)
            if note is None:
                n = len(notes) + 1
                note = Footnote(id=f"n{n}", label=str(n), body=body)
                numbers[ref.key] = note
                notes.append(note)
                per_source[ref.source] += 1
            out.append(f'<sup class="noteref" data-note="{note.id}">{note.label}</sup>')
        out.append(self.html[pos:])

        for source, count in per_source.items():
            self.warnings.append(f"{count} footnote{'s' if count != 1 else ''} from {self.source_name(source)}")
        unused = set(self.meta) - {k[3:] for k in numbers if k.startswith("fn:")}
        if unused:
            self.warnings.append(f"{len(unused)} note(s) of the footnotes meta not referenced in the text: dropped")
        return "".join(out), notes, self.warnings

    @staticmethod
    def source_name(source: str) -> str:
        if source.startswith("["):
            return f"{source} shortcodes"
        return _SOURCE_NAMES.get(source, source)

    def clean_body(self, raw: str) -> str | None:
        """A note's HTML as a well-formed XHTML fragment, or None when no text is left."""
        raw = _unnest_footnote_shortcodes(raw, self.warnings)
        raw, shortcode_warnings = apply_shortcodes(raw, self.registry)
        self.warnings += [f"in a footnote: {w.text}" for w in shortcode_warnings]
        cleaned = sanitize_html(raw)
        if not cleaned.strip():
            return None
        try:
            root = lxml.html.fragment_fromstring(cleaned, create_parent="div")
        except (lxml.etree.ParserError, ValueError):
            return None
        for sup in root.iter("sup"):
            if "noteref" in _classes(sup):
                sup.attrib.clear()
        relative = 0
        for a in list(root.iter("a")):
            href = (a.get("href") or "").strip()
            url = urls.absolute(href, None)
            if url is not None and urls.scheme(url) in urls.LINK_SCHEMES:
                a.set("href", url)
            else:
                # In-page anchors point into the source page; relative links have no base in a book.
                relative += not href.startswith("#")
                a.drop_tag()
        if relative:
            self.warnings.append(f"{relative} relative link(s) in a footnote kept as plain text")
        for img in list(root.iter("img")):
            alt = " ".join((img.get("alt") or "").split())
            self.warnings.append(
                "image in a footnote replaced by its alt text" if alt else "image in a footnote removed"
            )
            parent = img.getparent()
            text = alt + (img.tail or "")
            prev = img.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + text
            else:
                parent.text = (parent.text or "") + text
            parent.remove(img)
        if any(isinstance(c.tag, str) and c.tag in BLOCK for c in root):
            fix_nesting(root)
            wrap_loose_inline(root)
        drop_empty(root)
        if not root.text_content().strip():
            return None
        _trim(root)
        return to_xhtml(root)


def _trim(el: HtmlElement) -> None:
    """Remove the spaces at the start and at the end of ``el``'s text, also inside its first and last child."""
    node = el
    while not (node.text or "").strip(_SPACE) and len(node) and isinstance(node[0].tag, str):
        node.text = None
        node = node[0]
    if node.text:
        node.text = node.text.lstrip(_SPACE)
    node = el
    while len(node):
        last = node[-1]
        if (last.tail or "").strip(_SPACE) or not isinstance(last.tag, str):
            last.tail = (last.tail or "").rstrip(_SPACE) or None
            return
        last.tail = None
        node = last
    if node.text:
        node.text = node.text.rstrip(_SPACE)


def _target_html(target: HtmlElement) -> str:
    """The note text of a reference-list item (or target element): backlinks and their carets removed."""
    el = copy.deepcopy(target)
    for name in _BACKLINK_CLASSES:
        for bad in el.find_class(name):
            bad.drop_tree()
    for a in list(el.iter("a")):
        fragment = _fragment(a.get("href")) or ""
        back = fragment.startswith(_BACKLINK_TARGETS) or fragment.endswith("-link") or a.get("role") == "doc-backlink"
        text = a.text_content()
        if back and len(text) <= 20 and _BACKLINK_TEXT.fullmatch(text):
            a.drop_tree()
    texts = el.find_class("reference-text")
    if len(texts) == 1:
        el = texts[0]
    if el.text:
        el.text = _LEADING_CARET.sub("", el.text)
    return _EMPTY_BRACKETS.sub("", _inner_html(el))


def _inline_balanced(tags: Iterable[_Tag]) -> bool:
    """True if the tags form balanced inline markup (no block boundary inside a ((…)) note)."""
    stack: list[str] = []
    for tag in tags:
        if not tag.name:
            continue
        if tag.name in BLOCK:
            return False
        if tag.name in _VOID or tag.attr_text.rstrip().endswith("/"):
            continue
        if tag.closing:
            if not stack or stack.pop() != tag.name:
                return False
        else:
            stack.append(tag.name)
    return not stack


def _unnest_footnote_shortcodes(raw: str, warnings: list[str]) -> str:
    """A footnote shortcode inside a note: its text stays inline, in parentheses."""
    if "[" not in raw:
        return raw

    def accept(m: ShortcodeMatch) -> bool:
        return m.name in FOOTNOTE_SHORTCODES and m.content is not None

    def render(m: ShortcodeMatch) -> str:
        warnings.append(f"[{m.name}] inside a footnote kept inline in parentheses")
        return f" ({_unnest_footnote_shortcodes(m.content or '', warnings).strip()})"

    return replace_shortcodes(raw, accept, render, FOOTNOTE_SHORTCODES)


_UNESCAPED_QUOTE = re.compile(r'(?<!\\)"')
_CONTENT_QUOTES = re.compile(r'("content"\s*:\s*")(.*?)("\s*,\s*"id"\s*:|"\s*\}\s*(?:,\s*\{|\]))', re.DOTALL)


def _parse_meta(meta: str | None) -> tuple[dict[str, str], list[str]]:
    """The block editor's ``footnotes`` meta as {id: content HTML}, and warnings."""
    if meta is None or not meta.strip():
        return {}, []
    warnings: list[str] = []
    try:
        data = json.loads(meta)
    except ValueError:
        repaired = _CONTENT_QUOTES.sub(
            lambda m: m.group(1) + _UNESCAPED_QUOTE.sub(lambda _: '\\"', m.group(2)) + m.group(3), meta
        )
        try:
            data = json.loads(repaired)
        except ValueError as exc:
            return {}, [f"footnotes meta is not valid JSON ({exc.msg}): its notes are lost"]
        warnings.append("footnotes meta had unescaped quotes (core ticket 59103): repaired")
    if not isinstance(data, list):
        return {}, ["footnotes meta is not a JSON list: its notes are lost"]
    entries: dict[str, str] = {}
    for entry in data:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            content = entry.get("content")
            entries.setdefault(entry["id"], content if isinstance(content, str) else "")
    if len(entries) < len(data):
        warnings.append(f"{len(data) - len(entries)} malformed entries in the footnotes meta ignored")
    return entries, warnings


def extract_footnotes(
    html: str, footnotes_meta: str | None = None, registry: Registry | None = None
) -> tuple[str, list[Footnote], list[str]]:
    """Replace every note reference in ``html`` by ``<sup class="noteref" data-note="ID">LABEL</sup>``.

    Returns the new HTML, the notes in reading order (ids ``n1``, ``n2``…, labels ``1``, ``2``… in order of
    first reference) and warnings. ``footnotes_meta`` is the block editor's ``footnotes`` post meta (JSON);
    ``registry`` is the shortcode registry the note bodies are processed with (the default one if None).
    Everything that is not a note reference or a note list is left byte for byte as it was.
    """
    if not html:
        return html, [], []
    return _Extractor(html, footnotes_meta, registry).run()

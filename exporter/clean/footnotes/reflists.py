"""Linked reference lists: a reference links to an item of a rendered list of notes.

The forms (:data:`FORMS`, one row per source): Wikipedia ``sup.reference`` / ``sup[id^=cite_ref]`` →
``ol.references`` item (or an element with a ``cite_note-…`` id anywhere in the page); the block editor's
rendered ``ol.wp-block-footnotes``; the Footnotes plugin's ``a.footnote-identifier-link`` → ``ol.footnotes``;
Markdown footnotes (Jetpack) ``sup#fnref:1`` → ``div.footnotes li#fn:1``; Easy Footnotes ``span.easy-footnote``
→ ``ol.easy-footnotes-wrapper``. They share one way of resolving: any other ``sup`` whose link points into one
of those lists is a reference too, whatever plugin made the list; a plain ``<sup>2</sup>`` is not.

Backlinks (``^ a b``, ``↩``) are not note text. A list is removed when at least one of its items is cited,
together with a "References"/"Notes" heading right before it; a reference whose target is missing stays a
visible citation marker, unless its link has a tooltip (the Footnotes plugin and Easy Footnotes write the note
there): then the tooltip is the note.
"""

from __future__ import annotations

import copy
import html as htmllib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from lxml.html import HtmlElement

from exporter.clean.footnotes.base import Context, NoteList, Recognizer, Ref, fragment, inner_html, parse_element
from exporter.clean.footnotes.scan import VOID, Tag
from exporter.messages import info, warning


@dataclass(frozen=True)
class ListForm:
    """One plugin's rendered notes: how its list, its references and its backlinks are marked."""

    source: str
    """What its notes are counted under (``Ref.source``)."""
    list_classes: tuple[str, ...]
    list_tags: frozenset[str] = frozenset({"ol", "ul", "div", "section"})
    ref_tag: str = "sup"
    ref_classes: tuple[str, ...] = ()
    ref_ids: tuple[str, ...] = ()
    """Prefixes of a reference's id."""
    ref_hints: tuple[str, ...] = ()
    """Strings (classes, roles) whose presence anywhere in the reference's markup marks it."""
    note_ids: tuple[str, ...] = ()
    """Prefixes of the id of a note text that may stand outside any list."""
    backlink_classes: tuple[str, ...] = ()
    backlink_targets: tuple[str, ...] = ()
    """Prefixes of the fragment a backlink in a note points to."""


FORMS: tuple[ListForm, ...] = (
    ListForm(
        "wiki",
        ("references", "mw-references"),
        ref_classes=("reference",),
        ref_ids=("cite_ref",),
        note_ids=("cite_note",),
        backlink_classes=("mw-cite-backlink", "mw-editsection"),
        backlink_targets=("cite_ref",),
    ),
    ListForm("core", ("wp-block-footnotes",)),
    ListForm(
        "fnplugin",
        ("footnotes",),
        list_tags=frozenset({"ol"}),
        ref_hints=("footnote-identifier-link",),
        backlink_classes=("footnote-back-link",),
        backlink_targets=("identifier_",),
    ),
    ListForm(
        "markdown",
        ("footnotes",),
        list_tags=frozenset({"ul", "div", "section"}),
        ref_ids=("fnref",),
        ref_hints=("footnote-ref", "doc-noteref"),
        backlink_classes=("footnote-backref",),
        backlink_targets=("fnref",),
    ),
    ListForm(
        "easy",
        ("easy-footnotes-wrapper",),
        ref_tag="span",
        ref_classes=("easy-footnote",),
        backlink_classes=("easy-footnote-to-top",),
        backlink_targets=("easy-footnote-",),
    ),
)
"""The rendered list forms. Where a list carries the classes of two forms, the first form here wins."""

_LIST_TAGS = frozenset().union(*(f.list_tags for f in FORMS))
_NOTE_IDS = tuple(p for f in FORMS for p in f.note_ids)
_BACKLINK_CLASSES = tuple(c for f in FORMS for c in f.backlink_classes)
_BACKLINK_TARGETS = tuple(t for f in FORMS for t in f.backlink_targets)
_NOTES_HEADING = re.compile(
    r"(?:foot|end)?notes?|references?|citations?|sources?|notes and references|references and notes"
    r"|bibliography|works cited",
    re.IGNORECASE,
)
_EDIT_LINK = re.compile(r"\s*\[\s*edit\s*\]\s*$", re.IGNORECASE)
_BACKLINK_TEXT = re.compile(r"[\s\^\u2191\u21a9\ufe0e\u2934\u2b06\[\]]*(?:[a-z]|\d{1,3})?[\s\^\u2191\u21a9\ufe0e\[\]]*")
_LEADING_CARET = re.compile(r"^\s*[\^\u2191]+\s*")
_EMPTY_BRACKETS = re.compile(r"\s*\[\s*\]\s*$")


def _list_form(tag: Tag) -> ListForm | None:
    return next((f for f in FORMS if tag.name in f.list_tags and any(map(tag.has_class, f.list_classes))), None)


def _known_reference(tag: Tag, snippet: str) -> bool:
    """True if the tag is marked as a reference by one of the forms (not merely by where its link points)."""
    ident = tag.attrs.get("id", "")
    return any(
        tag.name == f.ref_tag
        and (
            any(map(tag.has_class, f.ref_classes))
            or (f.ref_ids and ident.startswith(f.ref_ids))
            or any(hint in snippet for hint in f.ref_hints)
        )
        for f in FORMS
    )


class ReferenceLists(Recognizer):
    """References linked to rendered note lists (Wikipedia, Footnotes, Markdown, Easy Footnotes, the block
    editor's list); the lists go once cited."""

    name = "reference-lists"
    sources: ClassVar[Mapping[str, str]] = {
        "wiki": "a Wikipedia-style reference list",
        "fnplugin": "a Footnotes plugin list",
        "markdown": "a Markdown footnotes section",
        "easy": "an Easy Footnotes list",
        "title": "the reference's tooltip (its list is missing)",
    }

    def targets(self, context: Context) -> None:
        doc, html = context.doc, context.html
        for i, tag in enumerate(doc.tags):
            if tag.name not in _LIST_TAGS or not tag.opening or doc.is_protected(tag.start):
                continue
            form = _list_form(tag)
            span = doc.element(i)
            if form is None or span is None or context.inside_list(tag.start):
                continue
            ol = parse_element(html[span[0] : span[1]])
            if ol is None:
                continue
            items: dict[str, HtmlElement] = {}
            lis = [li for li in ol if li.tag == "li"] if ol.tag in ("ol", "ul") else list(ol.iter("li"))
            for li in lis:
                for el in li.iter():
                    if isinstance(el.tag, str) and el.get("id"):
                        items.setdefault(el.get("id"), li)
            context.lists.append(NoteList(span[0], span[1], form.source, items, lis))
        for lst in context.lists:
            for key, li in lst.items.items():
                context.targets.setdefault(key, (li, lst, None))
        for i, tag in enumerate(doc.tags):
            if not tag.opening or doc.is_protected(tag.start) or context.inside_list(tag.start):
                continue
            if tag.attrs.get("id", "").startswith(_NOTE_IDS) and tag.name not in VOID:
                span = doc.element(i)
                el = parse_element(html[span[0] : span[1]]) if span else None
                if el is not None:
                    context.targets.setdefault(tag.attrs["id"], (el, None, span))

    def reference(self, context: Context, i: int, tag: Tag) -> Ref | None:
        if tag.name not in ("sup", "span"):
            return None
        span = context.doc.element(i)
        if span is None:
            return None
        snippet = context.html[span[0] : span[1]]
        known = _known_reference(tag, snippet)
        # A known reference form: a missing target leaves a citation marker. Any other sup is a reference
        # only when its link points into a recognised note list.
        if not known and (tag.name != "sup" or "#" not in snippet):
            return None
        el = parse_element(snippet)
        if el is None:
            return None
        link = next(iter(el.iter("a")), None)
        frag = fragment(link.get("href")) if link is not None else None
        marker = " ".join(el.text_content().split()) or "*"
        ref = Ref(*span, marker=marker)
        if frag is not None and frag in context.targets:
            target, lst, _ = context.targets[frag]
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
        label = repr("#" + frag if frag else marker)
        ref.missing = warning(
            "footnotes", "no-target", f"note reference {label} has no note text in the page: kept as a citation marker"
        )
        return ref

    def finish(self, context: Context) -> None:
        where = {id(li): (id(lst), n) for lst in context.lists for n, li in enumerate(lst.all_items)}
        cited: dict[int, set[int]] = {}
        for ref in context.refs:
            if ref.target is not None and id(ref.target) in where:
                list_id, n = where[id(ref.target)]
                cited.setdefault(list_id, set()).add(n)
        for lst in context.lists:
            used = cited.get(id(lst), set())
            if not used and not (lst.kind == "core" and context.meta):
                continue
            context.refs.append(Ref(lst.start, lst.end, remove=True))
            dropped = len(lst.all_items) - len(used)
            if dropped and lst.kind != "core":
                text = f"{dropped} item(s) of a reference list not cited in the text: dropped with the list"
                context.messages.append(warning("footnotes", "uncited-items-dropped", text))
            heading = _heading_before(context, lst)
            if heading is not None:
                context.refs.append(Ref(*heading, remove=True))
                context.messages.append(
                    info("footnotes", "list-heading-removed", "heading of a reference list removed with the list")
                )
        for el_target, _, span in context.targets.values():
            if span is not None and any(r.target is el_target for r in context.refs):
                context.refs.append(Ref(*span, remove=True))


def _heading_before(context: Context, lst: NoteList) -> tuple[int, int] | None:
    """A "References"/"Notes" heading right before the list (only wrappers and spaces between)."""
    doc, html = context.doc, context.html
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
        el = parse_element(html[start : tag.end])
        text = " ".join(el.text_content().split()) if el is not None else ""
        text = _EDIT_LINK.sub("", text).strip(" :.")
        return (start, tag.end) if _NOTES_HEADING.fullmatch(text) else None
    return None


def target_html(target: HtmlElement) -> str:
    """The note text of a reference-list item (or target element): backlinks and their carets removed."""
    el = copy.deepcopy(target)
    for name in _BACKLINK_CLASSES:
        for bad in el.find_class(name):
            bad.drop_tree()
    for a in list(el.iter("a")):
        frag = fragment(a.get("href")) or ""
        back = frag.startswith(_BACKLINK_TARGETS) or frag.endswith("-link") or a.get("role") == "doc-backlink"
        text = a.text_content()
        if back and len(text) <= 20 and _BACKLINK_TEXT.fullmatch(text):
            a.drop_tree()
    texts = el.find_class("reference-text")
    if len(texts) == 1:
        el = texts[0]
    if el.text:
        el.text = _LEADING_CARET.sub("", el.text)
    return _EMPTY_BRACKETS.sub("", inner_html(el))

"""A note's body, made ready for the book.

Note bodies never pass through the rest of the cleaner, so the shortcode stage, the sanitizer and the XHTML
serializer run here: in-page and relative links are unwrapped, images become their alt text, a note nested in a
note is kept inline in parentheses. A body with no text left is None (the note is dropped with its reference).
"""

from __future__ import annotations

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from exporter import urls
from exporter.clean.footnotes.shortcode_notes import FOOTNOTE_SHORTCODES, unnest_footnote_shortcodes
from exporter.clean.handlers import Registry, apply_shortcodes
from exporter.clean.sanitize import sanitize_html, to_xhtml
from exporter.clean.structure import BLOCK, drop_empty, fix_nesting, wrap_loose_inline
from exporter.messages import Message, info, warning

_SPACE = " \t\r\n\f\u00a0"


def clean_body(raw: str, registry: Registry | None, messages: list[Message]) -> str | None:
    """A note's HTML as a well-formed XHTML fragment, or None when no text is left."""
    names = registry.note_names() if registry is not None else FOOTNOTE_SHORTCODES
    raw = unnest_footnote_shortcodes(raw, messages, names)
    raw, shortcode_messages = apply_shortcodes(raw, registry)
    # The shortcode stage's records, told by the footnotes stage: the shortcode was inside a note.
    messages.extend(message.with_stage("footnotes") for message in shortcode_messages)
    cleaned = sanitize_html(raw)
    if not cleaned.strip():
        return None
    try:
        root = lxml.html.fragment_fromstring(cleaned, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None
    for sup in root.iter("sup"):
        if "noteref" in (sup.get("class") or "").split():
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
        text = f"{relative} relative link(s) in a footnote kept as plain text"
        messages.append(info("footnotes", "relative-links-unlinked", text))
    for img in list(root.iter("img")):
        alt = " ".join((img.get("alt") or "").split())
        if alt:
            messages.append(info("footnotes", "image-alt-text", "image in a footnote replaced by its alt text"))
        else:
            messages.append(warning("footnotes", "image-removed", "image in a footnote removed"))
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

"""Citation markers ([5], [27][28], [b]) become visible superscripts; links to nowhere lose their link."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from exporter.clean.textnodes import make_element, wrap_matches

# A marker sits right after a word or punctuation, no space: "organization[5]", "cult.[b]", "Iran;[4]".
MARKER = re.compile(r"\[(?:\d{1,3}|[a-z]|citation needed|note \d{1,3}|nb \d{1,3})\]")


def mark_citations(root: HtmlElement) -> int:
    """Wrap bracketed citation markers in ``<sup class="citation">``; returns how many."""

    def make(match: re.Match[str], before: str) -> HtmlElement | None:
        if not before or before[-1].isspace():
            return None
        return make_element("sup", match.group(0), **{"class": "citation"})

    return wrap_matches(root, MARKER, make)


def unlink_dangling(root: HtmlElement) -> int:
    """Unwrap in-page links whose target is not in the body (e.g. '#cite_note-5'); returns how many."""
    ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    count = 0
    for a in list(root.iter("a")):
        href = a.get("href", "")
        if href.startswith("#") and href[1:] not in ids:
            parent = a.getparent()
            if parent is not None and parent.tag == "sup" and MARKER.fullmatch(a.text_content().strip()):
                parent.set("class", "citation")
            a.drop_tag()
            count += 1
    return count

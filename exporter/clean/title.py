"""A title given as HTML, made into plain text and a small inline XHTML fragment for the article's heading.

WordPress themes print a post's title as HTML. Everything that names the article (metadata, file names,
running heads, contents, the manifest) takes the title's plain text; the article's own heading may keep inline
emphasis: the elements in :data:`INLINE_TAGS`, with no attribute but ``lang`` and ``dir``. Links, images and
every other element go, their text staying; scripts, styles and the like go with their content. Entities are
decoded, a ``<br>`` is a space, and white space is collapsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
import nh3
from lxml.html import HtmlElement

from exporter.clean.sanitize import DROP_WITH_CONTENT, strip_xml_invalid, to_xhtml

INLINE_TAGS = frozenset("em strong b i sup sub code small span".split())
_LANG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_BR = re.compile(r"<br\b[^>]*>", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def clean_title(markup: str) -> tuple[str, str | None]:
    """``markup``'s plain text, and its inline XHTML fragment (None when no element is kept)."""
    html = nh3.clean(
        strip_xml_invalid(_BR.sub(" ", markup)),
        tags=set(INLINE_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={"*": {"lang", "dir"}},
        attribute_filter=_filter_attribute,
        strip_comments=True,
        link_rel=None,
    )
    holder = lxml.html.fragment_fromstring(html, create_parent="span")
    for el in reversed(list(holder.iterdescendants())):
        if not el.text_content().strip() or (el.tag == "span" and not el.attrib):
            el.drop_tag()  # an empty element, or a span that marks nothing: its text (if any) stays
    _collapse_space(holder)
    text = holder.text_content()
    return text, (to_xhtml(holder) if len(holder) else None)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep a well-formed ``lang``, and a ``dir`` of ``ltr``, ``rtl`` or ``auto``."""
    if attribute == "lang":
        return value if _LANG.match(value) else None
    if attribute == "dir" and value.strip().lower() in ("ltr", "rtl", "auto"):
        return value.strip().lower()
    return None


def _slots(el: HtmlElement) -> Iterator[tuple[HtmlElement, str]]:
    """The text slots under ``el`` in document order: (element, "text") and (element, "tail")."""
    yield el, "text"
    for child in el:
        yield from _slots(child)
        yield child, "tail"


def _collapse_space(holder: HtmlElement) -> None:
    """Runs of white space become one space; none at the start or the end of the title."""
    slots = [(el, attr) for el, attr in _slots(holder) if getattr(el, attr)]
    after_space = True  # nothing comes before the title: a leading space goes
    for el, attr in slots:
        value = _SPACE.sub(" ", getattr(el, attr))
        if after_space:
            value = value.lstrip(" ")
        setattr(el, attr, value or None)
        if value:
            after_space = value.endswith(" ")
    for el, attr in reversed(slots):
        value = getattr(el, attr)
        if value:
            setattr(el, attr, value.rstrip(" ") or None)
            if getattr(el, attr):
                break

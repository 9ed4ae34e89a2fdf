"""Block structure: expand <details>, demote h1, fix invalid nesting, wrap loose text, drop empties."""

from __future__ import annotations

import lxml.html
from lxml.html import HtmlElement

from exporter.clean.textnodes import block_text
from exporter.messages import Message, info

BLOCK = frozenset(
    "address article aside blockquote details dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section summary table tbody thead tfoot tr td th ul".split()
)
INLINE_CONTAINERS = frozenset(
    "a abbr b bdi bdo cite code del dfn em i ins kbd mark q s samp small span strong sub sup time u var".split()
)
BUTTON_LABELS = frozenset(
    {
        "show more",
        "show less",
        "read more",
        "click to expand",
        "expand",
        "more",
        "less",
        "show",
        "hide",
        "open",
        "close",
        "toggle",
    }
)


def expand_details(root: HtmlElement) -> list[Message]:
    """Open every <details>: its <summary> becomes an <h3> (unless a button label), its content stays."""
    warnings: list[Message] = []
    for details in list(root.iter("details")):
        for summary in details.findall("summary"):
            text = block_text(summary)
            if text and text.lower().strip(" .…»›>") not in BUTTON_LABELS:
                summary.tag = "h3"
                summary.attrib.clear()
            else:
                summary.drop_tree()
        details.tag = "div"
        details.attrib.pop("open", None)
        warnings.append(info("structure", "details-expanded", "collapsed <details> section expanded inline"))
    return warnings


def demote_h1(root: HtmlElement) -> None:
    """h1 is the article title's: headings in the body start at h2."""
    for h in root.iter("h1"):
        h.tag = "h2"


def fix_nesting(root: HtmlElement) -> None:
    """Make the tree valid XHTML: no blocks inside inline elements or paragraphs."""
    for el in list(root.iter(*INLINE_CONTAINERS)):
        if any(d.tag in BLOCK for d in el.iterdescendants() if isinstance(d.tag, str)):
            el.drop_tag()
    for p in list(root.iter("p")):
        if any(isinstance(c.tag, str) and c.tag in BLOCK for c in p):
            _split_paragraph(p)
    for dl in list(root.iter("dl")):
        _fix_definition_list(dl)


def _fix_definition_list(dl: HtmlElement) -> None:
    """A <dl> must hold dt/dd groups, each dt followed by a dd; otherwise its items become paragraphs."""
    for item in list(dl):
        if isinstance(item.tag, str) and item.tag in ("dt", "dd") and not _has_content(item):
            item.drop_tree()
    items = [c for c in dl if isinstance(c.tag, str)]
    tags = [c.tag for c in items]
    valid = bool(tags) and set(tags) <= {"dt", "dd", "div"} and tags[-1] == "dd" and tags[0] == "dt"
    if valid:
        return
    dl.tag = "div"
    for item in items:
        if item.tag in ("dt", "dd"):
            item.tag = "p"


def _split_paragraph(p: HtmlElement) -> None:
    """Replace <p>a<figure/>b</p> by <p>a</p><figure/><p>b</p>."""
    parent = p.getparent()
    index = parent.index(p)
    out: list[HtmlElement] = []
    current = _new_p(p)
    current.text = p.text
    for child in list(p):
        if isinstance(child.tag, str) and child.tag in BLOCK:
            tail, child.tail = child.tail, None
            out.extend([current, child])
            current = _new_p(p)
            current.text = tail
        else:
            current.append(child)
    out.append(current)
    tail = p.tail
    parent.remove(p)
    for offset, el in enumerate(out):
        parent.insert(index + offset, el)
    out[-1].tail = tail
    for el in out:
        if el.tag == "p" and not _has_content(el):
            el.drop_tree()


def _new_p(template: HtmlElement) -> HtmlElement:
    return lxml.html.Element("p", dict(template.attrib))


def _has_content(el: HtmlElement) -> bool:
    if block_text(el).strip("\u00a0\u200b "):
        return True
    return any(isinstance(d.tag, str) and d.tag in ("img", "hr") for d in el.iterdescendants())


def wrap_loose_inline(root: HtmlElement) -> None:
    """Top-level text and inline elements go into paragraphs (an XHTML body holds blocks)."""
    run: list[HtmlElement] = []
    text = root.text
    root.text = None
    pending = [text] if text and text.strip() else []

    def flush(before: HtmlElement | None) -> None:
        nonlocal run, pending
        if not run and not "".join(pending).strip():
            run, pending = [], []
            return
        p = lxml.html.Element("p")
        p.text = "".join(pending) if pending else None
        if before is None:
            root.append(p)
        else:
            before.addprevious(p)
        for el in run:
            p.append(el)
        run, pending = [], []

    for child in list(root):
        if isinstance(child.tag, str) and child.tag in BLOCK:
            tail = child.tail
            child.tail = None
            flush(child)
            if tail and tail.strip():
                pending = [tail]
        else:
            run.append(child)
    flush(None)


def drop_empty(root: HtmlElement) -> None:
    """Remove paragraphs, divs, spans and figures that hold no text and no image."""
    for el in reversed(
        list(
            root.iter(
                "p", "div", "span", "figure", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "ul", "ol", "section"
            )
        )
    ):
        if el is not root and el.getparent() is not None and not _has_content(el):
            el.drop_tag() if el.tag == "span" else el.drop_tree()

"""Leftover image labels (a badge's alt text, a divider's file name) are not the author's text."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from exporter.clean.licence import BADGE_LABELS
from exporter.clean.textnodes import block_text
from exporter.messages import Message, info

_DECOR = (
    "horizontal|vertical|divider|separator|line|rule|border|banner|spacer|ornament|"
    "icon|logo|badge|button|arrow|bullet|dots|swirl|flourish|image|img|pic|photo|thumb|thumbnail"
)
# "black-horizontal", "divider-2", "img_0042.jpg", "icon-share.png"
DECORATIVE = re.compile(
    rf"^(?:[a-z0-9]+[-_])*(?:{_DECOR})(?:[-_][a-z0-9]+)*(?:\.(?:jpe?g|png|gif|svg|webp))?$"  # lowercase slugs
    r"|^[\w-]+\.(?i:jpe?g|png|gif|svg|webp)$"
)
LABEL_BLOCKS = ("p", "div", "span", "h2", "h3", "h4", "h5", "h6", "figcaption")


def is_image_label(text: str) -> bool:
    """True for text that is an image's label rather than prose: badge alt text, file names, dividers."""
    text = text.strip()
    return text.lower() in BADGE_LABELS or (" " not in text and bool(DECORATIVE.match(text)))


def drop_image_labels(root: HtmlElement) -> list[Message]:
    """Remove blocks whose whole text is an image label; returns a warning per removal."""
    warnings: list[Message] = []
    for el in list(root.iter(*LABEL_BLOCKS)):
        if el.getparent() is None or any(True for _ in el.iter("img")):
            continue
        text = block_text(el)
        if text and is_image_label(text):
            el.drop_tree()
            warnings.append(info("structure", "image-label-removed", f"image label removed: {text!r}"))
    return warnings

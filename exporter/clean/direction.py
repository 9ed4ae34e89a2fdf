"""Right-to-left runs (Persian, Arabic, Urdu) get ``lang`` and ``dir="rtl"``, detected by script.

Which languages are right to left is :mod:`exporter.languages`' to say; this module finds Arabic-script text.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from exporter.clean.textnodes import block_text, make_element, wrap_matches
from exporter.languages import LABELS, is_rtl, primary, script

_AR = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_WORD = f"[{_AR}]+"
RUN = re.compile(rf"{_WORD}(?:[\s\u200c\u200d\u060c\u061b\u061f.,!?:;«»()\-]+{_WORD})*")
_LETTER = re.compile(rf"[{_AR}]")
_PERSIAN_ONLY = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc]")  # پ چ ژ گ ک ی
_URDU_ONLY = re.compile("[\u0679\u0688\u0691\u06ba\u06be\u06d2]")  # ٹ ڈ ڑ ں ھ ے
_LABEL = re.compile(rf"\b({'|'.join(LABELS)})\s*:\s*$", re.IGNORECASE)
BLOCKS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "dd", "dt", "td", "th")


def guess_language(text: str, context: str = "", default: str = "ar") -> str:
    """The language of an Arabic-script run: a label before it ('Persian:'), then its letters."""
    label = _LABEL.search(context[-40:])
    if label:
        return LABELS[label.group(1).lower()]
    if _URDU_ONLY.search(text):
        return "ur"
    if _PERSIAN_ONLY.search(text):
        return "fa"
    return default


def mark_rtl(root: HtmlElement, article_language: str) -> int:
    """Set lang/dir on mostly-RTL blocks and wrap RTL runs inside LTR text in spans; returns how many.

    ``article_language`` is the article's language tag; runs in an article written in Arabic script default to
    its language, others to Arabic.
    """
    default = primary(article_language) if script(article_language) == "Arab" else "ar"
    count = 0
    for el in root.iter(*BLOCKS):
        if el.get("dir") or _has_rtl_ancestor(el):
            continue
        text = block_text(el)
        letters = [c for c in text if c.isalpha()]
        rtl = len(_LETTER.findall(text))
        if letters and rtl / len(letters) >= 0.7:
            el.set("lang", el.get("lang") or guess_language(text, default=default))
            el.set("dir", "rtl")
            count += 1
    if is_rtl(article_language):
        return count

    def make(match: re.Match[str], before: str) -> HtmlElement:
        return make_element("span", match.group(0), lang=guess_language(match.group(0), before, default), dir="rtl")

    def skip(el: HtmlElement) -> bool:
        return el.tag in ("code", "pre", "script", "style") or el.get("dir") == "rtl"

    return count + wrap_matches(root, RUN, make, skip=skip)


def _has_rtl_ancestor(el: HtmlElement) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.get("dir"):
            return True
        parent = parent.getparent()
    return False


def language_of_text(text: str) -> str | None:
    """'fa'/'ar'/'ur' when Arabic-script letters dominate the text, else None."""
    letters = [c for c in text if c.isalpha()]
    if letters and len(_LETTER.findall(text)) / len(letters) >= 0.5:
        return guess_language(text, default="ar")
    return None

"""An article's summary for catalogs: its opening words, as plain text."""

from __future__ import annotations

import re

from lxml import etree, html

from exporter.model import Article

WORDS = 40
_LEFT_OUT = etree.XPath("//*[contains(concat(' ', @class, ' '), ' noteref ')] | //figure | //pre | //table")
"""What a summary leaves out: note references, figures, code and tables (compiled once per process)."""


def summary_of(article: Article, words: int = WORDS) -> str | None:
    """The subtitle when the article has one, else the first ``words`` words of its body text (… when cut);
    None for an article with no text."""
    if article.subtitle and article.subtitle.strip():
        return " ".join(article.subtitle.split())
    try:
        root = html.fragment_fromstring(article.body, create_parent="div")
    except (ValueError, TypeError):
        return None
    for note in _LEFT_OUT(root):
        note.drop_tree()
    text = re.sub(r"\s+", " ", " ".join(block.text_content() for block in root)).strip()
    if not text:
        return None
    cut = text.split(" ")
    return text if len(cut) <= words else " ".join(cut[:words]) + "…"

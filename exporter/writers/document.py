"""A writer's document: one article's body as a tree, which the writer's own transforms prepare for its format.

Writers never clean: their transforms only render what the cleaner made (notes as EPUB asides or PDF footnote
floats, image keys as the format's references, alt text a format requires). They work on the tree, never on
serialized markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml.html import HtmlElement

from exporter.messages import Reporter
from exporter.model import Article


@dataclass
class BookBody:
    """One article's body on its way into a book."""

    article: Article
    root: HtmlElement
    """A ``div`` holding the body's blocks."""
    report: Reporter
    options: Any = None
    """The writer's options (paper, PDF variant, …)."""
    part: int | None = None
    """The article's number in a bundle (1-based), None for a book of its own."""
    extra: dict[str, Any] = field(default_factory=dict)
    """What a transform finds for the writer (e.g. the headings for the contents)."""

    @classmethod
    def of(cls, article: Article, report: Reporter, options: Any = None, part: int | None = None) -> BookBody:
        """The article's body parsed into a tree."""
        root = lxml.html.fragment_fromstring(article.body or "", create_parent="div")
        return cls(article, root, report, options, part)

"""The cleaner's document: what every cleaning transform reads and changes.

The first transforms work on ``html`` (WordPress's own rules are defined on the text: wpautop, block
delimiters, shortcodes); the ``parse`` transform turns it into the lxml tree ``root``, and every later
transform works on the tree. The title, notes, the licence, images and the language are the document's other parts;
``report`` collects the messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.html import HtmlElement

from exporter.clean.handlers import Registry as ShortcodeRegistry
from exporter.messages import Reporter
from exporter.model import Footnote, Image, Licence, MissingImage, RawArticle
from exporter.resources import Resolver


@dataclass
class CleanDocument:
    """One article being cleaned."""

    raw: RawArticle
    resolver: Resolver
    shortcodes: ShortcodeRegistry
    """The shortcode handlers for this article (built-ins, the export's galleries, the user's rules)."""
    report: Reporter
    html: str = ""
    """The body as text, until the ``parse`` transform."""
    root: HtmlElement | None = None
    """The body as a tree (a ``div`` holding it), from the ``parse`` transform on."""
    notes: list[Footnote] = field(default_factory=list)
    licence: Licence | None = None
    images: list[Image] = field(default_factory=list)
    missing_images: list[MissingImage] = field(default_factory=list)
    """Every body image not found: each left a placeholder (the ``images`` transform)."""
    cover_image: Image | None = None
    """The featured image found locally, for the cover (the ``cover-image`` transform)."""
    language: str = "en"
    title: str = ""
    """The title's plain text (the ``title`` transform; empty until then)."""
    title_html: str | None = None
    """The title as inline XHTML for the article's heading, when its markup keeps any (the ``title`` transform)."""

    @property
    def tree(self) -> HtmlElement:
        """The body tree; a transform that needs it runs after ``parse``."""
        if self.root is None:
            raise RuntimeError("this transform works on the tree: give it a priority after 'parse' (450)")
        return self.root

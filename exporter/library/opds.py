"""Placeholder OPDS feeds (replaced by the opds branch)."""

from __future__ import annotations

from collections.abc import Sequence

from exporter.library.books import Book


def render_feeds(books: Sequence[Book], *, title: str = "Library", base_url: str | None = None) -> dict[str, bytes]:
    """The OPDS feeds of ``books``."""
    return {"opds/index.xml": f"<feed>{len(books)}</feed>\n".encode()}

"""Placeholder reader's page (replaced by the index branch)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from exporter.library.books import Book


def render_index(books: Sequence[Book], *, title: str = "Library") -> str:
    """The reader's page of ``books``."""
    items = "".join(
        f"<li>{html.escape(b.title)} "
        + " ".join(f'<a href="{html.escape(f.path)}">{f.format}</a>' for f in b.downloads)
        + "</li>"
        for b in books
    )
    head = f"<title>{html.escape(title)}</title>"
    return f'<!DOCTYPE html><html lang="en"><head>{head}</head><body><ul>{items}</ul></body></html>\n'

"""Writing the reader's page (``index.html``) and the OPDS catalog into the library folder after every run.

The pages are made from the catalog alone. A page or feed is written only where the exporter's own file is (the
catalog, or a stopped run's journal, names it with the checksum it has) or where nothing is: a file of the same
name that the user put there is left alone, with a note. Feeds no longer needed (an author whose books were
removed) are deleted when they are still ours, unchanged.
"""

from __future__ import annotations

import hashlib
import os

from exporter.library.books import books_from_catalog, library_title
from exporter.library.catalog import Catalog, journal, write_atomic

INDEX = "index.html"


def render_library(catalog: Catalog) -> dict[str, bytes]:
    """Every page and feed of the library (path relative to the root → bytes)."""
    from exporter.library.index_page import render_index
    from exporter.library.opds import render_feeds

    books = books_from_catalog(catalog.to_json())
    title = library_title(books)
    files = {INDEX: render_index(books, title=title).encode("utf-8")}
    files.update(render_feeds(books, title=title, base_url=catalog.base_url))
    return files


def publish(catalog: Catalog) -> list[str]:
    """Write the library's pages and feeds where they are ours to write; returns notes on those left alone.
    Updates ``catalog.library_files`` (the caller saves the catalog)."""
    files = render_library(catalog)
    root = catalog.root
    notes: list[str] = []
    written: dict[str, str] = {}
    digests = {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}
    journal(root, {"library_files": digests})
    for rel, data in sorted(files.items()):
        if not _ours_to_write(catalog, rel):
            notes.append(f"{rel}: a file the exporter did not make is there: left alone, not regenerated")
            continue
        if _digest(root / rel) != digests[rel]:
            write_atomic(root / rel, data)
        written[rel] = digests[rel]
    for rel in sorted(set(catalog.library_files) - set(files)):
        if _ours_to_write(catalog, rel) and (root / rel).is_file():
            (root / rel).unlink()
            _remove_empty_parents(root, rel)
    catalog.library_files = written
    catalog.announced = {}
    return notes


def _ours_to_write(catalog: Catalog, rel: str) -> bool:
    path = catalog.root / rel
    if not os.path.lexists(path):
        return True
    if path.is_symlink() or not path.is_file():
        return False
    known = catalog.announced.get(rel, set()) | (
        {catalog.library_files[rel]} if rel in catalog.library_files else set()
    )
    return _digest(path) in known


def _digest(path: os.PathLike[str]) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def _remove_empty_parents(root: os.PathLike[str], rel: str) -> None:
    from pathlib import Path

    parent = (Path(root) / rel).parent
    while parent != Path(root) and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent

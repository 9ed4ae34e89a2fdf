"""The readers by name: one signature for every input type, one registry line per reader.

A reader is an object with ``name``, ``suffixes`` (``(".html", ".htm")``, lower case, with the dot) and three
methods::

    sniff(head) -> bool                       # head: the file's first SNIFF_BYTES bytes
    read(path, selection) -> Iterator[RawArticle | Skipped]
    count(path, selection) -> int             # how many RawArticles read() yields (for progress lines)

``selection`` is a :class:`Selection` (the WXR statuses and post types asked for; other readers ignore it).
A file is read by the first reader, in priority order, that claims its suffix; a file whose suffix no reader
claims (or that has none) by the first reader whose ``sniff`` says yes to its first bytes. Folders expand to
the files with a claimed suffix only: they also hold images and other files, which are never sniffed.

A reader registered as ``"module:attribute"`` is imported when it is first needed. Adding an input type::

    from exporter.readers.registry import READERS
    READERS.register(MyReader(), "mine", 40)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from exporter.model import RawArticle, Skipped
from exporter.registry import Registry

DEFAULT_STATUSES: frozenset[str] = frozenset({"publish"})
DEFAULT_TYPES: frozenset[str] = frozenset({"post", "page"})
SNIFF_BYTES = 8192
"""How many bytes of a file ``sniff`` is shown."""


@dataclass(frozen=True)
class Selection:
    """Which items of a multi-article input to read: WXR post statuses and post types; a web archive's pages by
    URL pattern (``--url``, globs; empty: every article page) and the capture nearest a moment (``--at``; None:
    the latest)."""

    statuses: frozenset[str] = DEFAULT_STATUSES
    types: frozenset[str] = DEFAULT_TYPES
    urls: tuple[str, ...] = ()
    at: datetime | None = None


class Reader(Protocol):
    """What a reader offers."""

    name: str
    suffixes: tuple[str, ...]

    def sniff(self, head: bytes) -> bool:
        """True when a file beginning with ``head`` is of this reader's type (its suffix said nothing)."""
        ...

    def read(self, path: Path, selection: Selection) -> Iterator[RawArticle | Skipped]:
        """The raw articles of ``path`` (and, for an export, the items it skips); InputError if unreadable."""
        ...

    def count(self, path: Path, selection: Selection) -> int:
        """How many RawArticles ``read`` will yield; InputError if unreadable."""
        ...


READERS: Registry[Any] = Registry()
"""Readers by name, in the order suffixes are matched and files sniffed: a Reader, or ``"module:attribute"``."""
READERS.register("exporter.readers.text:READER", "text", 10)
READERS.register("exporter.readers.html:READER", "html", 20)
READERS.register("exporter.readers.wxr:READER", "wxr", 30)
READERS.register("exporter.readers.warc:READER", "warc", 40)


def reader_named(name: str) -> Reader:
    """The reader registered as ``name`` (KeyError if there is none), imported on first use."""
    return READERS.load(name)


def readers() -> list[Reader]:
    """Every registered reader, in priority order."""
    return [reader_named(name) for name in READERS.names()]

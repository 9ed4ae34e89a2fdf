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

A reader registered as ``"module:attribute"`` is imported when it is first needed; the built-in ones are
:class:`DeferredReader` objects, which know their name and suffixes (every run matches file names against all
suffixes) and import their module only to sniff, count or read, so a run over saved pages never imports the WXR
or web archive readers. Adding an input type::

    from exporter.readers.registry import READERS
    READERS.register(MyReader(), "mine", 40)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from exporter.errors import UsageError
from exporter.model import RawArticle, Skipped
from exporter.registry import Registry, import_target

DEFAULT_STATUSES: frozenset[str] = frozenset({"publish"})
DEFAULT_TYPES: frozenset[str] = frozenset({"post", "page"})
SNIFF_BYTES = 8192
"""How many bytes of a file ``sniff`` is shown."""
# WXR post types that are site internals, never articles: not yielded, not counted, not accepted in ``types``.
NON_ARTICLE_TYPES: frozenset[str] = frozenset(
    "attachment nav_menu_item revision wp_template wp_template_part wp_block wp_navigation wp_global_styles"
    " custom_css customize_changeset oembed_cache user_request wp_font_family wp_font_face".split()
)
# WordPress keys post statuses and types with sanitize_key(): lower-case letters, digits, "_" and "-".
_KEY = re.compile(r"^[a-z0-9_-]+$")


def check_selection(statuses: Iterable[str] = DEFAULT_STATUSES, types: Iterable[str] = DEFAULT_TYPES) -> None:
    """Refuse, before any work, ``--status``/``--type`` values that can never select an article: post types that
    are site internals (attachments, menu items, revisions, blocks...), and names that are not WordPress keys
    (lower-case letters, digits, ``_`` and ``-``). Raises UsageError (exit 2) with one line."""
    bad = sorted(set(types) & NON_ARTICLE_TYPES)
    if bad:
        raise UsageError(f"not an article post type: {', '.join(bad)}")
    for option, names in (("post status", statuses), ("post type", types)):
        odd = sorted(name for name in names if not _KEY.match(name))
        if odd:
            shown = ", ".join(repr(name) for name in odd)
            raise UsageError(f"not a WordPress {option}: {shown} (lower-case letters, digits, '_' and '-' only)")


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


def _imported(target: str) -> Reader:
    """The reader a ``module:attribute`` string names, imported once per process."""
    reader: Reader = import_target(target)
    return reader


@dataclass(frozen=True)
class DeferredReader:
    """A reader known by its name and suffixes whose module (``target``, ``module:attribute``) is imported when it
    first sniffs, counts or reads."""

    target: str
    name: str
    suffixes: tuple[str, ...]

    def sniff(self, head: bytes) -> bool:
        """The imported reader's verdict on a file's first bytes."""
        return _imported(self.target).sniff(head)

    def read(self, path: Path, selection: Selection) -> Iterator[RawArticle | Skipped]:
        """The imported reader's articles of ``path``."""
        return _imported(self.target).read(path, selection)

    def count(self, path: Path, selection: Selection) -> int:
        """The imported reader's count of the articles of ``path``."""
        return _imported(self.target).count(path, selection)


READERS: Registry[Any] = Registry()
"""Readers by name, in the order suffixes are matched and files sniffed: a Reader, or ``"module:attribute"``."""
READERS.register(DeferredReader("exporter.readers.text:READER", "text", (".txt",)), "text", 10)
READERS.register(DeferredReader("exporter.readers.html:READER", "html", (".html", ".htm", ".xhtml")), "html", 20)
READERS.register(DeferredReader("exporter.readers.wxr:READER", "wxr", (".xml",)), "wxr", 30)
READERS.register(DeferredReader("exporter.readers.warc:READER", "warc", (".warc", ".warc.gz", ".wacz")), "warc", 40)


def reader_named(name: str) -> Reader:
    """The reader registered as ``name`` (KeyError if there is none), imported on first use."""
    return READERS.load(name)


def readers() -> list[Reader]:
    """Every registered reader, in priority order."""
    return [reader_named(name) for name in READERS.names()]

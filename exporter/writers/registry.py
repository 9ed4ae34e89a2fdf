"""The writers by format name: one signature for every format, one registry line per format.

A writer is an object with ``format`` (the name ``-f`` takes), ``suffix`` (``.epub``), and two methods::

    write(article, path, options) -> list[Message]
    write_bundle(title, articles, path, options) -> list[Message]

``options`` is a :class:`WriteOptions`. A writer registered as ``"module:attribute"`` is imported when it is
first used; the built-in ones are :class:`DeferredWriter` objects, which know their format and suffix (a run names its
books for every format) and import their module only when they first write, so a run that writes no PDF never
imports the PDF writer or WeasyPrint. Adding a format::

    from exporter.writers.registry import WRITERS
    WRITERS.register(MyWriter(), "myformat", 30)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from exporter.messages import Message
from exporter.model import Article
from exporter.registry import Registry, import_target


@dataclass(frozen=True)
class WriteOptions:
    """What every writer may be asked for: PDF paper and variant, and the folders resources may come from."""

    paper: str = "a4"
    variant: str | None = None
    resource_roots: tuple[Path, ...] = field(default_factory=tuple)
    cover: bytes | None = None
    """The book's cover as JPEG bytes, made once by the pipeline (it also keeps it in the library folder); a
    writer that shows a cover makes its own when None."""


class Writer(Protocol):
    """What a writer offers."""

    format: str
    suffix: str

    def write(self, article: Article, path: Path, options: WriteOptions) -> list[Message]:
        """Write one article as a book at ``path``; returns the writer's messages."""
        ...

    def write_bundle(self, title: str, articles: Sequence[Article], path: Path, options: WriteOptions) -> list[Message]:
        """Write several articles as one book at ``path``; returns the writer's messages."""
        ...


def _imported(target: str) -> Writer:
    """The writer a ``module:attribute`` string names, imported once per process."""
    writer: Writer = import_target(target)
    return writer


@dataclass(frozen=True)
class DeferredWriter:
    """A writer known by its format and suffix whose module (``target``, ``module:attribute``) is imported when
    it first writes."""

    target: str
    format: str
    suffix: str

    def write(self, article: Article, path: Path, options: WriteOptions) -> list[Message]:
        """Write one article with the imported writer."""
        return _imported(self.target).write(article, path, options)

    def write_bundle(self, title: str, articles: Sequence[Article], path: Path, options: WriteOptions) -> list[Message]:
        """Write several articles as one book with the imported writer."""
        return _imported(self.target).write_bundle(title, articles, path, options)


WRITERS: Registry[Any] = Registry()
"""Writers by format name: a Writer, or ``"module:attribute"`` naming one (imported on first use)."""
WRITERS.register(DeferredWriter("exporter.writers.epub:EPUB_WRITER", "epub", ".epub"), "epub", 10)
WRITERS.register(DeferredWriter("exporter.writers.pdf:PDF_WRITER", "pdf", ".pdf"), "pdf", 20)


def writer_for(name: str) -> Writer:
    """The writer of format ``name`` (KeyError if there is none)."""
    return WRITERS.load(name)


def load_writer(name: str) -> Writer:
    """The writer of format ``name`` with its module imported now (:func:`writer_for` defers that to the first
    write): what a worker calls to warm up before its first item."""
    writer = writer_for(name)
    return _imported(writer.target) if isinstance(writer, DeferredWriter) else writer


def formats() -> tuple[str, ...]:
    """The registered format names, in order."""
    return tuple(WRITERS.names())

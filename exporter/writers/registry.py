"""The writers by format name: one signature for every format, one registry line per format.

A writer is an object with ``format`` (the name ``-f`` takes), ``suffix`` (``.epub``), and two methods::

    write(article, path, options) -> list[Message]
    write_bundle(title, articles, path, options) -> list[Message]

``options`` is a :class:`WriteOptions`. A writer registered as ``"module:attribute"`` is imported when it is
first used, so a run that writes no PDF never imports WeasyPrint. Adding a format::

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
from exporter.registry import Registry


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


WRITERS: Registry[Any] = Registry()
"""Writers by format name: a Writer, or ``"module:attribute"`` naming one (imported on first use)."""
WRITERS.register("exporter.writers.epub:EPUB_WRITER", "epub", 10)
WRITERS.register("exporter.writers.pdf:PDF_WRITER", "pdf", 20)


def writer_for(name: str) -> Writer:
    """The writer of format ``name`` (KeyError if there is none)."""
    return WRITERS.load(name)


def formats() -> tuple[str, ...]:
    """The registered format names, in order."""
    return tuple(WRITERS.names())

"""Web archives (``.warc``, ``.warc.gz``, ``.wacz``) as an input type: the registry's reader.

The reading itself is :mod:`exporter.readers.warc_pages` (imported on first use, with warcio: a run with no web
archive never loads it). See docs/web-archives.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from exporter.model import RawArticle, Skipped
from exporter.readers.registry import Selection
from exporter.readers.sniff import is_warc


class WarcReader:
    """Web archives: ``.warc``, ``.warc.gz`` (a gzip member per record) and ``.wacz``."""

    name = "warc"
    suffixes = (".warc", ".warc.gz", ".wacz")

    def sniff(self, head: bytes) -> bool:
        """True for a file beginning with a WARC version line, plain or in a gzip member."""
        return is_warc(head)

    def read(self, path: Path, selection: Selection) -> Iterator[RawArticle | Skipped]:
        """The archive's article pages (and the pages skipped)."""
        from exporter.readers.warc_pages import read_archive

        yield from read_archive(path, selection)

    def count(self, path: Path, selection: Selection) -> int:
        """How many pages ``read`` yields, articles or skipped (from the index alone)."""
        from exporter.readers.warc_pages import count_pages

        return count_pages(path, selection)


READER = WarcReader()

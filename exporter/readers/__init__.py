"""Readers: turn an input file into RawArticle objects. Readers never clean and never write.

The registry of readers (:data:`READERS`, one line per input type) and their signature are in
:mod:`exporter.readers.registry`; :mod:`exporter.readers.dispatch` chooses a reader for a file.
"""

from exporter.readers.registry import READERS, Reader, Selection

__all__ = ["READERS", "Reader", "Selection"]

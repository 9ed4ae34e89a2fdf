"""exporter: archived web articles (WordPress above all) to EPUB 3 and print-ready PDF."""

__version__ = "0.1.0"

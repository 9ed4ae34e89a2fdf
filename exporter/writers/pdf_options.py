"""The PDF options the command line checks before a run: paper sizes and PDF variants.

Kept apart from the PDF writer (:mod:`exporter.writers.pdf`, :mod:`exporter.writers.pdf_archival`) so that a run
writing no PDF, and the command's ``--help``, never import the writer.
"""

from __future__ import annotations

from exporter.errors import UsageError

PAPERS = ("a4", "letter", "a5")
"""The paper sizes, each with its ``styles/paper-<name>.css``; the first is the default."""
VARIANTS: tuple[str | None, ...] = (None, "pdf/a-3b", "pdf/ua-1")
"""The PDF variants the writer produces: plain, PDF/A-3b (archival), PDF/UA-1 (accessible)."""


def check_variant(variant: str | None) -> None:
    """Raise UsageError unless ``variant`` is one the writer knows."""
    if variant not in VARIANTS:
        known = ", ".join(v for v in VARIANTS if v)
        raise UsageError(f"unknown PDF variant {variant!r} (choose from {known}, or none for a plain PDF)")

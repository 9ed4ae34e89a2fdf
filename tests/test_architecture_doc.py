"""docs/architecture.md stays true: its transform tables are the code's."""

from __future__ import annotations

import re
from pathlib import Path

from exporter.clean import TRANSFORMS
from exporter.writers.epub import EPUB_TRANSFORMS
from exporter.writers.pdf import PDF_TRANSFORMS
from exporter.writers.registry import formats

DOC = (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")


def rows(pattern: str) -> list[tuple[str, ...]]:
    return re.findall(pattern, DOC, flags=re.MULTILINE)


def test_the_cleaner_table_is_the_code_order() -> None:
    documented = [(int(p), name) for p, name in rows(r"^\| +(\d+) \| `([a-z0-9-]+)` \|")]
    assert documented == [(int(p), name) for p, name, _ in TRANSFORMS.table()]


def test_the_writer_tables_are_the_code_order() -> None:
    documented = rows(r"^\| (epub|pdf) \| +(\d+) \| `([a-z0-9-]+)` \|")
    code = [("epub", p, n) for p, n, _ in EPUB_TRANSFORMS.table()] + [
        ("pdf", p, n) for p, n, _ in PDF_TRANSFORMS.table()
    ]
    assert [(w, int(p), n) for w, p, n in documented] == [(w, int(p), n) for w, p, n in code]


def test_the_registered_formats_are_documented() -> None:
    assert formats() == ("epub", "pdf")
    for fmt in formats():
        assert f"| {fmt} |" in DOC

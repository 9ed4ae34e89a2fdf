"""Every PDF of the WordPress theme unit test export: words inside the text area, no hyphenated names or
codes, legal ToUnicode CMaps and no poppler warnings (issue 9, items 3, 4 and 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.writers.hyphenation import keeps_whole
from tests.tools import (
    hyphenated_words,
    paper_margins,
    poppler_warnings,
    run_cli,
    tounicode_problems,
    words_outside_text_area,
)

pytestmark = pytest.mark.conformance


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The theme unit test export's PDFs (A4, the default paper)."""
    from tests.conftest import SHARED

    src = SHARED / "corpus" / "wptrt" / "themeunittestdata.wordpress.xml"
    if not src.is_file():
        pytest.skip(f"corpus not found at {src}")
    out = tmp_path_factory.mktemp("wptrt-pdf")
    proc = run_cli("export", src, "-o", out, "-f", "pdf", "-q")
    assert proc.returncode == 0, proc.stderr
    found = sorted(out.glob("*.pdf"))
    assert len(found) == 70
    return found


def test_no_word_outside_the_text_area(pdfs: list[Path]) -> None:
    margins = paper_margins("a4")
    problems = {p.name: words_outside_text_area(p, margins) for p in pdfs}
    assert {name: found for name, found in problems.items() if found} == {}


def test_long_title_post_is_checked(pdfs: list[Path]) -> None:
    """The post whose title is one long word is there, and its title is on page 1 in full."""
    from tests.tools import pdftotext

    path = next(p for p in pdfs if p.name.startswith("title-should-not-overflow"))
    first = "".join(pdftotext(path, first=1, last=1).split())
    assert "Taumatawhakatangihangakoauauotamateaturipukakapikimaungahoronukupokaiwhenuakitanatahu" in first


def test_no_name_or_code_is_hyphenated(pdfs: list[Path]) -> None:
    broken = {p.name: [w for w in hyphenated_words(p) if keeps_whole(w.replace("|", ""))] for p in pdfs}
    assert {name: words for name, words in broken.items() if words} == {}
    assert sum(len(hyphenated_words(p)) for p in pdfs) > 20  # ordinary words still hyphenate


def test_cmaps_are_legal_and_poppler_is_silent(pdfs: list[Path]) -> None:
    problems = {p.name: tounicode_problems(p) + poppler_warnings(p) for p in pdfs}
    assert {name: found for name, found in problems.items() if found} == {}

"""The seed from ../shared: every line of the author's text survives into both books, the noise does not."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from tests.tools import (
    epub_documents,
    epub_text,
    pdf_pages,
    pdf_reading_text,
    pdffonts,
    pdfinfo,
    pdftotext,
    run_cli,
    run_epubcheck,
)

pytestmark = pytest.mark.conformance
NOISE = {"Creative Commons License", "black-horizontal"}
CC_URL = "https://creativecommons.org/licenses/by-nc/4.0/"
CC_NAME = "Creative Commons Attribution-NonCommercial 4.0 International"
TITLE = "Iran: Tens of Thousands Join Pro-Government Rallies"
_ARABIC = re.compile("[\u0600-\u06ff]+")


def letters(text: str) -> str:
    """Only letters and digits, lowercased: layout, hyphenation and quotes do not count."""
    text = unicodedata.normalize("NFC", _ARABIC.sub("", text))
    return "".join(c for c in text.lower() if c.isalnum())


@pytest.fixture(scope="module")
def seed_books(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, list[str]]:
    from tests.conftest import SHARED

    seed = SHARED / "seeds" / "000_f1c2ba31d823f406.txt"
    if not seed.is_file():
        pytest.skip(f"seed not found at {seed}")
    out = tmp_path_factory.mktemp("seed")
    proc = run_cli("export", seed, "-o", out)
    assert proc.returncode == 0, proc.stderr
    epubs, pdfs = list(out.glob("*.epub")), list(out.glob("*.pdf"))
    assert len(epubs) == len(pdfs) == 1 and (out / "manifest.json").is_file()
    lines = [" ".join(line.split()) for line in seed.read_text(encoding="utf-8").splitlines()]
    return seed, epubs[0], pdfs[0], [line for line in lines if line]


def test_seed_epub_passes_epubcheck(seed_books: tuple[Path, Path, Path, list[str]]) -> None:
    report = run_epubcheck(seed_books[1])
    assert (report.errors, report.warnings) == (0, 0), report.messages


def test_every_author_line_is_in_both_books_and_no_shortcode_is(seed_books: tuple[Path, Path, Path, list[str]]) -> None:
    _, epub, pdf, lines = seed_books
    epub_letters = letters(epub_text(epub))
    pdf_letters = letters(pdf_reading_text(pdf, TITLE))
    kept = [line for line in lines if not line.startswith("[") and line not in NOISE]
    assert len(kept) > 25
    for line in kept:
        assert letters(line) in epub_letters, f"EPUB lost: {line[:80]}"
        assert letters(line) in pdf_letters, f"PDF lost: {line[:80]}"
    for gone in ("bg_collapse", "premium_newsticker", "black-horizontal", "Show More"):
        assert gone not in epub_text(epub) and gone not in pdftotext(pdf)


def test_appendix_stands_between_its_intro_and_the_licence(seed_books: tuple[Path, Path, Path, list[str]]) -> None:
    _, epub, pdf, _ = seed_books
    for text in (letters(epub_text(epub)), letters(pdf_reading_text(pdf, TITLE))):
        intro = text.index(letters("Read below a summary of its trajectory so far"))
        start = text.index(letters("The People's Mojahedin Organization of Iran"))
        end = text.index(letters("not all of which have been accurate"))
        licence = text.rindex(letters("Licence and attribution"))  # the page, not the table of contents
        assert intro < start < end < licence


def test_citations_persian_licence(seed_books: tuple[Path, Path, Path, list[str]]) -> None:
    _, epub, pdf, _ = seed_books
    docs = epub_documents(epub)
    article = docs["EPUB/article.xhtml"]
    markers = ["5", "27", "28", "29", "30", "31", "b", "34", "4", "39", "12", "6", "40", "41", "42", "43", "44"]
    markers += ["45", "46", "47", "48"]
    pdf_text = pdftotext(pdf)
    for m in markers:
        assert f'<sup class="citation">[{m}]</sup>' in article, m
        assert f"[{m}]" in pdf_text, m
    assert not [h for h in re.findall(r'href="([^"]*)"', article) if h.startswith("#")]
    assert '<span lang="fa" dir="rtl">سازمان مجاهدين خلق ايران</span>' in article
    assert "مجاهدين" in pdf_text or "نيدهاجم" in pdf_text
    assert f'<a rel="license" href="{CC_URL}">{CC_NAME}</a>' in docs["EPUB/licence.xhtml"]
    assert f"<dc:rights>{CC_NAME} ({CC_URL})</dc:rights>" in docs["EPUB/content.opf"]
    pages = pdf_pages(pdf)
    last = " ".join(pdftotext(pdf, first=pages, last=pages).split())
    assert CC_NAME in last and CC_URL in last
    assert pdfinfo(pdf)["Title"] == TITLE
    assert all(f["emb"] == "yes" for f in pdffonts(pdf))
    assert re.search(rf"\b1\s*/\s*{pages}\b", pdftotext(pdf, first=1, last=1))
    assert TITLE in pdftotext(pdf, first=2, last=2).splitlines()[0]  # running head


def test_seed_epub_is_byte_identical_across_runs(
    seed_books: tuple[Path, Path, Path, list[str]], tmp_path: Path
) -> None:
    seed, epub, pdf, _ = seed_books
    proc = run_cli("export", seed, "-o", tmp_path)
    assert proc.returncode == 0
    assert (tmp_path / epub.name).read_bytes() == epub.read_bytes()
    assert (tmp_path / pdf.name).read_bytes() == pdf.read_bytes()

"""End to end on our own fixtures: real cleaner, ebooklib, WeasyPrint, EPUBCheck and poppler."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import FIXTURES
from tests.tools import (
    EpubCheckReport,
    epub_documents,
    epub_text,
    flat,
    pdf_pages,
    pdf_reading_text,
    pdffonts,
    pdfinfo,
    pdftotext,
    run_cli,
    run_epubcheck,
)

TEXT = FIXTURES / "harbour-archive.txt"
PAGE = FIXTURES / "theme-page.html"
CC_URL = "https://creativecommons.org/licenses/by-nc/4.0/"
CC_NAME = "Creative Commons Attribution-NonCommercial 4.0 International"


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Export both fixtures twice into two folders; return the first run's files by name."""
    runs = []
    for n in (1, 2):
        out = tmp_path_factory.mktemp(f"run{n}")
        proc = run_cli("export", TEXT, PAGE, "-o", out)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        runs.append(out)
    first, second = runs
    files = {p.name: p for p in first.iterdir() if p.is_file()}
    files["__second__"] = second
    return files


@pytest.fixture(scope="module")
def epubcheck_reports(books: dict[str, Path]) -> dict[str, EpubCheckReport]:
    epubs = [p for name, p in books.items() if name.endswith(".epub")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip([p.name for p in epubs], pool.map(run_epubcheck, epubs), strict=True))


def harbour(books: dict[str, Path], ext: str) -> Path:
    return books[f"harbour-town-opens-its-community-archive-to-the-public.{ext}"]


@pytest.mark.slow
def test_every_epub_passes_epubcheck_with_no_warnings(epubcheck_reports: dict[str, EpubCheckReport]) -> None:
    assert len(epubcheck_reports) == 2
    for name, report in epubcheck_reports.items():
        assert (report.errors, report.warnings) == (0, 0), (name, report.messages)


def test_manifest_lists_both_items_with_hashes(books: dict[str, Path]) -> None:
    manifest = json.loads(books["manifest.json"].read_text())
    assert [i["status"] for i in manifest["items"]] == ["ok", "ok"]
    item = manifest["items"][0]
    assert item["licence"] == {
        "id": "CC-BY-NC-4.0",
        "url": CC_URL,
        "name": "Creative Commons Attribution-NonCommercial 4.0 International",
    }
    assert {o["format"] for o in item["outputs"]} == {"epub", "pdf", "cover", "thumbnail"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", o["sha256"]) for o in item["outputs"])
    assert any("bg_collapse" in w["text"] and w["stage"] == "shortcodes" for w in item["warnings"])
    assert all(set(w) >= {"stage", "code", "level", "text"} for w in item["warnings"])


def test_same_input_gives_byte_identical_books(books: dict[str, Path]) -> None:
    second = books["__second__"]
    for name, path in books.items():
        if name.endswith((".epub", ".pdf")):
            assert path.read_bytes() == (second / name).read_bytes(), name


def test_epub_keeps_the_appendix_in_place_and_drops_the_noise(books: dict[str, Path]) -> None:
    text = epub_text(harbour(books, "epub"))
    for gone in ("bg_collapse", "premium_newsticker", "Show More", "black-horizontal", "154171"):
        assert gone not in text
    intro = text.index("pieced together from his correspondence")
    appendix_start = text.index("Darius Farrokhzad (Persian:")
    appendix_end = text.index("half in Persian and half in English.")
    licence = text.rindex("Licence and attribution")  # the page, not the table of contents
    assert intro < appendix_start < appendix_end < licence
    assert "PHOTOGRAPHS BY THE ARCHIVE VOLUNTEERS" in text
    assert "[The bakery asked us not to print its name" in text  # bracketed prose is not a shortcode
    assert text.count("Volunteers sort boxes of letters") == 1


def test_epub_citations_persian_and_licence_markup(books: dict[str, Path]) -> None:
    docs = epub_documents(harbour(books, "epub"))
    article = docs["EPUB/article.xhtml"]
    for marker in ("5", "27", "28", "29", "30", "31", "b", "34", "47", "48"):
        assert f'<sup class="citation">[{marker}]</sup>' in article, marker
    assert '<span lang="fa" dir="rtl">داریوش فرخزاد</span>' in article
    hrefs = re.findall(r'href="([^"]*)"', article)
    assert not [h for h in hrefs if h.startswith("#")]  # no in-page link points nowhere
    licence = docs["EPUB/licence.xhtml"]
    assert 'epub:type="copyright-page"' in licence
    assert f'<a rel="license" href="{CC_URL}">{CC_NAME}</a>' in licence
    assert "non-commercial" in licence.lower() or "commercial purposes" in licence
    assert "Harbour Town Opens Its Community Archive to the Public" in licence
    opf = docs["EPUB/content.opf"]
    assert f"<dc:rights>{CC_NAME} ({CC_URL})</dc:rights>" in opf
    assert '<dc:identifier id="id">urn:uuid:' in opf
    assert "<dc:language>en</dc:language>" in opf
    assert 'xml:lang="en"' in opf


def test_epub_from_a_saved_page_has_metadata_and_no_chrome(books: dict[str, Path]) -> None:
    manifest = json.loads(books["manifest.json"].read_text())
    item = manifest["items"][1]
    epub = books[next(o["path"] for o in item["outputs"] if o["format"] == "epub")]
    opf = epub_documents(epub)["EPUB/content.opf"]
    for tag in ("dc:creator", "dc:date", "dc:source", "dc:publisher", "dc:rights"):
        assert f"<{tag}" in opf, tag


def test_pdf_text_fonts_metadata_and_layout(books: dict[str, Path]) -> None:
    pdf = harbour(books, "pdf")
    pages = pdf_pages(pdf)
    assert pages >= 2
    text = flat(pdf_reading_text(pdf, "Harbour Town Opens Its Community Archive to the Public"))
    for gone in ("bg_collapse", "premium_newsticker", "Show More", "black-horizontal"):
        assert gone not in text
    assert text.index("pieced together from his correspondence") < text.index("612 letters, 40 photographs")
    for marker in ("[5]", "[27]", "[28]", "[b]", "[34]", "[47]", "[48]"):
        assert marker in text, marker
    last = flat(pdftotext(pdf, first=pages, last=pages))
    assert CC_NAME in last and CC_URL in last
    info = pdfinfo(pdf)
    assert info["Title"] == "Harbour Town Opens Its Community Archive to the Public"
    fonts = pdffonts(pdf)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
    page2 = pdftotext(pdf, first=2, last=2, layout=True)
    assert re.search(rf"\b2\s*/\s*{pages}\b", page2)
    assert "Harbour Town Opens Its Community Archive" in page2  # running head
    assert "داریوش" in text or "شوی" in text  # Persian extractable
    links = [
        a.get_object()["/A"].get("/URI")
        for page in PdfReader(pdf).pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert CC_URL in links


def theme_books(books: dict[str, Path]) -> tuple[Path, Path]:
    stem = "how-a-laundromat-became-the-memory-of-millbrook-lane"
    return books[f"{stem}.epub"], books[f"{stem}.pdf"]


def test_saved_page_books_keep_the_article_and_none_of_the_chrome(books: dict[str, Path]) -> None:
    from tests.test_html_reader import THEME_CHROME

    epub, pdf = theme_books(books)
    title = "How a Laundromat Became the Memory of Millbrook Lane"
    epub_body = epub_documents(epub)["EPUB/article.xhtml"]
    epub_all = epub_text(epub)
    pdf_all = flat(pdf_reading_text(pdf, title))
    words = [c for c in THEME_CHROME if not c.startswith("<") and c not in ("onload", "TAGS")]
    words.remove("How a Laundromat Became the Memory")  # the title belongs on the title page, not in the body
    words.remove("a waiting list of donors")  # the dek, likewise
    for chrome in words:
        assert chrome not in epub_body, chrome
        assert chrome not in pdf_all.replace(title, ""), chrome
    for markup in ("<script", "<iframe", "<form", "onload", "onclick", "javascript:"):
        assert markup not in epub_body
    for text in (
        "The dryers still tumble on the ground floor of 14 Millbrook Lane",
        "one very large brass door knocker that nobody has managed to explain",
        "A concordance pinned inside the lid of the first box",
        "The photographs are just the proof.",
    ):
        assert text in epub_all and text in pdf_all, text
    assert '<span lang="fa" dir="rtl">نانوایی کریمی</span>' in epub_body
    assert "bg_collapse" not in epub_all and "premium_newsticker" not in epub_all
    assert '<sup class="citation">[27]</sup><sup class="citation">[28]</sup>' in epub_body
    assert re.search(r'<img [^>]*src="images/[0-9a-f]{8}-archive-shelves\.jpg"', epub_body)
    assert "Imogen Vasquez-Thorne" in pdf_all and "Northgate Ledger" in pdf_all
    assert pdfinfo(pdf)["Author"] == "Imogen Vasquez-Thorne"
    assert len(PdfReader(pdf).pages[0].images) == 1  # the local photograph, embedded

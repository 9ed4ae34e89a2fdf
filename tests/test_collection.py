"""A WordPress collection end to end: our WXR fixture with its media, per article and as one bundle."""

from __future__ import annotations

import json
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import FIXTURES
from tests.tools import book_files, epub_documents, epub_text, pdf_pages, pdftotext, run_cli, run_epubcheck

WXR = FIXTURES / "collection.wxr.xml"
MEDIA = FIXTURES / "collection-media"
NEVER = [
    "DRAFT-ONLY-breakwater-7731",
    "PRIVATE-ONLY-board-4419",
    "REVISION-ONLY-old-wording",
    "BLOCK-ONLY-subscribe-box",
]
NEVER += ["COMMENT-ONLY-reader-reply"]
SHORTCODE_DEBRIS = ["[caption", "[gallery", "[embed", "[efn_note", "[su_", "[expand", "[/", "<!-- wp:", "wp:footnotes"]
CRANE_NOTES = {
    "since 1911.": "Harbour board minutes, March 1911, page 42.",
    "replaced only once.": "The crane was electrified in 1936, not in 1929 as the plaque on its base claims.",
    "shadow of the tower.": "Measured with a borrowed surveyor's chain on a calm day in April.",
}
FOG_NOTES = {
    "fog was the keeper's worst enemy.": "The lighthouse board's circular on audible signals, 1898.",
    "had to be started by hand.": "Most stations kept a second compressor in reserve.",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("collection")
    proc = run_cli("export", WXR, "--media", MEDIA, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert re.search(r"^\[\d/7\] The Crane at the North Quay -> ", proc.stderr, re.MULTILINE)
    assert proc.stderr.splitlines()[-1] == f"7 exported; 2 skipped by status or type; output in {out}/"
    return out


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    proc = run_cli("export", WXR, "--media", MEDIA, "-o", out, "--bundle", "Lantern Quarterly: Collected")
    assert proc.returncode == 0, proc.stderr
    return out


def page_of(pdf: Path, phrase: str) -> int:
    """The 1-based page whose text holds ``phrase`` (whitespace and hyphenation ignored)."""
    want = re.sub(r"\W", "", phrase)
    for n in range(1, pdf_pages(pdf) + 1):
        if want in re.sub(r"\W", "", pdftotext(pdf, first=n, last=n)):
            return n
    raise AssertionError(f"{phrase!r} not found in {pdf.name}")


def test_manifest_lists_articles_and_skipped_posts(run: Path) -> None:
    items = json.loads((run / "manifest.json").read_text())["items"]
    ok = {i["source"]["post_id"]: i for i in items if i["status"] == "ok"}
    assert sorted(ok) == ["101", "102", "103", "104", "105", "106", "109"]
    skipped = {i["source"]["post_id"]: i["reason"] for i in items if i["status"] == "skipped"}
    assert set(skipped) == {"107", "108"} and "draft" in skipped["107"] and "private" in skipped["108"]
    names = sorted(o["path"] for i in ok.values() for o in i["outputs"] if o["format"] == "epub")
    assert "weekly-roundup.epub" in names and "weekly-roundup-2.epub" in names
    assert len(names) == len(set(names)) == 7
    assert ok["101"]["licence"] == {
        "id": "CC-BY-SA-4.0",
        "url": "https://creativecommons.org/licenses/by-sa/4.0/",
        "name": "Creative Commons Attribution-ShareAlike 4.0 International",
    }


@pytest.mark.slow
def test_every_epub_passes_epubcheck(run: Path) -> None:
    epubs = sorted(run.glob("*.epub"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = dict(zip(epubs, pool.map(run_epubcheck, epubs), strict=True))
    for path, report in reports.items():
        assert (report.errors, report.warnings) == (0, 0), (path.name, report.messages)


def test_nothing_unpublished_and_no_shortcode_debris(run: Path) -> None:
    for path in run.glob("*.epub"):
        with zipfile.ZipFile(path) as zf:
            raw = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8", "replace")
        for secret in NEVER:
            assert secret not in raw, (path.name, secret)
        text = epub_text(path)
        for debris in SHORTCODE_DEBRIS:
            assert debris not in text, (path.name, debris)
    for path in run.glob("*.pdf"):
        text = pdftotext(path)
        for needle in NEVER + SHORTCODE_DEBRIS:
            assert needle not in text, (path.name, needle)


def test_easy_footnotes_become_popup_notes_and_page_bottom_notes(run: Path) -> None:
    article = epub_documents(run / "the-crane-at-the-north-quay.epub")["EPUB/article.xhtml"]
    refs = re.findall(r'<sup><a epub:type="noteref" role="doc-noteref" href="#note-([^"]+)" id="ref-\1">', article)
    assert len(refs) == 3
    for note_id in refs:
        assert f'<aside epub:type="footnote" role="doc-footnote" id="note-{note_id}"' in article
    for note in CRANE_NOTES.values():
        assert note in epub_text(run / "the-crane-at-the-north-quay.epub")
    pdf = run / "the-crane-at-the-north-quay.pdf"
    for call, note in CRANE_NOTES.items():
        assert page_of(pdf, call) == page_of(pdf, note), note


def test_core_footnotes_from_the_post_meta(run: Path) -> None:
    epub = run / "fog-signals-and-their-keepers.epub"
    article = epub_documents(epub)["EPUB/article.xhtml"]
    assert article.count('epub:type="noteref"') == 2
    assert "<em>second</em>" in article
    pdf = run / "fog-signals-and-their-keepers.pdf"
    for call, note in FOG_NOTES.items():
        assert page_of(pdf, call) == page_of(pdf, note), note


def test_images_from_media_are_in_both_formats(run: Path) -> None:
    for stem, count in (("the-crane-at-the-north-quay", 1), ("a-keepers-year-in-pictures", 2)):
        with zipfile.ZipFile(run / f"{stem}.epub") as zf:
            body_images = [n for n in zf.namelist() if n.startswith("EPUB/images/") and n != "EPUB/images/cover.jpg"]
            assert len(body_images) == count  # the generated cover is not one of the article's images
        reader = PdfReader(run / f"{stem}.pdf")
        assert len({image.data for page in reader.pages for image in page.images}) == count
    crane = epub_text(run / "the-crane-at-the-north-quay.epub")
    assert "The old crane at the north quay, photographed in May" in crane


def test_accordion_spoilers_become_headings_and_embed_a_link(run: Path) -> None:
    article = epub_documents(run / "a-keepers-year-in-pictures.epub")["EPUB/article.xhtml"]
    assert re.search(r"<h3[^>]*>Winter watch</h3>", article)
    assert re.search(r"<h3[^>]*>Summer visitors</h3>", article)
    assert '<a href="https://video.example/watch?v=x">' in article


def test_persian_post_is_a_persian_book(run: Path) -> None:
    (epub,) = [p for p in run.glob("*.epub") if "فانوس" in epub_text(p)]
    docs = epub_documents(epub)
    assert "<dc:language>fa</dc:language>" in docs["EPUB/content.opf"]
    assert 'page-progression-direction="rtl"' in docs["EPUB/content.opf"]
    assert 'dir="rtl"' in docs["EPUB/article.xhtml"]


@pytest.mark.slow
def test_bundle_is_one_valid_epub_and_one_pdf_with_contents(bundle: Path) -> None:
    assert book_files(bundle) == ["lantern-quarterly-collected.epub", "lantern-quarterly-collected.pdf"]
    epub = bundle / "lantern-quarterly-collected.epub"
    report = run_epubcheck(epub)
    assert (report.errors, report.warnings) == (0, 0), report.messages
    docs = epub_documents(epub)
    chapters = [n for n in docs if re.fullmatch(r"EPUB/article-\d{3}\.xhtml", n)]
    assert len(chapters) == 7
    nav = docs["EPUB/nav.xhtml"]
    assert nav.count("Weekly Roundup") == 2 and "The Crane at the North Quay" in nav
    # each article keeps its own licence block, in its own language (the Persian post's is Persian)
    assert sum("Licence and attribution" in docs[c] for c in chapters) == 6
    assert sum("مجوز و انتساب" in docs[c] for c in chapters) == 1
    assert "Licences of the articles" in docs["EPUB/licences.xhtml"]
    pdf = bundle / "lantern-quarterly-collected.pdf"
    contents = pdftotext(pdf, first=2, last=2)
    assert "Contents" in contents
    entries = re.findall(r"The Crane at the North Quay[ .]+(\d+)", contents)
    assert entries and page_of(pdf, "The crane on the north quay has stood over Lantern Harbour") == int(entries[0])
    last = pdftotext(pdf, first=pdf_pages(pdf), last=pdf_pages(pdf))
    assert "Licences of the articles" in last and last.count("Creative Commons Attribution-ShareAlike") == 7
    outline = [item.title for item in PdfReader(pdf).outline if not isinstance(item, list)]
    assert "The Crane at the North Quay" in outline
    items = json.loads((bundle / "manifest.json").read_text())["items"]
    ok = [i for i in items if i["status"] == "ok"]
    assert len(ok) == 7 and all(i["outputs"][0]["path"].startswith("lantern-quarterly-collected.") for i in ok)

"""A page read from a web archive says where and when it was captured: the licence page ("Captured from URL on
DATE at TIME UTC."), the EPUB's dcterms:created, the manifest's record, and the item's identity.

The articles here are made directly (the web archive reader has its own tests): what is checked is what the
cleaner, the writers and the library do with a :class:`~exporter.model.Capture`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from exporter.clean import clean
from exporter.library.identity import item_id
from exporter.model import Capture, RawArticle
from exporter.pipeline import stub_result
from exporter.writers.epub import write_epub
from exporter.writers.pages import licence_section
from exporter.writers.pdf import write_pdf
from tests.tools import epub_documents, flat, pdftotext, run_epubcheck

URL = "https://blog.example.org/2024/05/a-walk-in-the-hills/"
CAPTURE = Capture(
    archive=Path("/archives/crawl.warc.gz"),
    record_id="<urn:uuid:0f4c2b8e-1a5d-4c1e-9b7a-3d2f1e0c9a8b>",
    target_uri=URL,
    captured=datetime(2024, 5, 1, 12, 34, 56, tzinfo=UTC),
)


def raw_article(capture: Capture | None = CAPTURE, language: str | None = None) -> RawArticle:
    """A short captured article of ours."""
    return RawArticle(
        source_path=Path("/archives/crawl.warc.gz"),
        html="<p>We walked up the ridge before dawn and watched the fog fill the valley below us.</p>",
        title="A walk in the hills",
        source_url=URL,
        language=language,
        capture=capture,
    )


def test_licence_page_says_where_and_when_the_page_was_captured() -> None:
    html = licence_section(clean(raw_article()))
    line = flat(re.sub(r"<[^>]+>", "", re.search(r'<p class="capture">.*?</p>', html).group(0)))
    assert line == f"Captured from {URL} on 1 May 2024 at 12:34 UTC."
    assert '<time datetime="2024-05-01T12:34:56Z">' in html


def test_capture_time_is_shown_in_utc_whatever_zone_it_was_given_in() -> None:
    paris = timezone(timedelta(hours=2))
    capture = Capture(CAPTURE.archive, CAPTURE.record_id, URL, datetime(2024, 5, 1, 14, 34, 56, tzinfo=paris))
    assert "at 12:34\u00a0UTC." in licence_section(clean(raw_article(capture)))  # never broken between them


def test_capture_line_is_in_the_articles_language() -> None:
    text = flat(re.sub(r"<[^>]+>", "", licence_section(clean(raw_article(language="de")))))
    assert f"Erfasst von {URL} am 1. Mai 2024 um 12:34 UTC." in text


def test_no_capture_no_line() -> None:
    assert 'class="capture"' not in licence_section(clean(raw_article(capture=None)))


def test_epub_carries_source_and_capture_date(tmp_path: Path) -> None:
    path = tmp_path / "walk.epub"
    write_epub(clean(raw_article()), path)
    opf = next(text for name, text in epub_documents(path).items() if name.endswith(".opf"))
    assert f"<dc:source>{URL}</dc:source>" in opf
    assert '<meta property="dcterms:created">2024-05-01T12:34:56Z</meta>' in opf
    assert f'Captured from <a href="{URL}">' in "".join(epub_documents(path).values())
    report = run_epubcheck(path)
    assert (report.errors, report.warnings) == (0, 0), report.messages


@pytest.mark.slow
def test_pdf_licence_page_shows_the_capture(tmp_path: Path) -> None:
    path = tmp_path / "walk.pdf"
    write_pdf(clean(raw_article()), path, resource_roots=[])
    assert "Captured from https://blog.example.org/2024/05/a-walk-in-the-hills/ on 1 May 2024 at 12:34 UTC." in flat(
        pdftotext(path)
    )


def test_identity_is_the_url_plus_the_capture_time() -> None:
    assert item_id(raw_article()) == f"memento:20240501123456/{URL}"
    later = Capture(CAPTURE.archive, "<urn:uuid:other>", URL, CAPTURE.captured + timedelta(days=30))
    assert item_id(raw_article(later)) != item_id(raw_article())  # another capture is another item


def test_manifest_records_the_archive_record_and_capture() -> None:
    entry = stub_result(raw_article()).to_json()
    assert entry["id"] == f"memento:20240501123456/{URL}"
    assert entry["source"]["capture"] == {
        "archive": "/archives/crawl.warc.gz",
        "member": None,
        "record_id": CAPTURE.record_id,
        "target_uri": URL,
        "captured": "2024-05-01T12:34:56Z",
    }
    assert "capture" not in stub_result(raw_article(capture=None)).to_json()["source"]

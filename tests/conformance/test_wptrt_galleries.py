"""The theme unit test export: code blocks keep their text, and "Post Format: Gallery" is a grid of a few pages.

The export's media are generated (tests/wptrt_media.py): a small image at each path its attachments name.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from exporter.clean import clean
from exporter.model import RawArticle
from exporter.readers.wxr import iter_wxr
from tests.conftest import SHARED
from tests.tools import pdf_pages, run_cli, run_epubcheck
from tests.wptrt_media import write_media

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(not SHARED.is_dir(), reason=f"conformance data not found at {SHARED}"),
]

WXR = SHARED / "corpus" / "wptrt" / "themeunittestdata.wordpress.xml"
_XHTML = "{http://www.w3.org/1999/xhtml}"
GALLERY = "post-format-gallery"


def _export(out: Path, *options: str | Path) -> dict[str, str]:
    """Export the whole theme unit test; returns the EPUB and PDF file names by post id and format."""
    result = run_cli("export", WXR, "-o", out, "-q", *options)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {
        f"{item['source']['post_id']}.{output['format']}": output["path"]
        for item in manifest["items"]
        for output in item["outputs"]
    }


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    out = tmp_path_factory.mktemp("wptrt-plain")
    return out, _export(out)


@pytest.fixture(scope="module")
def with_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    media = tmp_path_factory.mktemp("wptrt-media")
    assert len(write_media(WXR, media)) > 20
    out = tmp_path_factory.mktemp("wptrt-with-media")
    _export(out, "--media", media, "-f", "pdf", "-f", "epub")
    return out


def _pre_texts(root: etree._Element, tag: str) -> list[str]:
    return ["".join(pre.itertext()) for pre in root.iter(tag)]


def test_every_epub_pre_text_is_the_source_pre_text(plain: tuple[Path, dict[str, str]]) -> None:
    """Every code block of every book: the EPUB's pre text is the cleaner's, byte for byte."""
    out, files = plain
    checked = set()
    for raw in iter_wxr(WXR):
        if not isinstance(raw, RawArticle) or f"{raw.post_id}.epub" not in files:
            continue
        article = clean(raw)
        expected = _pre_texts(etree.fromstring(f"<div>{article.body}</div>"), "pre")
        if not expected:
            continue
        name = files[f"{raw.post_id}.epub"]
        with zipfile.ZipFile(out / name) as zf:
            page = etree.fromstring(zf.read("EPUB/article.xhtml"))
        assert _pre_texts(page, f"{_XHTML}pre") == expected, name
        checked.add(name)
    assert {"markup-html-tags-and-formatting.epub", "blocks-formatting.epub"} <= checked


def test_pdf_code_block_lines_are_the_source_lines(plain: tuple[Path, dict[str, str]]) -> None:
    """The poem in "Markup: HTML Tags and Formatting" in the PDF: its words in order, its short lines as lines
    (pdftotext -layout; page numbers and running heads of the page break it crosses aside)."""
    out, _ = plain
    pdf = out / "markup-html-tags-and-formatting.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    page_furniture = re.compile(r"\d+ ?/ ?\d+|Markup: HTML Tags and Formatting")  # page numbers, running heads
    lines = [line for line in lines if not page_furniture.fullmatch(line)]
    for raw in iter_wxr(WXR):
        if isinstance(raw, RawArticle) and raw.title == "Markup: HTML Tags and Formatting":
            (pre,) = _pre_texts(etree.fromstring(f"<div>{clean(raw).body}</div>"), "pre")
            expected = " ".join(pre.split())
            assert expected in " ".join(lines)  # words in the source's order, whatever the PDF wrapped
            first = [" ".join(line.split()) for line in pre.splitlines() if line.strip()][:8]
            start = lines.index(first[0])
            assert lines[start : start + len(first)] == first  # the short lines are the source's lines
            return
    pytest.fail("Markup: HTML Tags and Formatting not found")


def test_gallery_without_images_takes_lines_not_pages(plain: tuple[Path, dict[str, str]]) -> None:
    out, _ = plain
    pdf = out / f"{GALLERY}.pdf"
    assert pdf_pages(pdf) <= 3  # at most two pages of article, then the licence page
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert text.count("Image not in the archive: ") == 24  # one placeholder per image, each with its caption
    assert "Image not in the archive: Bell on Wharf Bell on wharf in San Francisco" in text
    assert text.count("[Gallery: the same 24 images as above]") == 9


def test_gallery_with_images_is_a_grid_of_at_most_three_pages(with_media: Path) -> None:
    pdf = with_media / f"{GALLERY}.pdf"
    assert pdf_pages(pdf) <= 3
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len([line for line in listing.splitlines()[2:] if " image " in line]) >= 20
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html)
    at = {w: (float(x), float(y)) for x, y, w in words}
    # Captions of one row: "Bell on wharf…", "Golden Gate Bridge", "Sunburst over the Clinch River…"
    (bx, by), (gx, gy), (sx, sy) = at["Bell"], at["Golden"], at["Sunburst"]
    assert abs(by - gy) < 3 and abs(gy - sy) < 3 and bx < gx < sx


def test_gallery_epubs_with_images_are_valid(with_media: Path) -> None:
    for name in (f"{GALLERY}.epub", "block-gallery.epub"):
        report = run_epubcheck(with_media / name)
        assert (report.errors, report.warnings) == (0, 0), report.messages

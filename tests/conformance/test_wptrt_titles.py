"""The theme unit test export's titles: plain text in every place that names an article (issue 9, item 1).

Its post "Markup: Title <em>With</em> <b>Mark<sup>up</sup></b>" has HTML in its title; the article's own heading
keeps the emphasis, everything else (dc:title, PDF Title, running head, manifest, contents) shows its text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from tests.tools import epub_documents, pdf_pages, pdfinfo, pdftotext, run_cli, run_epubcheck

pytestmark = pytest.mark.conformance

MARKUP = "Markup: Title With Markup"
# The one title whose text holds ">" as a character (the source escapes it: "&gt;"), not as markup.
SPECIAL = "Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>"
NS = {"dc": "http://purl.org/dc/elements/1.1/", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(scope="module")
def theme_unit(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, object]]]:
    from tests.conftest import SHARED

    src = SHARED / "corpus" / "wptrt" / "themeunittestdata.wordpress.xml"
    if not src.is_file():
        pytest.skip(f"corpus not found at {src}")
    out = tmp_path_factory.mktemp("wptrt-titles")
    proc = run_cli("export", src, "-o", out, "-q")
    assert proc.returncode == 0, proc.stderr
    items = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["items"]
    return out, [i for i in items if i["status"] == "ok"]


def book(out: Path, item: dict[str, object], fmt: str) -> Path:
    return out / next(o["path"] for o in item["outputs"] if o["format"] == fmt)  # type: ignore[union-attr]


def assert_plain(title: str, where: str, expected: str) -> None:
    """No ``<`` or ``>`` in a title, but for the post whose text holds ``>`` as a character."""
    if expected == SPECIAL:
        assert title == SPECIAL, where
    else:
        assert "<" not in title and ">" not in title, (where, title)


def test_every_title_is_plain_text(theme_unit: tuple[Path, list[dict[str, object]]]) -> None:
    out, items = theme_unit
    titles = [str(i["title"]) for i in items]
    assert MARKUP in titles and SPECIAL in titles
    for item in items:
        title = str(item["title"])
        assert_plain(title, "manifest", title)
        opf = etree.fromstring(epub_documents(book(out, item, "epub"))["EPUB/content.opf"].encode())
        (dc_title,) = [t.text or "" for t in opf.findall(".//dc:title", NS)]
        assert dc_title == title
        pdf = book(out, item, "pdf")
        assert pdfinfo(pdf)["Title"] == title
        if pdf_pages(pdf) >= 2:
            head = pdftotext(pdf, first=2, last=2).splitlines()[0].strip()
            assert head and title.startswith(head.rstrip("…").rstrip()), (head, title)  # a long one is cut
            assert_plain(head, f"running head of {pdf.name}", title)


def test_the_markup_post_keeps_its_emphasis_in_its_heading_only(
    theme_unit: tuple[Path, list[dict[str, object]]],
) -> None:
    out, items = theme_unit
    item = next(i for i in items if i["title"] == MARKUP)
    epub = book(out, item, "epub")
    docs = epub_documents(epub)
    (h1,) = etree.fromstring(docs["EPUB/title.xhtml"].encode()).findall(".//x:h1", NS)
    assert [etree.QName(el).localname for el in h1.iter()] == ["h1", "em", "b", "sup"]
    assert "".join(h1.itertext()) == MARKUP
    for name in ("EPUB/nav.xhtml", "EPUB/toc.ncx", "EPUB/licence.xhtml", "EPUB/content.opf"):
        assert "&lt;" not in docs[name] and MARKUP in docs[name], name
    text = pdftotext(book(out, item, "pdf"))
    assert "<em>" not in text and "<sup>" not in text and text.startswith(MARKUP)
    report = run_epubcheck(epub)
    assert (report.errors, report.warnings) == (0, 0), report.messages

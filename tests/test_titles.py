"""Titles with markup: WordPress themes print a post's title as HTML.

Metadata, file names, running heads, contents, the licence page and the manifest carry the title's plain text;
only the article's own heading keeps inline emphasis. A text file's title is not HTML.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from exporter.clean import clean
from exporter.clean.title import clean_title
from exporter.model import RawArticle
from exporter.naming import is_safe_name
from exporter.readers.html import read_html
from exporter.readers.text import read_text
from exporter.writers.pdf_archival import canonical_xhtml
from tests.tools import epub_documents, flat, pdfinfo, pdftotext, run_cli, run_epubcheck

MARKED = "Notes on <em>Tidal</em> <b>Power<sup>2</sup></b>"
MARKED_TEXT = "Notes on Tidal Power2"
PASSWD = '../../etc/passwd <b>Council</b> & "Friends"'
PASSWD_TEXT = '../../etc/passwd Council & "Friends"'
ENTITIES = "Fish &amp;amp; Chips &amp;#8217;n&amp;#8217; <i>Peas</i>"  # as XML text: HTML entities inside
ENTITIES_TEXT = "Fish & Chips ’n’ Peas"
PLAIN_TITLES = [MARKED_TEXT, PASSWD_TEXT, ENTITIES_TEXT]
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
}
PARAGRAPH = (
    "The tide mill on the estuary turned for two hundred years before the council bought it, and every winter "
    "the volunteers greased its wheel, counted the eels in the race and wrote the numbers in a ledger."
)


def _item(title_xml: str, post_id: int, body_paragraphs: int) -> str:
    body = "\n\n".join([PARAGRAPH] * body_paragraphs)
    return (
        f"<item><title>{title_xml}</title><link>https://tides.example/?p={post_id}</link>"
        "<dc:creator><![CDATA[keeper]]></dc:creator>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        f"<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>{post_id}</wp:post_id>"
        "<wp:post_date><![CDATA[2021-05-06 07:08:09]]></wp:post_date>"
        "<wp:post_name><![CDATA[]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status>"
        "<wp:post_type><![CDATA[post]]></wp:post_type></item>"
    )


def wxr(*items: str) -> str:
    """A small WXR 1.2 export of our own words (no post slugs: the file names come from the titles)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Tide Mill Friends</title>'
        "<link>https://tides.example</link><language>en</language><wp:wxr_version>1.2</wp:wxr_version>"
        + "".join(items)
        + "</channel></rss>\n"
    )


WXR = wxr(
    _item(f"<![CDATA[{MARKED}]]>", 11, 30),  # long enough for a second page and its running head
    _item(f"<![CDATA[{PASSWD}]]>", 12, 2),
    _item(ENTITIES, 13, 2),
)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    """The three posts exported as EPUB and PDF: the manifest and the output folder."""
    base = tmp_path_factory.mktemp("titles")
    source = base / "tides.wordpress.xml"
    source.write_text(WXR, encoding="utf-8")
    out = base / "out"
    proc = run_cli("export", source, "-o", out, "-q")
    assert proc.returncode == 0, proc.stderr
    return json.loads((out / "manifest.json").read_text(encoding="utf-8")), out


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three posts as one bundle: the output folder."""
    base = tmp_path_factory.mktemp("titles-bundle")
    source = base / "tides.wordpress.xml"
    source.write_text(WXR, encoding="utf-8")
    out = base / "out"
    proc = run_cli("export", source, "-o", out, "-q", "--bundle", "Tide <b>mill</b> papers")
    assert proc.returncode == 0, proc.stderr
    return out


def outputs(export: tuple[dict[str, object], Path], title: str, fmt: str) -> Path:
    manifest, out = export
    item = next(i for i in manifest["items"] if i["title"] == title)  # type: ignore[index]
    return out / next(o["path"] for o in item["outputs"] if o["format"] == fmt)


def opf_titles(epub: Path) -> list[str]:
    opf = etree.fromstring(epub_documents(epub)["EPUB/content.opf"].encode())
    return [t.text for t in opf.findall(".//dc:title", NS)]


def nav_entries(epub: Path) -> list[str]:
    nav = etree.fromstring(epub_documents(epub)["EPUB/nav.xhtml"].encode())
    return [" ".join("".join(a.itertext()).split()) for a in nav.findall(".//x:nav//x:a", NS)]


def test_manifest_titles_are_plain_text(export: tuple[dict[str, object], Path]) -> None:
    manifest, _ = export
    assert [i["title"] for i in manifest["items"]] == PLAIN_TITLES  # type: ignore[index]


def test_file_names_are_safe_and_come_from_the_plain_text(export: tuple[dict[str, object], Path]) -> None:
    manifest, out = export
    paths = [o["path"] for i in manifest["items"] for o in i["outputs"]]  # type: ignore[index]
    assert all(is_safe_name(Path(p).name) for p in paths), paths
    assert {Path(p).stem for p in paths} == {"notes-on-tidal-power2", "etc-passwd-council-friends", "fish-chips-n-peas"}
    books = [p for p in paths if p.endswith((".epub", ".pdf"))]
    assert sorted(p.name for p in out.iterdir() if p.suffix in (".epub", ".pdf")) == sorted(books)


def test_epub_metadata_and_contents_are_plain_text(export: tuple[dict[str, object], Path]) -> None:
    for title in PLAIN_TITLES:
        epub = outputs(export, title, "epub")
        assert opf_titles(epub) == [title]
        assert title in nav_entries(epub)
        docs = epub_documents(epub)
        assert f"<title>{title.replace('&', '&amp;')}</title>" in docs["EPUB/article.xhtml"]
        assert "&lt;" not in docs["EPUB/toc.ncx"] and "&lt;" not in docs["EPUB/nav.xhtml"]


def test_epub_heading_keeps_inline_emphasis(export: tuple[dict[str, object], Path]) -> None:
    page = etree.fromstring(epub_documents(outputs(export, MARKED_TEXT, "epub"))["EPUB/title.xhtml"].encode())
    (h1,) = page.findall(".//x:h1", NS)
    assert " ".join("".join(h1.itertext()).split()) == MARKED_TEXT
    assert [etree.QName(el).localname for el in h1.iter()] == ["h1", "em", "b", "sup"]
    assert h1.find("x:em", NS).text == "Tidal"
    assert h1.find("x:b/x:sup", NS).text == "2"
    page = etree.fromstring(epub_documents(outputs(export, PASSWD_TEXT, "epub"))["EPUB/title.xhtml"].encode())
    (h1,) = page.findall(".//x:h1", NS)
    assert [etree.QName(el).localname for el in h1.iter()] == ["h1", "b"]
    assert "".join(h1.itertext()) == PASSWD_TEXT


def test_licence_page_names_the_plain_title(export: tuple[dict[str, object], Path]) -> None:
    docs = epub_documents(outputs(export, MARKED_TEXT, "epub"))
    licence = etree.fromstring(docs["EPUB/licence.xhtml"].encode())
    dds = [" ".join("".join(dd.itertext()).split()) for dd in licence.findall(".//x:dd", NS)]
    assert dds[0] == MARKED_TEXT
    pdf = outputs(export, MARKED_TEXT, "pdf")
    assert f"TITLE {MARKED_TEXT} AUTHOR" in flat(pdftotext(pdf))
    assert "<em>" not in pdftotext(pdf)


def test_pdf_title_heading_and_running_head_are_plain_text(export: tuple[dict[str, object], Path]) -> None:
    for title in PLAIN_TITLES:
        pdf = outputs(export, title, "pdf")
        assert pdfinfo(pdf)["Title"] == title
        assert "<b>" not in pdftotext(pdf)
    pdf = outputs(export, MARKED_TEXT, "pdf")
    first = flat(pdftotext(pdf, first=1, last=1))
    assert first.startswith(MARKED_TEXT)
    page2 = pdftotext(pdf, first=2, last=2).splitlines()
    assert page2[0].strip() == MARKED_TEXT  # the running head


def test_bundle_contents_are_plain_text(bundle: Path) -> None:
    (epub,) = bundle.glob("*.epub")
    (pdf,) = bundle.glob("*.pdf")
    assert opf_titles(epub) == ["Tide <b>mill</b> papers"]  # a --bundle title is the user's text, not HTML
    entries = nav_entries(epub)
    for title in PLAIN_TITLES:
        assert title in entries
    chapter = epub_documents(epub)["EPUB/article-001.xhtml"]
    assert "<em>Tidal</em>" in chapter and "<sup>2</sup>" in chapter
    contents = flat(pdftotext(pdf, first=2, last=2))
    assert contents.startswith("Contents")
    for title in PLAIN_TITLES:
        assert title in contents
    assert "<" not in contents.replace("Tide <b>mill</b> papers", "")


def test_changed_books_pass_epubcheck(export: tuple[dict[str, object], Path], bundle: Path) -> None:
    for epub in (outputs(export, MARKED_TEXT, "epub"), next(bundle.glob("*.epub"))):
        report = run_epubcheck(epub)
        assert (report.errors, report.warnings) == (0, 0), report.messages


# ---- readers and cleaner, without writing books ------------------------------------------------------------


def raw(title: str, title_html: str | None) -> RawArticle:
    return RawArticle(source_path=Path("t.html"), html="<p>Words.</p>", title=title, title_html=title_html)


def test_a_title_empty_after_its_tags_falls_back_like_an_empty_title(tmp_path: Path) -> None:
    source = tmp_path / "empty.wordpress.xml"
    source.write_text(wxr(_item("<![CDATA[<em> </em><script>x()</script>]]>", 21, 1)), encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("export", source, "-o", out, "-q", "-f", "epub")
    assert proc.returncode == 0, proc.stderr
    (item,) = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["items"]
    assert item["title"] == "Untitled (post 21)"
    assert any(w["code"] == "untitled-post" for w in item["warnings"])


def test_the_cleaner_keeps_only_inline_emphasis() -> None:
    markup = (
        '<a href="https://x.example"><strong onclick="go()">Bold</strong></a> <img src="x.png" alt="pic">'
        '<span class="c" lang="fr" dir="RTL">mot</span> <span>plain</span><script>no()</script> &#8217;tis<br>end '
        '<em title="t" style="color:red">e</em> <u>u</u>'
    )
    text, inline = clean_title(markup)
    assert text == "Bold mot plain ’tis end e u"
    assert inline == '<strong>Bold</strong> <span lang="fr" dir="rtl">mot</span> plain ’tis end <em>e</em> u'


def test_white_space_collapses_and_a_title_without_markup_has_no_inline_form() -> None:
    assert clean_title("  Fish\n &amp;\t <em> Chips </em>  ") == ("Fish & Chips", "Fish &amp; <em>Chips</em>")
    assert clean_title("a &lt; b &gt; c") == ("a < b > c", None)
    article = clean(raw("ignored", "  Plain  &amp; simple "))
    assert (article.title, article.title_html) == ("Plain & simple", None)


def test_a_saved_page_heading_is_read_as_html(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Old title | Tide Mill</title></head><body><article>"
        '<h1 class="entry-title"><a href="/p">The <em>Wheel</em> of H<sub>2</sub>O</a></h1>'
        f'<div class="entry-content"><p>{PARAGRAPH}</p></div></article></body></html>',
        encoding="utf-8",
    )
    found = read_html(page)
    assert found.title == "The Wheel of H2O"
    article = clean(found)
    assert article.title == "The Wheel of H2O"
    assert article.title_html == "The <em>Wheel</em> of H<sub>2</sub>O"


def test_a_text_file_title_is_not_html(tmp_path: Path) -> None:
    source = tmp_path / "sums.txt"
    source.write_text(f"Why a < b and <em>c</em> &amp; d\n\n{PARAGRAPH}\n", encoding="utf-8")
    found = read_text(source)
    assert found.title_html is None
    article = clean(found)
    assert (article.title, article.title_html) == ("Why a < b and <em>c</em> &amp; d", None)
    out = tmp_path / "out"
    proc = run_cli("export", source, "-o", out, "-q", "-f", "epub")
    assert proc.returncode == 0, proc.stderr
    (item,) = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["items"]
    assert item["title"] == "Why a < b and <em>c</em> &amp; d"
    epub = out / item["outputs"][0]["path"]
    assert opf_titles(epub) == ["Why a < b and <em>c</em> &amp; d"]
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", epub_documents(epub)["EPUB/title.xhtml"]).group(1)
    assert h1 == "Why a &lt; b and &lt;em&gt;c&lt;/em&gt; &amp;amp; d"


def test_the_archival_source_heading_keeps_the_inline_title() -> None:
    article = clean(raw(PASSWD_TEXT, PASSWD))
    page = etree.fromstring(canonical_xhtml(article))
    assert page.findtext("x:head/x:title", namespaces=NS) == PASSWD_TEXT
    (h1,) = page.findall(".//x:h1", NS)
    assert [etree.QName(el).localname for el in h1.iter()] == ["h1", "b"]
    assert "".join(h1.itertext()) == PASSWD_TEXT

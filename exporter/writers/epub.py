"""EPUB 3 writer (ebooklib): title page, article, licence page; EPUBCheck-clean and byte-for-byte repeatable."""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from ebooklib import epub
from lxml import etree

from exporter.model import Article, Footnote
from exporter.writers import STYLES_DIR
from exporter.writers.pages import iso_date, licence_section, title_block

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_NOTEREF = re.compile(r'<sup class="noteref" data-note="([^"]+)">(.*?)</sup>', re.DOTALL)
_HEADING = re.compile(r"<(h[23])(\s[^>]*)?>(.*?)</\1>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def fixed_time(article: Article) -> datetime:
    """The time written into the book: SOURCE_DATE_EPOCH, else the publication date, else 1980-01-01."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    if article.published is not None:
        return article.published.astimezone(UTC)
    return datetime(*ZIP_EPOCH, tzinfo=UTC)


def write_epub(article: Article, path: Path) -> list[str]:
    """Write ``article`` as an EPUB 3 file at ``path``; returns warnings."""
    book = epub.EpubBook()
    book.set_identifier(article.id)
    book.set_title(article.title)
    book.set_language(article.language)
    if article.language.split("-")[0] in ("ar", "fa", "ur", "he", "ps", "ckb", "yi"):
        book.set_direction("rtl")
    for n, name in enumerate(article.authors, 1):
        book.add_author(name, uid=f"creator{n}")
    if article.published:
        book.add_metadata("DC", "date", iso_date(article))
    if article.source_url:
        book.add_metadata("DC", "source", article.source_url)
    if article.site_name:
        book.add_metadata("DC", "publisher", article.site_name)
    if article.subtitle:
        book.add_metadata("DC", "description", article.subtitle)
    for subject in article.subjects:
        book.add_metadata("DC", "subject", subject)
    if article.licence:
        book.add_metadata("DC", "rights", f"{article.licence.name} ({article.licence.url})")
        book.add_metadata(None, "meta", article.licence.url, {"property": "dcterms:license"})
    else:
        book.add_metadata("DC", "rights", "No licence statement found in the source.")
    _accessibility(book, article)

    css = epub.EpubItem(
        uid="style", file_name="style.css", media_type="text/css", content=(STYLES_DIR / "epub.css").read_bytes()
    )
    book.add_item(css)
    for image in article.images:
        book.add_item(
            epub.EpubImage(
                uid=_uid(image.key), file_name=image.key, media_type=image.media_type, content=image.path.read_bytes()
            )
        )

    body, headings = _number_headings(article.body)
    pages = [
        _page(
            "title.xhtml", article.title, f'<section epub:type="titlepage">{title_block(article)}</section>', article
        ),
        _page("article.xhtml", article.title, _article_html(body, article.footnotes), article),
        _page(
            "licence.xhtml",
            "Licence and attribution",
            licence_section(article).replace(
                '<section class="licence">', '<section class="licence" epub:type="copyright-page">', 1
            ),
            article,
        ),
    ]
    for page in pages:
        page.add_item(css)
        book.add_item(page)
    title_page, article_page, licence_page = pages
    sections = [epub.Link(f"article.xhtml#{hid}", text, hid) for hid, text in headings]
    book.toc = [
        epub.Link("title.xhtml", "Title page", "titlepage"),
        (epub.Section(article.title, "article.xhtml"), sections) if sections else article_page,
        epub.Link("licence.xhtml", "Licence and attribution", "licence"),
    ]
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav()
    nav.add_item(css)
    book.add_item(nav)
    book.spine = [title_page, "nav", article_page, licence_page]

    buffer = io.BytesIO()
    epub.write_epub(
        buffer,
        book,
        {"epub3_pages": False, "raise_exceptions": True, "mtime": fixed_time(article), "epub2_guide": False},
    )
    path.write_bytes(_repack(buffer.getvalue(), article))
    return []


def _uid(key: str) -> str:
    return "img-" + re.sub(r"[^A-Za-z0-9_-]", "-", key.split("/")[-1])


def _page(file_name: str, title: str, content: str, article: Article) -> epub.EpubHtml:
    page = epub.EpubHtml(title=title, file_name=file_name, lang=article.language)
    page.content = f"<html><head><title>{escape(title)}</title></head><body>{content}</body></html>"
    return page


def _number_headings(body: str) -> tuple[str, list[tuple[str, str]]]:
    """Give h2/h3 ids for the table of contents; returns the body and (id, text) of each h2."""
    headings: list[tuple[str, str]] = []
    counter = 0

    def number(m: re.Match[str]) -> str:
        nonlocal counter
        counter += 1
        hid = f"section-{counter}"
        if m.group(1) == "h2":
            headings.append((hid, " ".join(_TAGS.sub("", m.group(3)).split())))
        return f'<{m.group(1)} id="{hid}"{m.group(2) or ""}>{m.group(3)}</{m.group(1)}>'

    return _HEADING.sub(number, body), headings


def _article_html(body: str, footnotes: list[Footnote]) -> str:
    """The article's section: noterefs become pop-up note links, notes follow as asides."""
    notes = {n.id: n for n in footnotes if n.body}

    def ref(m: re.Match[str]) -> str:
        note = notes.get(m.group(1))
        if note is None:
            return f'<sup class="citation">{m.group(2)}</sup>'
        return (
            f'<sup><a epub:type="noteref" role="doc-noteref" href="#note-{note.id}" '
            f'id="ref-{note.id}">{m.group(2)}</a></sup>'
        )

    asides = "".join(
        f'<aside epub:type="footnote" role="doc-footnote" id="note-{n.id}" class="footnote">'
        f'<p class="backlink"><a href="#ref-{n.id}" role="doc-backlink">{escape(n.label)}</a></p>{n.body}</aside>'
        for n in notes.values()
    )
    return f'<section epub:type="bodymatter chapter" class="article">{_NOTEREF.sub(ref, body)}{asides}</section>'


def _accessibility(book: epub.EpubBook, article: Article) -> None:
    """schema.org accessibility metadata derived from the content."""
    has_images = bool(article.images)
    add = book.add_metadata
    add(None, "meta", "textual", {"property": "schema:accessMode"})
    if has_images:
        add(None, "meta", "visual", {"property": "schema:accessMode"})
    add(None, "meta", "textual", {"property": "schema:accessModeSufficient"})
    for feature in ("structuralNavigation", "tableOfContents", "readingOrder"):
        add(None, "meta", feature, {"property": "schema:accessibilityFeature"})
    if has_images and all(i.alt for i in article.images):
        add(None, "meta", "alternativeText", {"property": "schema:accessibilityFeature"})
    add(None, "meta", "none", {"property": "schema:accessibilityHazard"})
    summary = "A single article with a title page, headings for navigation and a licence page."
    if has_images:
        summary += " Images carry the text alternatives given in the source."
    add(None, "meta", summary, {"property": "schema:accessibilitySummary"})


def _repack(data: bytes, article: Article) -> bytes:
    """Rewrite the zip with fixed timestamps and order (mimetype first, stored) and xml:lang on the package."""
    stamp = fixed_time(article)
    date_time = max((stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second), ZIP_EPOCH)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        names = ["mimetype", *sorted(n for n in src.namelist() if n != "mimetype")]
        for name in names:
            content = src.read(name)
            if name.endswith(".opf"):
                content = _package_lang(content, article.language)
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, content, compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()


def _package_lang(opf: bytes, language: str) -> bytes:
    root = etree.fromstring(opf)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")

"""EPUB 3 writer (ebooklib): title page, article, licence page; EPUBCheck-clean and byte-for-byte repeatable."""

from __future__ import annotations

import io
import os
import re
import uuid
import zipfile
from collections import Counter
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from ebooklib import epub
from lxml import etree

from exporter.model import Article, Footnote
from exporter.writers import STYLES_DIR
from exporter.writers.pages import bundle_title_block, iso_date, licence_section, licences_overview, title_block

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_NOTEREF = re.compile(r'<sup class="noteref" data-note="([^"]+)">(.*?)</sup>', re.DOTALL)
_HEADING = re.compile(r"<(h[23])(\s[^>]*)?>(.*?)</\1>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


RTL = ("ar", "fa", "ur", "he", "ps", "ckb", "yi")


def fixed_time(article: Article) -> datetime:
    """The time written into the book: SOURCE_DATE_EPOCH, else the publication date, else 1980-01-01."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    if article.published is not None:
        return article.published.astimezone(UTC)
    return datetime(*ZIP_EPOCH, tzinfo=UTC)


def _new_book(identifier: str, title: str, language: str, authors: list[str]) -> epub.EpubBook:
    book = epub.EpubBook()
    book.set_identifier(identifier)
    book.set_title(title)
    book.set_language(language)
    if language.split("-")[0] in RTL:
        book.set_direction("rtl")
    for n, name in enumerate(authors, 1):
        book.add_author(name, uid=f"creator{n}")
    return book


def _stylesheet(book: epub.EpubBook) -> epub.EpubItem:
    css = epub.EpubItem(
        uid="style", file_name="style.css", media_type="text/css", content=(STYLES_DIR / "epub.css").read_bytes()
    )
    book.add_item(css)
    return css


def _add_images(book: epub.EpubBook, articles: list[Article]) -> None:
    """Each distinct image once (keys are content hashes, so a shared image is stored once)."""
    seen: set[str] = set()
    for article in articles:
        for image in article.images:
            if image.key in seen:
                continue
            seen.add(image.key)
            book.add_item(
                epub.EpubImage(
                    uid=_uid(image.key),
                    file_name=image.key,
                    media_type=image.media_type,
                    content=image.path.read_bytes(),
                )
            )


def _write(book: epub.EpubBook, path: Path, when: datetime, language: str) -> None:
    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {"epub3_pages": False, "raise_exceptions": True, "mtime": when, "epub2_guide": False})
    path.write_bytes(_repack(buffer.getvalue(), when, language))


def write_epub(article: Article, path: Path) -> list[str]:
    """Write ``article`` as an EPUB 3 file at ``path``: title page, article, licence page; returns warnings."""
    book = _new_book(article.id, article.title, article.language, article.authors)
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
    _accessibility(book, [article])
    css = _stylesheet(book)
    _add_images(book, [article])

    body, headings = _number_headings(article.body)
    title_page = _page(
        "title.xhtml",
        article.title,
        f'<section epub:type="titlepage">{title_block(article)}</section>',
        article.language,
    )
    article_page = _page("article.xhtml", article.title, _article_html(body, article.footnotes), article.language)
    licence_page = _page("licence.xhtml", "Licence and attribution", licence_section(article), article.language)
    for page in (title_page, article_page, licence_page):
        page.add_item(css)
        book.add_item(page)
    sections = [epub.Link(f"article.xhtml#{hid}", text, hid) for hid, text in headings]
    book.toc = [
        epub.Link("title.xhtml", "Title page", "titlepage"),
        (epub.Section(article.title, "article.xhtml"), sections) if sections else article_page,
        epub.Link("licence.xhtml", "Licence and attribution", "licence"),
    ]
    _navigation(book, css)
    book.spine = [title_page, "nav", article_page, licence_page]
    _write(book, path, fixed_time(article), article.language)
    return []


def write_epub_bundle(title: str, articles: list[Article], path: Path) -> list[str]:
    """Write several articles as one EPUB: a title page, contents, one chapter per article (each with its own
    byline, date, source and licence block), and a closing page listing every article's licence."""
    language = Counter(a.language for a in articles).most_common(1)[0][0]
    authors = list(dict.fromkeys(name for a in articles for name in a.authors))
    identifier = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "bundle:" + "|".join(sorted(a.id for a in articles))))
    book = _new_book(identifier, title, language, authors)
    dates = [a.published for a in articles if a.published]
    latest = max(articles, key=lambda a: (a.published is not None, a.published or datetime.min.replace(tzinfo=UTC)))
    if dates:
        book.add_metadata("DC", "date", iso_date(latest))
    for site in sorted({a.site_name for a in articles if a.site_name}):
        book.add_metadata("DC", "publisher", site)
    for url in [a.source_url for a in articles if a.source_url]:
        book.add_metadata("DC", "source", url)
    licences = {a.licence.id: a.licence for a in articles if a.licence}
    if len(licences) == 1 and all(a.licence for a in articles):
        (lic,) = licences.values()
        book.add_metadata("DC", "rights", f"{lic.name} ({lic.url})")
        book.add_metadata(None, "meta", lic.url, {"property": "dcterms:license"})
    else:
        book.add_metadata("DC", "rights", "Each article keeps its own licence; see the licences page.")
    _accessibility(book, articles)
    css = _stylesheet(book)
    _add_images(book, articles)

    title_page = _page(
        "title.xhtml",
        title,
        f'<section epub:type="titlepage">{bundle_title_block(title, articles)}</section>',
        language,
    )
    chapters, toc = [], []
    for n, article in enumerate(articles, 1):
        name = f"article-{n:03d}.xhtml"
        body, headings = _number_headings(article.body)
        notes_and_body = _article_html(body, article.footnotes, wrap=False)
        content = (
            f'<section epub:type="chapter" class="article">{title_block(article)}'
            f"{notes_and_body}{licence_section(article, standalone=False)}</section>"
        )
        page = _page(name, article.title, content, article.language)
        chapters.append(page)
        sections = [epub.Link(f"{name}#{hid}", text, f"a{n}-{hid}") for hid, text in headings]
        toc.append((epub.Section(article.title, name), sections) if sections else page)
    overview = _page(
        "licences.xhtml",
        "Licences of the articles",
        licences_overview(articles, links=[c.file_name for c in chapters]),
        language,
    )
    for page in (title_page, *chapters, overview):
        page.add_item(css)
        book.add_item(page)
    book.toc = [
        epub.Link("title.xhtml", "Title page", "titlepage"),
        *toc,
        epub.Link("licences.xhtml", "Licences of the articles", "licences"),
    ]
    _navigation(book, css)
    book.spine = [title_page, "nav", *chapters, overview]
    _write(book, path, fixed_time(latest), language)
    return []


def _navigation(book: epub.EpubBook, css: epub.EpubItem) -> None:
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav()
    nav.add_item(css)
    book.add_item(nav)


def _uid(key: str) -> str:
    return "img-" + re.sub(r"[^A-Za-z0-9_-]", "-", key.split("/")[-1])


def _page(file_name: str, title: str, content: str, language: str) -> epub.EpubHtml:
    page = epub.EpubHtml(title=title, file_name=file_name, lang=language)
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


def _article_html(body: str, footnotes: list[Footnote], *, wrap: bool = True) -> str:
    """The article's section: noterefs become pop-up note links, notes follow as asides."""
    notes = {n.id: n for n in footnotes if n.body}
    calls: Counter[str] = Counter()

    def ref(m: re.Match[str]) -> str:
        note = notes.get(m.group(1))
        if note is None:
            return f'<sup class="citation">{m.group(2)}</sup>'
        calls[note.id] += 1  # a note cited again gets its own anchor; the backlink goes to the first call
        anchor = f"ref-{note.id}" if calls[note.id] == 1 else f"ref-{note.id}-{calls[note.id]}"
        return (
            f'<sup><a epub:type="noteref" role="doc-noteref" href="#note-{note.id}" '
            f'id="{anchor}">{m.group(2)}</a></sup>'
        )

    asides = "".join(
        f'<aside epub:type="footnote" role="doc-footnote" id="note-{n.id}" class="footnote">'
        f'<p class="backlink"><a href="#ref-{n.id}" role="doc-backlink">{escape(n.label)}</a></p>{n.body}</aside>'
        for n in notes.values()
    )
    if not wrap:
        return _NOTEREF.sub(ref, body) + asides
    return f'<section epub:type="bodymatter chapter" class="article">{_NOTEREF.sub(ref, body)}{asides}</section>'


def _accessibility(book: epub.EpubBook, articles: list[Article]) -> None:
    """schema.org accessibility metadata derived from the content."""
    images = [i for a in articles for i in a.images]
    has_images = bool(images)
    add = book.add_metadata
    add(None, "meta", "textual", {"property": "schema:accessMode"})
    if has_images:
        add(None, "meta", "visual", {"property": "schema:accessMode"})
    add(None, "meta", "textual", {"property": "schema:accessModeSufficient"})
    for feature in ("structuralNavigation", "tableOfContents", "readingOrder"):
        add(None, "meta", feature, {"property": "schema:accessibilityFeature"})
    if has_images and all(i.alt for i in images):
        add(None, "meta", "alternativeText", {"property": "schema:accessibilityFeature"})
    add(None, "meta", "none", {"property": "schema:accessibilityHazard"})
    summary = (
        "A single article with a title page, headings for navigation and a licence page."
        if len(articles) == 1
        else f"A collection of {len(articles)} articles with a table of contents, headings and a licences page."
    )
    if has_images:
        summary += " Images carry the text alternatives given in the source."
    add(None, "meta", summary, {"property": "schema:accessibilitySummary"})


def _repack(data: bytes, stamp: datetime, language: str) -> bytes:
    """Rewrite the zip with fixed timestamps and order (mimetype first, stored) and xml:lang on the package."""
    date_time = max((stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second), ZIP_EPOCH)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        names = ["mimetype", *sorted(n for n in src.namelist() if n != "mimetype")]
        for name in names:
            content = src.read(name)
            if name.endswith(".opf"):
                content = _package_lang(content, language)
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, content, compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()


def _package_lang(opf: bytes, language: str) -> bytes:
    root = etree.fromstring(opf)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")

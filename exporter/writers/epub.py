"""EPUB 3 writer (ebooklib): cover, title page, article, licence page; EPUBCheck-clean, Ace-clean, byte-for-byte
repeatable.

Every book has a cover: the JPEG the pipeline made (``WriteOptions.cover``), else one drawn here
(:mod:`exporter.writers.cover`). It is the manifest item marked ``cover-image`` (EPUB 3), named by
``<meta name="cover">`` for EPUB 2 reading systems, and shown by a cover page first in the spine, whose image's
text alternative is the book's title.

Accessibility metadata (schema.org, EPUB Accessibility 1.1) is derived from the content of each book: what it
holds (images with or without text descriptions, notes, right-to-left text, animation) decides the access modes,
the features, the hazards, the plain-language summary and whether a conformance claim is made at all.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

import lxml.html
from ebooklib import epub
from lxml import etree

from exporter import dates, i18n
from exporter.clean.labels import is_image_label
from exporter.languages import is_english, is_rtl
from exporter.languages import name as language_name
from exporter.messages import Message, Reporter
from exporter.model import Article
from exporter.transforms import Transforms
from exporter.writers import stylesheet
from exporter.writers.cover import article_cover, bundle_cover
from exporter.writers.document import BookBody
from exporter.writers.pages import (
    bundle_language,
    bundle_title_block,
    iso_date,
    licence_section,
    licences_overview,
    title_block,
)
from exporter.writers.registry import WriteOptions

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_XHTML = "{http://www.w3.org/1999/xhtml}"
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
EVALUATOR = "exporter (automated evaluation at export; not reviewed by a person)"
COVER_ID = "cover-image"
COVER_FILE = "images/cover.jpg"
OUR_LABELS = (
    i18n._("Title page"),
    i18n._("Licence and attribution"),
    i18n._("Licences of the articles"),
)
"""Navigation labels the writer adds (in the book's language when it has a catalog, else in English)."""
_NAV_LABELS = (*OUR_LABELS, i18n._("Contents"), i18n._("Guide"), i18n._("Start of the text"))
"""Every label of the navigation document the writer adds ("Guide" heads the landmarks)."""


def _direction(language: str) -> str | None:
    return "rtl" if is_rtl(language) else None


def _new_book(identifier: str, title: str, language: str, authors: list[str]) -> epub.EpubBook:
    book = epub.EpubBook()
    book.set_identifier(identifier)
    book.set_title(title)
    book.set_language(language)
    if is_rtl(language):
        book.set_direction("rtl")
    for n, name in enumerate(authors, 1):
        book.add_author(name, uid=f"creator{n}")
    return book


def _stylesheet(book: epub.EpubBook) -> epub.EpubItem:
    css = epub.EpubItem(uid="style", file_name="style.css", media_type="text/css", content=stylesheet("epub.css"))
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
                    content=image.read_bytes(),
                )
            )


def _write(book: epub.EpubBook, path: Path, when: datetime, language: str) -> None:
    """Write the book with ``when`` (UTC, see :mod:`exporter.dates`) as dcterms:modified and every entry's time."""
    buffer = io.BytesIO()
    options = {
        "epub3_pages": False,
        "raise_exceptions": True,
        "mtime": when,
        "epub2_guide": False,
        "landmark_title": i18n.labels(language).text("Guide"),
    }
    epub.write_epub(buffer, book, options)
    path.write_bytes(_repack(buffer.getvalue(), when, language))


def _cover(book: epub.EpubBook, cover: bytes, title: str, language: str, css: epub.EpubItem) -> XhtmlPage:
    """The cover image (``cover-image``, and the EPUB 2 ``<meta name="cover">``) and the page that shows it."""
    image = epub.EpubCover(uid=COVER_ID, file_name=COVER_FILE)
    image.media_type = "image/jpeg"
    image.content = cover
    book.add_item(image)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": COVER_ID})
    markup = (
        f'<div class="cover-page"><img epub:type="cover" role="doc-cover" src="{COVER_FILE}"'
        f' alt="{escape(title)}"/></div>'
    )
    page = _page("cover.xhtml", title, markup, language)
    page.id = "cover"
    page.add_item(css)
    book.add_item(page)
    return page


def write_epub(article: Article, path: Path, cover: bytes | None = None) -> list[Message]:
    """Write ``article`` as an EPUB 3 file at ``path``: cover, title page, article, licence page; returns
    warnings. ``cover`` is the cover JPEG; without it one is drawn from the article."""
    book = _new_book(article.id, article.title, article.language, article.authors)
    if article.published:
        book.add_metadata("DC", "date", iso_date(article))
    if article.source_url:
        book.add_metadata("DC", "source", article.source_url)
    if article.capture is not None:  # the archived copy the book was made from, and when it was captured
        book.add_metadata(None, "meta", dates.utc_text(article.capture.captured), {"property": "dcterms:created"})
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
    cover_page = _cover(book, cover or article_cover(article), article.title, article.language, css)
    _add_images(book, [article])

    body, headings = _body(article)
    title_page = _page(
        "title.xhtml",
        article.title,
        f'<section epub:type="titlepage">{title_block(article)}</section>',
        article.language,
    )
    article_page = _page(
        "article.xhtml",
        article.title,
        f'<section epub:type="bodymatter chapter" role="doc-chapter" class="article">{body}</section>',
        article.language,
    )
    texts = i18n.labels(article.language)
    licence_title = texts.text("Licence and attribution")
    licence_page = _page("licence.xhtml", licence_title, licence_section(article), texts.language)
    for page in (title_page, article_page, licence_page):
        page.add_item(css)
        book.add_item(page)
    sections = [epub.Link(f"article.xhtml#{hid}", text, hid) for hid, text in headings]
    book.toc = [
        epub.Link("title.xhtml", texts.text("Title page"), "titlepage"),
        (epub.Section(article.title, "article.xhtml"), sections) if sections else article_page,
        epub.Link("licence.xhtml", licence_title, "licence"),
    ]
    _navigation(book, css, article.language, "article.xhtml")
    book.spine = [cover_page, title_page, "nav", article_page, licence_page]
    _write(book, path, dates.stamp([article.published]), article.language)
    fallback = i18n.fallback_message(article.language)
    return [fallback] if fallback else []


def write_epub_bundle(title: str, articles: Sequence[Article], path: Path, cover: bytes | None = None) -> list[Message]:
    """Write several articles as one EPUB: a cover, a title page, contents, one chapter per article (each with
    its own byline, date, source and licence block), and a closing page listing every article's licence.
    ``cover`` is the cover JPEG; without it one is drawn from the title and the articles."""
    language = bundle_language(articles)
    texts = i18n.labels(language)
    authors = list(dict.fromkeys(name for a in articles for name in a.authors))
    identifier = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "bundle:" + "|".join(sorted(a.id for a in articles))))
    book = _new_book(identifier, title, language, authors)
    published = dates.latest(a.published for a in articles)
    if published is not None:
        book.add_metadata("DC", "date", published.date().isoformat())
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
    cover_page = _cover(book, cover or bundle_cover(title, articles), title, language, css)
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
        notes_and_body, headings = _body(article, part=n)  # headings under the chapter's h1 title
        licence = licence_section(article, standalone=False, heading_level=2)
        if i18n.labels(article.language).english and not is_english(article.language):
            licence = f'<div lang="en" dir="ltr">{licence}</div>'
        content = (
            f'<section epub:type="chapter" role="doc-chapter" class="article">{title_block(article)}'
            f"{notes_and_body}{licence}</section>"
        )
        page = _page(name, article.title, content, article.language)
        chapters.append(page)
        sections = [epub.Link(f"{name}#{hid}", text, f"a{n}-{hid}") for hid, text in headings]
        toc.append((epub.Section(article.title, name), sections) if sections else page)
    overview_title = texts.text("Licences of the articles")
    overview = _page(
        "licences.xhtml",
        overview_title,
        licences_overview(articles, links=[c.file_name for c in chapters]),
        texts.language,
    )
    for page in (title_page, *chapters, overview):
        page.add_item(css)
        book.add_item(page)
    book.toc = [
        epub.Link("title.xhtml", texts.text("Title page"), "titlepage"),
        *toc,
        epub.Link("licences.xhtml", overview_title, "licences"),
    ]
    _navigation(book, css, language, chapters[0].file_name)
    book.spine = [cover_page, title_page, "nav", *chapters, overview]
    _write(book, path, dates.stamp(a.published for a in articles), language)
    return []


def _navigation(book: epub.EpubBook, css: epub.EpubItem, language: str, start: str) -> None:
    """NCX, the navigation document (contents, and landmarks for the contents and the start of the text)."""
    texts = i18n.labels(language)
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav(title="" if texts.english and not is_english(language) else texts.text("Contents"))
    nav.add_item(css)
    book.add_item(nav)
    book.guide = [
        {"type": "toc", "href": "nav.xhtml", "title": texts.text("Contents")},
        {"type": "text", "href": start, "title": texts.text("Start of the text")},
    ]


def _uid(key: str) -> str:
    return "img-" + re.sub(r"[^A-Za-z0-9_-]", "-", key.split("/")[-1])


class XhtmlPage(epub.EpubHtml):
    """A content document we serialize ourselves, never pretty-printed: whitespace is the body's own.

    ebooklib indents the XHTML it writes, which changes the text of every ``<pre>`` (a blank line and eight
    spaces before a code block). Here the body markup is parsed once and written out as it is.
    """

    body_markup: str = ""
    """The markup of the ``<body>`` (HTML or XHTML; serialized as XHTML)."""

    def get_content(self, default: bytes | None = None) -> bytes:
        """The whole XHTML document: declaration, doctype, head (title, style sheets), body."""
        body = lxml.html.fragment_fromstring(self.body_markup, create_parent="body")
        attrs = f' lang="{escape(self.lang)}" xml:lang="{escape(self.lang)}"' if self.lang else ""
        if self.direction:
            attrs += f' dir="{escape(self.direction)}"'
        links = "".join(
            f'<link href="{escape(link["href"])}" rel="{escape(link.get("rel", "stylesheet"))}"'
            f' type="{escape(link.get("type", "text/css"))}"/>'
            for link in self.get_links()
        )
        document = (
            f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"{attrs}>'
            f"<head><title>{escape(self.title, quote=False)}</title>{links}</head>"
            f"{etree.tostring(body, method='xml', encoding='unicode')}</html>"
        )
        root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))  # well-formed
        return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


def _page(file_name: str, title: str, content: str, language: str) -> XhtmlPage:
    page = XhtmlPage(title=title, file_name=file_name, lang=language, direction=_direction(language))
    page.body_markup = content
    page.content = f"<html><head><title>{escape(title)}</title></head><body>{content}</body></html>"
    return page


EPUB_TRANSFORMS = Transforms()
"""The EPUB writer's transforms of each article body (a :class:`BookBody`), in priority order."""


@EPUB_TRANSFORMS.add("heading-levels", 100)
def _heading_levels(doc: BookBody) -> None:
    """Every heading gets an id and a level that never skips one; the top-level ones go to the contents.

    Levels keep the source's nesting but close its gaps (h2 then h4 becomes h2 then h3). The top level is h2
    for a bundle's chapter (under its own h1 title), else the highest level the body uses. The (id, text) of
    each top-level heading is left in ``doc.extra["headings"]``.
    """
    found = [el for el in doc.root.iter(*_HEADINGS) if el is not doc.root]
    headings: list[tuple[str, str]] = []
    doc.extra["headings"] = headings
    if not found:
        return
    top = 2 if doc.part is not None else min(int(el.tag[1]) for el in found)
    stack: list[tuple[int, int]] = []  # (source level, new level) of the open headings
    for counter, el in enumerate(found, 1):
        source = int(el.tag[1])
        while stack and stack[-1][0] >= source:
            stack.pop()
        level = min(stack[-1][1] + 1 if stack else top, 6)
        stack.append((source, level))
        hid = el.get("id")
        if hid is None:  # the new id goes first, before the heading's own attributes
            hid = f"section-{counter}"
            attrs = list(el.attrib.items())
            el.attrib.clear()
            el.set("id", hid)
            for name, value in attrs:
                el.set(name, value)
        el.tag = f"h{level}"
        if level == top:
            headings.append((hid, " ".join(el.text_content().split())))


@EPUB_TRANSFORMS.add("noterefs", 200)
def _noterefs(doc: BookBody) -> None:
    """Note calls become pop-up note links; a call of a note with no text stays a citation marker.

    A note cited again gets its own anchor; the note's backlink goes to the first call.
    """
    notes = {n.id: n for n in doc.article.footnotes if n.body}
    calls: Counter[str] = Counter()
    for sup in list(doc.root.iter("sup")):
        if sup.get("class") != "noteref" or not sup.get("data-note"):
            continue
        note = notes.get(sup.get("data-note") or "")
        sup.attrib.clear()
        if note is None:
            sup.set("class", "citation")
            continue
        calls[note.id] += 1
        anchor = f"ref-{note.id}" if calls[note.id] == 1 else f"ref-{note.id}-{calls[note.id]}"
        link = lxml.html.Element("a")
        for name, value in (
            ("epub:type", "noteref"),
            ("role", "doc-noteref"),
            ("href", f"#note-{note.id}"),
            ("id", anchor),
        ):
            link.set(name, value)
        link.text, sup.text = sup.text, None
        link.extend(list(sup))
        sup.append(link)


@EPUB_TRANSFORMS.add("note-asides", 300)
def _note_asides(doc: BookBody) -> None:
    """The notes follow the body as footnote asides, each opening with a link back to its call."""
    for note in (n for n in doc.article.footnotes if n.body):
        aside = _element(
            "aside",
            {"epub:type": "footnote", "role": "doc-footnote", "id": f"note-{note.id}", "class": "footnote"},
        )
        backlink = _element("p", {"class": "backlink"})
        link = _element("a", {"href": f"#ref-{note.id}", "role": "doc-backlink"})
        link.text = note.label
        backlink.append(link)
        aside.append(backlink)
        parts = lxml.html.fragments_fromstring(note.body or "")
        if parts and isinstance(parts[0], str):
            backlink.tail = parts.pop(0)
        aside.extend(parts)
        doc.root.append(aside)


def _element(tag: str, attrs: dict[str, str]) -> Any:
    el = lxml.html.Element(tag)
    for name, value in attrs.items():
        el.set(name, value)
    return el


def _body(article: Article, *, part: int | None = None) -> tuple[str, list[tuple[str, str]]]:
    """The article's body for the book (the EPUB transforms applied) and its top-level headings."""
    doc = BookBody.of(article, Reporter(), part=part)
    EPUB_TRANSFORMS.apply(doc)
    html = escape(doc.root.text or "", quote=False) + "".join(
        lxml.html.tostring(child, encoding="unicode", method="html") for child in doc.root
    )
    return html, doc.extra["headings"]


# ---- Accessibility metadata ------------------------------------------------------------------------------


@dataclass
class Accessibility:
    """What a book holds that matters to a reader who cannot see, or reads by other means."""

    articles: int
    images: int
    described: int
    """Images whose alt text describes them (not empty, not a file name or badge label)."""
    animated: int
    notes: int
    rtl_languages: list[str]
    """Right-to-left languages whole articles are written in."""
    rtl_passages: list[str]
    """Right-to-left languages of passages inside left-to-right articles (marked with lang and dir)."""
    language_known: bool
    untitled_tables: int
    """Tables with no header cell: their structure is lost to a screen reader (WCAG 1.3.1)."""

    @property
    def all_described(self) -> bool:
        """True when every image carries a text alternative."""
        return self.described == self.images

    @property
    def conforms(self) -> bool:
        """True when nothing we know of stands between the book and EPUB Accessibility 1.1 / WCAG 2.1 AA."""
        return self.all_described and self.language_known and not self.animated and not self.untitled_tables


def assess(articles: list[Article]) -> Accessibility:
    """Derive the accessibility facts of a book from its articles' content."""
    images = described = untitled = 0
    passages: set[str] = set()
    for article in articles:
        if not article.body.strip():
            continue
        root = lxml.html.fragment_fromstring(article.body, create_parent="div")
        if not is_rtl(article.language):
            passages |= {language_name(el.get("lang") or "") for el in root.iter() if el.get("dir") == "rtl"}
        for img in root.iter("img"):
            images += 1
            alt = " ".join((img.get("alt") or "").split())
            described += bool(alt) and not is_image_label(alt)
        for table in root.iter("table"):
            untitled += not any(True for _ in table.iter("th"))
    animated = len({i.key for a in articles for i in a.images if _is_animated(i.read_bytes())})
    rtl = sorted({language_name(a.language) for a in articles if is_rtl(a.language)})
    return Accessibility(
        articles=len(articles),
        images=images,
        described=described,
        animated=animated,
        notes=sum(1 for a in articles for n in a.footnotes if n.body),
        rtl_languages=rtl,
        rtl_passages=sorted(passages - set(rtl)),
        language_known=all(a.language and a.language.lower() not in ("und", "zxx") for a in articles),
        untitled_tables=untitled,
    )


def _is_animated(data: bytes) -> bool:
    """True for an image with more than one frame (animated GIF, PNG or WebP): a possible flashing hazard."""
    from PIL import Image as Pillow  # WeasyPrint's own dependency

    try:
        with Pillow.open(io.BytesIO(data)) as img:
            return getattr(img, "n_frames", 1) > 1
    except (OSError, ValueError):
        return False


def summary(facts: Accessibility) -> str:
    """A plain-language accessibility summary: what the book has, what it lacks, and what it claims."""
    if facts.articles == 1:
        parts = ["This book holds one article, with a cover, a title page, a table of contents and a licence page."]
    else:
        parts = [
            f"This book collects {facts.articles} articles after a cover, each a chapter with its own title, credits"
            " and licence, and ends with a page listing every licence; a table of contents links to each."
        ]
    parts.append("Headings mark the sections, and the reading order follows the original.")
    if facts.notes:
        s = "s" if facts.notes != 1 else ""
        parts.append(f"It has {facts.notes} footnote{s}, each linked from the text and back.")
    if facts.images:
        lacking = facts.images - facts.described
        if not lacking:
            parts.append(
                f"Its {facts.images} image{'s' if facts.images != 1 else ''} all have text descriptions."
                if facts.images != 1
                else "Its one image has a text description."
            )
        else:
            parts.append(
                f"{lacking} of its {facts.images} image{'s' if facts.images != 1 else ''} "
                f"{'have' if lacking != 1 else 'has'} no text description, so some visual content is not "
                "available as text."
            )
    else:
        parts.append("It has no images.")
    if facts.animated:
        parts.append("Some images are animated; whether they flash has not been checked.")
    if facts.untitled_tables:
        parts.append("Some tables have no header cells.")
    if facts.rtl_languages:
        names = " and ".join(facts.rtl_languages)
        scope = "The text is" if facts.articles == 1 else "Some of the text is"
        parts.append(f"{scope} in {names}, written right to left, and marked as such.")
    if facts.rtl_passages:
        names = " and ".join(facts.rtl_passages)
        parts.append(f"Passages in {names} are marked with their language and read right to left.")
    parts.append("There are no print page numbers: the book has no print edition.")
    if facts.conforms:
        parts.append(
            "It meets EPUB Accessibility 1.1 and WCAG 2.1 Level AA as far as the exporter's automated checks can"
            " tell; no person has reviewed it."
        )
    else:
        parts.append("It makes no claim of conformance to EPUB Accessibility 1.1, for the reasons above.")
    return " ".join(parts)


def _accessibility(book: epub.EpubBook, articles: list[Article]) -> None:
    """schema.org accessibility metadata and, only when it holds, the EPUB Accessibility 1.1 conformance claim."""
    facts = assess(articles)

    def meta(prop: str, value: str, **attrs: str) -> None:
        book.add_metadata(None, "meta", value, {"property": prop, **attrs})

    meta("schema:accessMode", "textual")
    if facts.images:
        meta("schema:accessMode", "visual")
        meta("schema:accessModeSufficient", "textual,visual")
    if not facts.images or facts.all_described:
        meta("schema:accessModeSufficient", "textual")
    for feature in ("structuralNavigation", "tableOfContents", "readingOrder"):
        meta("schema:accessibilityFeature", feature)
    if facts.images and facts.all_described:
        meta("schema:accessibilityFeature", "alternativeText")
    meta("schema:accessibilityHazard", "unknown" if facts.animated else "none")
    meta("schema:accessibilitySummary", summary(facts))
    if facts.conforms:
        meta("dcterms:conformsTo", CONFORMANCE, id="conformance")
        meta("a11y:certifiedBy", EVALUATOR, refines="#conformance")


# ---- Packaging -------------------------------------------------------------------------------------------


def _repack(data: bytes, stamp: datetime, language: str) -> bytes:
    """Rewrite the zip with fixed timestamps and order (mimetype first, stored), xml:lang on the package, and
    the navigation document's finishing touches."""
    date_time = dates.zip_time(stamp)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        names = ["mimetype", *sorted(n for n in src.namelist() if n != "mimetype")]
        for name in names:
            content = src.read(name)
            if name.endswith(".opf"):
                content = _package_lang(content, language)
            elif name.endswith("/nav.xhtml"):
                content = _finish_nav(content, language)
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, content, compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()


def _package_lang(opf: bytes, language: str) -> bytes:
    root = etree.fromstring(opf)
    root.set(_XML_LANG, language)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _finish_nav(nav: bytes, language: str) -> bytes:
    """Mark the writer's English labels as English in a book in another language, set the direction of a
    right-to-left book on the root, and hide the landmarks list (reading systems show their own)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(nav, parser)
    if is_rtl(language):
        root.set("dir", "rtl")
    english = is_english(language) or not i18n.labels(language).english  # labels in the book's language
    for el in root.iter(f"{_XHTML}a", f"{_XHTML}h2"):
        if not english and (el.text or "").strip() in _NAV_LABELS:
            el.set("lang", "en")
            el.set(_XML_LANG, "en")
            el.set("dir", "ltr")
    for nav_el in root.iter(f"{_XHTML}nav"):
        if nav_el.get(_EPUB_TYPE) == "landmarks":
            nav_el.set("hidden", "hidden")
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


class EpubWriter:
    """The ``epub`` format (see :mod:`exporter.writers.registry`)."""

    format = "epub"
    suffix = ".epub"

    def write(self, article: Article, path: Path, options: WriteOptions) -> list[Message]:
        """One article as an EPUB."""
        return write_epub(article, path, options.cover)

    def write_bundle(self, title: str, articles: Sequence[Article], path: Path, options: WriteOptions) -> list[Message]:
        """Several articles as one EPUB."""
        return write_epub_bundle(title, articles, path, options.cover)


EPUB_WRITER = EpubWriter()

"""PDF writer: one Article to a print-ready PDF through WeasyPrint.

The layout lives in ``styles/print.css`` plus one ``styles/paper-<name>.css`` per paper size. WeasyPrint is
imported on first use and kept, with one FontConfiguration and the parsed stylesheets, for the whole process.
Every resource WeasyPrint asks for goes through :class:`LocalOnlyFetcher` (built by :func:`make_url_fetcher`):
``data:`` URIs and local files inside the allowed folders only, never the network.
"""

from __future__ import annotations

import base64
import io
import logging
import mimetypes
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import lxml.html
from lxml import etree

from exporter import __version__, dates, i18n
from exporter.languages import is_rtl
from exporter.messages import Message, Reporter, warning
from exporter.model import Article, Image
from exporter.resources import Resolver
from exporter.transforms import Transforms
from exporter.writers import fonts, hyphenation, pages, pdf_archival, pdf_cmaps, stylesheet, weasyprint_pages
from exporter.writers.document import BookBody
from exporter.writers.pdf_options import PAPERS as PAPERS  # re-exported: its home before pdf_options
from exporter.writers.registry import WriteOptions

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher


# Elements that never belong in an article body handed to WeasyPrint: they change metadata, fetch or embed
# resources, or restyle the page. The cleaner removes them already; the writer does not rely on that.
_DROPPED_TAGS = ("link", "meta", "base", "title", "script", "style", "iframe", "object", "embed", "frame")
# Phrasing elements a footnote body may keep; any other element inside a note becomes a span.
_INLINE_TAGS = frozenset(
    "a abbr b bdi bdo br cite code del dfn em i img ins kbd mark q s samp small span strong sub sup time u var "
    "wbr".split()
)
_MAX_URL_IN_WARNING = 200
IMAGE_SCHEME = "exporter-image"
"""The scheme of the image URLs the PDF's HTML uses: ``exporter-image:<key>``, served by the fetcher."""
# Elements holding lines of text: indexed so a second layout pass can relax their orphans rule.
_LINE_BLOCKS = tuple("p li dd dt blockquote pre td th figcaption div h2 h3 h4 h5 h6".split())
_MAX_LAYOUT_PASSES = 4


@cache
def _weasyprint() -> Any:
    """The weasyprint module, imported once per process (the import costs most of a second)."""
    from exporter.writers.native_libraries import import_weasyprint  # lazy: commands with no PDF never pay for it

    return import_weasyprint()


@cache
def _font_config() -> Any:
    """The process-wide FontConfiguration."""
    _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _stylesheets(paper: str) -> list[Any]:
    """The parsed print.css and paper-<paper>.css, once per paper and process.

    Read from the package with importlib.resources (so a wheel works); they fetch nothing (a test checks).
    """
    weasyprint, font_config = _weasyprint(), _font_config()
    fetcher = make_url_fetcher([])
    return [
        weasyprint.CSS(file_obj=io.BytesIO(stylesheet(name)), url_fetcher=fetcher, font_config=font_config)
        for name in ("print.css", f"paper-{paper}.css")
    ]


def _short(url: str) -> str:
    return url if len(url) <= _MAX_URL_IN_WARNING else url[:_MAX_URL_IN_WARNING] + "…"


def make_url_fetcher(roots: list[Path]) -> URLFetcher:
    """A WeasyPrint URL fetcher that serves ``data:`` URIs and files inside ``roots`` only.

    Everything else (http, https, ftp, files elsewhere, symlinks leading out) is refused without opening a
    connection; the fetcher's ``refused`` list records each refused URL.
    """
    return _fetcher_class()(roots)


@cache
def _fetcher_class() -> type:
    _weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """Serves ``data:`` URIs and files under the allowed roots; refuses everything else."""

        def __init__(self, roots: list[Path]) -> None:
            super().__init__(timeout=1, allowed_protocols={"data", "file"}, allow_redirects=False)
            self.resolver = Resolver(roots=list(roots))
            self.refused: list[str] = []
            self.images: dict[str, Image] = {}
            """The article's image files by key, served as ``exporter-image:<key>``."""

        def serve(self, images: Iterable[Image]) -> None:
            """Serve these images' files by key (``exporter-image:<key>``)."""
            self.images.update({image.key: image for image in images if image.data is None})

        def local_path(self, url: str) -> Path | None:
            """The real path of an allowed ``file:`` URL, or None."""
            try:
                parts = urlsplit(url)
                if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                    return None
                path = Path(url2pathname(parts.path))
                return path.resolve() if self.resolver.is_allowed(path) else None
            except (OSError, ValueError):
                return None

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == IMAGE_SCHEME:
                image = self.images.get(url[len(IMAGE_SCHEME) + 1 :])
                if image is not None and image.content is not None:  # read by the client, inside its roots
                    media_type = mimetypes.guess_type(image.path.name)[0] or "application/octet-stream"
                    # by its own URL, not the file's: WeasyPrint would read a file: URL's file again itself
                    return URLFetcherResponse(url, body=image.content, headers={"Content-Type": media_type})
                path = Path(image.path) if image is not None else None
                path = path.resolve() if path is not None and self.resolver.is_allowed(path) else None
            else:
                path = self.local_path(url) if scheme == "file" else None
            if path is None:
                self.refused.append(url)
                raise ValueError(f"refused by the exporter (only local files in the input folders): {_short(url)}")
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": media_type})

    return LocalOnlyFetcher


def _head(article: Article) -> str:
    parts = ['<meta charset="utf-8">', f"<title>{escape(article.title)}</title>"]
    parts += [f'<meta name="author" content="{escape(a)}">' for a in article.authors]
    if article.subtitle:
        parts.append(f'<meta name="description" content="{escape(article.subtitle)}">')
    if article.subjects:
        keywords = ", ".join(s.replace(",", " ").strip() for s in article.subjects)
        parts.append(f'<meta name="keywords" content="{escape(keywords)}">')
    created = dates.build_date([article.published])
    if created is not None:
        parts.append(f'<meta name="dcterms.created" content="{dates.w3c_datetime(created)}">')
    parts.append(f'<meta name="generator" content="exporter {escape(__version__)}">')
    return "<head>" + "".join(parts) + "</head>"


def _flatten_note(body: str) -> list[Any]:
    """A note body as inline content: block elements become spans (a note sits inside a paragraph)."""
    holder = lxml.html.fragment_fromstring(body, create_parent="span")
    for el in holder.iter():
        if el is holder or not isinstance(el.tag, str):
            continue
        if el.tag not in _INLINE_TAGS:
            el.attrib.clear()
            el.tag = "span"
            el.set("class", "fn-block")
    return [holder.text or "", *list(holder)]


PDF_TRANSFORMS = Transforms()
"""The PDF writer's transforms of each article body (a :class:`BookBody`), in priority order."""


@PDF_TRANSFORMS.add("article-body", 10)
def _article_body(doc: BookBody) -> None:
    """The body's wrapper gets the class the print styles address."""
    doc.root.set("class", "article-body")


@PDF_TRANSFORMS.add("drop-unsafe", 100)
def _drop_unsafe(doc: BookBody) -> None:
    """Elements that fetch, embed or restyle (``link``, ``meta``, ``style``…) go, and so does rel=attachment.

    The cleaner removes them already; the writer does not rely on that.
    """
    root = doc.root
    for tag in _DROPPED_TAGS:
        for _ in root.iter(tag):
            doc.report.warning("pdf", "dropped-element", f"dropped a <{tag}> element from the body")
        etree.strip_elements(root, tag, with_tail=False)
    for el in root.iter("a"):
        if "attachment" in (el.get("rel") or "").lower().split():
            del el.attrib["rel"]
            doc.report.warning("pdf", "attachment-rel", "ignored rel=attachment on a link")


@PDF_TRANSFORMS.add("image-sources", 200)
def _image_sources(doc: BookBody) -> None:
    """Image keys become ``exporter-image:`` URLs the fetcher serves (or data: URIs for bytes the cleaner kept);
    unknown images are left out."""
    images = {img.key: img for img in doc.article.images}
    for el in list(doc.root.iter("img")):
        src = (el.get("src") or "").strip()
        if src in images:
            image = images[src]
            data = getattr(image, "data", None)
            if data is not None:  # a data: URI's image or a cleaned SVG: embed the bytes the cleaner kept
                el.set("src", f"data:{image.media_type};base64,{base64.b64encode(data).decode('ascii')}")
            else:  # by key, not by path: the PDF's bytes must not depend on the folder the input sits in
                el.set("src", IMAGE_SCHEME + ":" + image.key)
        elif src and ":" not in src.split("/", 1)[0]:
            doc.report.warning(
                "pdf", "image-unknown", f"image {_short(src)!r} is not one of the article's images; left out"
            )
            el.drop_tree()


@PDF_TRANSFORMS.add("note-floats", 300)
def _note_floats(doc: BookBody) -> None:
    """Each note's first call becomes a footnote float holding the note; later calls stay as markers."""
    notes = {fn.id: fn for fn in doc.article.footnotes}
    placed: set[str] = set()
    for sup in list(doc.root.iter("sup")):
        if "noteref" not in (sup.get("class") or "").split():
            continue
        note_id = sup.get("data-note") or ""
        note = notes.get(note_id)
        label = sup.text_content().strip() or (note.label if note else "")
        if note is None or note.body is None or note_id in placed:
            if note is None:
                doc.report.warning(
                    "pdf", "noteref-missing", f"note reference {note_id!r} has no note; kept as a citation marker"
                )
            sup.attrib.clear()
            sup.set("class", "citation" if note_id not in placed else "noteref-again")
            continue
        placed.add(note_id)
        span = etree.Element("span", {"class": "footnote", "data-label": label or note.label})
        first, *children = _flatten_note(note.body)
        span.text = first
        span.extend(children)
        span.tail = sup.tail
        sup.getparent().replace(sup, span)


@PDF_TRANSFORMS.add("alt-text", 400)
def _alt_text(doc: BookBody) -> None:
    """Images without alt text take their figure's caption; PDF/UA-1 requires one on every figure."""
    doc.report.extend(pdf_archival.fill_alt_text(doc.root, variant=doc.options.variant))


@PDF_TRANSFORMS.add("no-hyphens", 500)
def _no_hyphens(doc: BookBody) -> None:
    """Words with digits or inner capitals ("HTML5", "ACCESSIBILITY", "WordPress") are kept from hyphenation."""
    hyphenation.mark_unhyphenated(doc.root)


@PDF_TRANSFORMS.add("line-blocks", 900)
def _line_block_index(doc: BookBody) -> None:
    """Blocks of lines get a ``data-b`` index so that a later layout pass can relax their orphans rule."""
    prefix = f"{doc.part}." if doc.part is not None else ""
    for index, el in enumerate(el for el in doc.root.iter(*_LINE_BLOCKS) if el is not doc.root):
        el.set("data-b", f"{prefix}{index}")


@PDF_TRANSFORMS.add("pre-newline", 950)
def _pre_newline(doc: BookBody) -> None:
    """A code block whose text starts with a line break keeps it: the HTML parser WeasyPrint uses drops the one
    line break right after ``<pre>``, so such a block is written with one more (as HTML serializers do)."""
    for pre in doc.root.iter("pre"):
        if pre.text and pre.text.startswith("\n"):
            pre.text = "\n" + pre.text


def _body(article: Article, report: Reporter, options: WriteOptions, part: int | None = None) -> Any:
    """The article's body as a tree ready for print: the PDF transforms applied."""
    doc = BookBody.of(article, report, options, part)
    PDF_TRANSFORMS.apply(doc)
    # A warning per character (title block, body, notes) that no pinned font has: see docs/fonts.md.
    heads = [article.title, article.subtitle or "", article.site_name or "", *article.authors]
    report.extend(fonts.coverage_messages("".join(heads) + doc.root.text_content()))
    return doc.root


def _document_html(article: Article, body: Any) -> str:
    """The whole print document: head (PDF metadata), title block, body, licence page last."""
    lang = article.language or ""
    dir_attr = ' dir="rtl"' if is_rtl(lang) else ""
    body_html = lxml.html.tostring(body, encoding="unicode", method="html")
    return (
        f'<!DOCTYPE html><html lang="{escape(lang)}"{dir_attr}>{_head(article)}<body>'
        f'<article class="article">{pages.title_block(article)}{body_html}</article>'
        # The licence page is in the article's language, or in English (marked so) when there is no catalog.
        f'<div class="licence-page"{_label_attrs(i18n.labels(lang), is_rtl(lang))}>'
        f"{pages.licence_section(article)}</div></body></html>"
    )


def _label_attrs(texts: i18n.Labels, root_rtl: bool) -> str:
    """The attributes of an element holding our fixed texts: marked English when they are English (as they are in
    every book without a catalog for its language), else only the direction when the root does not give it."""
    if texts.english:
        return ' lang="en" dir="ltr"'
    return ' dir="rtl"' if texts.direction == "rtl" and not root_rtl else ""


def _notes_away_from_calls(document: Any, expected_calls: int) -> tuple[list[Message], dict[str, int]]:
    """Find footnotes not set on the page of their call, and the blocks whose orphans rule caused it.

    WeasyPrint 70, when only ``orphans - 1`` lines of a paragraph fit at the foot of a page, moves the page's
    footnotes to the next page to make room for one more line (and does not always move them back when the
    paragraph goes to the next page after all). Returns a message per displaced note and, for each such page,
    the ``data-b`` index of the paragraph at the top of the next page with the orphans value that avoids it.
    The page boxes are read by :mod:`weasyprint_pages`; if their shape changed, its warning is all that returns.
    """
    pages, messages = weasyprint_pages.footnote_pages(document, expected_calls)
    fixes: dict[str, int] = {}
    for number, page in enumerate(pages, start=1):
        for label in page.away:
            messages.append(
                warning("pdf", "note-away", f"footnote {label!r} is not on page {number}, where its call is")
            )
        if page.away and number < len(pages):
            # The paragraph that starts or continues at the top of the next page took the notes' room.
            following = pages[number]
            if following.first_block is not None and following.first_orphans > 1:
                fixes[following.first_block] = following.first_orphans - 1
    return messages, fixes


class _Collector(logging.Handler):
    """Collects WeasyPrint's error messages (unusable resources) logged by this thread."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


def _render(html: str, fetcher: Any, paper: str) -> Any:
    """Lay out ``html`` with the print styles (a WeasyPrint Document)."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    return document.render(stylesheets=_stylesheets(paper), font_config=_font_config())


def _finish(document: Any, pdf: Any) -> None:
    """WeasyPrint's finisher: the ToUnicode CMaps made legal for poppler (see :mod:`pdf_cmaps`)."""
    pdf_cmaps.repair_to_unicode(pdf)


def _fetch_messages(fetcher: Any, logged: list[str]) -> list[Message]:
    """A message per refused URL, and per complaint WeasyPrint logged about an unusable resource."""
    texts: dict[str, str] = {}
    for url in fetcher.refused:
        texts.setdefault(
            f"refused to load {_short(url)} (only data: URIs and local files in the input folders)", "refused-url"
        )
    for message in logged:
        if not any(_short(url) in message or url in message for url in fetcher.refused):
            texts.setdefault(message, "weasyprint")
    return [
        warning("pdf", "refused-url", text) if code == "refused-url" else warning("pdf", "weasyprint", text)
        for text, code in texts.items()
    ]


class _LogCapture:
    """Context manager: WeasyPrint's error messages logged by this thread while it is active."""

    def __enter__(self) -> list[str]:
        self.handler = _Collector()
        logging.getLogger("weasyprint").addHandler(self.handler)
        return self.handler.messages

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("weasyprint").removeHandler(self.handler)


def _line_blocks(body: Any) -> dict[str, Any]:
    return {el.get("data-b"): el for el in body.iter(*_LINE_BLOCKS) if el.get("data-b") is not None}


def _footnote_floats(body: Any) -> int:
    """How many notes the note-floats transform set as footnote floats in ``body``."""
    return sum(1 for el in body.iter("span") if el.get("class") == "footnote")


def _layout(make_html: Callable[[], str], blocks: dict[str, Any], floats: int, fetcher: Any, paper: str) -> Any:
    """Lay out the document, re-laying it out (at most a few times) while footnotes land away from their calls.

    ``floats`` is the number of footnote floats in the document. Returns the WeasyPrint document and a warning
    per note still away from its call.
    """
    away: list[Message] = []
    for attempt in range(_MAX_LAYOUT_PASSES):
        document = _render(make_html(), fetcher, paper)
        if not floats:
            return document, []
        away, fixes = _notes_away_from_calls(document, floats)
        changed = False
        for key, orphans in fixes.items():
            el = blocks.get(key)
            if el is not None and el.get("data-orphans") is None:
                el.set("data-orphans", str(orphans))
                changed = True
        if not away or not changed or attempt == _MAX_LAYOUT_PASSES - 1:
            break
    return document, away


def write_pdf(
    article: Article,
    path: Path,
    *,
    paper: str = "a4",
    resource_roots: list[Path],
    variant: str | None = None,
) -> list[Message]:
    """Write ``article`` as a print-ready PDF at ``path``; returns the PDF stage's messages.

    ``paper`` is ``a4``, ``letter`` or ``a5``. ``variant`` is None (plain PDF), ``"pdf/a-3b"`` (archival: sRGB
    output intent, the cleaned source and the WXR item embedded) or ``"pdf/ua-1"`` (tagged, alt text on every
    image). Every variant carries the licence in its XMP and document information (see :mod:`pdf_archival`).
    Only files inside ``resource_roots`` are read; nothing is fetched from the network.
    The same article always gives the same bytes. Errors inside WeasyPrint propagate; nothing is written then.
    The command line checks ``paper`` and ``variant`` before any work.
    """
    report = Reporter()
    body = _body(article, report, WriteOptions(paper, variant, tuple(resource_roots)))
    fetcher = make_url_fetcher(resource_roots)
    fetcher.serve(article.images)
    with _LogCapture() as logged:
        document, away = _layout(
            lambda: _document_html(article, body), _line_blocks(body), _footnote_floats(body), fetcher, paper
        )
        with dates.tools_build_date(dates.stamp([article.published])):
            data = document.write_pdf(pdf_variant=variant, finisher=_finish)
    sources = pdf_archival.source_files([article]) if variant == "pdf/a-3b" else []
    data = pdf_archival.finish(data, pdf_archival.article_metadata(article), variant, sources)
    path.write_bytes(data)
    fallback = i18n.fallback_message(article.language)
    return [*report, *away, *_fetch_messages(fetcher, logged), *([fallback] if fallback else [])]


def _bundle_html(title: str, articles: list[Article], bodies: list[Any]) -> str:
    """One print document for many articles: cover, contents with page numbers, the articles, licences page."""
    language = pages.bundle_language(articles)
    texts = i18n.labels(language)
    authors = list(dict.fromkeys(name for a in articles for name in a.authors))
    head = ['<meta charset="utf-8">', f"<title>{escape(title)}</title>"]
    head += [f'<meta name="author" content="{escape(a)}">' for a in authors]
    created = dates.build_date(a.published for a in articles)
    if created is not None:
        head.append(f'<meta name="dcterms.created" content="{dates.w3c_datetime(created)}">')
    head.append(f'<meta name="generator" content="exporter {escape(__version__)}">')
    anchors = [f"article-{n}" for n in range(1, len(articles) + 1)]
    contents = "".join(
        f'<li><a href="#{anchor}">{_contents_title(a, texts)}</a></li>'
        for anchor, a in zip(anchors, articles, strict=True)
    )
    contents_heading = texts.text("Contents")
    parts = [
        f'<!DOCTYPE html><html lang="{escape(language)}"><head>{"".join(head)}</head><body>',
        f'<div class="bundle-cover">{pages.bundle_title_block(title, articles)}</div>',
        f'<nav class="contents"{_label_attrs(texts, False)}>'
        f'<h2 class="contents-heading">{escape(contents_heading, quote=False)}</h2>',
        f"<ol>{contents}</ol></nav>",
    ]
    for anchor, article, body in zip(anchors, articles, bodies, strict=True):
        lang = article.language or ""
        dir_attr = ' dir="rtl"' if is_rtl(lang) else ""
        body_html = lxml.html.tostring(body, encoding="unicode", method="html")
        licence = pages.licence_section(article, standalone=False)
        if i18n.labels(lang).english:
            licence = f'<div lang="en" dir="ltr">{licence}</div>'
        parts.append(
            f'<article class="article bundle-article" id="{anchor}" lang="{escape(lang)}"{dir_attr}>'
            f"{pages.title_block(article)}{body_html}{licence}</article>"
        )
    links = [f"#{anchor}" for anchor in anchors]
    parts.append(
        f'<div class="licence-page"{_label_attrs(texts, False)}>{pages.licences_overview(articles, links=links)}</div>'
    )
    return "".join(parts) + "</body></html>"


def _contents_title(article: Article, texts: i18n.Labels) -> str:
    """An article's title in a bundle's printed contents; marked with its language when the contents are in
    another (translated) language."""
    if texts.english:  # as before catalogs: the titles are not marked inside the English contents
        return escape(article.title)
    return pages.in_language(article.language, texts.language, escape(article.title))


def write_pdf_bundle(
    title: str,
    articles: list[Article],
    path: Path,
    *,
    paper: str = "a4",
    resource_roots: list[Path],
    variant: str | None = None,
) -> list[str]:
    """Write several articles as one PDF: cover, printed contents with page numbers, each article with its own
    title block and licence block, and a closing page listing every article's licence. Returns warnings.

    ``variant`` as for :func:`write_pdf`; a PDF/A-3b bundle embeds every article's sources, numbered.
    """
    report = Reporter()
    options = WriteOptions(paper, variant, tuple(resource_roots))
    bodies = [_body(article, report, options, part=n) for n, article in enumerate(articles, 1)]
    blocks = {key: el for body in bodies for key, el in _line_blocks(body).items()}
    fetcher = make_url_fetcher(resource_roots)
    for article in articles:
        fetcher.serve(article.images)
    floats = sum(_footnote_floats(body) for body in bodies)
    with _LogCapture() as logged:
        document, away = _layout(lambda: _bundle_html(title, articles, bodies), blocks, floats, fetcher, paper)
        with dates.tools_build_date(dates.stamp(a.published for a in articles)):
            data = document.write_pdf(pdf_variant=variant, finisher=_finish)
    sources = pdf_archival.source_files(articles, bundle=True) if variant == "pdf/a-3b" else []
    data = pdf_archival.finish(data, pdf_archival.bundle_metadata(title, articles), variant, sources)
    path.write_bytes(data)
    return [*report, *away, *_fetch_messages(fetcher, logged)]


class PdfWriter:
    """The ``pdf`` format (see :mod:`exporter.writers.registry`)."""

    format = "pdf"
    suffix = ".pdf"

    def write(self, article: Article, path: Path, options: WriteOptions) -> list[Message]:
        """One article as a PDF."""
        return write_pdf(
            article, path, paper=options.paper, resource_roots=list(options.resource_roots), variant=options.variant
        )

    def write_bundle(self, title: str, articles: Sequence[Article], path: Path, options: WriteOptions) -> list[Message]:
        """Several articles as one PDF."""
        return write_pdf_bundle(
            title,
            list(articles),
            path,
            paper=options.paper,
            resource_roots=list(options.resource_roots),
            variant=options.variant,
        )


PDF_WRITER = PdfWriter()

"""Archival finishing of the PDFs WeasyPrint renders: XMP with the licence, embedded sources, alt text.

WeasyPrint 70 writes the PDF/A-3b identification and sRGB output intent (``pdf/a-3b``) or the tag tree
(``pdf/ua-1``); this module adds, after rendering and through pikepdf, what it cannot:

* one XMP packet (every variant) with title, creators, date, language, ``dc:rights`` (the licence statement),
  ``xmpRights:Marked`` and ``xmpRights:WebStatement`` (the licence URL), consistent with the document
  information dictionary, which also gets the licence URL (``/License``) and statement (``/Rights``);
* for PDF/A-3b, the cleaned article (a small XHTML document) and, for WXR inputs, the original ``<item>`` XML
  as embedded files with ``/AFRelationship /Source``, listed in the catalog's ``/AF`` array;
* before rendering, alt text for images that have none (their figure caption), with a warning for each image
  that has neither.

Nothing here reads the clock: dates follow :mod:`exporter.dates` (docs/dates.md), the file identifier
(``/ID``) is a hash of the content, so the same input gives the same bytes in any time zone, on any day.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any

import lxml.html
from lxml import etree

from exporter import dates
from exporter.messages import Message, warning
from exporter.model import Article
from exporter.writers import pages
from exporter.writers.pdf_options import VARIANTS as VARIANTS  # re-exported: their home before pdf_options
from exporter.writers.pdf_options import check_variant as check_variant

NO_ALT_WARNING = "image without alt text or caption"
NO_ALT_TEXT = "Image (no description in the source)"
"""The /Alt of a PDF/UA figure whose source gives neither alt text nor a caption (PDF/UA needs one)."""
PUBLIC_DOMAIN_IDS = ("CC0", "PDM")
"""Licence id prefixes that mark a public-domain work: ``xmpRights:Marked`` is False for them."""

XHTML_NS = "http://www.w3.org/1999/xhtml"
XMP_NAMESPACES = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


# ---- rights ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rights:
    """What the XMP and the document information say about rights."""

    statement: str
    url: str | None = None
    marked: bool | None = None
    """``xmpRights:Marked``: True for a licensed (rights-managed) work, False for public domain, None unknown."""


def _licence_statement(article: Article) -> str:
    lic = article.licence
    if lic is None:
        return pages.NO_LICENCE
    return lic.statement.strip() or f"Licensed under {lic.name} ({lic.id}): {lic.url}"


def rights_for(articles: Sequence[Article]) -> Rights:
    """The rights of one article, or of a bundle (one shared licence, or each article's licence listed)."""
    licences = {(a.licence.id, a.licence.url) if a.licence else None for a in articles}
    if len(licences) == 1:
        article = articles[0]
        lic = article.licence
        if lic is None:
            return Rights(pages.NO_LICENCE)
        statement = (
            _licence_statement(article)
            if len(articles) == 1
            else (f"Every article in this collection is licensed under {lic.name} ({lic.id}): {lic.url}")
        )
        return Rights(statement, lic.url, not lic.id.upper().startswith(PUBLIC_DOMAIN_IDS))
    parts = []
    for article in articles:
        lic = article.licence
        what = f"{lic.name} ({lic.id}), {lic.url}" if lic else "no licence statement found in the source"
        parts.append(f"{article.title}: {what}")
    return Rights("Each article in this collection keeps its own licence. " + "; ".join(parts) + ".")


# ---- metadata --------------------------------------------------------------------------------------------


@dataclass
class Metadata:
    """Everything the finisher writes into both the XMP packet and the document information dictionary."""

    title: str
    authors: list[str]
    language: str
    rights: Rights
    date: datetime | None = None
    """Creation date of the document (``xmp:CreateDate``, ``/CreationDate``): from the source, never the clock."""
    published: datetime | None = None
    """Publication date (``dc:date``): from the source only."""
    description: str | None = None
    keywords: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    source: str | None = None


def article_metadata(article: Article) -> Metadata:
    """The metadata of a one-article PDF."""
    return Metadata(
        title=article.title,
        authors=list(article.authors),
        language=article.language or "",
        rights=rights_for([article]),
        date=dates.build_date([article.published]),
        published=article.published,
        description=article.subtitle or None,
        keywords=[s.replace(",", " ").strip() for s in article.subjects],
        publishers=[article.site_name] if article.site_name else [],
        source=article.source_url,
    )


def bundle_metadata(title: str, articles: Sequence[Article]) -> Metadata:
    """The metadata of a bundle: its title, every author once, the latest date, the most common language."""
    return Metadata(
        title=title,
        authors=list(dict.fromkeys(name for a in articles for name in a.authors)),
        language=pages.bundle_language(articles),
        rights=rights_for(articles),
        date=dates.build_date(a.published for a in articles),
        published=dates.latest(a.published for a in articles),
        publishers=sorted({a.site_name for a in articles if a.site_name}),
    )


def _q(prefix: str, name: str) -> str:
    return f"{{{XMP_NAMESPACES[prefix]}}}{name}"


def _container(parent: Any, prefix: str, name: str, kind: str, values: Sequence[str], lang: bool = False) -> None:
    holder = etree.SubElement(etree.SubElement(parent, _q(prefix, name)), _q("rdf", kind))
    for value in values:
        li = etree.SubElement(holder, _q("rdf", "li"))
        if lang:
            li.set(_XML_LANG, "x-default")
        li.text = value


def _simple(parent: Any, prefix: str, name: str, value: str) -> None:
    etree.SubElement(parent, _q(prefix, name)).text = value


def xmp_packet(meta: Metadata, variant: str | None, *, producer: str | None, creator_tool: str | None) -> bytes:
    """One XMP packet (a single rdf:Description) in predefined schemas only, so PDF/A needs no extension schema.

    Keeps the variant's identification (``pdfaid:part`` 3 and ``pdfaid:conformance`` B, or ``pdfuaid:part`` 1).
    """
    used = ["rdf", "dc", "xmp", "pdf", "xmpRights"]
    if variant == "pdf/a-3b":
        used.append("pdfaid")
    elif variant == "pdf/ua-1":
        used.append("pdfuaid")
    root = etree.Element(_q("x", "xmpmeta"), nsmap={"x": XMP_NAMESPACES["x"]})
    rdf = etree.SubElement(root, _q("rdf", "RDF"), nsmap={"rdf": XMP_NAMESPACES["rdf"]})
    desc = etree.SubElement(rdf, _q("rdf", "Description"), nsmap={p: XMP_NAMESPACES[p] for p in used if p != "rdf"})
    desc.set(_q("rdf", "about"), "")
    if variant == "pdf/a-3b":
        _simple(desc, "pdfaid", "part", "3")
        _simple(desc, "pdfaid", "conformance", "B")
    elif variant == "pdf/ua-1":
        _simple(desc, "pdfuaid", "part", "1")
    _simple(desc, "dc", "format", "application/pdf")
    _container(desc, "dc", "title", "Alt", [meta.title], lang=True)
    if meta.authors:
        _container(desc, "dc", "creator", "Seq", meta.authors)
    if meta.description:
        _container(desc, "dc", "description", "Alt", [meta.description], lang=True)
    if meta.published is not None:
        _container(desc, "dc", "date", "Seq", [dates.w3c_datetime(meta.published)])
    if meta.language:
        _container(desc, "dc", "language", "Bag", [meta.language])
    if meta.publishers:
        _container(desc, "dc", "publisher", "Bag", meta.publishers)
    if meta.keywords:
        _container(desc, "dc", "subject", "Bag", meta.keywords)
    if meta.source:
        _simple(desc, "dc", "source", meta.source)
    _container(desc, "dc", "rights", "Alt", [meta.rights.statement], lang=True)
    if meta.rights.marked is not None:
        _simple(desc, "xmpRights", "Marked", "True" if meta.rights.marked else "False")
    if meta.rights.url:
        _simple(desc, "xmpRights", "WebStatement", meta.rights.url)
    if meta.date is not None:
        _simple(desc, "xmp", "CreateDate", dates.w3c_datetime(meta.date))
    if creator_tool:
        _simple(desc, "xmp", "CreatorTool", creator_tool)
    if producer:
        _simple(desc, "pdf", "Producer", producer)
    if meta.keywords:
        _simple(desc, "pdf", "Keywords", ", ".join(meta.keywords))
    body = etree.tostring(root, encoding="utf-8")
    return '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'.encode() + body + b'\n<?xpacket end="r"?>'


# ---- embedded sources ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    """A file to embed in a PDF/A-3 as its source (``/AFRelationship /Source``)."""

    name: str
    data: bytes
    mime: str
    description: str
    date: datetime | None = None


def _parse_fragment(fragment: str) -> Any:
    """An XHTML fragment as the children of an XHTML ``body`` element (HTML parsing when it is not XML)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(f'<body xmlns="{XHTML_NS}">{fragment}</body>', parser)
    except etree.XMLSyntaxError:
        holder = lxml.html.fragment_fromstring(fragment or "", create_parent="body")
        for el in holder.iter():
            if isinstance(el.tag, str):
                el.tag = f"{{{XHTML_NS}}}{el.tag}"
        return holder


def canonical_xhtml(article: Article) -> bytes:
    """The cleaned article as a small standalone XHTML document: head metadata, title, body, notes."""
    lang = article.language or ""
    head = [f"<title>{escape(article.title)}</title>"]
    head += [f'<meta name="author" content="{escape(a)}"/>' for a in article.authors]
    if article.published is not None:
        head.append(f'<meta name="dcterms.created" content="{dates.w3c_datetime(article.published)}"/>')
    if article.source_url:
        head.append(f'<link rel="canonical" href="{escape(article.source_url)}"/>')
    if article.licence is not None:
        head.append(f'<link rel="license" href="{escape(article.licence.url)}"/>')
    head.append(f'<meta name="dcterms.rights" content="{escape(_licence_statement(article))}"/>')
    parts = [f'<h1 class="title">{article.title_html or escape(article.title)}</h1>']
    if article.subtitle:
        parts.append(f'<p class="subtitle">{escape(article.subtitle)}</p>')
    skeleton = (
        f'<html xmlns="{XHTML_NS}" lang="{escape(lang)}" xml:lang="{escape(lang)}">'
        f'<head><meta charset="utf-8"/>{"".join(head)}</head><body>{"".join(parts)}</body></html>'
    )
    html = etree.fromstring(skeleton)
    body = html[1]
    article_body = _parse_fragment(article.body or "")
    body.append(_element("div", {"class": "article-body"}, article_body))
    notes = [fn for fn in article.footnotes if fn.body is not None]
    if notes:
        section = etree.SubElement(body, f"{{{XHTML_NS}}}section", {"class": "footnotes"})
        for note in notes:
            attrs = {"class": "footnote", "id": f"note-{note.id}", "data-note": note.id, "data-label": note.label}
            section.append(_element("aside", attrs, _parse_fragment(note.body or "")))
    text = etree.tostring(html, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + text + "\n").encode("utf-8")


def _element(tag: str, attrs: dict[str, str], holder: Any) -> Any:
    """A new XHTML element holding ``holder``'s text and children."""
    el = etree.Element(f"{{{XHTML_NS}}}{tag}", attrs)
    el.text = holder.text
    el.extend(list(holder))
    return el


def _item_xml(article: Article) -> bytes | None:
    xml = getattr(article, "source_xml", None)
    if not xml:
        return None
    text = xml if xml.lstrip().startswith("<?xml") else '<?xml version="1.0" encoding="UTF-8"?>\n' + xml
    return text.encode("utf-8")


def source_files(articles: Sequence[Article], *, bundle: bool = False) -> list[SourceFile]:
    """The sources to embed: per article its canonical XHTML and, for WXR inputs, the original ``<item>``.

    One article: ``article.xhtml`` and ``wordpress-item.xml``; a bundle numbers them (``article-2.xhtml``).
    """
    files: list[SourceFile] = []
    for n, article in enumerate(articles, 1):
        suffix = f"-{n}" if bundle else ""
        date = dates.build_date([article.published])
        files.append(
            SourceFile(
                f"article{suffix}.xhtml",
                canonical_xhtml(article),
                "application/xhtml+xml",
                f"Cleaned source of the article {article.title!r} (title, body and notes as XHTML)",
                date,
            )
        )
        item = _item_xml(article)
        if item is not None:
            files.append(
                SourceFile(
                    f"wordpress-item{suffix}.xml",
                    item,
                    "application/xml",
                    f"Original WordPress export (WXR) item of the article {article.title!r}",
                    date,
                )
            )
    return files


# ---- alt text --------------------------------------------------------------------------------------------


def fill_alt_text(body: Any, *, variant: str | None) -> list[Message]:
    """Give every ``img`` in ``body`` (an lxml.html tree) alt text: its own, else its figure's caption.

    For PDF/UA-1 an image with neither gets :data:`NO_ALT_TEXT` (a figure must have /Alt) and a warning.
    """
    warnings: list[Message] = []
    for img in body.iter("img"):
        if (img.get("alt") or "").strip():
            continue
        caption = _figure_caption(img)
        if caption:
            img.set("alt", caption)
        elif variant == "pdf/ua-1":
            src = img.get("src") or ""
            name = src.rsplit("/", 1)[-1][:80]
            warnings.append(warning("pdf", "no-alt-text", f"PDF/UA: {NO_ALT_WARNING}", where=name or None))
            img.set("alt", NO_ALT_TEXT)
    return warnings


def _figure_caption(img: Any) -> str:
    """The whitespace-collapsed text of the caption of the nearest ``figure`` around ``img``, or ''."""
    for ancestor in img.iterancestors():
        if ancestor.tag == "figure":
            caption = next(ancestor.iter("figcaption"), None)
            return " ".join(caption.text_content().split()) if caption is not None else ""
    return ""


# ---- the finisher ----------------------------------------------------------------------------------------


def _pdf_string(value: str) -> Any:
    import pikepdf

    return pikepdf.String(value)


def _set_info(info: Any, key: str, value: str | None) -> None:
    import pikepdf

    if value:
        info[pikepdf.Name(key)] = _pdf_string(value)
    elif key in info:
        del info[pikepdf.Name(key)]


def _embed(pdf: Any, files: Sequence[SourceFile]) -> None:
    """Embed ``files`` with /AFRelationship /Source: name tree, catalog /AF, MIME subtype, fixed dates."""
    import pikepdf

    specs = []
    for source in files:
        params = pikepdf.Dictionary(
            Size=len(source.data),
            CheckSum=pikepdf.String(hashlib.md5(source.data).digest()),  # the checksum PDF defines
        )
        if source.date is not None:
            params.ModDate = _pdf_string(dates.pdf_date(source.date))
        stream = pikepdf.Stream(pdf, source.data)
        stream.Type = pikepdf.Name.EmbeddedFile
        stream.Subtype = pikepdf.Name("/" + source.mime)
        stream.Params = params
        spec = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Filespec,
                F=_pdf_string(source.name),
                UF=_pdf_string(source.name),
                Desc=_pdf_string(source.description),
                AFRelationship=pikepdf.Name.Source,
                EF=pikepdf.Dictionary(F=stream, UF=stream),
            )
        )
        specs.append((source.name, spec))
    specs.sort(key=lambda pair: pair[0])
    names = pikepdf.Array()
    for name, spec in specs:
        names.append(_pdf_string(name))
        names.append(spec)
    root = pdf.Root
    if "/Names" not in root:
        root.Names = pikepdf.Dictionary()
    root.Names.EmbeddedFiles = pdf.make_indirect(pikepdf.Dictionary(Names=names))
    root.AF = pikepdf.Array([*root.get("/AF", pikepdf.Array()), *(spec for _, spec in specs)])


def finish(data: bytes, meta: Metadata, variant: str | None, sources: Sequence[SourceFile] = ()) -> bytes:
    """The rendered PDF ``data`` with the archival metadata (and, for PDF/A-3b, ``sources`` embedded).

    The document information and the XMP packet say the same things; the variant's identification and
    output intent stay as WeasyPrint wrote them. Saved with a content-derived ``/ID``: the same input always
    gives the same bytes.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        info = pdf.trailer.Info if "/Info" in pdf.trailer else None
        if info is None:
            info = pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary())
        producer = str(info.Producer) if "/Producer" in info else None
        creator = str(info.Creator) if "/Creator" in info else None
        _set_info(info, "/Title", meta.title)
        _set_info(info, "/Author", ", ".join(meta.authors))
        _set_info(info, "/Subject", meta.description)
        _set_info(info, "/Keywords", ", ".join(meta.keywords))
        _set_info(info, "/CreationDate", dates.pdf_date(meta.date) if meta.date is not None else None)
        _set_info(info, "/ModDate", None)  # no xmp:ModifyDate either: the source gives no modification date
        _set_info(info, "/License", meta.rights.url)
        _set_info(info, "/Rights", meta.rights.statement)
        packet = xmp_packet(meta, variant, producer=producer, creator_tool=creator)
        pdf.Root.Metadata = pdf.make_stream(packet, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        if variant == "pdf/a-3b" and sources:
            _embed(pdf, sources)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()

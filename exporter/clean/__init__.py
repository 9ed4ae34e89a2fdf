"""The cleaner: RawArticle in, one canonical sanitized Article out.

Stages run in a fixed order, each a small transform over the HTML string or the tree:
WordPress post content (wpautop, block delimiters, more/nextpage; string) → footnotes (string) →
shortcodes (string) → sanitize (string) → details, headings, labels, licence, citations, images,
right-to-left runs, nesting (tree) → XHTML.
"""

from __future__ import annotations

import uuid

import lxml.html

from exporter.clean.blocks import prepare_post_content
from exporter.clean.citations import mark_citations, unlink_dangling
from exporter.clean.direction import language_of_text, mark_rtl
from exporter.clean.footnotes import extract_footnotes
from exporter.clean.gallery import registry_for
from exporter.clean.handlers import Registry, apply_shortcodes
from exporter.clean.images import resolve_images
from exporter.clean.labels import drop_image_labels
from exporter.clean.licence import detect_licence
from exporter.clean.links import absolutize_links
from exporter.clean.sanitize import sanitize_with_warnings, to_xhtml
from exporter.clean.structure import demote_h1, drop_empty, expand_details, fix_nesting, wrap_loose_inline
from exporter.clean.textnodes import make_element
from exporter.model import Article, RawArticle
from exporter.resources import Resolver

EMPTY_NOTE = "The source holds no text for this article."
ID_NAMESPACE = uuid.UUID("6f2b1f0e-3c0a-5d8e-9a51-6b7c2f0d4e11")


def article_id(raw: RawArticle) -> str:
    """A stable identifier: from the source URL, else the post id and source hash, else the source hash."""
    key = raw.source_url or (f"post:{raw.post_id}:{raw.source_hash}" if raw.post_id else f"sha256:{raw.source_hash}")
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, key)}"


def clean(raw: RawArticle, resolver: Resolver | None = None, registry: Registry | None = None) -> Article:
    """Turn what a reader found into a clean Article; every decision is listed in ``warnings``."""
    warnings = list(raw.warnings)
    html, content_warnings = prepare_post_content(raw.html, raw.content_format)
    warnings += content_warnings
    registry = registry or registry_for(raw)
    html, footnotes, note_warnings = extract_footnotes(html, raw.footnotes_meta, registry)
    warnings += note_warnings
    html, shortcode_warnings = apply_shortcodes(html, registry)
    warnings += shortcode_warnings
    html, dropped = sanitize_with_warnings(html)
    warnings += dropped
    root = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")

    warnings += expand_details(root)
    demote_h1(root)
    warnings += drop_image_labels(root)
    licence, licence_warnings = detect_licence(root, raw.licence_hints)
    warnings += licence_warnings
    mark_citations(root)
    warnings += absolutize_links(root, raw.source_url)
    unlink_dangling(root)
    resolver = resolver or Resolver(roots=[raw.base_dir] if raw.base_dir else [])
    images, image_warnings = resolve_images(root, resolver, raw.base_dir, source_path=raw.source_path)
    warnings += image_warnings

    detected = language_of_text(root.text_content())
    language = raw.language or detected or "en"
    if not raw.language:
        warnings.append(f"language not declared; assumed '{language}' from the text's script")
    elif detected and detected != language.split("-")[0]:
        warnings.append(f"text is mostly in '{detected}' script; language set to '{detected}', not '{language}'")
        language = detected
    mark_rtl(root, language.split("-")[0])

    wrap_loose_inline(root)
    fix_nesting(root)
    drop_empty(root)
    if not root.text_content().strip() and not images:
        root.append(make_element("p", EMPTY_NOTE, **{"class": "empty-note"}))
        warnings.append("the source holds no article text: the book says so instead of being empty")
    body = to_xhtml(root)

    return Article(
        id=article_id(raw),
        title=" ".join(raw.title.split()) or raw.source_path.stem,
        body=body,
        source_path=raw.source_path,
        subtitle=raw.subtitle,
        authors=list(raw.authors),
        published=raw.published,
        source_url=raw.source_url,
        site_name=raw.site_name,
        language=language,
        post_id=raw.post_id,
        subjects=list(raw.subjects),
        licence=licence,
        footnotes=footnotes,
        images=images,
        warnings=warnings,
        source_hash=raw.source_hash,
        source_xml=raw.source_xml,
    )

"""The cleaner: RawArticle in, one canonical sanitized Article out.

``clean`` builds a :class:`~exporter.clean.document.CleanDocument` and applies the cleaner's transforms in
priority order (the order is declared once, in :mod:`exporter.clean.transforms`), then serializes the tree as
XHTML. Every decision is a message record on the article.
"""

from __future__ import annotations

import uuid

from exporter.clean.document import CleanDocument
from exporter.clean.gallery import registry_for
from exporter.clean.handlers import Registry
from exporter.clean.sanitize import to_xhtml
from exporter.clean.transforms import EMPTY_NOTE, TRANSFORMS
from exporter.messages import Reporter
from exporter.model import Article, RawArticle
from exporter.resources import Resolver
from exporter.transforms import Transforms

__all__ = ["EMPTY_NOTE", "TRANSFORMS", "CleanDocument", "article_id", "clean"]

ID_NAMESPACE = uuid.UUID("6f2b1f0e-3c0a-5d8e-9a51-6b7c2f0d4e11")


def article_id(raw: RawArticle) -> str:
    """A stable identifier: from the source URL, else the post id and source hash, else the source hash."""
    key = raw.source_url or (f"post:{raw.post_id}:{raw.source_hash}" if raw.post_id else f"sha256:{raw.source_hash}")
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, key)}"


def clean(
    raw: RawArticle,
    resolver: Resolver | None = None,
    registry: Registry | None = None,
    transforms: Transforms | None = None,
) -> Article:
    """Turn what a reader found into a clean Article; every decision is a message in ``warnings``.

    ``registry`` is the shortcode handler registry (default: the built-ins plus the export's galleries);
    ``transforms`` the cleaning transforms (default: :data:`TRANSFORMS`).
    """
    doc = CleanDocument(
        raw=raw,
        resolver=resolver or Resolver(roots=[raw.base_dir] if raw.base_dir else [], archive=raw.archive),
        shortcodes=registry or registry_for(raw),
        report=Reporter(raw.warnings),
    )
    (transforms or TRANSFORMS).apply(doc)
    return Article(
        id=article_id(raw),
        title=doc.title or " ".join(raw.title.split()) or raw.source_path.stem,
        title_html=doc.title_html,
        body=to_xhtml(doc.tree),
        source_path=raw.source_path,
        subtitle=raw.subtitle,
        authors=list(raw.authors),
        published=raw.published,
        source_url=raw.source_url,
        site_name=raw.site_name,
        language=doc.language,
        post_id=raw.post_id,
        subjects=list(raw.subjects),
        licence=doc.licence,
        footnotes=doc.notes,
        images=doc.images,
        missing_images=doc.missing_images,
        cover_image=doc.cover_image,
        warnings=doc.report.messages,
        source_hash=raw.source_hash,
        source_xml=raw.source_xml,
        capture=raw.capture,
    )

"""Placeholder covers (replaced by the covers branch): a plain 1400×2100 JPEG and its 350×525 thumbnail."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image

from exporter.model import Article


def article_cover(article: Article) -> bytes:
    """The cover of one article, as JPEG bytes."""
    return _jpeg(Image.new("RGB", (1400, 2100), (240, 236, 228)))


def bundle_cover(title: str, articles: Sequence[Article]) -> bytes:
    """The cover of a bundle, as JPEG bytes."""
    return _jpeg(Image.new("RGB", (1400, 2100), (228, 236, 240)))


def thumbnail(cover: bytes) -> bytes:
    """The 350×525 thumbnail of a cover, as JPEG bytes."""
    return _jpeg(Image.open(io.BytesIO(cover)).resize((350, 525)))


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()

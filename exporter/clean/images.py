"""Images: what the resolver serves is kept (src becomes the image key); any other image leaves its text.

Every ``<img>`` of the body passes here, whatever its ``src``: a local file inside the allowed folders or a
``data:`` image becomes an :class:`~exporter.model.Image`; a refused URL (remote, outside the folders, another
scheme, an unsafe SVG) gets a warning naming it, and the image is replaced by its alt text or dropped.
"""

from __future__ import annotations

from pathlib import Path

from lxml.html import HtmlElement

from exporter.clean.labels import is_image_label
from exporter.clean.textnodes import make_element
from exporter.messages import Message, info, warning
from exporter.model import Image
from exporter.resources import ImageSource, Refusal, Resolver
from exporter.urls import scheme


def resolve_images(
    root: HtmlElement, resolver: Resolver, base_dir: Path | None, *, source_path: Path | None = None
) -> tuple[list[Image], list[Message]]:
    """Point each <img> at a served image, or replace it by its alt text; returns images and messages.

    ``source_path`` (the input file) becomes the ``path`` of images that come from ``data:`` URIs.
    """
    images: dict[str, Image] = {}
    warnings: list[Message] = []
    for img in list(root.iter("img")):
        src = (img.get("src") or "").strip()
        alt = " ".join(img.get("alt", "").split())
        found = resolver.locate_image(src, base_dir) if src else None
        if isinstance(found, ImageSource):
            path = found.path or source_path or base_dir or Path()
            images.setdefault(
                found.key, Image(key=found.key, path=path, media_type=found.media_type, alt=alt, data=found.data)
            )
            for name in list(img.attrib):
                if name not in ("alt", "width", "height"):
                    del img.attrib[name]
            img.set("src", found.key)
            img.set("alt", alt)
            continue
        if isinstance(found, Refusal):
            level = info if found.code == "spacer" else warning
            warnings.append(level("images", found.code, str(found)))
        label = "data: URI" if scheme(src) == "data" else src.rsplit("/", 1)[-1][:80] or "(no src)"
        if alt and not is_image_label(alt) and not _has_caption(img):
            img.addprevious(make_element("span", f"[Image: {alt}]", **{"class": "image-missing"}))
            warnings.append(warning("images", "missing-alt-kept", f"image not found locally, alt text kept: {label}"))
        else:
            warnings.append(warning("images", "missing-dropped", f"image not found locally, dropped: {label}"))
        _remove_keep_tail(img)
    return list(images.values()), warnings


def _has_caption(img: HtmlElement) -> bool:
    fig = next((a for a in img.iterancestors("figure")), None)
    return fig is not None and fig.find(".//figcaption") is not None


def _remove_keep_tail(el: HtmlElement) -> None:
    el.drop_tree()


COVER_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
"""The featured image types a cover is drawn from (a bitmap; an SVG drawing is not)."""


def resolve_cover_image(
    url: str | None, resolver: Resolver, base_dir: Path | None, *, source_path: Path | None = None
) -> tuple[Image | None, list[Message]]:
    """The featured image the source names, found by the same resolver as the body's images (local files only,
    ``--media``; never the network); when it is not found, None and one info message naming it."""
    url = (url or "").strip()
    if not url:
        return None, []
    found = resolver.locate_image(url, base_dir)
    if isinstance(found, ImageSource) and found.media_type in COVER_TYPES:
        path = found.path or source_path or base_dir or Path()
        return Image(key=found.key, path=path, media_type=found.media_type, data=found.data), []
    if isinstance(found, ImageSource):
        why = "it is a drawing (SVG), not a picture"
    elif isinstance(found, Refusal):
        why = found.reason
    else:
        why = "not found locally"
    label = "data: URI" if scheme(url) == "data" else url.rsplit("/", 1)[-1][:80]
    text = f"featured image not used on the cover, {why}: {label}"
    return None, [info("images", "cover-image-missing", text)]

"""Images: local files found by the resolver are kept (src becomes the image key); others leave their text."""

from __future__ import annotations

from pathlib import Path

from lxml.html import HtmlElement

from exporter.clean.labels import is_image_label
from exporter.clean.textnodes import make_element
from exporter.model import Image
from exporter.resources import Resolver, image_key, media_type


def resolve_images(root: HtmlElement, resolver: Resolver, base_dir: Path | None) -> tuple[list[Image], list[str]]:
    """Point each <img> at a resolved local file, or replace it by its alt text; returns images and warnings."""
    images: dict[str, Image] = {}
    warnings: list[str] = []
    for img in list(root.iter("img")):
        src = img.get("src", "")
        alt = " ".join(img.get("alt", "").split())
        path = resolver.resolve(src, base_dir) if src else None
        kind = media_type(path) if path else None
        if path is not None and kind is not None:
            key = image_key(path)
            images.setdefault(key, Image(key=key, path=path, media_type=kind, alt=alt))
            for name in list(img.attrib):
                if name not in ("alt", "width", "height"):
                    del img.attrib[name]
            img.set("src", key)
            img.set("alt", alt)
            continue
        label = src.rsplit("/", 1)[-1][:80] or "(no src)"
        if alt and not is_image_label(alt) and not _has_caption(img):
            img.addprevious(make_element("span", f"[Image: {alt}]", **{"class": "image-missing"}))
            warnings.append(f"image not found locally, alt text kept: {label}")
        else:
            warnings.append(f"image not found locally, dropped: {label}")
        _remove_keep_tail(img)
    return list(images.values()), warnings


def _has_caption(img: HtmlElement) -> bool:
    fig = next((a for a in img.iterancestors("figure")), None)
    return fig is not None and fig.find(".//figcaption") is not None


def _remove_keep_tail(el: HtmlElement) -> None:
    el.drop_tree()

"""Images: what the resolver serves is kept (src becomes the image key); any other image leaves a placeholder.

Every ``<img>`` of the body passes here, whatever its ``src``: a local file inside the allowed folders or a
``data:`` image becomes an :class:`~exporter.model.Image`. Any other image (not found, a refused URL: remote,
outside the folders, another scheme, an unsafe SVG…) becomes a placeholder in its place (see
:func:`placeholder` and the conventions in :mod:`exporter.model`), a :class:`~exporter.model.MissingImage`, and
one warning naming it. Only spacer and tracking pixels vanish, with an info message.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml.html import HtmlElement

from exporter.clean.labels import is_image_label
from exporter.clean.textnodes import make_element
from exporter.i18n import IMAGE_LEFT_OUT, IMAGE_NOT_FOUND, IMAGE_NOT_FOUND_UNNAMED, labels
from exporter.languages import is_english
from exporter.messages import Message, info, warning
from exporter.model import Image, MissingImage
from exporter.resources import ImageSource, Refusal, Resolver, shown
from exporter.urls import scheme


def resolve_images(
    root: HtmlElement,
    resolver: Resolver,
    base_dir: Path | None,
    *,
    source_path: Path | None = None,
    missing: list[MissingImage] | None = None,
) -> tuple[list[Image], list[Message]]:
    """Point each <img> at a served image, or replace it by a placeholder; returns images and messages.

    ``source_path`` (the input file) becomes the ``path`` of images that come from ``data:`` URIs; each image
    not served is appended to ``missing`` (when given).
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
        gone = _not_found(img, src, alt, found, resolver.looked_for(src) if src else ())
        if isinstance(gone, Message):
            warnings.append(gone)
        else:
            warnings.append(gone[1])
            if missing is not None:
                missing.append(gone[0])
    return list(images.values()), warnings


NOT_FOUND = "not-found"
LEFT_OUT = "left-out"
PLACEHOLDER = "image-missing"
"""The class of the placeholder ``span`` (see :mod:`exporter.model`)."""
WORDING = "data-missing"
"""The attribute a placeholder carries from the ``images`` transform until ``image-placeholders`` words it:
:data:`NOT_FOUND` or :data:`LEFT_OUT`."""
LABEL = "data-label"
"""The attribute holding a placeholder's label until ``image-placeholders`` words it."""
_ABSENT = frozenset({"remote-image", "outside-input", "unsafe-scheme"})
"""Refusals that mean the image is not in the input (never fetched, never read): it reads as not found."""


def _not_found(
    img: HtmlElement, src: str, alt: str, found: Refusal | None, looked_for: tuple[str, ...]
) -> Message | tuple[MissingImage, Message]:
    """The not-found branch: a spacer vanishes (its info message); any other image becomes a placeholder, a
    :class:`MissingImage` and the one warning naming it (the refusal's, else ``images/not-found``)."""
    if isinstance(found, Refusal) and found.code == "spacer":
        img.drop_tree()
        return info("images", found.code, str(found))
    label = image_label(img, src, alt)
    wording = NOT_FOUND if found is None or found.code in _ABSENT else LEFT_OUT
    placeholder(img, label, wording)
    if isinstance(found, Refusal) and not (found.code == "remote-image" and looked_for):
        message = warning("images", found.code, str(found))
    else:  # not found where it was looked for (the input's folder, --media, the web archive)
        more = f" and {len(looked_for) - 2} more" if len(looked_for) > 2 else ""  # inspect lists them all
        where = f" (looked for: {', '.join(looked_for[:2])}{more})" if looked_for else ""
        text = f'image not found, a placeholder shows "{label}": {shown(src) if src else "(no address)"}{where}'
        message = warning("images", "not-found", text)
    return MissingImage(url=src, label=label, looked_for=looked_for), message


def image_label(img: HtmlElement, src: str, alt: str) -> str:
    """What a missing image's placeholder names: its alt text, unless that is a file name or badge label or
    repeats the caption beside it; else the file name of its URL (``data: URI`` for a ``data:`` image)."""
    caption = _caption_text(img)
    if alt and not is_image_label(alt) and alt.casefold() != caption.casefold():
        return alt
    kind = scheme(src)
    if kind == "data":
        return "data: URI"
    path = unquote(urlsplit(src).path) if len(kind) > 1 and kind != "file" else re.split(r"[?#]", src)[0]
    return re.split(r"[/\\]", path.rstrip("/\\"))[-1][:80] or alt


def placeholder(img: HtmlElement, label: str, wording: str = NOT_FOUND) -> HtmlElement:
    """Put the placeholder of a missing image in its place: an inline ``span.image-missing`` (it fits where the
    image did: a paragraph, a caption's figure, a gallery item), holding ``label`` and marked with the wording
    (:data:`WORDING`) the ``image-placeholders`` transform gives it in the article's language. Until then its
    text is empty (the label waits in :data:`LABEL`), so that file names do not count in language detection. The
    image's tail text stays."""
    span = make_element("span", "", **{"class": PLACEHOLDER, WORDING: wording, LABEL: label})
    span.tail = img.tail
    img.getparent().replace(img, span)
    return span


def word_placeholders(root: HtmlElement, language: str) -> int:
    """Give every placeholder the ``images`` transform made its text in the article's ``language`` ("Image not
    in the archive: canola2.jpg"); returns how many. Without a catalog for the language the text is English and
    the placeholder is marked ``lang="en"``."""
    texts = labels(language)
    count = 0
    for span in root.iter("span"):
        wording = span.attrib.pop(WORDING, None)
        if wording is None:
            continue
        name = " ".join(span.attrib.pop(LABEL, "").split())
        if wording == LEFT_OUT:
            span.text = texts.text(IMAGE_LEFT_OUT, name=name or "?")
        else:
            span.text = texts.text(IMAGE_NOT_FOUND, name=name) if name else texts.text(IMAGE_NOT_FOUND_UNNAMED)
        if texts.english and not is_english(language) and language not in ("", "und", "zxx", "mul"):
            span.set("lang", "en")
        count += 1
    return count


def _caption_text(img: HtmlElement) -> str:
    """The text of the caption of the figure holding ``img`` (whitespace collapsed), or ''."""
    fig = next((a for a in img.iterancestors("figure")), None)
    caption = fig.find(".//figcaption") if fig is not None else None
    return " ".join(caption.text_content().split()) if caption is not None else ""


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

"""A media folder for a WordPress export, made of generated images: what ``exporter export --media`` reads.

The export names its uploads (each attachment's ``wp:attachment_url``, and the images its posts show); this
writes a small generated image at each of those paths under a folder, in the format its suffix names, each in
its own colour. No image is ever fetched: the pictures are made here, so tests can lay out galleries with their
images present without the site's files.
"""

from __future__ import annotations

import colorsys
import re
from pathlib import Path

from lxml import etree
from PIL import Image, ImageDraw

from exporter.media_paths import upload_path as media_upload_path

_WP = re.compile(r"^\{https?://wordpress\.org/export/1\.[0-9]+/\}")
"""The WXR namespace, whichever of its versions and schemes the export declares (the theme unit test's is https)."""
CONTENT = "http://purl.org/rss/1.0/modules/content/"
SUFFIXES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF"}
_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def upload_path(url: str) -> str | None:
    """The path of an image upload URL inside the uploads folder (``2008/06/x.jpg``), or None for any other URL."""
    relative = media_upload_path(url)
    return relative if relative is not None and Path(relative).suffix.lower() in SUFFIXES else None


def upload_paths(wxr: Path, *, content: bool = True) -> list[str]:
    """Every image upload a WXR names, sorted: its attachments' URLs and ``_wp_attached_file`` paths, and (with
    ``content``) the images its posts' content shows."""
    found: set[str] = set()
    meta_key = ""
    for _, elem in etree.iterparse(str(wxr), events=("end",), resolve_entities=False, no_network=True):
        tag = elem.tag if isinstance(elem.tag, str) else ""
        local = _WP.sub("", tag) if _WP.match(tag) else None
        if local == "attachment_url":
            found.update(p for p in [upload_path(elem.text or "")] if p)
        elif local == "meta_key":
            meta_key = (elem.text or "").strip()
        elif local == "meta_value" and meta_key == "_wp_attached_file":
            relative = (elem.text or "").strip()
            if upload_path(f"https://example.org/wp-content/uploads/{relative}") == relative:
                found.add(relative)
        elif content and tag == f"{{{CONTENT}}}encoded":
            found.update(p for p in map(upload_path, _IMG_SRC.findall(elem.text or "")) if p)
            elem.clear()
    return sorted(found)


def write_image(path: Path, index: int, size: tuple[int, int] = (240, 160)) -> None:
    """A small picture at ``path`` in the format its suffix names: a colour of its own and a diagonal band."""
    red, green, blue = colorsys.hsv_to_rgb((index * 0.618034) % 1.0, 0.55, 0.85)
    colour = (int(red * 255), int(green * 255), int(blue * 255))
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, size[1]), (size[0] // 3, 0), (size[0] // 2, 0), (size[0] // 6, size[1])], fill=(255, 255, 255))
    path.parent.mkdir(parents=True, exist_ok=True)
    kind = SUFFIXES[path.suffix.lower()]
    if kind == "GIF":
        image = image.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    image.save(path, kind)


def write_media(wxr: Path, folder: Path, *, content: bool = True) -> list[Path]:
    """Write a generated image at each upload path the WXR names (:func:`upload_paths`), under ``folder``;
    returns the files."""
    written = []
    for index, relative in enumerate(upload_paths(wxr, content=content)):
        path = folder / relative
        write_image(path, index)
        written.append(path)
    return written

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

WP = "http://wordpress.org/export/1.2/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
SUFFIXES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF"}
_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def upload_path(url: str) -> str | None:
    """The path of an image upload URL inside the uploads folder (``2008/06/x.jpg``), or None for any other URL."""
    relative = media_upload_path(url)
    return relative if relative is not None and Path(relative).suffix.lower() in SUFFIXES else None


def upload_paths(wxr: Path) -> list[str]:
    """Every image upload a WXR names: attachment URLs and the images of its posts' content, sorted."""
    found: set[str] = set()
    for _, elem in etree.iterparse(str(wxr), events=("end",), resolve_entities=False, no_network=True):
        if elem.tag == f"{{{WP}}}attachment_url":
            urls = [elem.text or ""]
        elif elem.tag == f"{{{CONTENT}}}encoded":
            urls = _IMG_SRC.findall(elem.text or "")
        else:
            continue
        found.update(p for p in map(upload_path, urls) if p)
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


def write_media(wxr: Path, folder: Path) -> list[Path]:
    """Write a generated image at each upload path the WXR names, under ``folder``; returns the files."""
    written = []
    for index, relative in enumerate(upload_paths(wxr)):
        path = folder / relative
        write_image(path, index)
        written.append(path)
    return written

"""Every image a published post or page names is embedded, from a media folder laid out as ``Y/M/name``.

The theme unit test export and jekyll-import's WordPress.com export name their images on WordPress.com hosts
(``SITE.files.wordpress.com/2008/06/canola2.jpg?w=604``, ``SITE.wordpress.com/wp-content/uploads/...``): the media
folder holds a generated image at each path the attachments name (tests/wptrt_media.py, attachments only: not
the posts' own URLs), and the export with ``--media`` must embed every ``[gallery]``, ``[caption]`` and inline
image. Referenced images are counted from the export's text here, independently of the cleaner.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree

from tests.conftest import SHARED
from tests.tools import run_cli
from tests.wptrt_media import write_media

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(not SHARED.is_dir(), reason=f"conformance data not found at {SHARED}"),
]

WPTRT = SHARED / "corpus" / "wptrt" / "themeunittestdata.wordpress.xml"
JEKYLL = SHARED / "corpus" / "jekyll-import" / "sitetitle.wordpress.2025-01-19.000.xml"
_IMG_SRC = re.compile(r"""<img\b[^>]*?\ssrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_GALLERY = re.compile(r"\[gallery\b([^\]]*)\]")
_IDS = re.compile(r"""\bids\s*=\s*["']?([\d,\s]+)""")
_PICTURE = re.compile(r"\.(?:jpe?g|png|gif|webp)$", re.IGNORECASE)
_XHTML = "{http://www.w3.org/1999/xhtml}"
CONTENT = "http://purl.org/rss/1.0/modules/content/"


def _local(el: etree._Element) -> str:
    """A field's name: its local name; ``content`` for ``content:encoded``, ``excerpt`` for ``excerpt:encoded``."""
    name = etree.QName(el)
    if name.localname == "encoded":
        return "content" if name.namespace == CONTENT else "excerpt"
    return name.localname


def _items(wxr: Path) -> Iterator[dict[str, str]]:
    """Each ``<item>`` of the export as {field: text} (WXR fields by local name, content, post meta left out)."""
    tree = etree.parse(str(wxr), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    for item in tree.iter("item"):
        fields = {_local(c): (c.text or "").strip() for c in item if isinstance(c.tag, str) and _local(c) != "postmeta"}
        yield fields


def _image(url: str) -> str:
    """An image's identity: host and decoded path, without query or fragment (``?w=604`` is the same image)."""
    parts = urlsplit(url.strip())
    return f"{parts.netloc.lower()}{unquote(parts.path)}"


def referenced(wxr: Path) -> dict[str, set[str]]:
    """The distinct images each published post and page names, by post id: inline ``<img>`` (also inside
    ``[caption]``), and each ``[gallery]``'s attachments (its ``ids``, else the images attached to the post)."""
    items = list(_items(wxr))
    attachments = {i["post_id"]: i for i in items if i.get("post_type") == "attachment"}
    found: dict[str, set[str]] = {}
    for item in items:
        if item.get("post_type") not in ("post", "page") or item.get("status") != "publish":
            continue
        content = item.get("content", "")
        images = {_image(src) for src in _IMG_SRC.findall(content)}
        for attributes in _GALLERY.findall(content):
            ids = _IDS.search(attributes)
            if ids:
                members = [attachments[i] for i in re.split(r"[,\s]+", ids.group(1).strip()) if i in attachments]
            else:
                members = [a for a in attachments.values() if a.get("post_parent") == item["post_id"]]
            images.update(_image(a["attachment_url"]) for a in members if _PICTURE.search(a["attachment_url"]))
        found[item["post_id"]] = images
    return found


def embedded(out: Path) -> dict[str, list[str]]:
    """The images each EPUB's article shows, by post id: the distinct ``src`` of its ``<img>`` elements."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for item in manifest["items"]:
        for output in item["outputs"]:
            if output["format"] != "epub":
                continue
            with zipfile.ZipFile(out / output["path"]) as zf:
                page = etree.fromstring(zf.read("EPUB/article.xhtml"))
            found[item["source"]["post_id"]] = sorted({img.get("src") for img in page.iter(f"{_XHTML}img")})
    return found


def _counts(wxr: Path, tmp_path: Path, layout: str) -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    media = tmp_path / "media"
    assert write_media(wxr, media / layout, content=False)
    out = tmp_path / "out"
    result = run_cli("export", wxr, "-o", out, "-q", "-f", "epub", "--media", media)
    assert result.returncode == 0, result.stderr
    return referenced(wxr), embedded(out)


def _assert_all_found(wxr: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], layout: str) -> None:
    wanted, books = _counts(wxr, tmp_path, layout)
    missing = {post: len(images) - len(books.get(post, [])) for post, images in wanted.items() if images}
    total = sum(len(images) for images in wanted.values())
    found = sum(len(books.get(post, [])) for post, images in wanted.items() if images)
    with capsys.disabled():
        print(f"\n{wxr.name}, media as {layout or '.'}/Y/M/name: {found} found of {total} referenced")
    assert total > 0
    assert {post: n for post, n in missing.items() if n} == {}
    # every image is one the post names: the file name of each embedded image is one of the referenced names
    for post, images in wanted.items():
        names = {path.rsplit("/", 1)[-1] for path in images}
        assert {src.split("-", 1)[1] for src in books.get(post, [])} <= names, post


LAYOUTS = pytest.mark.parametrize("layout", ["", "wp-content/uploads"], ids=["uploads", "site"])
"""--media is a copy of the uploads folder (``2008/06/canola2.jpg``), or of the site (``wp-content/uploads/...``)."""


@LAYOUTS
def test_the_theme_unit_test_embeds_every_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], layout: str
) -> None:
    _assert_all_found(WPTRT, tmp_path, capsys, layout)


@LAYOUTS
def test_jekyll_imports_images_are_found_the_same_way(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], layout: str
) -> None:
    _assert_all_found(JEKYLL, tmp_path, capsys, layout)

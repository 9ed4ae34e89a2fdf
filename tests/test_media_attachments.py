"""WXR attachments place files: an image URL equal to an attachment's URL (or a size variant of it) is looked for
at the attachment's ``_wp_attached_file`` path under --media. Our own small WXR and generated images."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from exporter.readers.wxr import iter_wxr
from tests.tools import run_cli
from tests.wptrt_media import write_image

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Harbour notes</title>'
    "<link>http://harbour.example</link><language>en</language><wp:wxr_version>1.2</wp:wxr_version>"
)
# An old multisite blog: its uploads were served from /files/, not /wp-content/uploads/.
ATTACHMENT = (
    "<item><title>crane</title><link>http://harbour.example/?attachment_id=7</link>"
    "<content:encoded><![CDATA[]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>"
    "<wp:post_id>7</wp:post_id><wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>"
    "<wp:attachment_url>http://harbour.example/files/2009/11/crane.jpg</wp:attachment_url>"
    "<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value><![CDATA[2009/11/crane.jpg]]>"
    "</wp:meta_value></wp:postmeta></item>"
)


def _post(content: str) -> str:
    return (
        "<item><title>The crane</title><link>http://harbour.example/?p=3</link>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>"
        "<wp:post_id>3</wp:post_id><wp:post_date>2009-11-02 10:00:00</wp:post_date>"
        "<wp:post_name>the-crane</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>"
    )


def _wxr(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "harbour.xml"
    path.write_text(f"{HEAD}{ATTACHMENT}{_post(content)}</channel></rss>\n", encoding="utf-8")
    return path


def test_the_reader_keeps_the_attached_file(tmp_path: Path) -> None:
    raw = next(iter(iter_wxr(_wxr(tmp_path, "<p>text</p>"))))
    assert raw.attachments["7"].file == "2009/11/crane.jpg"
    assert raw.attachments["7"].url == "http://harbour.example/files/2009/11/crane.jpg"


def _epub_images(out: Path) -> list[str]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (epub,) = [o["path"] for item in manifest["items"] for o in item["outputs"] if o["format"] == "epub"]
    with zipfile.ZipFile(out / epub) as zf:
        return [n for n in zf.namelist() if "/images/" in n and not n.endswith("cover.jpg")]


def test_an_attachment_url_and_its_size_variant_are_found_at_the_attached_path(tmp_path: Path) -> None:
    media = tmp_path / "media"
    write_image(media / "2009" / "11" / "crane.jpg", 3)
    content = (
        '<p>Full: <img src="http://harbour.example/files/2009/11/crane.jpg" alt="The crane"></p>\n\n'
        '<p>Small: <img src="https://harbour.example/files/2009/11/crane-300x200.jpg?w=300" alt="Crane, small"></p>'
    )
    out = tmp_path / "out"
    result = run_cli("export", _wxr(tmp_path, content), "-o", out, "-f", "epub", "--media", media, "-v")
    assert result.returncode == 0, result.stderr
    assert "not found" not in result.stderr and "refused" not in result.stderr, result.stderr
    images = _epub_images(out)
    assert len(images) == 1 and images[0].endswith("crane.jpg"), images

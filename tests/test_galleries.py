"""Galleries: one canonical markup whatever WordPress wrote, a grid in print, one line when the images are missing.

All inputs are our own: a small WXR with attachments, block-editor and rendered gallery markup, and a media
folder of generated images (tests/wptrt_media.py).
"""

from __future__ import annotations

import itertools
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from exporter.clean import clean
from exporter.model import Article, RawArticle
from exporter.resources import ImageSource, Resolver
from tests.tools import pdf_pages, run_cli, run_epubcheck
from tests.wptrt_media import upload_path, upload_paths, write_image, write_media

_XHTML = "{http://www.w3.org/1999/xhtml}"
CAPTIONS = ["A red kite over the ridge", "Low tide at the old pier", "Frost on the allotment gate", "The mill chimney"]
ALTS = ["Kite in flight", "Pier posts in mud", "Frosted gate", "Brick chimney"]
FILES = ["2021/03/kite.jpg", "2021/03/pier.png", "2021/04/gate.gif", "2021/04/chimney.jpg"]


def _attachment(n: int) -> str:
    return (
        f"<item><title><![CDATA[picture {n}]]></title><link>https://walks.example/?attachment_id={300 + n}</link>"
        f"<dc:creator><![CDATA[walker]]></dc:creator><content:encoded><![CDATA[]]></content:encoded>"
        f"<excerpt:encoded><![CDATA[{CAPTIONS[n]}]]></excerpt:encoded><wp:post_id>{300 + n}</wp:post_id>"
        f"<wp:post_parent>10</wp:post_parent><wp:status><![CDATA[inherit]]></wp:status>"
        f"<wp:post_type><![CDATA[attachment]]></wp:post_type>"
        f"<wp:attachment_url><![CDATA[https://walks.example/wp-content/uploads/{FILES[n]}]]></wp:attachment_url>"
        f"<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key>"
        f"<wp:meta_value><![CDATA[{ALTS[n]}]]></wp:meta_value></wp:postmeta></item>"
    )


def _post(post_id: int, title: str, content: str) -> str:
    return (
        f"<item><title><![CDATA[{title}]]></title><link>https://walks.example/?p={post_id}</link>"
        f"<dc:creator><![CDATA[walker]]></dc:creator><content:encoded><![CDATA[{content}]]></content:encoded>"
        f"<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>{post_id}</wp:post_id>"
        f"<wp:post_date><![CDATA[2021-05-01 10:00:00]]></wp:post_date>"
        f"<wp:post_name><![CDATA[post-{post_id}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status>"
        f"<wp:post_type><![CDATA[post]]></wp:post_type></item>"
    )


def wxr(*posts: str) -> str:
    """A small WXR of our own: the four attachments (children of post 10) and ``posts``."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Walks</title><link>https://walks.example</link>'
        "<language>en-GB</language><wp:wxr_version>1.2</wp:wxr_version>"
        f"{''.join(_attachment(n) for n in range(4))}{''.join(posts)}</channel></rss>\n"
    )


SHORTCODE_POST = _post(10, "Four walks", "<p>Pictures from the spring walks.</p>\n\n[gallery]\n\nThe end of the walk.")


def block_gallery_old(caption: str = "") -> str:
    """The block editor's gallery before WordPress 5.9: a list of figures, links to attachment pages."""
    items = "".join(
        f'<li class="blocks-gallery-item"><figure><a href="https://walks.example/?attachment_id={300 + n}">'
        f'<img src="https://walks.example/wp-content/uploads/{FILES[n]}" alt="{ALTS[n]}" class="wp-image-{300 + n}"/>'
        f'</a><figcaption class="blocks-gallery-item__caption">{CAPTIONS[n]}</figcaption></figure></li>'
        for n in range(4)
    )
    own = f'<figcaption class="blocks-gallery-caption">{caption}</figcaption>' if caption else ""
    return (
        '<!-- wp:gallery {"ids":[300,301,302,303]} -->\n<figure class="wp-block-gallery columns-3 is-cropped">'
        f'<ul class="blocks-gallery-grid">{items}</ul>{own}</figure>\n<!-- /wp:gallery -->'
    )


def block_gallery_nested() -> str:
    """The block editor's gallery since WordPress 5.9: image blocks nested in the gallery figure."""
    items = "".join(
        f'<!-- wp:image {{"id":{300 + n}}} -->\n<figure class="wp-block-image size-large">'
        f'<img src="https://walks.example/wp-content/uploads/{FILES[n]}" alt="{ALTS[n]}" class="wp-image-{300 + n}"/>'
        f"<figcaption>{CAPTIONS[n]}</figcaption></figure>\n<!-- /wp:image -->\n"
        for n in range(4)
    )
    return (
        '<!-- wp:gallery {"linkTo":"none"} -->\n<figure class="wp-block-gallery has-nested-images columns-default '
        f'is-cropped">{items}</figure>\n<!-- /wp:gallery -->'
    )


def rendered_gallery() -> str:
    """The HTML WordPress renders for [gallery] (a saved page): definition lists in a div."""
    items = "".join(
        f'<dl class="gallery-item"><dt class="gallery-icon landscape"><a href="https://walks.example/p{n}/">'
        f'<img src="https://walks.example/wp-content/uploads/{FILES[n]}" alt="{ALTS[n]}" class="attachment-thumbnail"/>'
        f'</a></dt><dd class="wp-caption-text gallery-caption">{CAPTIONS[n]}</dd></dl>'
        for n in range(4)
    )
    return f'<div id="gallery-1" class="gallery galleryid-10 gallery-columns-3 gallery-size-thumbnail">{items}</div>'


def _clean(html: str, tmp_path: Path, media: Path | None = None, content_format: str = "html") -> Article:
    raw = RawArticle(
        source_path=tmp_path / "walks.html", html=html, title="Walks", base_dir=tmp_path, content_format=content_format
    )
    roots = [tmp_path] + ([media] if media else [])
    return clean(raw, Resolver(roots=roots, media_dir=media))


def _galleries(body: str) -> list[list[tuple[str, str]]]:
    """(alt, caption) of each item of each canonical gallery of an Article body."""
    root = etree.fromstring(f"<div>{body}</div>")
    found = []
    for gallery in root.iter("figure"):
        if gallery.get("class") != "gallery":
            continue
        items = []
        for item in gallery:
            assert item.tag == "figure" and item.get("class") == "gallery-item", etree.tostring(item)
            assert [c.tag for c in item] == ["img", "figcaption"], etree.tostring(item)
            items.append((item[0].get("alt"), "".join(item[1].itertext())))
        found.append(items)
    return found


@pytest.fixture
def media(tmp_path: Path) -> Path:
    folder = tmp_path / "media"
    (tmp_path / "walks.xml").write_text(wxr(SHORTCODE_POST), encoding="utf-8")
    written = write_media(tmp_path / "walks.xml", folder)
    assert sorted(p.relative_to(folder).as_posix() for p in written) == sorted(FILES)
    return folder


EXPECTED = [list(zip(ALTS, CAPTIONS, strict=True))]


@pytest.mark.parametrize(
    ("markup", "content_format"),
    [(block_gallery_old(), "blocks"), (block_gallery_nested(), "blocks"), (rendered_gallery(), "html")],
    ids=["block-list", "block-nested", "rendered"],
)
def test_every_gallery_markup_becomes_the_same_canonical_figure(
    markup: str, content_format: str, media: Path, tmp_path: Path
) -> None:
    article = _clean(markup, tmp_path, media, content_format)
    assert _galleries(article.body) == EXPECTED
    assert "<a " not in article.body  # links to attachment pages and files are unwrapped
    assert len(article.images) == 4


def test_the_shortcode_gallery_is_the_same_canonical_figure(media: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("export", tmp_path / "walks.xml", "--media", media, "-o", out, "-f", "epub")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out / "post-10.epub") as zf:
        page = zf.read("EPUB/article.xhtml").decode("utf-8")
    root = etree.fromstring(page.encode("utf-8"))
    galleries = [el for el in root.iter(f"{_XHTML}figure") if el.get("class") == "gallery"]
    assert len(galleries) == 1
    items = [
        (i.find(f"{_XHTML}img").get("alt"), "".join(i.find(f"{_XHTML}figcaption").itertext())) for i in galleries[0]
    ]
    assert items == EXPECTED[0]
    assert run_epubcheck(out / "post-10.epub").errors == 0


def test_a_gallery_caption_follows_its_items(media: Path, tmp_path: Path) -> None:
    article = _clean(block_gallery_old("Spring, <em>mostly</em> dry"), tmp_path, media, "blocks")
    root = etree.fromstring(f"<div>{article.body}</div>")
    gallery = root.find("figure")
    assert gallery[-1].tag == "figcaption"
    assert etree.tostring(gallery[-1], encoding="unicode") == "<figcaption>Spring, <em>mostly</em> dry</figcaption>"


def test_a_gallery_with_no_image_keeps_a_placeholder_and_the_caption_of_each(tmp_path: Path) -> None:
    article = _clean(block_gallery_old("Spring walks"), tmp_path, None, "blocks")
    root = etree.fromstring(f"<div>{article.body}</div>")
    (gallery,) = root.findall("figure")
    assert gallery.get("class") == "gallery gallery-missing"
    items = [
        (" ".join(item.find("span").itertext()), item.findtext("figcaption")) for item in gallery.findall("figure")
    ]
    assert items == [(f"Image not in the archive: {alt}", caption) for alt, caption in zip(ALTS, CAPTIONS, strict=True)]
    assert gallery[-1].tag == "figcaption" and gallery[-1].text == "Spring walks"
    assert any(m.code == "gallery-missing" for m in article.warnings)


def test_images_without_caption_show_their_alt_text_or_file_name(tmp_path: Path) -> None:
    html = (
        '<figure class="wp-block-gallery"><figure class="wp-block-image"><img src="gone/a.jpg" alt="Stone stile"/>'
        '</figure><figure class="wp-block-image"><img src="gone/b.jpg" alt=""/></figure></figure>'
    )
    article = _clean(html, tmp_path)
    assert article.body == (
        '<figure class="gallery gallery-missing">'
        '<figure class="gallery-item"><span class="image-missing">Image not in the archive: Stone stile</span></figure>'
        '<figure class="gallery-item"><span class="image-missing">Image not in the archive: b.jpg</span></figure>'
        "</figure>"
    )


def test_a_gallery_shown_again_is_one_line(media: Path, tmp_path: Path) -> None:
    article = _clean(f"{block_gallery_old()}<h2>Again</h2>{block_gallery_nested()}", tmp_path, media, "blocks")
    assert _galleries(article.body) == EXPECTED
    assert '<p class="gallery-repeated">[Gallery: the same 4 images as above]</p>' in article.body


def test_file_block_labels_are_separate(tmp_path: Path) -> None:
    html = (
        '<!-- wp:file {"id":5} -->\n<div class="wp-block-file"><a href="https://walks.example/map.pdf">Route map</a>'
        '<a href="https://walks.example/map.pdf" class="wp-block-file__button" download>Download</a></div>\n'
        "<!-- /wp:file -->"
    )
    article = _clean(html, tmp_path, None, "blocks")
    root = etree.fromstring(f"<div>{article.body}</div>")
    assert " ".join("".join(root.itertext()).split()) == "Route map (Download)"
    assert [a.text for a in root.iter("a")] == ["Route map", "Download"]


def test_wordpress_com_uploads_are_served_from_media(tmp_path: Path) -> None:
    (tmp_path / "2010" / "08").mkdir(parents=True)
    write_image(tmp_path / "2010" / "08" / "x.png", 0)
    resolver = Resolver(roots=[], media_dir=tmp_path)
    assert isinstance(resolver.locate_image("https://mysite.files.wordpress.com/2010/08/x.png", None), ImageSource)
    assert not isinstance(
        resolver.locate_image("https://files.wordpress.com.evil.example/2010/08/x.png", None), ImageSource
    )
    assert not isinstance(resolver.locate_image("https://elsewhere.example/2010/08/x.png", None), ImageSource)


def test_media_paths_come_from_attachments_and_posts(tmp_path: Path) -> None:
    post = _post(11, "Extra", '<p><img src="https://walks.example/wp-content/uploads/2022/01/extra.png" alt="x"/></p>')
    (tmp_path / "w.xml").write_text(wxr(post), encoding="utf-8")
    assert upload_paths(tmp_path / "w.xml") == sorted([*FILES, "2022/01/extra.png"])
    assert upload_path("https://walks.example/wp-content/uploads/../../etc/x.png") is None
    assert upload_path("https://site.files.wordpress.com/2008/06/a.JPG") == "2008/06/a.JPG"


def _caption_boxes(pdf: Path) -> dict[str, tuple[float, float]]:
    """(xMin, yMin) of the first word of each of our captions on the PDF's pages, from pdftotext -bbox."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = [
        (float(x), float(y), word)
        for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html)
    ]
    boxes = {}
    for caption in CAPTIONS:
        first, second = caption.split()[:2]
        for (x, y, w), (_, _, w2) in itertools.pairwise(words):
            if w == first and w2 == second:
                boxes[caption] = (x, y)
                break
    return boxes


def test_pdf_lays_a_gallery_out_as_a_grid(media: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("export", tmp_path / "walks.xml", "--media", media, "-o", out, "-f", "pdf")
    assert result.returncode == 0, result.stderr
    pdf = out / "post-10.pdf"
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len([line for line in listing.splitlines()[2:] if " image " in line]) >= 4
    boxes = _caption_boxes(pdf)
    assert set(boxes) == set(CAPTIONS)
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = (boxes[c] for c in CAPTIONS)
    assert abs(y0 - y1) < 2 and abs(y1 - y2) < 2 and x0 < x1 < x2  # three a row, side by side
    assert y3 > y0 + 20 and abs(x3 - x0) < 20  # the fourth starts the next row
    assert pdf_pages(pdf) == 2  # the article and its licence page


def test_pdf_of_a_gallery_with_no_image_lists_its_placeholders_on_one_page(tmp_path: Path) -> None:
    (tmp_path / "walks.xml").write_text(wxr(SHORTCODE_POST), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("export", tmp_path / "walks.xml", "-o", out, "-f", "pdf")
    assert result.returncode == 0, result.stderr
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(out / "post-10.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    for alt, caption in zip(ALTS, CAPTIONS, strict=True):
        assert f"Image not in the archive: {alt} {caption}" in flat
    assert "The end of the walk." in flat

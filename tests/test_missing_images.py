"""An image that cannot be found never vanishes: a placeholder in the body, a MissingImage on the article, one
message naming it, and `exporter inspect` listing it.

All inputs are our own small posts; every image URL names a place that holds nothing (or 127.0.0.1:9, which is
never connected to: the resolver never fetches).
"""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from exporter.clean import clean
from exporter.model import RawArticle
from tests.tools import epub_documents, flat, pdf_pages, pdftotext, run_cli, run_epubcheck


def _raw(html: str, tmp_path: Path, **kw: object) -> RawArticle:
    return RawArticle(source_path=tmp_path / "a.html", html=html, title="Harbour", base_dir=tmp_path, **kw)


def _placeholders(body: str) -> list[str]:
    root = etree.fromstring(f"<div>{body}</div>")
    return [" ".join("".join(s.itertext()).split()) for s in root.iter("span") if s.get("class") == "image-missing"]


def test_an_inline_image_not_found_leaves_a_placeholder_in_its_paragraph(tmp_path: Path) -> None:
    article = clean(_raw('<p>Perhaps an image: <img src="uploads/canola2.jpg"> and more.</p>', tmp_path))
    assert article.body == (
        '<p>Perhaps an image: <span class="image-missing">Image not in the archive: canola2.jpg</span> and more.</p>'
    )
    (missing,) = article.missing_images
    assert missing.url == "uploads/canola2.jpg" and missing.label == "canola2.jpg"
    assert str(tmp_path / "uploads" / "canola2.jpg") in missing.looked_for
    (message,) = [m for m in article.warnings if m.code == "not-found"]
    assert "canola2.jpg" in str(message)


def test_the_label_is_the_alt_text_unless_it_is_a_file_name(tmp_path: Path) -> None:
    html = (
        '<p><img src="gone/a.jpg" alt="A harbour at dawn"> <img src="gone/IMG_0042.JPG" alt="IMG_0042.JPG">'
        ' <img src="gone/b.png?w=300" alt=""></p>'
    )
    article = clean(_raw(html, tmp_path))
    assert _placeholders(article.body) == [
        "Image not in the archive: A harbour at dawn",
        "Image not in the archive: IMG_0042.JPG",
        "Image not in the archive: b.png",
    ]
    assert [m.label for m in article.missing_images] == ["A harbour at dawn", "IMG_0042.JPG", "b.png"]


def test_a_refused_remote_image_reads_the_same_and_is_named_once(tmp_path: Path) -> None:
    article = clean(_raw('<p>Look: <img src="http://127.0.0.1:9/x.png" alt="A harbour at dawn"></p>', tmp_path))
    assert _placeholders(article.body) == ["Image not in the archive: A harbour at dawn"]
    assert [m.code for m in article.warnings if m.stage == "images"] == ["remote-image"]
    assert article.missing_images[0].url == "http://127.0.0.1:9/x.png"


def test_an_image_left_out_for_its_content_says_so(tmp_path: Path) -> None:
    (tmp_path / "fake.png").write_text("not a picture")
    article = clean(_raw('<p><img src="fake.png"> <img src="data:image/png;base64,AAAA"></p>', tmp_path))
    assert _placeholders(article.body) == ["Image left out: fake.png", "Image left out: data: URI"]


def test_a_spacer_still_vanishes(tmp_path: Path) -> None:
    gif = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
    article = clean(_raw(f'<p>Text<img src="{gif}"></p>', tmp_path))
    assert article.body == "<p>Text</p>" and not article.missing_images


def test_a_caption_figure_keeps_its_caption_and_shows_the_file_name(tmp_path: Path) -> None:
    img = '<img src="gone/pier.jpg" alt="Low tide at the pier">'
    html = f'[caption id="x" width="300"]{img} Low tide at the pier[/caption]'
    article = clean(_raw(html, tmp_path, content_format="classic"))
    root = etree.fromstring(f"<div>{article.body}</div>")
    figure = root.find("figure")
    assert figure is not None and figure.find("figcaption") is not None
    assert _placeholders(article.body) == ["Image not in the archive: pier.jpg"]


def test_a_gallery_with_no_image_found_shows_one_placeholder_per_image_with_its_caption(tmp_path: Path) -> None:
    items = "".join(
        f'<figure class="wp-block-image"><img src="gone/{name}.jpg" alt=""/><figcaption>{caption}</figcaption></figure>'
        for name, caption in (("kite", "A kite"), ("pier", "The pier"), ("gate", "A gate"))
    )
    article = clean(_raw(f'<figure class="wp-block-gallery">{items}</figure>', tmp_path))
    root = etree.fromstring(f"<div>{article.body}</div>")
    (gallery,) = root.findall("figure")
    assert gallery.get("class") == "gallery gallery-missing"
    shown = [(_placeholders(etree.tostring(item, encoding="unicode")), item.findtext("figcaption")) for item in gallery]
    assert shown == [
        (["Image not in the archive: kite.jpg"], "A kite"),
        (["Image not in the archive: pier.jpg"], "The pier"),
        (["Image not in the archive: gate.jpg"], "A gate"),
    ]
    assert len(article.missing_images) == 3
    assert [m.code for m in article.warnings if m.code == "gallery-missing"] == ["gallery-missing"]


# ---- A post whose images are all missing, in both formats ---------------------------------------------------

XHTML = "{http://www.w3.org/1999/xhtml}"
SITE = "https://harbour.example"
GALLERY = [("11", "2020/01/kite.jpg", "A kite over the ridge"), ("12", "2020/01/gull.png", "Gulls on the wall")]
GALLERY += [("13", "2020/02/nets.gif", "Nets drying")]


def _attachment(att_id: str, path: str, caption: str) -> str:
    return (
        f"<item><title>picture {att_id}</title><link>{SITE}/?attachment_id={att_id}</link>"
        "<content:encoded><![CDATA[]]></content:encoded>"
        f"<excerpt:encoded><![CDATA[{caption}]]></excerpt:encoded><wp:post_id>{att_id}</wp:post_id>"
        "<wp:post_parent>10</wp:post_parent><wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>"
        f"<wp:attachment_url>{SITE}/wp-content/uploads/{path}</wp:attachment_url></item>"
    )


POST = (
    f'<p>Perhaps an image: <img src="{SITE}/wp-content/uploads/2008/06/canola2.jpg"> and then the quay.</p>\n\n'
    f'<img src="{SITE}/wp-content/uploads/2020/01/boats.jpg" alt="Boats at the quay">\n\n'
    f'[caption id="attachment_5" width="300"]<img src="{SITE}/wp-content/uploads/2020/01/pier.jpg" alt="">'
    " The pier at low tide[/caption]\n\n"
    '[gallery ids="11,12,13"]\n\nThe end of the walk.'
)
PLACEHOLDERS = [
    "Image not in the archive: canola2.jpg",
    "Image not in the archive: Boats at the quay",
    "Image not in the archive: pier.jpg",
    "Image not in the archive: kite.jpg",
    "Image not in the archive: gull.png",
    "Image not in the archive: nets.gif",
]
URLS = [
    f"{SITE}/wp-content/uploads/{p}"
    for p in ("2008/06/canola2.jpg", "2020/01/boats.jpg", "2020/01/pier.jpg", *(g[1] for g in GALLERY))
]


def harbour_wxr() -> str:
    """A small WXR of our own: one post whose six images are all missing, three of them a gallery."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Harbour</title><link>{SITE}</link>'
        "<language>en-GB</language><wp:wxr_version>1.2</wp:wxr_version>"
        + "".join(_attachment(*g) for g in GALLERY)
        + f"<item><title>Quay walk</title><link>{SITE}/?p=10</link><dc:creator>walker</dc:creator>"
        f"<content:encoded><![CDATA[{POST}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>"
        "<wp:post_id>10</wp:post_id><wp:post_date>2021-05-01 10:00:00</wp:post_date>"
        "<wp:post_name>quay-walk</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        "</item></channel></rss>\n"
    )


@pytest.fixture(scope="module")
def harbour(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The WXR and an empty --media folder."""
    folder = tmp_path_factory.mktemp("harbour")
    (folder / "harbour.xml").write_text(harbour_wxr(), encoding="utf-8")
    (folder / "media").mkdir()
    return folder


@pytest.fixture(scope="module")
def books(harbour: Path) -> Path:
    out = harbour / "out"
    result = run_cli("export", harbour / "harbour.xml", "--media", harbour / "media", "-o", out, "-q")
    assert result.returncode == 0, result.stderr
    return out


def test_every_missing_image_has_a_placeholder_in_the_epub(books: Path) -> None:
    (chapter,) = [t for t in epub_documents(books / "quay-walk.epub").values() if "Perhaps an image" in t]
    spans = etree.fromstring(chapter.encode("utf-8")).iter(f"{XHTML}span")
    shown = [" ".join("".join(s.itertext()).split()) for s in spans if s.get("class") == "image-missing"]
    assert shown == PLACEHOLDERS
    assert "The pier at low tide" in chapter and "Gulls on the wall" in chapter
    assert run_epubcheck(books / "quay-walk.epub").errors == 0


def test_every_missing_image_has_a_placeholder_in_the_pdf_on_one_page(books: Path) -> None:
    pdf = books / "quay-walk.pdf"
    assert pdf_pages(pdf) == 2  # the article (a gallery of placeholders is a short list) and the licence page
    text = flat(pdftotext(pdf, first=1, last=1))
    for shown in PLACEHOLDERS:
        assert shown in text
    assert "Image not in the archive: kite.jpg A kite over the ridge" in text  # one line: placeholder, caption


def test_the_messages_name_each_missing_image(books: Path) -> None:
    manifest = json.loads((books / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in manifest["items"] if e.get("title") == "Quay walk"]
    named = [m["text"] for m in entry["warnings"] if m["code"] == "not-found"]
    assert len(named) == len(PLACEHOLDERS)
    for text, url, name in zip(named, URLS, PLACEHOLDERS, strict=True):
        assert url in text and name.rsplit(": ", 1)[1] in text
        assert "looked for: " in text and str(Path("media", url.split("/uploads/")[1])) in text


def test_the_placeholder_is_worded_in_the_article_language(tmp_path: Path) -> None:
    german = clean(_raw('<p>Ein Bild vom Hafen: <img src="gone/hafen.jpg"></p>', tmp_path, language="de"))
    assert _placeholders(german.body) == ["Bild nicht im Archiv: hafen.jpg"]
    swahili = clean(_raw('<p>Picha ya bandari: <img src="gone/bandari.jpg"></p>', tmp_path, language="sw"))
    assert '<span class="image-missing" lang="en">Image not in the archive: bandari.jpg</span>' in swahili.body


def test_inspect_lists_every_missing_image_with_where_it_was_looked_for(harbour: Path) -> None:
    args = ("inspect", harbour / "harbour.xml", "--media", harbour / "media")
    result = run_cli(*args, "--json")
    assert result.returncode == 0, result.stderr
    (item,) = json.loads(result.stdout)["items"]
    missing = item["missing_images"]
    assert [m["url"] for m in missing] == URLS
    assert [m["label"] for m in missing] == [p.split(": ", 1)[1] for p in PLACEHOLDERS]
    for entry in missing:
        assert entry["looked_for"][0] == str(harbour / "media" / entry["url"].split("/uploads/")[1])
        assert all(place.startswith(str(harbour / "media")) for place in entry["looked_for"])
    text = run_cli(*args)
    assert text.returncode == 0, text.stderr
    listed = text.stdout[text.stdout.index("  missing images:") :].splitlines()[1:7]
    for line, url in zip(listed, URLS, strict=True):
        assert line.strip().startswith(f"- {url}") and "looked for" in line


def test_the_manifest_entry_lists_the_missing_images(books: Path) -> None:
    manifest = json.loads((books / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in manifest["items"] if e.get("title") == "Quay walk"]
    assert [m["url"] for m in entry["missing_images"]] == URLS
    assert all(m["looked_for"] for m in entry["missing_images"])


def test_an_image_with_neither_address_nor_alt_text_still_leaves_a_placeholder(tmp_path: Path) -> None:
    article = clean(_raw('<p>Before <img alt=""> after.</p>', tmp_path))
    assert _placeholders(article.body) == ["Image not in the archive"]
    (message,) = [m for m in article.warnings if m.code == "not-found"]
    assert "(no address)" in str(message)


def test_pdf_ua_with_placeholders_has_no_figure_without_alt_text(harbour: Path) -> None:
    out = harbour / "ua"
    args = ("export", harbour / "harbour.xml", "-o", out, "-f", "pdf", "--pdf-variant", "pdf/ua-1", "-q")
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert not [m for e in manifest["items"] for m in e["warnings"] if m["stage"] == "pdf"]
    with pikepdf.open(out / "quay-walk.pdf") as pdf:
        assert "/StructTreeRoot" in pdf.Root
        kinds, stack = [], [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                kinds.append(str(node.get("/S", "")))
                kids = node.get("/K")
                stack.extend(list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])
    assert "/Figure" not in kinds  # the placeholders are text, read as text
    assert "Image not in the archive: canola2.jpg" in flat(pdftotext(out / "quay-walk.pdf", first=1, last=1))

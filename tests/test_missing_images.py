"""An image that cannot be found never vanishes: a placeholder in the body, a MissingImage on the article, one
message naming it, and `exporter inspect` listing it.

All inputs are our own small posts; every image URL names a place that holds nothing (or 127.0.0.1:9, which is
never connected to: the resolver never fetches).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from exporter.clean import clean
from exporter.model import RawArticle


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

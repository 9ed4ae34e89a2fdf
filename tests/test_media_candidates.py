"""The candidates of an ``<img>``: srcset, lazy-loading attributes, Jetpack's data-orig-file, noscript fallbacks.

Our own small HTML and generated images in tmp_path; nothing is fetched (every web URL is an upload mapped onto
--media, or refused).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporter.clean import clean
from exporter.clean.image_candidates import choose_sources, image_candidates, srcset_urls, written_url
from exporter.model import Article, RawArticle
from exporter.readers.html import read_html
from exporter.resources import Resolver
from tests.test_hostile_input import CountingServer, server  # noqa: F401 (the counting server fixture)
from tests.tools import run_cli, run_epubcheck
from tests.wptrt_media import write_image

UP = "https://example.org/wp-content/uploads/2020/01"
GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def test_srcset_largest_first() -> None:
    assert srcset_urls("a.jpg 300w, b.jpg 1024w,c.jpg 768w") == ["b.jpg", "c.jpg", "a.jpg"]
    assert srcset_urls("a.jpg, b.jpg 2x, c.jpg 1.5x") == ["b.jpg", "c.jpg", "a.jpg"]
    assert srcset_urls("https://i0.wp.com/x.org/a.jpg?resize=300,200 300w, https://x.org/b.jpg 600w") == [
        "https://x.org/b.jpg",
        "https://i0.wp.com/x.org/a.jpg?resize=300,200",
    ]
    assert srcset_urls("  ,, ") == [] and srcset_urls("") == []


def test_candidate_order() -> None:
    attrs = {"src": "s.jpg", "srcset": "m.jpg 600w, l.jpg 1200w", "data-orig-file": "o.jpg"}
    assert image_candidates(attrs) == ["l.jpg", "m.jpg", "s.jpg", "o.jpg"]
    lazy = {"src": GIF, "data-src": "d.jpg", "data-lazy-srcset": "d-300.jpg 300w", "data-large-file": "g.jpg"}
    assert image_candidates(lazy) == ["d-300.jpg", "d.jpg", "g.jpg", GIF]
    assert image_candidates({"src": ""}, {"src": "n.jpg"}) == ["n.jpg"]
    assert written_url(lazy) == "d.jpg" and written_url(attrs) == "s.jpg"
    assert written_url({"src": GIF}, {"src": "n.jpg"}) == "n.jpg"
    assert written_url({"srcset": "a.jpg 1x, b.jpg 2x"}) == "b.jpg"


def test_text_without_candidates_is_left_byte_for_byte() -> None:
    html = "<p><IMG SRC='a.jpg' ALT=\"x > y\"  class=big/> text &amp; more</p>"
    assert choose_sources(html, lambda url: True) == html


def _clean(tmp_path: Path, html: str, *files: str) -> Article:
    media = tmp_path / "media"
    for index, relative in enumerate(files):
        write_image(media / relative, index)
    raw = RawArticle(source_path=tmp_path / "post.html", html=html, title="T", base_dir=tmp_path)
    return clean(raw, Resolver(roots=[tmp_path, media], media_dir=media))


def _names(article: Article) -> list[str]:
    """The file names of the body's images, in order (the key without its hash)."""
    return [key.split("-", 1)[1] for key in re.findall(r'src="(images/[^"]+)"', article.body)]


def _warnings(article: Article) -> list[str]:
    return [m.text for m in article.warnings]


def test_srcset_takes_the_largest_candidate_present(tmp_path: Path) -> None:
    html = (
        f'<p><img src="{UP}/x-300x200.jpg" srcset="{UP}/x-300x200.jpg 300w, {UP}/x-2048x1365.jpg 2048w, '
        f'{UP}/x-1024x683.jpg 1024w" alt="x"></p>'
    )
    article = _clean(tmp_path, html, "2020/01/x-300x200.jpg", "2020/01/x-1024x683.jpg")
    assert _names(article) == ["x-1024x683.jpg"]


@pytest.mark.parametrize(
    "attributes",
    [
        f'src="{GIF}" data-src="{UP}/y.jpg"',
        f'src="" data-lazy-src="{UP}/y.jpg"',
        f'data-original="{UP}/y.jpg"',
        f'src="https://i0.wp.com/example.org/missing.jpg" data-orig-file="{UP}/y.jpg"',
        f'src="{GIF}" data-large-file="{UP}/y-1024x683.jpg"',
        f'src="{GIF}" data-srcset="{UP}/y-300x200.jpg 300w"',
        f'src="{GIF}" data-lazy-srcset="{UP}/y-300x200.jpg 1x, {UP}/y.jpg 2x"',
    ],
)
def test_lazy_and_jetpack_attributes(tmp_path: Path, attributes: str) -> None:
    article = _clean(tmp_path, f'<p><img {attributes} alt="y"></p>', "2020/01/y.jpg")
    assert _names(article) == ["y.jpg"], _warnings(article)
    assert not any("spacer" in w or "not found" in w for w in _warnings(article))


def test_a_noscript_fallback_after_a_lazy_placeholder(tmp_path: Path) -> None:
    html = (
        f'<p><img src="{GIF}" class="lazyload" alt="z">'
        f'<noscript><img src="{UP}/z.jpg" alt="z"></noscript> and text.</p>'
        f'<p><img src="{UP}/w.jpg" alt="w"> <noscript><img src="{UP}/w.jpg" alt="w"></noscript></p>'
        f'<p><noscript><img src="{UP}/v.jpg" alt="v"></noscript></p>'
    )
    article = _clean(tmp_path, html, "2020/01/z.jpg", "2020/01/w.jpg", "2020/01/v.jpg")
    assert _names(article) == ["z.jpg", "w.jpg", "v.jpg"], article.body
    assert "and text." in article.body and not any("spacer" in w for w in _warnings(article))


def test_messages_name_the_url_as_written(tmp_path: Path) -> None:
    html = (
        f'<p><img src="{UP}/gone-300x200.jpg" srcset="{UP}/gone-1024x683.jpg 1024w" alt=""></p>'
        f'<p><img src="{GIF}" data-src="{UP}/lazy-gone.jpg" alt=""></p>'
    )
    warnings = _warnings(_clean(tmp_path, html))
    assert any(f": {UP}/gone-300x200.jpg (looked for: " in w for w in warnings), warnings
    assert any(f": {UP}/lazy-gone.jpg (looked for: " in w for w in warnings), warnings
    assert not any("gone-1024x683" in w or "spacer" in w for w in warnings), warnings


def test_the_book_keeps_no_candidate_attribute(tmp_path: Path) -> None:
    html = f'<p><img src="{GIF}" data-src="{UP}/k.jpg" srcset="{UP}/k.jpg 1x" data-orig-file="{UP}/k.jpg" alt="k"></p>'
    body = _clean(tmp_path, html, "2020/01/k.jpg").body
    assert re.fullmatch(r'<p><img alt="k" src="images/[0-9a-f]{8}-k\.jpg"\s*/></p>', body.strip()), body


def test_no_candidate_is_ever_fetched(tmp_path: Path, server: CountingServer) -> None:  # noqa: F811
    """Every address of every form names a live server on 127.0.0.1: it receives no connection."""
    base = server.base
    html = (
        f'<p><img src="{base}/wp-content/uploads/2020/01/a-300x200.jpg" srcset="{base}/a.jpg 1x, '
        f'https://i0.wp.com/127.0.0.1:{server.server_address[1]}/b.jpg 2x" data-orig-file="{base}/c.jpg"></p>'
        f'<p><img src="{GIF}" data-src="{base}/d.jpg" data-lazy-srcset="{base}/e.jpg 300w">'
        f'<noscript><img src="{base}/f.jpg" srcset="{base}/g.jpg 2x"></noscript></p>'
    )
    warnings = _warnings(_clean(tmp_path, html))
    assert server.connections == 0 and server.requests == []
    assert any(f": {base}/wp-content/uploads/2020/01/a-300x200.jpg (looked for: " in w for w in warnings), warnings
    assert any(f"{base}/d.jpg" in w for w in warnings), warnings


def test_a_saved_page_keeps_no_empty_noscript(tmp_path: Path) -> None:
    """The reader leaves noscript fallbacks to the cleaner, but one whose only image was a tracking pixel goes."""
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Pixel</title></head><body><article><h1>Pixel</h1><p>Words enough to be the post.</p>"
        '<ul><li>item</li></ul>\n\n<noscript><img src="https://stats.example/p.gif" width="1" height="1" alt="">'
        "</noscript></article></body></html>",
        encoding="utf-8",
    )
    raw = read_html(page)
    assert "noscript" not in raw.html and raw.html.endswith("</ul>"), raw.html


_PIECES = st.sampled_from(
    ["<img", " src=", ' srcset="', "a.jpg 2x, b.jpg", " data-src='c.jpg'", "<noscript>", "</noscript>", ">", '"',
     "'", "/>", "&amp;", "<p>", "text", " ", ",", "data:image/gif;base64,R0lGOD", "\x00", "é"]
)  # fmt: skip


@given(st.lists(_PIECES, max_size=30).map("".join))
def test_choosing_sources_never_crashes_and_keeps_text_without_candidates(html: str) -> None:
    seen: list[str] = []
    out = choose_sources(html, lambda url: seen.append(url) or url.endswith("b.jpg"))
    assert isinstance(out, str)
    if not re.search(r"srcset|data-src|noscript", html, re.IGNORECASE):
        assert out == html


def test_a_lazy_page_exports_with_its_images_and_passes_epubcheck(tmp_path: Path) -> None:
    media = tmp_path / "media"
    write_image(media / "2020" / "01" / "p-1024x683.jpg", 1)
    write_image(media / "2020" / "01" / "q.jpg", 2)
    page = tmp_path / "in" / "lazy.html"
    page.parent.mkdir()
    page.write_text(
        "<html><head><title>Lazy</title></head><body><article><h1>Lazy</h1><p>Two pictures follow.</p>"
        f'<figure><img src="{GIF}" data-srcset="{UP}/p-300x200.jpg 300w, {UP}/p-1024x683.jpg 1024w" alt="P">'
        "<figcaption>The first</figcaption></figure>"
        f'<p><img src="" data-lazy-src="https://i2.wp.com/example.org/wp-content/uploads/2020/01/q-300x200.jpg"'
        f' alt="Q"><noscript><img src="{UP}/q-300x200.jpg" alt="Q"></noscript></p></article></body></html>',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run_cli("export", page, "-o", out, "-f", "epub", "--media", media)
    assert result.returncode == 0, result.stderr
    (epub,) = out.glob("*.epub")
    with zipfile.ZipFile(epub) as zf:
        files = [n.rsplit("/", 1)[-1] for n in zf.namelist() if "/images/" in n and "cover" not in n]
    names = sorted(name.split("-", 1)[1] for name in files)
    assert names == ["p-1024x683.jpg", "q.jpg"], names
    report = run_epubcheck(epub)
    assert (report.errors, report.warnings) == (0, 0), report.messages

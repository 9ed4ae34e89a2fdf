"""The client's scan of an article for the addresses a worker's cleaner may ask about (exporter.item_resources):
no input crashes it, and every image address written in the body is in it."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from exporter.item_resources import ItemResources, PreparedResolver, request, requested_urls
from exporter.model import Attachment, RawArticle
from exporter.resources import ImageSource, Resolver

PIECES = st.sampled_from(
    [
        "<img src='a.png'>",
        '<img data-src="b.jpg" src="data:image/gif;base64,R0lGOD">',
        '<img srcset="c-300x200.jpg 300w, c.jpg 1024w">',
        "[gallery ids='1,2']",
        '[caption]<img src="d e.png">[/caption]',
        '<a href="f.webp">',
        "&amp;",
        "<",
        '"',
        "'",
        "=",
        " ",
        "https://example.org/wp-content/uploads/2020/01/g.gif?x=1",
    ]
)


@given(st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=30))
def test_the_scan_never_crashes_and_keeps_written_sources(parts: list[str]) -> None:
    html = "".join(parts)
    urls = requested_urls(RawArticle(source_path=Path("x.html"), html=html, title="t"))
    assert all(isinstance(u, str) and u == u.strip() and u for u in urls)
    assert len(urls) == len(set(urls))
    if "<img src='a.png'>" in html:
        assert "a.png" in urls


def test_the_scan_names_every_form_an_image_is_written_in() -> None:
    html = (
        '<p><img src="data:image/gif;base64,R0lGOD" data-lazy-src="lazy.jpg" '
        'srcset="s-300x200.jpg 300w, s.jpg 1024w"><a href="big.png">x</a> [caption]photo.webp[/caption]</p>'
    )
    raw = RawArticle(
        source_path=Path("x.html"),
        html=html,
        title="t",
        featured_image="cover.jpg",
        attachments={"7": Attachment(id="7", url="https://site.example/wp-content/uploads/a.gif")},
    )
    urls = requested_urls(raw)
    for url in ("lazy.jpg", "s.jpg", "s-300x200.jpg", "big.png", "photo.webp", "cover.jpg"):
        assert url in urls
    assert "https://site.example/wp-content/uploads/a.gif" in urls


def test_prepared_answers_are_the_clients_and_a_lack_is_recorded(tmp_path: Path) -> None:
    (tmp_path / "pic.png").write_bytes(
        bytes.fromhex("89504e470d0a1a0a0000000d49484452000000040000000408060000")
        + bytes.fromhex("00a9f19e7e0000000d4944415478da6360a0060000003c0001e2e7fa350000000049454e44ae426082")
    )
    client = Resolver(roots=[tmp_path])
    resources = ItemResources()
    resources.gather(client, ["pic.png", "gone.png", "https://remote.example/x.png"], tmp_path)
    assert resources.files == {str((tmp_path / "pic.png").resolve()): (tmp_path / "pic.png").read_bytes()}
    worker = PreparedResolver(roots=[], resources=resources)
    for url in ("pic.png", "gone.png", "https://remote.example/x.png"):
        assert worker.locate_image(url, tmp_path) == resources.lookups[request(url, tmp_path)].found
        assert worker.looked_for(url) == resources.lookups[request(url, tmp_path)].looked_for
    assert worker.looked_for("gone.png") == (str(tmp_path / "gone.png"),)
    assert isinstance(worker.locate_image("pic.png", tmp_path), ImageSource)
    assert worker.missed == []
    assert worker.locate_image("other.png", tmp_path) is None
    assert worker.missed == [("other.png", str(tmp_path))]

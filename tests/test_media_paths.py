"""URL forms of WordPress uploads → paths under --media (exporter/media_paths.py: pure, no file system)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from exporter.media_paths import (
    attached_files,
    base_name,
    candidate_paths,
    largest_variant,
    original_names,
    upload_path,
    url_key,
)
from exporter.model import Attachment


def test_uploads_on_any_host_and_as_a_site_path() -> None:
    assert upload_path("https://example.org/wp-content/uploads/2020/01/x.jpg") == "2020/01/x.jpg"
    assert upload_path("http://blog.example.net/sub/wp-content/uploads/2020/01/x.jpg") == "2020/01/x.jpg"
    assert upload_path("/wp-content/uploads/2020/01/x.jpg") == "2020/01/x.jpg"
    assert upload_path("//cdn.example.org/wp-content/uploads/2020/01/x.jpg") == "2020/01/x.jpg"


def test_wordpress_com_uploads_host() -> None:
    assert upload_path("https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg") == "2008/06/canola2.jpg"
    assert upload_path("https://wpthemetestdata.wordpress.com/wp-content/uploads/2008/06/a.jpg") == "2008/06/a.jpg"


def test_jetpack_cdn_maps_the_path_again() -> None:
    for n in range(4):
        url = f"https://i{n}.wp.com/example.org/wp-content/uploads/2020/01/x.jpg?resize=300%2C200&ssl=1"
        assert upload_path(url) == "2020/01/x.jpg"
    assert upload_path("https://i1.wp.com/site.files.wordpress.com/2008/06/x.jpg?w=300") == "2008/06/x.jpg"
    assert upload_path("https://i4.wp.com/example.org/wp-content/uploads/2020/01/x.jpg") == "2020/01/x.jpg"
    assert upload_path("https://i0.wp.com/example.org/images/x.jpg") is None  # not an upload


def test_query_fragment_and_percent_encoding() -> None:
    assert upload_path("https://s.files.wordpress.com/2008/06/x.jpg?w=604&h=400#top") == "2008/06/x.jpg"
    assert upload_path("https://example.org/wp-content/uploads/2020/01/caf%C3%A9%20au%20lait.jpg") == (
        "2020/01/café au lait.jpg"
    )


def test_not_uploads_and_escapes_are_refused() -> None:
    assert upload_path("https://example.org/images/x.jpg") is None
    assert upload_path("https://s2.wp.com/i/buttonw-com.png") is None
    assert upload_path("https://example.org/wp-content/uploads/../../etc/passwd") is None
    assert upload_path("https://example.org/wp-content/uploads/2020/%2e%2e/x.jpg") is None
    assert upload_path("https://site.files.wordpress.com/") is None


def test_size_variants_and_scaled_originals() -> None:
    assert original_names("f-300x200.jpg") == ["f.jpg", "f-scaled.jpg"]
    assert original_names("f.jpg") == ["f-scaled.jpg"]
    assert original_names("f-scaled.jpg") == ["f.jpg"]
    assert original_names("f-scaled-300x200.jpg") == ["f.jpg", "f-scaled.jpg"]
    assert base_name("f-300x200.jpg") == base_name("f-scaled.jpg") == "f.jpg"
    assert candidate_paths("https://example.org/wp-content/uploads/2020/01/f-300x200.jpg?w=300") == [
        "2020/01/f-300x200.jpg",
        "2020/01/f.jpg",
        "2020/01/f-scaled.jpg",
    ]


def test_largest_variant_by_pixels() -> None:
    names = ["f.png", "f-150x150.jpg", "f-1024x200.jpg", "f-600x400.jpg", "g-2000x2000.jpg", "f-x-9999x9999.jpg"]
    assert largest_variant("f.jpg", names) == "f-600x400.jpg"  # 240,000 pixels against 204,800
    assert largest_variant("f-150x150.jpg", names) == "f-600x400.jpg"
    assert largest_variant("h.jpg", names) is None
    assert largest_variant("f.jpg", ["f-scaled-800x600.jpg", "f-300x200.jpg"]) == "f-scaled-800x600.jpg"


def test_attachment_urls_place_files_at_their_attached_path() -> None:
    attachments = [
        Attachment(id="5", url="http://example.org/files/2008/06/pic.jpg", file="2008/06/pic.jpg"),
        Attachment(id="6", url="http://example.org/?attachment_id=6", file=""),
        Attachment(id="7", url="http://example.org/files/evil.jpg", file="../../evil.jpg"),
        Attachment(id="8", url="no-slash.jpg", file="2008/06/n.jpg"),
    ]
    files = attached_files(attachments)
    assert files == {
        "example.org/files/2008/06/pic.jpg": "2008/06/pic.jpg",
        "/files/2008/06/pic.jpg": "2008/06/pic.jpg",
        "no-slash.jpg": "2008/06/n.jpg",
    }
    assert candidate_paths("/files/2008/06/pic-150x150.jpg", files)[:2] == [
        "2008/06/pic-150x150.jpg",
        "2008/06/pic.jpg",
    ]
    assert candidate_paths("https://example.org/files/2008/06/pic.jpg?w=300", files) == [
        "2008/06/pic.jpg",
        "2008/06/pic-scaled.jpg",
    ]
    assert candidate_paths("https://i2.wp.com/example.org/files/2008/06/pic-300x200.jpg", files) == [
        "2008/06/pic-300x200.jpg",
        "2008/06/pic.jpg",
        "2008/06/pic-scaled.jpg",
    ]
    assert url_key("https://i0.wp.com/example.org/files/a.jpg?ssl=1") == "example.org/files/a.jpg"


@given(st.text(max_size=300))
def test_no_url_crashes_and_every_candidate_stays_inside(url: str) -> None:
    """Any text at all: the mapping answers, and every path it gives is relative with no empty, . or .. part."""
    for prefix in ("", "https://example.org/wp-content/uploads/", "https://i0.wp.com/s.files.wordpress.com/"):
        files = {url_key(prefix + url) or "k": url}
        for path in candidate_paths(prefix + url, files):
            assert path and not path.startswith("/") and "\x00" not in path
            assert all(part not in ("", ".", "..") for part in path.split("/")), path

"""--media finds a file from every URL form WordPress sites use (files generated in tmp_path; never the network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.resources import ImageSource, Refusal, Resolver
from tests.wptrt_media import write_image


def _media(tmp_path: Path, *files: str) -> Path:
    folder = tmp_path / "media"
    folder.mkdir(exist_ok=True)
    for index, relative in enumerate(files):
        write_image(folder / relative, index)
    return folder


def _found(resolver: Resolver, url: str) -> str | None:
    """The path under --media the URL was served from, or None."""
    found = resolver.locate_image(url, None)
    if not isinstance(found, ImageSource) or found.path is None:
        return None
    assert resolver.media_dir is not None
    return found.path.relative_to(resolver.media_dir).as_posix()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/wp-content/uploads/2020/01/x.jpg",
        "/wp-content/uploads/2020/01/x.jpg",
        "https://site.files.wordpress.com/2020/01/x.jpg",
        "https://i0.wp.com/example.org/wp-content/uploads/2020/01/x.jpg?resize=300%2C200&ssl=1",
        "https://i3.wp.com/example.org/wp-content/uploads/2020/01/x.jpg",
        "https://i1.wp.com/site.files.wordpress.com/2020/01/x.jpg?w=300",
        "https://site.files.wordpress.com/2020/01/x.jpg?w=604&h=400#top",
        "https://example.org/wp-content/uploads/2020/01/%78.jpg",
        "https://example.org/wp-content/uploads/2020/01/x-300x200.jpg",
        "https://example.org/wp-content/uploads/2020/01/x-scaled.jpg",
    ],
)
def test_every_url_form_finds_the_file(tmp_path: Path, url: str) -> None:
    resolver = Resolver(roots=[], media_dir=_media(tmp_path, "2020/01/x.jpg"))
    assert _found(resolver, url) == "2020/01/x.jpg"


def test_percent_encoded_names(tmp_path: Path) -> None:
    resolver = Resolver(roots=[], media_dir=_media(tmp_path, "2020/01/café au lait.jpg"))
    url = "https://example.org/wp-content/uploads/2020/01/caf%C3%A9%20au%20lait.jpg?w=300"
    assert _found(resolver, url) == "2020/01/café au lait.jpg"


def test_a_variant_falls_back_to_the_scaled_original(tmp_path: Path) -> None:
    resolver = Resolver(roots=[], media_dir=_media(tmp_path, "2020/01/big-scaled.jpg"))
    uploads = "https://example.org/wp-content/uploads/2020/01"
    assert _found(resolver, f"{uploads}/big-300x200.jpg") == "2020/01/big-scaled.jpg"
    assert _found(resolver, "https://example.org/wp-content/uploads/2020/01/big.jpg") == "2020/01/big-scaled.jpg"


def test_an_original_falls_back_to_the_largest_variant_present(tmp_path: Path) -> None:
    media = _media(tmp_path, "2020/01/y-150x150.jpg", "2020/01/y-1024x200.jpg", "2020/01/y-600x400.jpg")
    resolver = Resolver(roots=[], media_dir=media)
    assert _found(resolver, "https://example.org/wp-content/uploads/2020/01/y.jpg") == "2020/01/y-600x400.jpg"
    assert _found(resolver, "https://example.org/wp-content/uploads/2020/01/y-300x300.jpg") == "2020/01/y-600x400.jpg"
    # the size the page names is taken first when it is present
    assert _found(resolver, "https://example.org/wp-content/uploads/2020/01/y-150x150.jpg") == "2020/01/y-150x150.jpg"


@pytest.mark.parametrize("above", ["uploads", "wp-content/uploads"])
def test_a_media_folder_one_level_above_uploads(tmp_path: Path, above: str) -> None:
    media = _media(tmp_path, f"{above}/2008/06/canola2.jpg")
    resolver = Resolver(roots=[], media_dir=media)
    found = _found(resolver, "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg?w=300")
    assert found == f"{above}/2008/06/canola2.jpg"


def test_no_candidate_leaves_media_and_nothing_is_fetched(tmp_path: Path) -> None:
    media = _media(tmp_path, "2020/01/x.jpg")
    write_image(tmp_path / "secret.jpg", 1)
    resolver = Resolver(roots=[], media_dir=media)
    for url in (
        "https://example.org/wp-content/uploads/../secret.jpg",
        "https://example.org/wp-content/uploads/2020/%2e%2e/%2e%2e/secret.jpg",
        "https://i0.wp.com/example.org/wp-content/uploads/..%2fsecret.jpg",
        "https://example.org/elsewhere/2020/01/x.jpg",
    ):
        found = resolver.locate_image(url, None)
        assert isinstance(found, Refusal) and found.code == "remote-image", url


def test_a_link_in_media_leading_out_is_not_served(tmp_path: Path) -> None:
    media = _media(tmp_path, "2020/01/keep.jpg")
    write_image(tmp_path / "outside.jpg", 1)
    (media / "2020" / "01" / "z.jpg").symlink_to(tmp_path / "outside.jpg")
    resolver = Resolver(roots=[], media_dir=media)
    assert _found(resolver, "https://example.org/wp-content/uploads/2020/01/z.jpg") is None
    assert _found(resolver, "https://example.org/wp-content/uploads/2020/01/z-300x200.jpg") is None

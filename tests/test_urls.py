"""One home for URL facts: the schemes a book keeps, how a scheme is read, and the one way to make a link absolute."""

from __future__ import annotations

import lxml.html
import pytest

from exporter import urls
from exporter.clean.footnotes import extract_footnotes
from exporter.clean.links import absolutize_links
from exporter.clean.sanitize import sanitize_html
from tests.tools import texts

BASE = "https://example.org/2024/05/post/"


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("HTTPS://x", "https"),
        (" \x01jav\tascript:alert(1)", "javascript"),
        ("mailto:a@b", "mailto"),
        ("C:\\photos\\x.jpg", "c"),
        ("/wp-content/x.png", ""),
        ("x.png", ""),
        ("//cdn.example/x", ""),
        ("data:image/png;base64,AA", "data"),
    ],
)
def test_scheme_as_a_browser_reads_it(url: str, scheme: str) -> None:
    assert urls.scheme(url) == scheme


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("../other/", BASE, "https://example.org/2024/05/other/"),
        ("/about", BASE, "https://example.org/about"),
        ("?p=3", BASE, "https://example.org/2024/05/post/?p=3"),
        ("  page.html\n", BASE, "https://example.org/2024/05/post/page.html"),
        ("//cdn.example/x", None, "https://cdn.example/x"),
        ("//cdn.example/x", "http://example.org/", "https://cdn.example/x"),  # not the base's scheme
        ("HTTP://Example.org/A", BASE, "HTTP://Example.org/A"),  # kept as written
        ("mailto:a@example.org", None, "mailto:a@example.org"),
        ("javascript:alert(1)", BASE, "javascript:alert(1)"),  # absolute; the caller judges the scheme
        ("page.html", None, None),  # nothing to resolve against
        ("#note-1", BASE, None),
        ("", BASE, None),
        ("   ", BASE, None),
    ],
)
def test_absolute(href: str, base: str | None, expected: str | None) -> None:
    assert urls.absolute(href, base) == expected


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("../other/", BASE, "https://example.org/2024/05/other/"),
        ("//cdn.example/x", None, "https://cdn.example/x"),
        ("HTTP://Example.org/A", None, "HTTP://Example.org/A"),
        ("mailto:a@example.org", BASE, None),
        ("http:relative", BASE, None),  # no host: not a page's address
        ("https://", None, None),
        ("ftp://example.org/x", None, None),
        ("page.html", None, None),
        ("#x", BASE, None),
    ],
)
def test_web_url(href: str, base: str | None, expected: str | None) -> None:
    assert urls.web_url(href, base) == expected


def _links(html: str, base: str | None) -> tuple[str, list[str]]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    warnings = absolutize_links(root, base)
    return lxml.html.tostring(root, encoding="unicode"), warnings


def test_body_links_are_absolute_or_plain_text() -> None:
    html = (
        '<p><a href="../a">A</a> <a href="//cdn.example/b">B</a> <a href="mailto:c@example.org">C</a> '
        '<a href="#n1">D</a> <a href="">E</a> <a>F</a> <a href="ftp://example.org/g">G</a></p>'
    )
    out, warnings = _links(html, BASE)
    assert '<a href="https://example.org/2024/05/a">A</a>' in out
    assert '<a href="https://cdn.example/b">B</a>' in out
    assert '<a href="mailto:c@example.org">C</a>' in out
    assert '<a href="#n1">D</a>' in out  # for the citations stage
    assert " E F G</p>" in out  # no address, or a scheme a book does not keep: plain text
    assert texts(warnings) == ["3 link(s) with no usable address kept as plain text"]
    out, warnings = _links('<p><a href="../a">A</a> <a href="//cdn.example/b">B</a></p>', None)
    assert out == '<div><p>A <a href="https://cdn.example/b">B</a></p></div>'
    assert texts(warnings) == ["1 link(s) with no usable address kept as plain text"]


def test_note_links_follow_the_same_rule() -> None:
    """A note has no base: scheme-relative links get https:, relative ones become plain text, as in the body
    without a source URL."""
    html = (
        '<p>Text.<sup class="footnote"><a href="#fn1" id="r1">1</a></sup></p><ol class="footnotes">'
        '<li id="fn1">See <a href="//cdn.example/b">B</a>, <a href="MAILTO:c@example.org">C</a> and '
        '<a href="../a">A</a>. <a href="#r1">↩</a></li></ol>'
    )
    _, notes, warnings = extract_footnotes(html)
    assert len(notes) == 1
    body = notes[0].body
    assert '<a href="https://cdn.example/b">B</a>' in body
    assert '<a href="MAILTO:c@example.org">C</a>' in body
    assert "<a" not in body.replace('<a href="https://cdn', "").replace('<a href="MAILTO', "")
    assert "1 relative link(s) in a footnote kept as plain text" in texts(warnings)


@pytest.mark.parametrize("scheme", sorted(urls.LINK_SCHEMES))
def test_the_sanitizer_keeps_exactly_the_link_schemes(scheme: str) -> None:
    assert f'href="{scheme}:x"' in sanitize_html(f'<a href="{scheme}:x">x</a>')


@pytest.mark.parametrize("scheme", ["javascript", "vbscript", "data", "file", "ftp", "tel", "cid"])
def test_the_sanitizer_drops_other_link_schemes(scheme: str) -> None:
    assert "href" not in sanitize_html(f'<a href="{scheme}:x">x</a>')


@pytest.mark.parametrize("scheme", sorted(urls.IMAGE_ONLY_SCHEMES))
def test_image_only_schemes_reach_the_resolver(scheme: str) -> None:
    """They pass the sanitizer on <img src> only, so the resolver can name them when it refuses them."""
    assert f'src="{scheme}:x"' in sanitize_html(f'<img src="{scheme}:x" alt="a">')


def test_is_url_names_addresses_given_in_place_of_files() -> None:
    from exporter.urls import is_url

    assert is_url("https://wptavern.com/some-post") and is_url("FTP://host/x") and is_url(" http://a.example/")
    assert not is_url("posts/https-notes.html") and not is_url("c:notes.txt") and not is_url("mailto:a@b.example")
    assert not is_url("-") and not is_url("")

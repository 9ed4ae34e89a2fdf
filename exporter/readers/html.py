"""Saved web pages (WordPress above all) and bare post fragments: the reader that puts body and metadata together.

A full page is parsed once; the metadata is read from the whole page (meta tags, JSON-LD, the post's header:
:mod:`exporter.readers.html_meta`), then the post container is found and the theme's chrome is removed from it
(:mod:`exporter.readers.html_body`). The body stays an HTML string with shortcodes untouched: the cleaner parses
them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag

from exporter.errors import InputError
from exporter.media_paths import IMAGE_LAZY, IMAGE_SRCSETS
from exporter.messages import info, warning
from exporter.model import RawArticle, Skipped
from exporter.readers.decode import DecodedText, read_text_file
from exporter.readers.html_body import (
    clean_container,
    close_html5_voids,
    find_container,
    has_words,
    looks_like_page,
    post_scope,
    serialise,
    text_of,
    within,
)
from exporter.readers.html_meta import PageMeta, subtitle
from exporter.readers.registry import Selection
from exporter.readers.sniff import head_markup
from exporter.readers.title import html_title_text, humanise
from exporter.urls import absolute

# Elements a saved page or a post fragment begins with (after its doctype and comments), for sniffing.
FIRST_ELEMENTS = frozenset(
    "html head body meta title link base style script header main article section div p span a img figure"
    " h1 h2 h3 h4 h5 h6 ul ol li dl table blockquote pre em strong b i br hr nav aside footer".split()
)


def read_html(path: Path) -> RawArticle:
    """Read one saved page or post fragment (``.html``/``.htm``) into a RawArticle.

    Full pages: the post container is found, chrome removed from it, metadata read from meta tags,
    JSON-LD and the post header. Fragments (no ``<html>``/``<body>``, or a body without chrome): the whole
    document is the body. Raises InputError for unreadable files and pages without article text.
    """
    return read_decoded(path, read_text_file(path, is_html=True))


def read_decoded(path: Path, decoded: DecodedText, *, page_url: str | None = None) -> RawArticle:
    """Read a page already decoded to text (from a file, or a web archive's record) into a RawArticle.

    ``path`` names the source in messages and in the RawArticle; a page read from a web archive gives its
    ``page_url``: the fallback title is taken from the URL's last segment instead of the file name, and every
    image address of the body (``src``, ``srcset``, lazy-load attributes) is made absolute against it, so the
    archive's own captures can be found by URL. InputError when the page holds no article text.
    """
    try:
        return _read(path, decoded, page_url)
    except RecursionError:
        raise InputError("HTML nested too deeply to read", path) from None


def _read(path: Path, decoded: DecodedText, page_url: str | None) -> RawArticle:
    text = decoded.text.lstrip("\ufeff")
    warnings = list(decoded.warnings)
    try:
        soup = BeautifulSoup(close_html5_voids(text), "lxml")
    except Exception as exc:  # lxml refuses very few inputs; never show a traceback for them
        raise InputError(f"cannot parse HTML ({exc})", path) from None
    body = soup.body
    if body is None or not text_of(body):
        raise InputError("no article text found", path)

    meta = PageMeta(soup)
    container, how = find_container(body, looks_like_page(text))
    if container is None:
        raise InputError("no article text found (only menus, sidebars, comments or footers)", path)
    if how == "largest":
        warnings.append(warning("read", "largest-text-block", "no post container found; used the largest text block"))
    scope = post_scope(container, body)

    # Metadata that lives in or beside the body is read before the body's chrome is removed.
    source_url = meta.source_url()
    site_name, site_guessed = meta.site_name()
    title, title_el, tail_site = meta.title(scope, container, site_name, how)
    title_html = title_el.decode_contents() if title_el is not None else None
    if title_html is not None:
        title = html_title_text(title_html) or title  # as the heading shows it: "Mark<sup>up</sup>" is "Markup"
    if title is None:
        title = humanise(_url_stem(page_url) if page_url else path.stem)
        warnings.append(warning("read", "title-from-file-name", "title taken from the file name"))
    if site_name is None and tail_site:
        site_name = tail_site
        text = f"site name {tail_site!r} taken from the page title's tail and removed from the title"
        warnings.append(info("read", "site-name-from-title", text))
    elif site_guessed and site_name:
        warnings.append(info("read", "site-name-from-header", f"site name {site_name!r} taken from the page header"))
    dek, dek_el = subtitle(scope, container, title)
    hints = meta.licence_hints(container, source_url)

    if title_el is not None and within(title_el, container):
        title_el.decompose()
    if dek_el is not None and within(dek_el, container):
        dek_el.decompose()
    clean_container(container, title, title_el is None, warnings)
    if page_url is not None:
        absolute_images(container, page_url)
    html = serialise(container)
    if not has_words(container):
        raise InputError("no article text found", path)

    return RawArticle(
        source_path=path,
        html=html,
        title=title,
        title_html=title_html,
        subtitle=dek,
        authors=meta.authors(scope),
        published=meta.published(scope, warnings),
        source_url=source_url,
        site_name=site_name,
        language=meta.language(),
        post_id=meta.post_id(container),
        subjects=meta.subjects(scope),
        licence_hints=hints,
        base_dir=path.parent,
        warnings=warnings,
        source_hash=decoded.sha256,
        featured_image=meta.featured_image(source_url),
    )


IMAGE_URL_ATTRIBUTES = ("src", *IMAGE_LAZY)
"""Every attribute that holds one image address (the cleaner tries them as candidates: clean/image_candidates.py)."""
IMAGE_SRCSET_ATTRIBUTES = IMAGE_SRCSETS


def absolute_images(container: Tag, base: str) -> None:
    """Make every image address in ``container`` (``<img>`` and ``<source>``: ``src``, lazy-load attributes,
    each ``srcset`` candidate) absolute against the page's URL ``base``."""
    for element in container.find_all(["img", "source"]):
        for name in IMAGE_URL_ATTRIBUTES:
            value = element.get(name)
            if isinstance(value, str) and (url := absolute(value, base)) is not None:
                element[name] = url
        for name in IMAGE_SRCSET_ATTRIBUTES:
            value = element.get(name)
            if isinstance(value, str):
                element[name] = ", ".join(_absolute_candidate(c, base) for c in value.split(",") if c.strip())


def _absolute_candidate(candidate: str, base: str) -> str:
    url, _, descriptor = candidate.strip().partition(" ")
    made = absolute(url, base) or url
    return f"{made} {descriptor.strip()}".strip()


def _url_stem(url: str) -> str:
    """The last segment of a URL's path, without its suffix (``/2024/05/my-post/`` gives ``my-post``)."""
    segment = next((s for s in reversed(urlsplit(url).path.split("/")) if s), "") or urlsplit(url).netloc
    return Path(unquote(segment)).stem or segment


class HtmlReader:
    """Saved pages and post fragments: ``.html``, ``.htm``, ``.xhtml``, or any file that begins with an HTML
    doctype or an HTML element."""

    name = "html"
    suffixes = (".html", ".htm", ".xhtml")

    def sniff(self, head: bytes) -> bool:
        """True when the first bytes hold ``<!DOCTYPE html>`` or begin with an element of FIRST_ELEMENTS."""
        markup = head_markup(head)
        return markup is not None and (markup[0] == "html" or markup[1] in FIRST_ELEMENTS)

    def read(self, path: Path, selection: Selection) -> Iterator[RawArticle | Skipped]:
        """The one article of the page."""
        yield read_html(path)

    def count(self, path: Path, selection: Selection) -> int:
        """Always one article."""
        return 1


READER = HtmlReader()

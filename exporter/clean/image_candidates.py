"""The image an ``<img>`` stands for, among all the addresses themes and lazy-loading plugins give it.

An ``<img>`` of a real WordPress page may name its picture several times: ``srcset`` (the sizes WordPress made),
``src``, the lazy-loading attributes (``data-src``, ``data-lazy-src``, ``data-original``), Jetpack's
``data-orig-file`` and ``data-large-file``, ``data-srcset``/``data-lazy-srcset``, and a ``<noscript>`` copy of the
image after a lazy placeholder. The sanitizer keeps only ``src``, so this text-stage step (run by the
``media-blocks`` transform, before the sanitizer, for every input) asks the resolver for each candidate in order
(:func:`image_candidates`) and writes the first one served into ``src``. When none is served, ``src`` is the URL
as written (:func:`written_url`: ``src``, or a lazy image's real address), so the image stage names that URL.
Only ``<img>`` tags that have such attributes, or a ``<noscript>`` fallback, are rewritten: any other text is left
byte for byte. Nothing is fetched: the resolver serves local files, ``data:`` images and a web archive's own
captures only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from exporter.media_paths import IMAGE_LAZY, IMAGE_SRCSETS
from exporter.resources import ImageSource, Resolver
from exporter.urls import scheme

SRCSETS = IMAGE_SRCSETS
"""Lists of sizes: every candidate of every list, largest first (``w`` descriptor, else ``x``)."""
LAZY = IMAGE_LAZY
"""Single addresses a theme or plugin puts the picture under, in the order they are tried after ``src``."""
CANDIDATE_ATTRIBUTES = (*SRCSETS, *LAZY)

_HINT = re.compile(r"srcset|data-(?:lazy-)?src|data-original|data-orig-file|data-large-file|<noscript", re.I)
_TAG = r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>"""
_IMG = re.compile(_TAG, re.I)
_NOSCRIPT = re.compile(rf"(?P<lazy>{_TAG})?(?P<gap>\s*)<noscript\b[^>]*>(?P<inner>.*?)</noscript\s*>", re.I | re.S)
_DESCRIPTOR = re.compile(r"^(\d+(?:\.\d+)?)([wx])$", re.I)


class _FirstTag(HTMLParser):
    """The attributes of the first start tag of a piece of HTML, entity references decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.attrs is None:
            self.attrs = {}
            for name, value in attrs:
                self.attrs.setdefault(name.lower(), value or "")

    handle_startendtag = handle_starttag


def tag_attributes(tag: str) -> dict[str, str]:
    """The attributes of one ``<img …>`` tag's text (names lower-cased, first of a repeated name kept)."""
    parser = _FirstTag()
    parser.feed(tag)
    parser.close()
    return parser.attrs or {}


def srcset_urls(value: str) -> list[str]:
    """A ``srcset``'s URLs, largest first: by ``w`` descriptor, then by ``x`` (none is ``1x``); ties keep order."""
    found: list[tuple[int, float, int, str]] = []
    pos, text = 0, value.strip()
    while pos < len(text):
        while pos < len(text) and (text[pos].isspace() or text[pos] == ","):
            pos += 1
        start = pos
        while pos < len(text) and not text[pos].isspace():
            pos += 1
        url = text[start:pos]
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            start = pos
            while pos < len(text) and text[pos] != ",":
                pos += 1
            descriptor = text[start:pos].strip()
        if not url:
            continue
        m = _DESCRIPTOR.match(descriptor.split()[0]) if descriptor else None
        width = float(m.group(1)) if m and m.group(2).lower() == "w" else 0.0
        density = float(m.group(1)) if m and m.group(2).lower() == "x" else 1.0
        found.append((0 if width else 1, -(width or density), len(found), url))
    return [url for *_, url in sorted(found)]


def _is_placeholder(src: str) -> bool:
    """An empty ``src`` or a ``data:`` URI: what a lazy-loading theme puts where the picture will go."""
    return not src.strip() or scheme(src.strip()) == "data"


def image_candidates(attrs: Mapping[str, str], fallback: Mapping[str, str] | None = None) -> list[str]:
    """The addresses an ``<img>`` (its attributes) names its picture by, in the order they are tried:
    every ``srcset``/``data-srcset``/``data-lazy-srcset`` candidate (largest first), ``src`` (unless it is a
    lazy placeholder and something else is named), the lazy attributes (:data:`LAZY`), then the ``<noscript>``
    fallback's own candidates, then a placeholder ``src``. No duplicates, no empty address."""
    sized = [url for name in SRCSETS for url in srcset_urls(attrs.get(name, ""))]
    src = attrs.get("src", "").strip()
    lazy = [attrs.get(name, "").strip() for name in LAZY]
    later = image_candidates(fallback) if fallback is not None else []
    named = [*sized, *lazy, *later]
    ordered = [*sized, src, *lazy, *later] if not _is_placeholder(src) or not any(named) else [*named, src]
    return [url for url in dict.fromkeys(ordered) if url]


def written_url(attrs: Mapping[str, str], fallback: Mapping[str, str] | None = None) -> str:
    """The URL a message names when no candidate is found: ``src`` as written, or for a lazy placeholder the
    real address (the first lazy attribute, else the ``<noscript>`` image's, else the first ``srcset`` URL)."""
    src = attrs.get("src", "").strip()
    if not _is_placeholder(src):
        return src
    for name in LAZY:
        if value := attrs.get(name, "").strip():
            return value
    if fallback is not None and (value := written_url(fallback)):
        return value
    sized = [url for name in SRCSETS for url in srcset_urls(attrs.get(name, ""))]
    return sized[0] if sized and not src else src


def _tag(attrs: Mapping[str, str], src: str) -> str:
    """An ``<img>`` tag's text with ``src`` set and the candidate attributes left out."""
    kept = {name: value for name, value in attrs.items() if name not in CANDIDATE_ATTRIBUTES and name != "src"}
    parts = [f'src="{escape(src, quote=True)}"'] + [f'{n}="{escape(v, quote=True)}"' for n, v in kept.items()]
    return f"<img {' '.join(parts)}>"


Found = Callable[[str], bool]
"""Whether the resolver serves an address (a local file, a ``data:`` image, an archived capture)."""


def served_by(resolver: Resolver, base_dir: Path | None) -> Found:
    """:data:`Found` for the article's resolver: the address is served as an image (the image stage will too)."""
    return lambda url: isinstance(resolver.locate_image(url, base_dir), ImageSource)


def choose_sources(html: str, found: Found) -> str:
    """``html`` with each ``<img>`` that names its picture more than once pointing at the first candidate
    ``found`` serves (else at :func:`written_url`), and each ``<noscript>`` image fallback resolved: after a lazy
    placeholder it joins that image's candidates; after an image that loads, it is dropped; alone, it is kept."""
    if not _HINT.search(html):
        return html
    html = _NOSCRIPT.sub(lambda m: _noscript(m, found), html)
    return _IMG.sub(lambda m: _img(m.group(0), found), html)


def _choose(attrs: Mapping[str, str], found: Found, fallback: Mapping[str, str] | None = None) -> str:
    for url in image_candidates(attrs, fallback):
        if found(url):
            return _tag(attrs, url)
    return _tag(attrs, written_url(attrs, fallback))


def _img(tag: str, found: Found) -> str:
    attrs = tag_attributes(tag)
    if not any(attrs.get(name, "").strip() for name in CANDIDATE_ATTRIBUTES):
        return tag
    return _choose(attrs, found)


def _noscript(m: re.Match[str], found: Found) -> str:
    inner = _IMG.search(m.group("inner"))
    lazy = m.group("lazy")
    if inner is None:  # no image: the sanitizer drops the element and what it holds
        return m.group(0)
    fallback = tag_attributes(inner.group(0))
    if lazy is None:  # a noscript image on its own: it is the image
        return m.group("gap") + m.group("inner")
    attrs = tag_attributes(lazy)
    if not _is_placeholder(attrs.get("src", "")):  # the image loads without scripts: the copy is not needed
        return lazy + m.group("gap")
    return _choose(attrs, found, fallback) + m.group("gap")

"""The resources of one item, gathered by the client for a worker that holds no input files (a Dask worker).

On one machine a worker cleans an article with the :class:`~exporter.resources.Resolver`, which looks at the
input's folder, ``--media`` and the web archive. A Dask worker may run on another host, so the client answers
those questions first: :func:`requested_urls` lists every address the article's body, featured image and
attachments name, :meth:`ItemResources.gather` asks the client's resolver about each (and reads the bytes of
each file it serves), and the worker cleans with a :class:`PreparedResolver` that gives the same answers from
that table. An address the table lacks (one the scan could not foresee) is answered "not found" and noted in
:attr:`PreparedResolver.missed`; the worker then sends the item back, the client gathers those addresses too,
and the item is cleaned again. So the worker's answers are always the client resolver's own, and the books
are the bytes a local run writes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exporter.clean.image_candidates import image_candidates, srcset_urls, tag_attributes
from exporter.model import Article, RawArticle
from exporter.resources import ImageSource, Refusal, Resolver

Request = tuple[str, str]
"""One question to the resolver: the address (stripped) and the folder relative paths start from ('' for
none)."""

_IMG = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.I)
_ATTRIBUTE = re.compile(r"""\b(?:src|href|poster|data-[\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_IMAGE_WORD = re.compile(r"""[^\s"'<>\[\]()]+?\.(?:jpe?g|png|gif|webp|svg)(?:\?[^\s"'<>\[\]()]*)?""", re.I)
_SRCSET = re.compile(r"\s\d+(?:\.\d+)?[wx]\s*(?:,|$)", re.I)


def request(url: str, base_dir: Path | None) -> Request:
    """The table's key for ``locate_image(url, base_dir)``."""
    return url.strip(), str(base_dir) if base_dir is not None else ""


def requested_urls(raw: RawArticle) -> list[str]:
    """Every address the cleaner may ask the resolver about for ``raw``: each ``<img>``'s candidates, every
    ``src``/``href``/``data-*`` value (a ``srcset`` split into its URLs), words ending in an image suffix, the
    featured image, and the attachments' URLs. A superset: what is not asked for costs a lookup only."""
    body = raw.html or ""
    found: list[str] = []
    for tag in _IMG.findall(body):
        found += image_candidates(tag_attributes(tag))
    for m in _ATTRIBUTE.finditer(body):
        value = html.unescape(m.group(1) if m.group(1) is not None else m.group(2))
        found += srcset_urls(value) if _SRCSET.search(value) else [value]
    found += [html.unescape(word) for word in _IMAGE_WORD.findall(body)]
    if raw.featured_image:
        found.append(raw.featured_image)
    found += [a.url for a in raw.attachments.values() if a.url]
    return [url for url in dict.fromkeys(u.strip() for u in found) if url and len(url) < 100_000]


@dataclass(frozen=True)
class Lookup:
    """What the client's resolver answered for one address, and where it looked."""

    found: ImageSource | Refusal | None
    looked_for: tuple[str, ...] = ()


@dataclass
class ItemResources:
    """The client's answers for one item: each address looked up, the bytes of each file served, and the
    ``--rules`` file's rules (read once by the client)."""

    lookups: dict[Request, Lookup] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    """A served file's bytes by its path (as the resolver gives it)."""
    rules: dict[str, dict[str, Any]] | None = None

    def gather(self, resolver: Resolver, urls: Iterable[str], base_dir: Path | None) -> None:
        """Ask ``resolver`` (the client's, over the real folders) about every address not asked yet."""
        for url in urls:
            key = request(url, base_dir)
            if key in self.lookups:
                continue
            found = resolver.locate_image(url, base_dir)
            if isinstance(found, ImageSource) and found.data is None and found.path is not None:
                name = str(found.path)
                if name not in self.files:
                    try:
                        self.files[name] = found.path.read_bytes()
                    except OSError:
                        found = Refusal(url, "image file could not be read", "unreadable")
            self.lookups[key] = Lookup(found, resolver.looked_for(url))

    @property
    def size(self) -> int:
        """The bytes of the files held (what the item costs in flight)."""
        return sum(len(data) for data in self.files.values())


@dataclass
class PreparedResolver(Resolver):
    """A resolver answering from a client's :class:`ItemResources`: it opens no file. An address the table
    lacks is answered None (not found) and recorded in :attr:`missed`: the item must be cleaned again."""

    resources: ItemResources = field(default_factory=ItemResources)
    missed: list[Request] = field(default_factory=list)

    def locate_image(self, url: str, base_dir: Path | None) -> ImageSource | Refusal | None:
        """The client resolver's answer for ``url`` (see :meth:`Resolver.locate_image`)."""
        key = request(url, base_dir)
        lookup = self.resources.lookups.get(key)
        if lookup is None:
            self.missed.append(key)
            lookup = Lookup(None)
        if not isinstance(lookup.found, ImageSource):
            self.refused.append(key[0])
        self.places[key[0]] = lookup.looked_for
        return lookup.found

    def attach_contents(self, article: Article) -> None:
        """Give each of the article's image files its bytes (``Image.content``): the writers read no file."""
        for image in [*article.images, *([article.cover_image] if article.cover_image else [])]:
            if image.data is None and (data := self.resources.files.get(str(image.path))) is not None:
                image.content = data

"""A page's images from its own web archive: the :class:`~exporter.model.ArchivedImages` the resolver asks.

It holds the archive's path and only the index entries of the URLs the page's images name (and the records
their revisits and redirects lead to), so it is small to send to a worker process. An image is read by seeking
to its record; the network is never used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from exporter.readers.html import IMAGE_SRCSET_ATTRIBUTES, IMAGE_URL_ATTRIBUTES
from exporter.readers.warc_capture import MAX_REDIRECTS, Captures
from exporter.readers.warc_index import Entry, read_payload

MAX_ARCHIVED_IMAGE = 50 * 1024 * 1024 + 1
"""Bytes read of an image's record at most: one more than the resolver accepts, so it can say "too large"."""


@dataclass
class WarcImages:
    """The archived captures of one page's images, nearest ``when`` (the page's capture time)."""

    path: Path
    when: datetime
    entries: list[Entry]
    _captures: Captures | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path, "when": self.when, "entries": self.entries, "_captures": None}

    def image(self, url: str) -> tuple[bytes, str] | None:
        """The payload of the capture of ``url`` nearest the page's capture (revisits and redirects resolved; a
        capture that is no 2xx response or cannot be read gives way to the next nearest) and the URL it was
        captured under; None when the archive holds no readable 2xx capture of it."""
        if self._captures is None:
            self._captures = Captures.of(self.entries)
        url = url.strip().partition("#")[0]
        captures = self._captures.of_url(url)
        by_distance = sorted(reversed(captures), key=lambda e: abs((e.date - self.when).total_seconds()))
        for chosen in by_distance:  # the nearest capture that is an image: a later 404 does not hide an earlier 200
            resolved = self._captures.resolve(chosen)
            if resolved is None:
                continue
            status = resolved.entry.status if resolved.entry.status is not None else resolved.payload.status
            if status is not None and not 200 <= status < 300:
                continue
            data = read_payload(self.path, resolved.payload, MAX_ARCHIVED_IMAGE)
            if data is not None:
                return data, resolved.entry.uri
        return None


def image_urls(html: str, extra: Iterable[str | None] = ()) -> list[str]:
    """Every image address a body names (``src``, lazy-load attributes, ``srcset`` candidates), and ``extra``."""
    soup = BeautifulSoup(html, "lxml")
    urls: dict[str, None] = {}
    for element in soup.find_all(["img", "source"]):
        for name in IMAGE_URL_ATTRIBUTES:
            value = element.get(name)
            if isinstance(value, str) and value.strip():
                urls[value.strip()] = None
        for name in IMAGE_SRCSET_ATTRIBUTES:
            value = element.get(name)
            if isinstance(value, str):
                for candidate in value.split(","):
                    if candidate.strip():
                        urls[candidate.split()[0]] = None
    urls.update(dict.fromkeys(u.strip() for u in extra if u and u.strip()))
    return list(urls)


def page_images(path: Path, when: datetime, captures: Captures, urls: Iterable[str]) -> WarcImages:
    """The archived images of a page: the entries of ``urls`` and of what their revisits and redirects lead to."""
    wanted: dict[Entry, None] = {}
    pending = [u.partition("#")[0] for u in urls]
    for _ in range(MAX_REDIRECTS + 1):
        following: list[str] = []
        for url in pending:
            for entry in captures.of_url(url):
                if entry in wanted:
                    continue
                wanted[entry] = None
                if entry.rtype == "revisit" and (original := captures.original(entry)) is not None:
                    wanted[original] = None
                if entry.location and entry.status is not None and 300 <= entry.status < 400:
                    following.append(urljoin(entry.uri, entry.location))
        if not following:
            break
        pending = following
    return WarcImages(path, when, list(wanted))

"""Where a WordPress image URL's file lies in a copy of the site's uploads folder (``--media``): pure functions.

Nothing here touches the file system or the network: a URL's text gives the paths, relative to the uploads
folder, that the resolver (``exporter/resources.py``) then looks for inside ``--media``, in order. The forms
(see ``docs/media.md``):

* ``…/wp-content/uploads/Y/M/f`` on any host, or as a path of the site (``/wp-content/uploads/…``);
* WordPress.com's uploads host ``SITE.files.wordpress.com/Y/M/f``;
* Jetpack's image CDN ``i0.wp.com/HOST/PATH`` … ``i3.wp.com``: ``HOST/PATH`` is mapped again;
* a WXR attachment's own URL (and its size variants) at its ``_wp_attached_file`` path (:func:`attached_files`).

Query strings (``?w=300``, ``?resize=…``) and fragments are dropped and percent-encoding is decoded. A size
variant ``f-300x200.jpg`` falls back to the original ``f.jpg`` and WordPress 5.3's ``f-scaled.jpg``; an original
falls back to the other one of those two, and then (with a listing of its folder, which the resolver makes) to
the largest ``f-WxH.jpg`` present (:func:`largest_variant`). Every path returned is relative, with no empty,
``.`` or ``..`` part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from posixpath import dirname, join
from urllib.parse import unquote, urlsplit

from exporter.model import Attachment

IMAGE_SRCSETS = ("srcset", "data-srcset", "data-lazy-srcset")
"""The attributes of an ``<img>`` (or ``<source>``) that list sizes: ``URL 300w, URL 2x``."""
IMAGE_LAZY = ("data-src", "data-lazy-src", "data-original", "data-orig-file", "data-large-file")
"""The attributes a theme or plugin puts a picture's single address under (lazy loading, Jetpack), in the order
they are tried after ``src``."""


class AttachedFiles(Mapping[str, str]):
    """:func:`attached_files` of a site's attachments, made on first use (most images are found without it)."""

    def __init__(self, attachments: Mapping[str, Attachment]) -> None:
        self._attachments = attachments
        self._files: dict[str, str] | None = None

    def _built(self) -> dict[str, str]:
        if self._files is None:
            self._files = attached_files(self._attachments.values())
        return self._files

    def __getitem__(self, key: str) -> str:
        return self._built()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


_UPLOADS = re.compile(r"/wp-content/uploads/(.+)$")
_WPCOM_FILES = re.compile(r"^[a-z0-9-]+\.files\.wordpress\.com$")
"""A WordPress.com site's uploads host: ``https://SITE.files.wordpress.com/Y/M/x.jpg`` is ``uploads/Y/M/x.jpg``."""
_JETPACK = re.compile(r"^i[0-3]\.wp\.com$")
"""Jetpack's image CDN (Photon): ``https://i0.wp.com/HOST/PATH`` serves ``https://HOST/PATH``."""
_SIZED = re.compile(r"^(?P<stem>.+)-(?P<w>[1-9]\d{0,5})x(?P<h>[1-9]\d{0,5})(?P<ext>\.[A-Za-z0-9]+)$")
"""A size variant WordPress made of an upload: ``f-300x200.jpg``."""
_SCALED = re.compile(r"^(?P<stem>.+)-scaled(?P<ext>\.[A-Za-z0-9]+)$")
"""WordPress 5.3's scaled-down original of a big upload: ``f-scaled.jpg``."""
_NAME = re.compile(r"^(?P<stem>.+?)(?P<ext>\.[A-Za-z0-9]+)?$")


def _parts(url: str) -> tuple[str, str]:
    """A URL's lower-case host and its decoded path (no query, no fragment); ``('', '')`` when unreadable."""
    try:
        parts = urlsplit(url.strip().replace("\\", "/"))
        host = (parts.hostname or "") if parts.netloc else ""
    except ValueError:  # a malformed address (an unclosed IPv6 bracket, a bad port)
        return "", ""
    return host.lower(), unquote(parts.path)


def _safe(relative: str) -> str | None:
    """``relative`` as a path under the uploads folder, or None when it is empty or could leave it."""
    relative = relative.strip("/")
    parts = relative.split("/")
    if not relative or "\x00" in relative or any(part in ("", ".", "..") for part in parts):
        return None
    return relative


def upload_path(url: str, _depth: int = 0) -> str | None:
    """The path of an upload URL inside the uploads folder (``2008/06/x.jpg``), or None for any other URL."""
    host, path = _parts(url)
    if (found := _UPLOADS.search(path)) is not None:
        return _safe(found.group(1))
    if _WPCOM_FILES.match(host):
        return _safe(path)
    if _JETPACK.match(host) and _depth < 2:
        return upload_path("https:/" + path, _depth + 1) if path.count("/") >= 2 else None
    return None


def url_key(url: str, _depth: int = 0) -> str:
    """The key an upload URL is known by whatever its scheme, query or CDN: ``host/decoded-path`` (Jetpack's
    ``i0.wp.com/HOST/PATH`` is ``HOST/PATH``); empty for a URL with no path."""
    host, path = _parts(url)
    if _JETPACK.match(host) and _depth < 2 and path.count("/") >= 2:
        return url_key("https:/" + path, _depth + 1)
    return f"{host}{path}" if path.strip("/") else ""


def original_names(name: str) -> list[str]:
    """The names WordPress's original of the file ``name`` may have, most likely first, ``name`` excluded:
    ``f-300x200.jpg`` → ``f.jpg``, ``f-scaled.jpg``; ``f.jpg`` → ``f-scaled.jpg``; ``f-scaled.jpg`` → ``f.jpg``."""
    if (sized := _SIZED.match(name)) is not None:
        stem, ext = sized.group("stem"), sized.group("ext")
        if (scaled := _SCALED.match(stem + ext)) is not None:  # a variant made from a scaled original
            stem = scaled.group("stem")
        return [f"{stem}{ext}", f"{stem}-scaled{ext}"]
    if (scaled := _SCALED.match(name)) is not None:
        return [scaled.group("stem") + scaled.group("ext")]
    named = _NAME.match(name)
    if named is None or not named.group("ext"):
        return []
    return [f"{named.group('stem')}-scaled{named.group('ext')}"]


def base_name(name: str) -> str:
    """The original's name the size variants of ``name`` are named after: ``f-300x200.jpg`` and ``f-scaled.jpg``
    are ``f.jpg``."""
    originals = [name, *original_names(name)]
    return next((n for n in originals if not _SIZED.match(n) and not _SCALED.match(n)), name)


def with_originals(relative: str) -> list[str]:
    """``relative`` then the paths of its originals in the same folder (:func:`original_names`)."""
    folder = dirname(relative)
    return [relative, *(join(folder, name) for name in original_names(relative.rsplit("/", 1)[-1]))]


def candidate_paths(url: str, attached: Mapping[str, str] | None = None) -> list[str]:
    """The paths under the uploads folder where ``url``'s file may be, in the order they are tried (no
    duplicates). ``attached`` maps an attachment's :func:`url_key` to its ``_wp_attached_file`` path."""
    found: list[str] = []
    relative = upload_path(url)
    if relative is not None:
        found.extend(with_originals(relative))
    if attached is not None:
        found.extend(attached_paths(url, attached))
    return list(dict.fromkeys(found))


def attached_paths(url: str, attached: Mapping[str, str]) -> Iterator[str]:
    """The paths an attachment's URL, or a size variant of it, stands for at its ``_wp_attached_file``."""
    key = url_key(url)
    if not key:
        return
    folder, _, name = key.rpartition("/")
    for original in [name, *original_names(name)]:
        file = attached.get(f"{folder}/{original}")
        if file is None or (file := _safe(file)) is None:
            continue
        if original != name:  # the URL names a size variant: it lies beside the attached file
            yield from with_originals(join(dirname(file), name))
        yield from with_originals(file)


def largest_variant(name: str, names: Iterable[str]) -> str | None:
    """The largest size variant of the file ``name`` among ``names`` (one folder's listing): the ``f-WxH.ext``
    with the most pixels (W×H), ties broken by name; None when there is none."""
    original = base_name(name)
    named = _NAME.match(original)
    if named is None or not named.group("ext"):
        return None
    stem, ext = named.group("stem"), named.group("ext").lower()
    best: tuple[int, str] | None = None
    for candidate in names:
        sized = _SIZED.match(candidate)
        if sized is None or sized.group("ext").lower() != ext:
            continue
        if sized.group("stem") not in (stem, f"{stem}-scaled"):
            continue
        area = int(sized.group("w")) * int(sized.group("h"))
        if best is None or (area, candidate) > best:
            best = (area, candidate)
    return best[1] if best else None


def attached_files(attachments: Iterable[Attachment]) -> dict[str, str]:
    """An attachment's URL key (:func:`url_key`), and its path alone (for an address on the site itself,
    ``/files/2009/11/x.jpg``) → its file's path under the uploads folder (``_wp_attached_file``), for the
    attachments that name both."""
    files: dict[str, str] = {}
    for attachment in attachments:
        file = _safe(attachment.file.replace("\\", "/")) if attachment.file else None
        key = url_key(attachment.url) if attachment.url else ""
        if file and key:
            files.setdefault(key, file)
            if (slash := key.find("/")) > 0:  # the same path named on the site itself: /files/…
                files.setdefault(key[slash:], file)
    return files

"""A web archive's article pages: each becomes a RawArticle, each page with no article a Skipped.

The archive is indexed once (:mod:`exporter.readers.warc_index`); the candidates are its HTML responses (a
WACZ's ``pages/pages.jsonl`` when it has one), chosen by ``--url`` patterns. Of the captures of one page the
latest is read, or the one nearest ``--at`` (:mod:`exporter.readers.warc_capture`: redirects followed, revisits
resolved). The page goes through the HTML reader's own logic; a page in which it finds no article (a home page,
a tag archive) and a non-200 response are skipped and counted. The page's images are served from the archive's
own records (:mod:`exporter.readers.warc_images`).
"""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import re
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path

from exporter.errors import InputError
from exporter.messages import Message, info, warning
from exporter.model import Capture, RawArticle, Skipped
from exporter.readers.decode import DecodedText, decode_bytes
from exporter.readers.html import read_decoded
from exporter.readers.registry import Selection
from exporter.readers.warc_capture import Captures, Resolved, nearest, url_key
from exporter.readers.warc_images import image_urls, page_images
from exporter.readers.warc_index import ArchiveIndex, Entry, load_index, open_record, read_payload

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
MAX_PAGE_BYTES = 32 * 1024 * 1024
"""A page's payload is read whole; larger HTML responses are skipped."""


_BODY_CLASS = re.compile(r"<body\b[^>]*?\bclass\s*=\s*([\"'])(.*?)\1", re.IGNORECASE | re.DOTALL)
_ARTICLE_TAG = re.compile(r"<article\b", re.IGNORECASE)
_OG_ARTICLE = re.compile(r"""<meta\b[^>]*\bcontent\s*=\s*["']article["']""", re.IGNORECASE)
SINGLE_CLASSES = frozenset({"single", "single-post", "page", "attachment"})
"""WordPress's body classes of a page showing one post or page."""
LISTING_CLASSES = frozenset({"home", "blog", "archive", "category", "tag", "search", "error404", "author", "date"})
"""WordPress's body classes of a page listing posts (or of its 404 page)."""


def listing(text: str) -> str | None:
    """Why a page is a listing rather than an article (a WordPress home, archive, search or 404 page by its body
    classes; else two or more ``<article>`` elements on a page that does not call itself an article with
    ``og:type``), or None for a page that may hold an article."""
    found = _BODY_CLASS.search(text[:200_000])
    classes = set(found.group(2).split()) if found else set()
    if classes & SINGLE_CLASSES:
        return None
    if marks := sorted(classes & LISTING_CLASSES):
        return f"a listing page, not an article (body class {' '.join(marks)})"
    if len(_ARTICLE_TAG.findall(text)) >= 2 and not _OG_ARTICLE.search(text[:200_000]):
        return "a listing page, not an article (several articles)"
    return None


def _is_redirect(entry: Entry) -> bool:
    return entry.status is not None and 300 <= entry.status < 400


def _is_html(entry: Entry, captures: Captures) -> bool:
    if entry.rtype == "revisit":
        original = captures.original(entry)
        return original is not None and original.mime in HTML_TYPES
    return entry.mime in HTML_TYPES


def _answered(entry: Entry, captures: Captures) -> bool:
    """True for a 200 response, or a revisit of one."""
    if entry.status is None and entry.rtype == "revisit":
        original = captures.original(entry)
        return original is not None and original.status == 200
    return entry.status == 200


def _selected(url: str, patterns: tuple[str, ...]) -> bool:
    return not patterns or any(fnmatchcase(url, p) for p in patterns)


def candidates(index: ArchiveIndex, captures: Captures, selection: Selection) -> list[list[Entry]]:
    """The captures of each candidate page, in archive order, grouped by page (http and https together): every
    HTML response that is no redirect, or the URLs a WACZ's page list names (whatever their records are)."""
    groups: dict[str, list[Entry]] = {}
    if index.pages is not None:
        for url in index.pages:
            same = captures.by_key.get(url_key(url), [])  # http and https alike, for --at and --url
            if url_key(url) in groups or not any(_selected(u, selection.urls) for u in [url, *(e.uri for e in same)]):
                continue
            groups[url_key(url)] = [e for e in same if not _is_redirect(e)] or list(captures.of_url(url))
        return [group for group in groups.values() if group]
    for entry in index.entries:
        if entry.rtype == "resource" or _is_redirect(entry) or not _is_html(entry, captures):
            continue
        if _selected(entry.uri, selection.urls):
            groups.setdefault(url_key(entry.uri), []).append(entry)
    return list(groups.values())


def decoded_page(data: bytes, charset: str | None, path: Path) -> DecodedText:
    """The page's text: the HTTP header's charset wins over the page's own declaration (as browsers read it),
    unless the bytes begin with a byte-order mark; else the HTML reader's decoding."""
    boms = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if charset and not data.startswith(boms):
        try:
            codecs.lookup(charset)
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            return DecodedText(text, charset, hashlib.sha256(data).hexdigest())
    return decode_bytes(data, path, is_html=True)


def _record_id(path: Path, entry: Entry) -> str:
    """The entry's WARC-Record-ID (a CDXJ line does not give it: read from the record's headers)."""
    if entry.record_id:
        return entry.record_id
    try:
        with open_record(path, entry) as record:
            return record.rec_headers.get_header("WARC-Record-ID") or ""
    except Exception:  # the record was read a moment ago; an id is provenance, not content
        return ""


def _skipped(path: Path, url: str, reason: str) -> Skipped:
    return Skipped(
        source_path=path, post_id=None, title=url, post_type="page", status="archived", reason=reason, source_url=url
    )


def read_page(
    path: Path, resolved: Resolved, captures: Captures, problems: list[Message], count: int
) -> RawArticle | Skipped:
    """One chosen capture as a RawArticle, or a Skipped saying why it is no article."""
    entry, payload = resolved.entry, resolved.payload
    url = entry.uri
    status = entry.status if entry.status is not None else payload.status
    if status != 200:
        return _skipped(path, url, f"HTTP {status}" if status is not None else "no HTTP response")
    if payload.mime not in HTML_TYPES:
        return _skipped(path, url, f"not an HTML page ({payload.mime or 'no content type'})")
    data = read_payload(path, payload, MAX_PAGE_BYTES)
    if data is None:
        return _skipped(path, url, "the page's record cannot be read (broken, or over 32 MB)")
    try:
        decoded = decoded_page(data, entry.charset or payload.charset, path)
        if (why := listing(decoded.text)) is not None:
            return _skipped(path, url, f"no article in the page: {why}")
        raw = read_decoded(path, decoded, page_url=url)
    except InputError:
        return _skipped(path, url, "no article in the page")
    notes = [info("read", "warc-capture", f"{url} captured {entry.date:%Y-%m-%d %H:%M:%S} UTC, of {count} capture(s)")]
    notes += [info("read", "warc-resolved", note) for note in resolved.notes]
    images = page_images(path, entry.date, captures, image_urls(raw.html, [raw.featured_image]))
    return dataclasses.replace(
        raw,
        source_url=url,
        base_dir=None,
        source_hash=hashlib.sha256(data).hexdigest(),
        capture=Capture(path, _record_id(path, entry), url, entry.date, entry.member),
        archive=images,
        warnings=[*raw.warnings, *problems, *notes],
    )


def chosen(
    index: ArchiveIndex, captures: Captures, selection: Selection
) -> Iterator[tuple[Entry, Resolved | None, int]]:
    """Each candidate page's chosen capture (of its 200 responses, the latest or the one nearest ``--at``; a page
    with none is read from its other captures, to be skipped with their status), resolved (None when its redirect or
    revisit leads to no record), and how many captures it has; a page reached again under another URL (a
    redirect, a shortlink) is left out. From the index alone."""
    seen: set[str] = set()
    for group in candidates(index, captures, selection):
        group.sort(key=lambda e: e.date)
        answered = [e for e in group if _answered(e, captures)]  # a page gone later (404): its last good capture
        entry = nearest(answered or group, selection.at)
        assert entry is not None
        resolved = captures.resolve(entry)
        page = url_key(resolved.entry.uri if resolved is not None else entry.uri)
        if page in seen:
            continue
        seen.add(page)
        yield entry, resolved, len(group)


def read_archive(path: Path, selection: Selection) -> Iterator[RawArticle | Skipped]:
    """Every candidate page of the archive: a RawArticle per article, a Skipped per page with none."""
    index = load_index(path)
    captures = Captures.of(index.entries)
    problems = [warning("read", "warc-broken-record", p) for p in index.problems]
    pages = 0
    for entry, resolved, count in chosen(index, captures, selection):
        pages += 1
        if resolved is None:
            page = _skipped(path, entry.uri, "its redirect or revisit leads to no record in the archive")
        else:
            page = read_page(path, resolved, captures, problems, count)
        if isinstance(page, Skipped):
            page.warnings.extend(problems)
        yield page
    if problems and not pages and not selection.urls:  # the broken record's message would travel with no item
        raise InputError(f"no page read; {index.problems[0].removeprefix(f'{path}: ')}", path)


def count_pages(path: Path, selection: Selection) -> int:
    """How many pages :func:`read_archive` yields, articles or skipped (from the index alone)."""
    index = load_index(path)
    return sum(1 for _ in chosen(index, Captures.of(index.entries), selection))

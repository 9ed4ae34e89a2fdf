"""A web archive's record index: one streaming pass over a WARC (or a WACZ's CDXJ index), small entries only.

Each :class:`Entry` says what a record is (target URI, date, type, HTTP status, content type, redirect target,
payload digest, what a revisit refers to) and where it is (offset and length in the WARC file, and the WARC
inside a WACZ). Bodies are never held: a record is read again by seeking to its offset (:func:`read_record`).

``.warc`` and ``.warc.gz`` (one gzip member per record) are read by warcio's ``ArchiveIterator``. A WARC
gzipped as one whole file cannot be indexed (its records cannot be reached by offset): an InputError says to
run ``warcio recompress``. A broken record (truncated, unparseable) ends the pass at that record: the records
before it are kept and :attr:`ArchiveIndex.problems` says what happened.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.recordloader import ArcWarcRecord

from exporter.errors import InputError

WACZ_SUFFIX = ".wacz"
CDXJ_MEMBER = "indexes/index.cdxj"
PAGES_MEMBER = "pages/pages.jsonl"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RECOMPRESS_HINT = (
    "WARC is gzipped as one whole file, so its records cannot be reached one by one; "
    "run `warcio recompress IN OUT.warc.gz` and export OUT.warc.gz"
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One record of a web archive, without its body."""

    uri: str
    date: datetime
    rtype: str
    """``response``, ``revisit``, ``resource`` (requests, metadata and warcinfo are not indexed)."""
    status: int | None
    mime: str
    """The payload's media type, lower case, parameters dropped (``text/html``)."""
    offset: int
    length: int
    member: str | None = None
    """For a WACZ: the WARC inside it (``archive/data.warc.gz``)."""
    location: str | None = None
    digest: str | None = None
    refers_uri: str | None = None
    refers_date: datetime | None = None
    record_id: str = ""
    charset: str | None = None


@dataclass
class ArchiveIndex:
    """Every indexed record of an archive, the WACZ's page list if it has one, and the problems met."""

    path: Path
    entries: list[Entry] = field(default_factory=list)
    pages: list[str] | None = None
    """A WACZ's ``pages/pages.jsonl`` URLs (None: no page list, every HTML response is a candidate)."""
    problems: list[str] = field(default_factory=list)


_INDEXED = frozenset({"response", "revisit", "resource"})


def parse_date(text: str | None) -> datetime | None:
    """A WARC-Date (``2024-05-01T12:00:00Z``, fractions allowed) or a 14-digit timestamp as aware UTC; None if
    unreadable."""
    if not text:
        return None
    text = text.strip()
    try:
        if text.isdigit() and len(text) >= 8:
            return datetime.strptime(text[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def media_type(content_type: str | None) -> tuple[str, str | None]:
    """(media type lower-cased without parameters, charset or None) of a Content-Type header."""
    if not content_type:
        return "", None
    kind, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return kind.strip().lower(), charset


def _entry(record: ArcWarcRecord, offset: int, length: int, member: str | None) -> Entry | None:
    headers = record.rec_headers
    uri = (headers.get_header("WARC-Target-URI") or "").strip()
    if record.rec_type not in _INDEXED or not uri:
        return None
    http = record.http_headers
    status = None
    content_type = headers.get_header("Content-Type")
    location = None
    if http is not None and http.statusline and record.rec_type in ("response", "revisit"):
        with contextlib.suppress(ValueError, TypeError):
            status = int(http.get_statuscode())
        content_type = http.get_header("Content-Type") or ""
        location = http.get_header("Location")
    mime, charset = media_type(content_type)
    return Entry(
        uri=uri,
        date=parse_date(headers.get_header("WARC-Date")) or EPOCH,
        rtype=record.rec_type,
        status=status,
        mime=mime,
        offset=offset,
        length=length,
        member=member,
        location=location.strip() if location else None,
        digest=headers.get_header("WARC-Payload-Digest"),
        refers_uri=headers.get_header("WARC-Refers-To-Target-URI"),
        refers_date=parse_date(headers.get_header("WARC-Refers-To-Date")),
        record_id=headers.get_header("WARC-Record-ID") or "",
        charset=charset,
    )


class _QuietIterator(ArchiveIterator):
    """warcio's iterator without its stderr warning on a record not followed by a blank line (counted in
    ``err_count``, which the index turns into a problem): the command line alone prints."""

    INC_RECORD = ""


def index_stream(stream: IO[bytes], name: str, member: str | None, index: ArchiveIndex, size: int) -> None:
    """Add the records of one WARC stream to ``index``; a whole-file gzip is an InputError, a broken record a
    problem that ends the pass (the records before it are kept)."""
    where = f"{member} in {name}" if member else name
    records = _QuietIterator(stream)
    count = end = 0
    try:
        for record in records:
            raw = record.raw_stream
            while raw.read(1 << 16):
                pass
            short = getattr(raw, "limit", 0)
            offset, length = records.get_record_offset(), records.get_record_length()
            if length < 0:
                raise InputError(RECOMPRESS_HINT, name)
            end = offset + length
            if short:
                index.problems.append(f"{where}: record at offset {offset} is truncated ({short} bytes missing)")
                break
            if not record.rec_type or record.rec_headers.get_header("Content-Length") is None:
                text = f"{where}: unreadable record at offset {offset} (no WARC-Type or Content-Length)"
                index.problems.append(f"{text}; the rest is not read")
                break
            entry = _entry(record, offset, length, member)
            if entry is not None:
                index.entries.append(entry)
            count += 1
    except InputError:
        raise
    except Exception as exc:  # warcio meets hostile bytes in many ways; none may end the run with a traceback
        text = str(exc).strip()
        if "non-chunked gzip" in text:
            raise InputError(RECOMPRESS_HINT, name) from None
        first = text.splitlines()[0] if text else type(exc).__name__
        if count == 0 and not index.entries:
            raise InputError(f"not a readable WARC file ({first})", name) from None
        index.problems.append(f"{where}: broken record after record {count} ({first}); the rest is not read")
    if records.err_count and not index.problems:
        index.problems.append(f"{where}: a record's length does not match its content (read as far as it goes)")
    elif size - end > 4 and not index.problems:  # a gzip member cut short ends warcio's pass without a word
        index.problems.append(f"{where}: the {size - end} bytes after offset {end} are not a readable record")


def _wacz_pages(archive: zipfile.ZipFile) -> list[str] | None:
    if PAGES_MEMBER not in archive.namelist():
        return None
    urls = []
    with archive.open(PAGES_MEMBER) as handle:
        for line in io.TextIOWrapper(handle, encoding="utf-8", errors="replace"):
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict) and isinstance(item.get("url"), str):
                urls.append(item["url"])
    return urls


def _cdxj_entries(archive: zipfile.ZipFile, path: Path, index: ArchiveIndex) -> bool:
    """Entries from the WACZ's CDXJ index (False when it has none). Redirects and revisits are completed from
    their records' own headers (the CDXJ has no Location or Refers-To)."""
    if CDXJ_MEMBER not in archive.namelist():
        return False
    with archive.open(CDXJ_MEMBER) as handle:
        for line in io.TextIOWrapper(handle, encoding="utf-8", errors="replace"):
            _, _, rest = line.partition(" ")
            stamp, _, blob = rest.partition(" ")
            try:
                item = json.loads(blob)
                offset, length = int(item["offset"]), int(item["length"])
                uri, filename = str(item["url"]), str(item["filename"])
            except (ValueError, KeyError, TypeError):
                continue
            mime = str(item.get("mime", "")).lower()
            status = str(item.get("status", ""))
            entry = Entry(
                uri=uri,
                date=parse_date(stamp) or EPOCH,
                rtype="revisit" if mime == "warc/revisit" else "response",
                status=int(status) if status.isdigit() else None,
                mime=mime.split(";")[0].strip(),
                offset=offset,
                length=length,
                member=f"archive/{filename}",
                digest=item.get("digest"),
            )
            if entry.rtype == "revisit" or (entry.status is not None and 300 <= entry.status < 400):
                entry = _completed(path, entry)
            if entry is not None:
                index.entries.append(entry)
    return True


def _completed(path: Path, entry: Entry) -> Entry | None:
    """The entry as its record's own headers give it (for CDXJ lines of redirects and revisits)."""
    try:
        with open_record(path, entry) as record:
            return _entry(record, entry.offset, entry.length, entry.member)
    except Exception:  # a CDXJ line naming a broken record: the record is left out
        return None


def build_index(path: Path) -> ArchiveIndex:
    """The index of a ``.warc``, ``.warc.gz`` or ``.wacz``: one streaming pass (or the WACZ's CDXJ)."""
    index = ArchiveIndex(path)
    try:
        if path.name.lower().endswith(WACZ_SUFFIX):
            try:
                archive = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise InputError(f"not a readable WACZ (zip) file ({exc})", path) from None
            with archive:
                try:
                    index.pages = _wacz_pages(archive)
                    indexed = _cdxj_entries(archive, path, index)
                except (zipfile.BadZipFile, zlib.error, EOFError, UnicodeError) as exc:
                    raise InputError(f"broken WACZ: its page list or index cannot be read ({exc})", path) from None
                if not indexed:
                    warcs = [n for n in archive.namelist() if n.startswith("archive/") and ".warc" in n.lower()]
                    if not warcs:
                        raise InputError("WACZ holds no WARC file under archive/", path)
                    for member in warcs:
                        with archive.open(member) as stream:
                            size = archive.getinfo(member).file_size
                            index_stream(stream, str(path), member, index, size)
        else:
            with open(path, "rb") as stream:
                index_stream(stream, str(path), None, index, path.stat().st_size)
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", path) from None
    return index


CACHED_INDEXES = 16
"""Indexes kept per process: a run counts every input's pages before reading them, and must not index twice."""
_CACHE: dict[tuple[str, int, int], ArchiveIndex] = {}


def load_index(path: Path) -> ArchiveIndex:
    """:func:`build_index`, kept for the last archives read (``count`` and ``read`` share one pass)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", path) from None
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _CACHE:
        while len(_CACHE) >= CACHED_INDEXES:
            del _CACHE[next(iter(_CACHE))]
        _CACHE[key] = build_index(path)
    return _CACHE[key]


@functools.lru_cache(maxsize=16)
def _stored_member_start(path: Path, member: str) -> int | None:
    """Where an uncompressed (stored) zip member's bytes begin in the zip file, or None if it is compressed
    (kept per process: a page's images are read from the same member one after another)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
        return None
    with open(path, "rb") as handle:
        handle.seek(info.header_offset)
        header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        return None
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_len + extra_len


@contextlib.contextmanager
def open_at(path: Path, entry: Entry) -> Iterator[IO[bytes]]:
    """A binary stream positioned at the entry's record (in the WARC, or its member of a WACZ)."""
    if entry.member is None:
        with open(path, "rb") as handle:
            handle.seek(entry.offset)
            yield handle
        return
    start = _stored_member_start(path, entry.member)
    if start is not None:
        with open(path, "rb") as handle:
            handle.seek(start + entry.offset, os.SEEK_SET)
            yield handle
        return
    with zipfile.ZipFile(path) as archive, archive.open(entry.member) as handle:
        handle.seek(entry.offset)
        yield handle


@contextlib.contextmanager
def open_record(path: Path, entry: Entry) -> Iterator[ArcWarcRecord]:
    """The entry's record, parsed (WARC and HTTP headers), its body still to be read from ``content_stream()``."""
    with open_at(path, entry) as handle:
        records = _QuietIterator(handle)
        record = next(iter(records), None)
        if record is None:
            raise InputError(f"no record at offset {entry.offset}", path)
        yield record


def read_payload(path: Path, entry: Entry, limit: int) -> bytes | None:
    """The entry's decoded payload (chunked transfer and gzip, deflate or br content encodings undone), or None
    when it is larger than ``limit`` bytes or cannot be read."""
    try:
        with open_record(path, entry) as record:
            return _decoded(record, limit)
    except Exception:  # a broken record, a bad encoding: nothing to read
        return None


def _decoded(record: ArcWarcRecord, limit: int) -> bytes | None:
    http = record.http_headers
    encoding = (http.get_header("Content-Encoding") or "").strip().lower() if http else ""
    if encoding != "br":
        return _read_limited(record.content_stream(), limit)
    # warcio 1.8.1's br support fails with the brotli module (it sets an attribute the C object lacks): undo the
    # chunking with warcio and the encoding here, the output bounded as it grows.
    import brotli  # only for br pages: a C module that costs its import time

    chunked = (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    raw = ChunkedDataReader(record.raw_stream) if chunked else record.raw_stream
    decompressor = brotli.Decompressor()
    parts: list[bytes] = []
    size = 0
    while chunk := raw.read(1 << 16):
        piece = decompressor.process(chunk, output_buffer_limit=limit + 1 - size)
        while True:
            parts.append(piece)
            size += len(piece)
            if size > limit:
                return None
            if decompressor.can_accept_more_data():
                break
            piece = decompressor.process(b"", output_buffer_limit=limit + 1 - size)
    return b"".join(parts)


def _read_limited(stream: IO[bytes], limit: int) -> bytes | None:
    parts, size = [], 0
    while size <= limit and (chunk := stream.read(min(1 << 16, limit + 1 - size))):
        parts.append(chunk)
        size += len(chunk)
    return None if size > limit else b"".join(parts)

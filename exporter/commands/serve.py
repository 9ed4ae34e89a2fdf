"""``exporter serve``: the library folder over HTTP, read-only, for e-readers on the same network (OPDS).

Files are served as they are in the folder (a bag: its ``data/``), except the OPDS feeds under ``/opds/``, which are
rendered from the folder's ``manifest.json`` (again whenever it changes) with a search link, since the server can
answer ``/opds/search.xml?q=…`` (OpenSearch description: ``/opds/opensearch.xml``). Only GET and HEAD; one byte
range per request; never compressed. Paths that leave the folder (``..``, encoded separators, symlinks out) and
hidden files are refused without saying what is on disk.
"""

from __future__ import annotations

import re
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import click

from exporter import __version__
from exporter.library.books import Book, library_title, load_books
from exporter.library.opds import (
    ACQUISITION,
    OPDS_JSON,
    OPENSEARCH_TYPE,
    render_feeds,
    render_opensearch,
    render_search,
    render_search_json,
)

TITLE = "Library"
CHUNK = 64 * 1024
MEDIA_TYPES = {
    ".epub": "application/epub+zip",
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
}
_SELF_TYPE = re.compile(rb'<link rel="self" href="[^"]*" type="([^"]+)"')
_ENCODED_SEPARATOR = re.compile(r"%(2f|5c|00)", re.IGNORECASE)
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def library_root(folder: Path) -> Path:
    """The folder a library is served from: a bag's ``data/``, else the folder itself."""
    if (folder / "bagit.txt").is_file() and (folder / "data").is_dir():
        return folder / "data"
    return folder


def media_type(path: str, data: bytes | None = None) -> str:
    """The Content-Type of a library file; an Atom feed's says its OPDS kind (read from its self link)."""
    suffix = Path(path).suffix.lower()
    if path.startswith("opds/"):
        if suffix == ".json":
            return OPDS_JSON
        if path.endswith("opensearch.xml"):
            return OPENSEARCH_TYPE
        if suffix == ".xml" and data is not None and (match := _SELF_TYPE.search(data[:4096])):
            return match.group(1).decode("ascii", "replace")
    return MEDIA_TYPES.get(suffix, "application/octet-stream")


class Catalog:
    """The books of the folder and their rendered feeds, read again when ``manifest.json`` changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self.books: list[Book] = []
        self.feeds: dict[str, bytes] = {}
        self.title = TITLE

    def current(self) -> tuple[list[Book], dict[str, bytes]]:
        """The books and feeds as of the manifest on disk now."""
        try:
            stat = (self.root / "manifest.json").stat()
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if stamp != self._stamp or not self.feeds:
                self.books = load_books(self.root)
                self.title = library_title(self.books)
                self.feeds = render_feeds(self.books, title=self.title, search=True) if self.books else {}
                self._stamp = stamp
            return self.books, self.feeds


class Refused(Exception):
    """A request path that is not served: ``status`` says why, the message says nothing of the disk."""

    def __init__(self, status: HTTPStatus) -> None:
        super().__init__(status.phrase)
        self.status = status


def resolve(root: Path, raw_path: str) -> tuple[str, Path]:
    """The library path (``/``-separated) and the file a request path names, or :class:`Refused`."""
    if _ENCODED_SEPARATOR.search(raw_path):
        raise Refused(HTTPStatus.FORBIDDEN)
    path = unquote(raw_path, errors="strict")
    if "\\" in path or "\x00" in path:
        raise Refused(HTTPStatus.FORBIDDEN)
    parts = [p for p in path.split("/") if p]
    if any(p in {".", ".."} for p in parts):
        raise Refused(HTTPStatus.FORBIDDEN)
    if any(p.startswith(".") for p in parts):
        raise Refused(HTTPStatus.NOT_FOUND)
    relative = "/".join(parts)
    relative = {"": "index.html", "opds": "opds/index.xml"}.get(relative, relative)
    real_root = root.resolve()
    target = (real_root / relative).resolve()
    if not target.is_relative_to(real_root):
        raise Refused(HTTPStatus.FORBIDDEN)
    if any(p.startswith(".") for p in target.relative_to(real_root).parts):
        raise Refused(HTTPStatus.NOT_FOUND)
    return relative, target


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) bytes a single-range ``Range`` header asks for; None to send the whole file.

    Raises ValueError when the range cannot be satisfied (416).
    """
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip())
    if not match or not (match.group(1) or match.group(2)):
        return None  # several ranges, another unit, or nonsense: the whole file (RFC 9110 allows it)
    first, last = match.group(1), match.group(2)
    if not first:
        length = int(last)
        if length == 0 or size == 0:
            raise ValueError("unsatisfiable")
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise ValueError("unsatisfiable")
    return start, end


class Handler(BaseHTTPRequestHandler):
    """Serves one library, read-only."""

    protocol_version = "HTTP/1.1"
    server_version = f"exporter/{__version__}"
    sys_version = ""
    catalog: Catalog

    def do_GET(self) -> None:
        """A file, a feed or a search."""
        self._respond(body=True)

    def do_HEAD(self) -> None:
        """As GET, without the body."""
        self._respond(body=False)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: no line per request."""

    def _respond(self, *, body: bool) -> None:
        url = urlsplit(self.path)
        try:
            relative, target = resolve(self.catalog.root, url.path)
        except (Refused, UnicodeDecodeError) as exc:
            self._error(exc.status if isinstance(exc, Refused) else HTTPStatus.BAD_REQUEST, body)
            return
        generated = self._generated(relative, url.query)
        if generated is not None:
            self._send(generated[0], generated[1], body=body)
            return
        if not target.is_file():
            self._error(HTTPStatus.NOT_FOUND, body)
            return
        self._send_file(relative, target, body=body)

    def _generated(self, relative: str, query: str) -> tuple[bytes, str] | None:
        """A feed, search or OpenSearch description rendered from the catalog, or None to serve the file."""
        if not relative.startswith("opds/"):
            return None
        books, feeds = self.catalog.current()
        params = parse_qs(query)
        if relative == "opds/opensearch.xml":
            host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
            template = f"http://{host}/opds/search.xml?q={{searchTerms}}"
            return render_opensearch(template, title=self.catalog.title), OPENSEARCH_TYPE
        if relative == "opds/search.xml":
            terms = (params.get("q") or params.get("query") or [""])[0]
            return render_search(books, terms, title=self.catalog.title), ACQUISITION
        if relative == "opds/search.json":
            terms = (params.get("query") or params.get("q") or [""])[0]
            return render_search_json(books, terms, title=self.catalog.title), OPDS_JSON
        if relative in feeds:
            return feeds[relative], media_type(relative, feeds[relative])
        return None

    def _send(self, data: bytes, content_type: str, *, body: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Accept-Ranges", "none")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _send_file(self, relative: str, target: Path, *, body: bool) -> None:
        try:
            handle = target.open("rb")
        except OSError:
            self._error(HTTPStatus.NOT_FOUND, body)
            return
        with handle:
            size = target.stat().st_size
            head = handle.read(4096) if relative.endswith(".xml") else None
            content_type = media_type(relative, head)
            try:
                wanted = byte_range(self.headers.get("Range"), size)
            except ValueError:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self._common_headers()
                self.end_headers()
                return
            start, end = wanted if wanted else (0, size - 1)
            self.send_response(HTTPStatus.PARTIAL_CONTENT if wanted else HTTPStatus.OK)
            if wanted:
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(max(end - start + 1, 0)))
            self.send_header("Last-Modified", self.date_time_string(int(target.stat().st_mtime)))
            self._common_headers()
            self.end_headers()
            if not body:
                return
            handle.seek(start)
            left = end - start + 1
            while left > 0:
                chunk = handle.read(min(CHUNK, left))
                if not chunk:
                    break
                self.wfile.write(chunk)
                left -= len(chunk)

    def _common_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("X-Content-Type-Options", "nosniff")

    def _error(self, status: HTTPStatus, body: bool) -> None:
        """A short plain-text error that names no path."""
        data = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Server6(_Server):
    address_family = socket.AF_INET6


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every one).")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="0: any free port.")
def serve(folder: Path, host: str, port: int) -> None:
    """Serve a library folder (or a bag's data/) read-only over HTTP, with its OPDS catalog, until Ctrl+C."""
    if not folder.is_dir():
        raise click.UsageError(f"{folder}: no such folder")
    root = library_root(folder)
    handler = type("LibraryHandler", (Handler,), {"catalog": Catalog(root)})
    server_class = _Server6 if ":" in host else _Server
    try:
        server = server_class((host, port), handler)
    except OSError as exc:
        click.echo(f"error: cannot listen on {_url_host(host)}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    bound = server.server_address[1]
    base = f"http://{_url_host(host)}:{bound}/"
    note = " (every address of this machine)" if host in {"0.0.0.0", "::"} else ""
    click.echo(f"Serving {folder} at {base}{note} (OPDS: {base}opds/index.xml); Ctrl+C stops")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()

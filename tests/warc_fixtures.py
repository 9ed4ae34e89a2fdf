"""Web archives written by the tests, with warcio's WARCWriter, from our own words and images drawn by Pillow.

:func:`write_site` writes one small site's archive: an article captured twice (the newer capture chunked and
gzip-encoded, reached through an http→https redirect) with three images (one of them only in a revisit
record), a home page listing articles, a 404, and a truncated record at the end. :func:`write_wacz` packs the
same records as a WACZ. Every URL names ``HOST`` (``127.0.0.1:PORT`` of a test server: nothing may connect to
it). :class:`CountingServer` is that server.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import random
import socketserver
import threading
import uuid
import zipfile
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image, ImageDraw
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ARTICLE_PATH = "/2024/05/balcony-garden/"
OLDER_WORDS = "In the first week the seedlings sulked behind the glass door and grew no taller than a thumb."
NEWER_WORDS = "By the fourth week the tomatoes had climbed past the railing and needed a second cane each."
OLDER_DATE = "2024-05-01T10:00:00Z"
NEWER_DATE = "2024-06-01T10:00:01Z"
IMAGES = ("tomatoes.png", "herbs.jpg", "watering-can.png")


def _record_id(name: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}>"


def picture(kind: str, colour: tuple[int, int, int], size: tuple[int, int] = (64, 48)) -> bytes:
    """A small picture of our own: a coloured field with a darker band, as PNG or JPEG."""
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).rectangle((0, size[1] // 3, size[0], size[1] // 2), fill=tuple(c // 2 for c in colour))
    out = io.BytesIO()
    image.save(out, format=kind)
    return out.getvalue()


def article_page(host: str, words: str, date: str) -> str:
    """A WordPress-like single post page of our own text, naming three images (relative, lazy, absolute)."""
    base = f"https://{host}"
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Tending a Balcony Garden &#8211; Small Plots</title>
<link rel="canonical" href="{base}{ARTICLE_PATH}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="Small Plots">
<meta property="article:published_time" content="{date}">
</head>
<body class="post-template-default single single-post postid-42">
<header class="site-header"><p class="site-title"><a href="/">Small Plots</a></p>
<nav class="main-navigation"><ul><li><a href="/">Home</a></li><li><a href="/about/">About</a></li></ul></nav></header>
<main id="main"><article id="post-42" class="post-42 post type-post status-publish hentry">
<header class="entry-header"><h1 class="entry-title">Tending a Balcony Garden</h1>
<div class="entry-meta"><span class="byline">by <span class="author vcard">Rowan Ash</span></span></div></header>
<div class="entry-content">
<p>A balcony three paces wide can feed a household with salad from May to October. {words}</p>
<figure class="wp-block-image"><img src="/wp-content/uploads/2024/05/tomatoes.png" alt="Tomato plants in pots"
 width="64" height="48"><figcaption>Tomatoes in terracotta pots.</figcaption></figure>
<p>Herbs ask for less: a shallow trough, a sunny rail and water on the hot evenings.</p>
<figure class="wp-block-image"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" class="lazyload"
 data-src="{base}/wp-content/uploads/2024/05/herbs.jpg" alt="A trough of herbs" width="64" height="48"></figure>
<p>The one tool worth buying is a can with a long spout, so the water reaches the back of the shelf.</p>
<p><img src="{base}/wp-content/uploads/2024/05/watering-can.png" alt="A green watering can" width="64"
 height="48"></p>
<p>Next spring the plan is beans on strings up to the balcony above.</p>
</div></article></main>
<aside class="widget-area"><section class="widget"><h2 class="widget-title">Recent posts</h2>
<ul><li><a href="{ARTICLE_PATH}">Tending a Balcony Garden</a></li></ul></section></aside>
<footer class="site-footer"><p>Small Plots, a garden notebook.</p></footer>
</body></html>
"""


def home_page(host: str) -> str:
    """The site's home page: excerpts of several articles, no single article."""
    posts = "".join(
        f'<article class="post-{n} post type-post hentry"><h2 class="entry-title"><a href="/2024/0{n}/post-{n}/">'
        f'Garden notes {n}</a></h2><div class="entry-summary"><p>A short note about the balcony in month {n}, '
        "with a link to read the rest of it.</p></div></article>"
        for n in range(1, 5)
    )
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Small Plots</title>'
        '<meta property="og:type" content="website"></head><body class="home blog">'
        '<header class="site-header"><p class="site-title">Small Plots</p></header>'
        f'<main id="main">{posts}</main><footer class="site-footer"><p>Small Plots</p></footer></body></html>'
    )


NOT_FOUND = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Page not found</title></head>'
    '<body class="error404"><main id="main"><section class="error-404 not-found"><h1 class="page-title">'
    "Nothing here</h1><p>The page you asked for has gone to seed.</p></section></main></body></html>"
)


def _chunked(data: bytes, size: int = 300) -> bytes:
    out = b"".join(b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size))
    return out + b"0\r\n\r\n"


@dataclass
class Site:
    """The archive files of one fixture site, and the host their URLs name."""

    host: str
    warc: Path
    warc_gz: Path
    whole_gz: Path


class Archive:
    """A WARC being written: response, redirect and revisit records with dates and ids of our choosing."""

    def __init__(self, gzipped: bool) -> None:
        self.buffer = io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=gzipped)
        self.digests: dict[str, str] = {}

    def save(self, path: Path) -> Path:
        """Write the records so far to ``path``."""
        path.write_bytes(self.buffer.getvalue())
        return path

    def response(
        self, uri: str, date: str, body: bytes, headers: list[tuple[str, str]], status: str = "200 OK"
    ) -> None:
        http = StatusAndHeaders(status, [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        fields = {"WARC-Date": date, "WARC-Record-ID": _record_id(f"{uri} {date}")}
        record = self.writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=http, warc_headers_dict=fields
        )
        self.digests[uri] = record.rec_headers.get_header("WARC-Payload-Digest")
        self.writer.write_record(record)

    def revisit(self, uri: str, date: str, refers_to: str, refers_date: str, mime: str) -> None:
        http = StatusAndHeaders("200 OK", [("Content-Type", mime)], protocol="HTTP/1.1")
        fields = {"WARC-Date": date, "WARC-Record-ID": _record_id(f"{uri} {date}")}
        record = self.writer.create_revisit_record(
            uri, self.digests[refers_to], refers_to, refers_date, http_headers=http, warc_headers_dict=fields
        )
        self.writer.write_record(record)

    def info(self) -> None:
        record = self.writer.create_warcinfo_record("site.warc", {"software": "exporter tests", "format": "WARC 1.0"})
        record.rec_headers.replace_header("WARC-Date", "2024-05-01T09:59:59Z")  # the crawl's time, not the clock's
        record.rec_headers.replace_header("WARC-Record-ID", _record_id("warcinfo site.warc"))
        self.writer.write_record(record)


def site_records(host: str, gzipped: bool) -> bytes:
    """The fixture site's WARC (every record whole; the truncated one is added by :func:`write_site`)."""
    base, plain = f"https://{host}", f"http://{host}"
    html = [("Content-Type", "text/html; charset=UTF-8")]
    uploads = f"{base}/wp-content/uploads/2024/05"
    warc = Archive(gzipped)
    warc.info()
    warc.response(base + ARTICLE_PATH, OLDER_DATE, article_page(host, OLDER_WORDS, OLDER_DATE).encode(), html)
    warc.response(
        f"{uploads}/tomatoes.png",
        "2024-05-01T10:00:05Z",
        picture("PNG", (200, 60, 40)),
        [("Content-Type", "image/png")],
    )
    warc.response(
        f"{uploads}/herbs.jpg", "2024-05-01T10:00:06Z", picture("JPEG", (60, 160, 70)), [("Content-Type", "image/jpeg")]
    )
    can = picture("PNG", (40, 120, 60))
    warc.response(f"{uploads}/watering-can.png?ver=1", "2024-05-01T10:00:07Z", can, [("Content-Type", "image/png")])
    moved = [("Location", base + ARTICLE_PATH), ("Content-Type", "text/html; charset=UTF-8")]
    warc.response(plain + ARTICLE_PATH, "2024-06-01T10:00:00Z", b"<p>Moved</p>", moved, "301 Moved Permanently")
    newer = gzip.compress(article_page(host, NEWER_WORDS, OLDER_DATE).encode(), mtime=0)
    coded = [*html, ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
    warc.response(base + ARTICLE_PATH, NEWER_DATE, _chunked(newer), coded)
    warc.response(
        f"{uploads}/tomatoes.png",
        "2024-06-01T10:00:05Z",
        picture("PNG", (200, 60, 40)),
        [("Content-Type", "image/png")],
    )
    warc.revisit(
        f"{uploads}/watering-can.png",
        "2024-06-01T10:00:07Z",
        f"{uploads}/watering-can.png?ver=1",
        "2024-05-01T10:00:07Z",
        "image/png",
    )
    short = [("Location", ARTICLE_PATH), ("Content-Type", "text/html; charset=UTF-8")]  # a relative Location
    warc.response(base + "/?p=42", "2024-06-01T10:00:30Z", b"", short, "302 Found")
    warc.response(base + "/", "2024-06-01T10:01:00Z", home_page(host).encode(), html)
    warc.response(base + "/2024/05/missing-post/", "2024-06-01T10:02:00Z", NOT_FOUND.encode(), html, "404 Not Found")
    return warc.buffer.getvalue()


def truncated_record(host: str, gzipped: bool) -> bytes:
    """A last record cut short: its first half only."""
    warc = Archive(gzipped)
    big = picture("PNG", (90, 90, 200), (400, 300))
    warc.response(
        f"https://{host}/wp-content/uploads/2024/05/cut.png",
        "2024-06-01T10:03:00Z",
        big,
        [("Content-Type", "image/png")],
    )
    data = warc.buffer.getvalue()
    return data[: len(data) // 2]


def write_site(folder: Path, host: str) -> Site:
    """The fixture site as ``site.warc``, ``site.warc.gz`` (a gzip member per record, both with a truncated last
    record) and ``whole.warc.gz`` (the plain WARC gzipped as one file, which cannot be indexed)."""
    folder.mkdir(parents=True, exist_ok=True)
    plain = site_records(host, False)
    site = Site(host, folder / "site.warc", folder / "site.warc.gz", folder / "whole.warc.gz")
    site.warc.write_bytes(plain + truncated_record(host, False))
    site.warc_gz.write_bytes(site_records(host, True) + truncated_record(host, True))
    site.whole_gz.write_bytes(gzip.compress(plain, mtime=0))
    return site


def _cdxj(warc_gz: bytes, filename: str) -> str:
    """A CDXJ index of a gzipped WARC's whole records, as WACZ packers write it (key, timestamp, JSON)."""
    lines = []
    records = ArchiveIterator(io.BytesIO(warc_gz))
    for record in records:
        if record.rec_type not in ("response", "revisit"):
            continue
        uri = record.rec_headers.get_header("WARC-Target-URI")
        date = record.rec_headers.get_header("WARC-Date")
        http = record.http_headers
        record.content_stream().read()
        item = {
            "url": uri,
            "mime": "warc/revisit" if record.rec_type == "revisit" else http.get_header("Content-Type").split(";")[0],
            "status": http.get_statuscode(),
            "digest": record.rec_headers.get_header("WARC-Payload-Digest"),
            "offset": records.get_record_offset(),
            "length": records.get_record_length(),
            "filename": filename,
        }
        stamp = "".join(c for c in date if c.isdigit())
        lines.append(f"{uri} {stamp} {json.dumps(item)}")
    return "\n".join(sorted(lines)) + "\n"


def write_wacz(path: Path, host: str, *, with_index: bool = True, stored: bool = True) -> Path:
    """The fixture site's records as a WACZ: ``archive/data.warc.gz`` (stored, not deflated, unless ``stored`` is
    False), its page list, its CDXJ index (unless ``with_index`` is False) and ``datapackage.json``."""
    data = site_records(host, True)
    pages = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
    seeds = (ARTICLE_PATH, "/?p=42", "/", "/2024/05/missing-post/")
    pages += [{"url": f"http://{host}{path}", "ts": "2024-06-01T10:00:00Z"} for path in seeds]  # as first crawled
    members = {
        "archive/data.warc.gz": data,
        "pages/pages.jsonl": "\n".join(json.dumps(p) for p in pages).encode() + b"\n",
    }
    if with_index:
        members["indexes/index.cdxj"] = _cdxj(data, "data.warc.gz").encode()
    resources = [
        {"name": Path(n).name, "path": n, "hash": f"sha256:{hashlib.sha256(b).hexdigest()}", "bytes": len(b)}
        for n, b in members.items()
    ]
    package = {"profile": "data-package", "wacz_version": "1.1.1", "title": "Small Plots", "resources": resources}
    members["datapackage.json"] = json.dumps(package, indent=2).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            kind = zipfile.ZIP_STORED if name.startswith("archive/") and stored else zipfile.ZIP_DEFLATED
            member = zipfile.ZipInfo(name, date_time=(2024, 6, 1, 10, 5, 0))  # the crawl's time, not the clock's
            archive.writestr(member, content, compress_type=kind)
    return path


class CountingServer:
    """An HTTP server on 127.0.0.1 that counts the connections it receives (the fixtures' URLs name it)."""

    def __init__(self) -> None:
        owner = self
        self.connections = 0

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_error(404)

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def verify_request(self, request: object, client_address: object) -> bool:
                owner.connections += 1
                return True

        self.server: socketserver.TCPServer = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``."""
        return f"127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> CountingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def write_big_warc(path: Path, host: str, size: int, *, articles: int = 3, block: int = 16 * 2**20) -> int:
    """A large synthetic WARC of repeated records: binary responses of ``block`` bytes (as video files are)
    until ``size`` bytes, with ``articles`` article pages (and their images) spread among them. Returns how many
    article pages it holds."""
    blob = bytes(random.Random(7).getrandbits(8) for _ in range(4096)) * (block // 4096)
    images = {
        "tomatoes.png": picture("PNG", (200, 60, 40)),
        "herbs.jpg": picture("JPEG", (60, 160, 70)),
        "watering-can.png": picture("PNG", (40, 120, 60)),
    }
    html = [("Content-Type", "text/html; charset=UTF-8")]
    binaries = max(size // block, 1)
    every = max(binaries // articles, 1)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=False)

        def response(uri: str, date: str, body: bytes, headers: list[tuple[str, str]]) -> None:
            http = StatusAndHeaders("200 OK", [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            fields = {"WARC-Date": date, "WARC-Record-ID": _record_id(f"{uri} {date}")}
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "response",
                    payload=io.BytesIO(body),
                    length=len(body),
                    http_headers=http,
                    warc_headers_dict=fields,
                )
            )

        for name, data in images.items():
            kind = "image/jpeg" if name.endswith(".jpg") else "image/png"
            response(
                f"https://{host}/wp-content/uploads/2024/05/{name}",
                "2024-05-01T10:00:05Z",
                data,
                [("Content-Type", kind)],
            )
        made = 0
        for n in range(binaries):
            if n % every == 0 and made < articles:
                made += 1
                words = f"Entry {made} of the large archive keeps its own sentence about the balcony."
                page = article_page(host, words, OLDER_DATE).replace(ARTICLE_PATH, f"/2024/05/entry-{made}/")
                response(f"https://{host}/2024/05/entry-{made}/", f"2024-05-0{made}T10:00:00Z", page.encode(), html)
            video = [("Content-Type", "video/mp4")]
            response(f"https://{host}/wp-content/uploads/2024/05/clip-{n}.mp4", "2024-05-01T11:00:00Z", blob, video)
    return made


FIXTURE_HOST = "smallplots.example"
"""The host of the web archive bundled in ``fixtures/web-archive/`` (a name that can never be reached)."""


def main() -> None:
    """Write the bundled fixture: ``python -m tests.warc_fixtures fixtures/web-archive/small-plots.wacz``."""
    import sys

    target = Path(sys.argv[1])
    target.parent.mkdir(parents=True, exist_ok=True)
    write_wacz(target, FIXTURE_HOST)
    print(f"wrote {target} ({target.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

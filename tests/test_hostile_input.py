"""Hostile input: nothing leaves (no connection, no local file outside the input folder), nothing sneaks in
(no script, frame, handler or javascript: link in a book), and hostile XML is refused fast in little memory.

The end-to-end tests run the real CLI against a post full of references to an HTTP server this test runs
on 127.0.0.1, which counts every connection, and to a sentinel file outside the input folder.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import struct
import subprocess
import sys
import threading
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.request import urlopen

import lxml.html
import pytest

from exporter.clean import clean
from exporter.clean.images import resolve_images
from exporter.clean.sanitize import dropped_references, sanitize_html, sanitize_with_warnings
from exporter.model import RawArticle
from exporter.resources import Refusal, Resolver, image_uri, safe_svg, url_scheme
from tests.tools import epub_text, pdftotext, run_cli, texts

SECRET = "SENTINEL-7f3c9e1d-never-in-a-book"


def png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A small valid PNG."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


# --- a server that counts every connection ----------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # answers anything, so that a fetch would succeed and leak into a book
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        body = png()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class CountingServer(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that counts accepted connections and requests."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.connections = 0
        self.requests: list[str] = []

    def get_request(self) -> tuple[socket.socket, object]:
        conn = super().get_request()
        self.connections += 1
        return conn

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def server() -> Iterator[CountingServer]:
    srv = CountingServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        with urlopen(srv.base + "/self-check", timeout=5) as response:  # the counter works...
            assert response.status == 200
        assert srv.connections == 1
        srv.connections, srv.requests = 0, []  # ...and starts from zero for the test
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


@dataclass
class Layout:
    """The input folder, the sentinel file outside it, and the output folder."""

    input_dir: Path
    sentinel: Path
    out: Path


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    outside = tmp_path / "outside"
    outside.mkdir()
    sentinel = outside / "sentinel.txt"
    sentinel.write_text(SECRET, encoding="utf-8")
    input_dir = tmp_path / "in"
    input_dir.mkdir()
    (input_dir / "local.png").write_bytes(png())
    (input_dir / "innocent.png").symlink_to(sentinel)  # a link inside the folder that leads out of it
    return Layout(input_dir, sentinel, tmp_path / "out")


def payload(base: str, sentinel: Path) -> str:
    """Post HTML holding every way we know for a body to fetch, run or embed something."""
    secret_uri = sentinel.as_uri()
    return f"""
<p>Harbour words before the images QUOKKA1.</p>
<p><img src="{secret_uri}" alt="sentinel file"> <img src="{base}/x.png" alt="remote image" onerror="alert(1)"></p>
<p>Second paragraph QUOKKA2 <a href="javascript:alert(1)">js link</a> <a href="jav&#x09;ascript:alert(2)">tabbed</a>
<a href="&#106;avascript:alert(3)">encoded</a> <a href="vbscript:msgbox(1)">vb</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>
<a href="{secret_uri}">file link</a></p>
<iframe src="{base}/frame"></iframe>
<script>fetch("{base}/script")</script>
<script src="{base}/s.js"></script>
<link rel="stylesheet" href="{base}/s.css">
<style>@import url({base}/i.css); @import "{base}/j.css"; p {{ background: url({base}/bg.png) }}</style>
<p style="background:url({base}/b.png)">Styled paragraph QUOKKA3</p>
<p><img src="local.png" srcset="{base}/big.png 2x, {secret_uri} 3x" alt="a local picture"></p>
<picture><source srcset="{base}/p.webp"><img src="{base}/fallback.png" alt="picture fallback"></picture>
<svg xmlns:xlink="http://www.w3.org/1999/xlink"><image href="{base}/svg.png"/>
<image xlink:href="{secret_uri}"/><use href="{base}/u.svg#x"/></svg>
<link rel="attachment" href="{secret_uri}">
<p><a rel="attachment" href="{secret_uri}">attachment link QUOKKA4</a></p>
<object data="{base}/o.swf"></object><embed src="{base}/e.swf"></embed>
<form action="{base}/f"><input type="image" src="{base}/in.png"><button formaction="{base}/fa">go</button></form>
<video poster="{base}/poster.png" src="{base}/v.mp4"></video>
<p><img src="innocent.png" alt="symlink out"> <img src="../outside/sentinel.txt" alt="dot dot"></p>
<div onclick="alert(4)" onmouseover="x()">Handlers QUOKKA5</div>
<table background="{base}/tbg.png"><tr><td>Cell QUOKKA6</td></tr></table>
<meta http-equiv="refresh" content="0;url={base}/refresh"><base href="{base}/">
"""


WORDS = [f"QUOKKA{i}" for i in range(1, 7)]


def html_page(base: str, sentinel: Path) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><title>Hostile post</title>"
        f"<link rel='stylesheet' href='{base}/head.css'><script src='{base}/head.js'></script></head>"
        "<body><article><h1 class='entry-title'>Hostile post</h1><div class='entry-content'>"
        f"{payload(base, sentinel)}</div></article></body></html>"
    )


def wxr_export(base: str, sentinel: Path) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Site</title><link>https://site.example</link>'
        "<language>en</language><wp:wxr_version>1.2</wp:wxr_version>"
        "<item><title><![CDATA[Hostile post]]></title><link>https://site.example/?p=7</link>"
        "<dc:creator><![CDATA[someone]]></dc:creator>"
        f"<content:encoded><![CDATA[{payload(base, sentinel)}]]></content:encoded>"
        "<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>7</wp:post_id>"
        "<wp:post_date><![CDATA[2020-01-02 03:04:05]]></wp:post_date>"
        "<wp:post_name><![CDATA[hostile-post]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status>"
        "<wp:post_type><![CDATA[post]]></wp:post_type></item></channel></rss>\n"
    )


def _inflated_streams(pdf: bytes) -> list[bytes]:
    """Every Flate stream of a PDF, inflated (object streams hold dictionaries, content streams text)."""
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            out.append(m.group(1))
    return out


FORBIDDEN_MARKUP = re.compile(
    r"<(?:script|iframe|frame|object|embed|form|input|button|base|meta\s[^>]*refresh|svg|math|video|audio|source"
    r"|picture)\b|\son[a-z]+\s*=|javascript:|vbscript:|srcset|@import|url\(|style=",
    re.IGNORECASE,
)


def check_outputs(layout: Layout, server: CountingServer, proc: subprocess.CompletedProcess[str]) -> list[str]:
    """The assertions shared by the HTML and the WXR export; returns the item's warnings."""
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    epubs, pdfs = list(layout.out.glob("*.epub")), list(layout.out.glob("*.pdf"))
    assert len(epubs) == 1 and len(pdfs) == 1, list(layout.out.iterdir())
    epub, pdf = epubs[0], pdfs[0]

    # The post's text is in both books.
    text_epub, text_pdf = epub_text(epub), pdftotext(pdf)
    for word in WORDS:
        assert word in text_epub and word in text_pdf, word

    # The sentinel's content is in neither: raw bytes, every zip member, every inflated PDF stream, the text.
    raw_epub, raw_pdf = epub.read_bytes(), pdf.read_bytes()
    assert SECRET.encode() not in raw_epub and SECRET.encode() not in raw_pdf
    with zipfile.ZipFile(epub) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    assert all(SECRET.encode() not in data for data in members.values())
    assert all(SECRET.encode() not in data for data in _inflated_streams(raw_pdf))
    assert SECRET not in text_epub and SECRET not in text_pdf
    manifest = (layout.out / "manifest.json").read_text(encoding="utf-8")
    assert SECRET not in manifest and SECRET not in proc.stderr and SECRET not in proc.stdout

    # Nothing was fetched: not one connection to the server.
    assert server.connections == 0 and server.requests == []

    # No markup that runs, embeds, fetches or restyles reached the EPUB's documents.
    for name, data in members.items():
        if name.endswith((".xhtml", ".opf", ".ncx", ".css")):
            found = FORBIDDEN_MARKUP.findall(data.decode("utf-8"))
            assert not found, (name, found)
            for href in re.findall(r'<link[^>]*href="([^"]*)"', data.decode("utf-8")):
                assert url_scheme(href) == "" and not href.startswith("/"), (name, href)
            for src in re.findall(r'\ssrc="([^"]*)"', data.decode("utf-8")):  # only files of the book
                assert url_scheme(src) == "" and not src.startswith(("/", "..")), (name, src)
    # The image inside the folder is kept; only images from the input folder are in the book (besides the cover
    # the exporter draws).
    images = [n for n in members if n.startswith("EPUB/images/") and n != "EPUB/images/cover.jpg"]
    assert len(images) == 1 and members[images[0]] == png()
    # The PDF has no script, no launch action, no attachment, no javascript: link.
    for blob in [raw_pdf, *_inflated_streams(raw_pdf)]:
        for bad in (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/EmbeddedFile", b"javascript:", b"vbscript:"):
            assert bad not in blob, bad

    item = json.loads(manifest)["items"][0]
    assert item["status"] == "ok"
    return texts(item["warnings"])


def test_hostile_html_post_leaks_nothing_and_runs_nothing(layout: Layout, server: CountingServer) -> None:
    post = layout.input_dir / "post.html"
    post.write_text(html_page(server.base, layout.sentinel), encoding="utf-8")
    proc = run_cli("export", post, "-o", layout.out, "-v")
    warnings = check_outputs(layout, server, proc)
    secret_uri = layout.sentinel.as_uri()
    for expected in (
        f"refused file outside the input folder: {secret_uri}",
        f"refused remote image (never fetched): {server.base}/x.png",
        f"refused remote image (never fetched): {server.base}/fallback.png",
        "refused file outside the input folder: innocent.png",
        "refused file outside the input folder: ../outside/sentinel.txt",
    ):
        assert expected in warnings, (expected, warnings)


def test_hostile_wxr_item_leaks_nothing_and_runs_nothing(layout: Layout, server: CountingServer) -> None:
    export = layout.input_dir / "export.xml"
    export.write_text(wxr_export(server.base, layout.sentinel), encoding="utf-8")
    proc = run_cli("export", export, "-o", layout.out, "-v")
    warnings = check_outputs(layout, server, proc)
    assert f"refused file outside the input folder: {layout.sentinel.as_uri()}" in warnings
    assert f"refused remote image (never fetched): {server.base}/x.png" in warnings
    assert "refused file outside the input folder: innocent.png" in warnings


# --- hostile XML through the CLI: refused in one line, fast, in little memory -------------------------

_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run([sys.executable, "-m", "exporter", *sys.argv[1:]], capture_output=True, text=True, timeout=60)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
print(json.dumps({"rc": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr, "wall": wall,
                  "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss * scale / 2**20}))
"""


def measure_cli(*args: str | Path) -> dict[str, object]:
    """Run the CLI in a fresh wrapper process (so that no earlier child counts): exit code, output, wall and
    CPU seconds, and the CLI process's peak resident memory in MiB."""
    wrapper = subprocess.run(
        [sys.executable, "-c", _MEASURE, *map(str, args)], capture_output=True, text=True, timeout=120
    )
    assert wrapper.returncode == 0, wrapper.stderr
    return json.loads(wrapper.stdout)


def _laughs() -> str:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)
    )
    return f"<!DOCTYPE rss [{entities}]>"


HOSTILE_XML = {
    "billion-laughs": lambda srv, secret: (_laughs(), "&lol9;"),
    "quadratic-blowup": lambda srv, secret: (f'<!DOCTYPE rss [<!ENTITY a "{"x" * 100_000}">]>', "&a;" * 20_000),
    "xxe-file": lambda srv, secret: (f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>', "&xxe;"),
    "xxe-http": lambda srv, secret: (f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{srv.base}/xxe">]>', "&xxe;"),
    "parameter-entity": lambda srv, secret: (
        f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{srv.base}/p.dtd"> %p;]>',
        "body",
    ),
    "external-dtd": lambda srv, secret: (f'<!DOCTYPE rss SYSTEM "{srv.base}/wxr.dtd">', "body"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_XML))
def test_hostile_xml_is_refused_in_one_line_fast_and_small(kind: str, layout: Layout, server: CountingServer) -> None:
    doctype, body = HOSTILE_XML[kind](server, layout.sentinel)
    export = layout.input_dir / f"{kind}.xml"
    export.write_text(
        wxr_export(server.base, layout.sentinel)
        .replace("<rss ", f"{doctype}\n<rss ", 1)
        .replace("<title>Site</title>", f"<title>{body}</title>"),
        encoding="utf-8",
    )
    result = measure_cli("export", export, "-o", layout.out)
    assert result["rc"] == 1
    errors = [line for line in str(result["stderr"]).splitlines() if line.startswith("error:")]
    assert errors == [f"error: {export}: refused: the file declares a DTD or entities (unsafe XML)"]
    assert "Traceback" not in str(result["stderr"])
    assert SECRET not in str(result["stderr"]) + str(result["stdout"])
    assert SECRET not in (layout.out / "manifest.json").read_text(encoding="utf-8")
    assert not list(layout.out.glob("*.epub")) and not list(layout.out.glob("*.pdf"))
    assert server.connections == 0
    assert float(result["cpu"]) < 1.0, result  # interpreter start-up and imports included
    assert float(result["wall"]) < 5.0, result  # wall time also counts a busy machine; typically ~0.5 s
    assert float(result["peak_mb"]) < 100, result


# --- the resolver ------------------------------------------------------------------------------------


def test_symlinks_inside_the_folder_that_lead_out_are_refused(tmp_path: Path) -> None:
    root, outside = tmp_path / "in", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.png").write_bytes(png())
    (root / "inside.png").write_bytes(png())
    (root / "out.png").symlink_to(outside / "secret.png")
    (root / "ok.png").symlink_to(root / "inside.png")
    (root / "dir").symlink_to(outside, target_is_directory=True)
    resolver = Resolver(roots=[root])
    assert resolver.is_allowed(root / "inside.png") and resolver.is_allowed(root / "ok.png")
    assert not resolver.is_allowed(root / "out.png")
    assert not resolver.is_allowed(root / "dir" / "secret.png")
    # '..' after a link is taken after following it: in/dir/../outside is tmp/outside, not in/outside
    assert not resolver.is_allowed(root / "dir" / ".." / "outside" / "secret.png")
    assert resolver.is_allowed(root / "dir" / ".." / "in" / "inside.png")
    assert not resolver.is_allowed(root)  # a folder is not a file
    for url in ("out.png", "dir/secret.png", str(outside / "secret.png"), (outside / "secret.png").as_uri()):
        found = resolver.locate_image(url, root)
        assert isinstance(found, Refusal) and str(found) == f"refused file outside the input folder: {url}"
    assert resolver.resolve("out.png", root) is None and "out.png" in resolver.refused


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:9/x.png", "refused remote image (never fetched): http://127.0.0.1:9/x.png"),
        ("https://example.org/x.png", "refused remote image (never fetched): https://example.org/x.png"),
        ("HTTP://EXAMPLE.ORG/X.PNG", "refused remote image (never fetched): HTTP://EXAMPLE.ORG/X.PNG"),
        ("//cdn.example/x.png", "refused remote image (never fetched): //cdn.example/x.png"),
        ("ftp://host/x.png", "refused remote image (never fetched): ftp://host/x.png"),
        ("file://server/share/x.png", "refused remote image (never fetched): file://server/share/x.png"),
        ("\\\\server\\share\\x.png", "refused remote image (never fetched): \\\\server\\share\\x.png"),
        ("file:///etc/passwd", "refused file outside the input folder: file:///etc/passwd"),
        ("file://localhost/etc/passwd", "refused file outside the input folder: file://localhost/etc/passwd"),
        ("/etc/passwd", "refused file outside the input folder: /etc/passwd"),
        ("../../../../../../etc/passwd", "refused file outside the input folder: ../../../../../../etc/passwd"),
        ("..%2F..%2Fsecret.png", "refused file outside the input folder: ..%2F..%2Fsecret.png"),
        ("C:\\Windows\\x.png", "refused file outside the input folder: C:\\Windows\\x.png"),
        ("javascript:alert(1)", "refused image address with scheme 'javascript:' (never fetched): javascript:alert(1)"),
        ("blob:https://x/1", "refused image address with scheme 'blob:' (never fetched): blob:https://x/1"),
        ("data:text/html,<b>x</b>", "refused data: URI that is not a PNG, JPEG, GIF, WebP or SVG image"),
        ("data:image/png;base64,!!!", "refused malformed data: URI"),
        ("data:image/png;base64", "refused malformed data: URI"),
    ],
)
def test_every_other_url_is_refused_by_name_without_a_connection(tmp_path: Path, url: str, message: str) -> None:
    found = Resolver(roots=[tmp_path]).locate_image(url, tmp_path)
    assert isinstance(found, Refusal)
    assert str(found).startswith(message)


def test_missing_file_inside_the_folder_is_not_a_refusal(tmp_path: Path) -> None:
    assert Resolver(roots=[tmp_path]).locate_image("gone.png", tmp_path) is None
    assert Resolver(roots=[tmp_path]).locate_image("", tmp_path) is None


def test_media_copy_of_an_upload_url_is_served_and_traversal_out_of_media_refused(tmp_path: Path) -> None:
    media = tmp_path / "media"
    (media / "2024" / "05").mkdir(parents=True)
    (media / "2024" / "05" / "x.png").write_bytes(png())
    (tmp_path / "secret.png").write_bytes(png(rgb=(1, 2, 3)))
    resolver = Resolver(roots=[tmp_path / "in"], media_dir=media)
    found = resolver.locate_image("https://site.example/wp-content/uploads/2024/05/x.png", tmp_path / "in")
    assert not isinstance(found, Refusal) and found is not None and found.path == (media / "2024/05/x.png").resolve()
    escape = resolver.locate_image("https://site.example/wp-content/uploads/../secret.png", tmp_path / "in")
    assert isinstance(escape, Refusal) and escape.reason == "refused remote image (never fetched)"


def test_files_that_are_not_images_are_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.png").write_text("not a picture", encoding="utf-8")
    (tmp_path / "real.txt").write_bytes(png())  # the bytes decide, not the name
    resolver = Resolver(roots=[tmp_path])
    refused = resolver.locate_image("notes.png", tmp_path)
    assert isinstance(refused, Refusal) and "not an image file" in str(refused)
    found = resolver.locate_image("real.txt", tmp_path)
    assert not isinstance(found, Refusal) and found is not None and found.media_type == "image/png"


# --- data: images ---------------------------------------------------------------------------------------


def _clean_html(html: str, folder: Path) -> tuple[str, list[str], list]:
    raw = RawArticle(source_path=folder / "post.html", html=html, title="T", base_dir=folder)
    article = clean(raw, Resolver(roots=[folder]))
    return article.body, texts(article.warnings), article.images


def test_data_images_become_images_with_their_bytes_and_a_content_hash_key(tmp_path: Path) -> None:
    data = png(rgb=(10, 200, 10))
    html = (
        f'<p>Inline <img src="data:image/png;base64,{base64.b64encode(data).decode()}" alt="green"> and again '
        f'<img src="data:image/jpeg;base64,{base64.b64encode(data).decode()}" alt="same bytes, wrong label"></p>'
    )
    body, warnings, images = _clean_html(html, tmp_path)
    assert len(images) == 1  # the same bytes are one image, whatever the URI claims
    image = images[0]
    assert image.media_type == "image/png" and image.data == data and image.read_bytes() == data
    assert re.fullmatch(r"images/[0-9a-f]{8}-image\.png", image.key)
    assert body.count(f'src="{image.key}"') == 2 and "data:" not in body
    assert image_uri(image) == f"data:image/png;base64,{base64.b64encode(data).decode()}"
    assert not any("refused" in w for w in warnings)


def test_spacers_and_lazy_loading_placeholders_are_left_out(tmp_path: Path) -> None:
    gif = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
    wp_rocket = (
        "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20viewBox='0%200%20800%20600'%3E%3C/svg%3E"
    )
    (tmp_path / "spacer.png").write_bytes(png(1, 1))
    body, warnings, images = _clean_html(
        f'<p>Text <img src="{gif}"><img src="{wp_rocket}" alt=""><img src="spacer.png"></p>', tmp_path
    )
    assert not images and "<img" not in body
    assert sum("left out a spacer or tracking image (at most 2×2 pixels)" in w for w in warnings) == 2
    assert any("refused SVG image (it draws nothing: a lazy-loading placeholder)" in w for w in warnings)


def test_data_image_path_is_the_input_file(tmp_path: Path) -> None:
    html = f'<div><img src="data:image/png;base64,{base64.b64encode(png()).decode()}"/></div>'
    root = lxml.html.fragment_fromstring(html)
    images, _ = resolve_images(root, Resolver(roots=[tmp_path]), tmp_path, source_path=tmp_path / "post.html")
    assert images[0].path == tmp_path / "post.html" and images[0].data == png()


SAFE_SVG = (
    b'<?xml version="1.0"?><?xml-stylesheet href="http://x/s.css"?><!-- c -->'
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    b' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="10" height="10" inkscape:version="1">'
    b'<defs><linearGradient id="g"><stop offset="0" stop-color="rgb(1,2,3)"/></linearGradient></defs>'
    b'<inkscape:thing href="http://x/"/><rect id="r" width="5" height="5" fill="url(#g)" style="fill: url( #g )"/>'
    b'<use xlink:href="#r" x="5"/><text>Label</text></svg>'
)


@pytest.mark.parametrize(
    ("svg", "reason"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "it holds <script>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "it has an event handler (onload)"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1:9/x.png"/></svg>', "<image>"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><use x:href="a.svg#b"/>'
            b"</svg>",
            "it refers to outside resources",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>', "foreignObject"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>', "it holds <a>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" to="javascript:x"/></svg>', "<set>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://x/i.css);</style></svg>', "style"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://x/p.svg#a)"/></svg>', "attribute"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:\\75rl(http://x/a)"/></svg>', "attribute"),
        (
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">'
            b"<text>&x;</text></svg>",
            "DTD",
        ),
        (b"<svg><rect/></svg>", "not an SVG document"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 600"><title>x</title></svg>', "draws nothing"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect>', "not well-formed"),
    ],
)
def test_unsafe_svg_is_refused(svg: bytes, reason: str) -> None:
    result = safe_svg(svg)
    assert isinstance(result, str) and reason in result


def test_safe_svg_is_kept_without_editor_metadata_comments_or_processing_instructions(tmp_path: Path) -> None:
    cleaned = safe_svg(SAFE_SVG)
    assert isinstance(cleaned, bytes)
    assert b"inkscape" not in cleaned and b"xml-stylesheet" not in cleaned and b"<!--" not in cleaned
    assert b'fill="url(#g)"' in cleaned and b"<text>Label</text>" in cleaned
    (tmp_path / "drawing.svg").write_bytes(SAFE_SVG)
    (tmp_path / "evil.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>')
    svg_uri = "data:image/svg+xml;base64," + base64.b64encode(SAFE_SVG).decode()
    _, warnings, images = _clean_html(
        f'<p><img src="drawing.svg" alt="a"><img src="evil.svg" alt="b"><img src="{svg_uri}" alt="c"></p>', tmp_path
    )
    assert [i.media_type for i in images] == ["image/svg+xml"] * 2  # the file and the data: URI
    assert all(i.data == cleaned and i.read_bytes() == cleaned for i in images)
    assert "refused SVG image (it holds <script>): evil.svg" in warnings


# --- the sanitizer ----------------------------------------------------------------------------------------

SANITIZER_VECTORS = [
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;vascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    '<a href="file:///etc/passwd">x</a>',
    '<a href="ftp://host/x">x</a>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<form><input type="submit" formaction="javascript:alert(1)"></form>',
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://127.0.0.1:9/x.js></SCRIPT>",
    '<iframe src="http://127.0.0.1:9/"></iframe>',
    '<object data="http://127.0.0.1:9/x.swf"></object>',
    '<embed src="http://127.0.0.1:9/x.swf">',
    '<base href="http://127.0.0.1:9/">',
    '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">',
    '<link rel="stylesheet" href="http://127.0.0.1:9/s.css">',
    "<style>@import url(http://127.0.0.1:9/i.css);</style>",
    '<p style="background:url(http://127.0.0.1:9/b.png)">x</p>',
    '<img src="x.png" onerror="alert(1)">',
    '<img src="x.png" srcset="http://127.0.0.1:9/2x.png 2x">',
    '<picture><source srcset="http://127.0.0.1:9/p.webp"></picture>',
    '<svg><image href="http://127.0.0.1:9/s.png"/><a xlink:href="javascript:alert(1)">x</a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<div onmouseover="alert(1)" ONCLICK="alert(2)">x</div>',
    '<video poster="http://127.0.0.1:9/p.png"></video><audio src="http://127.0.0.1:9/a.mp3"></audio>',
    '<table background="http://127.0.0.1:9/t.png"><tr><td>x</td></tr></table>',
    '<template><img src="http://127.0.0.1:9/t.png"></template>',
    '<noscript><img src="http://127.0.0.1:9/n.png"></noscript>',
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    '<a href="#x" target="_blank" ping="http://127.0.0.1:9/ping">x</a>',
]


@pytest.mark.parametrize("html", SANITIZER_VECTORS)
def test_sanitizer_lets_nothing_through_that_runs_fetches_or_restyles(html: str) -> None:
    out = sanitize_html(f"<p>before</p>{html}<p>after</p>")
    assert "before" in out and "after" in out
    lowered = out.lower()
    for bad in (
        "<script", "<iframe", "<object", "<embed", "<form", "<input", "<button", "<base", "<meta", "<link", "<style",
        "<svg", "<math", "<source", "<video", "<audio", "<template", "javascript", "vbscript", "srcset", "style=",
        "background", "formaction", "ping=", "target=", "127.0.0.1:9/s", "data:text", "file:",
    ):  # fmt: skip
        assert bad not in lowered, (bad, out)
    assert not re.search(r"\son\w+\s*=", out)


def test_sanitizer_keeps_links_and_image_addresses_for_the_resolver() -> None:
    out = sanitize_html(
        '<a href="https://x.example/a">h</a> <a href="mailto:a@b.example">m</a> <a href="rel/x">r</a> '
        '<a href="#n">n</a> <img src="file:///etc/passwd"> <img src="data:image/png;base64,AA=="> '
        '<img src="ftp://h/x.png"> <img src="javascript:alert(1)">'
    )
    for kept in ('href="https://x.example/a"', 'href="mailto:a@b.example"', 'href="rel/x"', 'href="#n"'):
        assert kept in out
    # img src keeps file:, data: and ftp: for the resolver to serve or refuse by name; javascript: never passes
    assert 'src="file:///etc/passwd"' in out and 'src="data:image/png;base64,AA=="' in out and "ftp://h" in out
    assert "javascript" not in out


def test_dropped_references_are_named() -> None:
    html = (
        '<link rel="stylesheet" href="http://h/s.css"><style>@import url("http://h/i.css"); @import "http://h/j.css";'
        " p{background:url(http://h/bg.png)}</style><p style=\"background:url('http://h/b.png')\">x</p>"
        '<iframe src="http://h/f"></iframe><svg><image href="http://h/s.png"/><use href="#a"/></svg>'
        '<script src="http://h/s.js"></script><img src="a.png" srcset="http://h/2x.png 2x">'
    )
    clean_html, messages = sanitize_with_warnings(html)
    warnings = texts(messages)
    assert clean_html == sanitize_html(html)
    assert warnings == [
        "dropped <link> (never fetched): http://h/s.css",
        "dropped style sheet reference (never fetched): http://h/i.css",
        "dropped style sheet reference (never fetched): http://h/j.css",
        "dropped style sheet reference (never fetched): http://h/bg.png",
        "dropped style url() (never fetched): http://h/b.png",
        "dropped <iframe> (never fetched): http://h/f",
        "dropped SVG reference (never fetched): http://h/s.png",
        "dropped <script> (never fetched): http://h/s.js",
    ]
    assert dropped_references("<p>plain text, no references</p>") == []
    many = "".join(f'<link href="http://h/{i}.css">' for i in range(30))
    assert texts(dropped_references(many))[-1] == "and 10 more outside reference(s) dropped (never fetched)"


def test_data_images_reach_both_books(tmp_path: Path) -> None:
    picture = png(8, 6, rgb=(20, 90, 200))
    post = tmp_path / "post.html"
    post.write_text(
        f"<h1>Inline pictures</h1><p>Before the picture.</p><figure><img alt='A blue block' "
        f"src='data:image/png;base64,{base64.b64encode(picture).decode()}'><figcaption>Blue</figcaption></figure>"
        f"<p><img alt='A drawing' src='data:image/svg+xml;base64,{base64.b64encode(SAFE_SVG).decode()}'></p>",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    proc = run_cli("export", post, "-o", out)
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(out / "inline-pictures.epub") as zf:
        images = {n: zf.read(n) for n in zf.namelist() if n.startswith("EPUB/images/") and n != "EPUB/images/cover.jpg"}
    assert sorted(images.values()) == sorted([picture, safe_svg(SAFE_SVG)])
    listing = subprocess.run(
        ["pdfimages", "-list", str(out / "inline-pictures.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert len(listing.splitlines()) >= 3  # header, rule, at least the PNG
    item = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["items"][0]
    assert not [w for w in texts(item["warnings"]) if "image" in w.lower()], item["warnings"]

"""`exporter serve` over real HTTP on 127.0.0.1: the CLI started as a user would, a real client, a real library."""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from lxml import etree
from PIL import Image

from tests.conftest import FIXTURES, ROOT
from tests.tools import run_cli

A = "{http://www.w3.org/2005/Atom}"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
AUTHORS = {
    "notes-from-a-tuesday-cataloguing-night": ["Mina Carrow"],
    "harbour-town-opens-its-community-archive-to-the-public": ["Jonas Éber"],
}


def _output(folder: Path, fmt: str, rel: str) -> dict[str, object]:
    data = (folder / rel).read_bytes()
    return {"format": fmt, "path": rel, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def make_library(folder: Path) -> Path:
    """Two fixtures exported through the CLI, covers made with Pillow, and the catalog entries the library writes."""
    done = run_cli("export", FIXTURES / "post-fragment.html", FIXTURES / "harbour-archive.txt", "-o", folder, "-q")
    assert done.returncode == 0, done.stderr
    catalog = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for n, item in enumerate(catalog["items"]):
        slug = Path(item["outputs"][0]["path"]).stem
        for kind, size in (("covers", (1400, 2100)), ("thumbnails", (350, 525))):
            (folder / kind).mkdir(exist_ok=True)
            Image.new("RGB", size, (30 + 60 * n, 80, 120)).save(folder / kind / f"{slug}.jpg", "JPEG", quality=80)
        item.update(
            id=f"https://example.org/?p={n + 1}",
            authors=AUTHORS[slug],
            published=f"202{n}-05-0{n + 1}T10:00:00Z",
            language="en",
            subjects=["Archives"],
            outputs=[
                _output(folder, "epub", f"{slug}.epub"),
                _output(folder, "pdf", f"{slug}.pdf"),
                _output(folder, "cover", f"covers/{slug}.jpg"),
                _output(folder, "thumbnail", f"thumbnails/{slug}.jpg"),
            ],
        )
    (folder / "manifest.json").write_text(json.dumps(catalog), encoding="utf-8")
    (folder / "index.html").write_text("<!doctype html><title>Library</title><p>Books</p>\n", encoding="utf-8")
    (folder / ".exporter-tmp").mkdir()
    (folder / ".exporter-tmp" / "half.epub").write_bytes(b"partial")
    return folder


class Server:
    """`exporter serve FOLDER --port 0` in a subprocess; its URL read from the line it prints."""

    def __init__(self, folder: Path, *extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "exporter", "serve", str(folder), "--port", "0", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        self.line = self.process.stdout.readline().strip()
        match = re.fullmatch(
            r"Serving .+ at (http://127\.0\.0\.1:(\d+)/) \(OPDS: \1opds/index\.xml\); Ctrl\+C stops", self.line
        )
        assert match, (self.line, self.process.stderr.read() if self.process.poll() is not None else "")  # type: ignore[union-attr]
        self.url, self.port = match.group(1), int(match.group(2))

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """One request with a fresh connection; the path is sent as given (no normalising)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                conn.putheader(name, value)
            conn.endheaders()
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, {k.replace("_", "-"): v for k, v in headers.items()})

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_library(tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="module")
def server(library: Path) -> Iterator[Server]:
    running = Server(library)
    yield running
    running.stop()


def _path(url: str) -> str:
    return urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")


def test_prints_how_to_reach_it_and_binds_to_loopback(server: Server) -> None:
    assert server.url.startswith("http://127.0.0.1:") and server.port > 0
    status, _, _ = server.get("/opds/index.xml")
    assert status == 200


def test_root_feed_and_an_acquisition_feed(server: Server) -> None:
    status, headers, body = server.get("/opds/index.xml")
    assert status == 200 and headers["content-type"] == NAVIGATION
    assert int(headers["content-length"]) == len(body) and "content-encoding" not in headers
    root = etree.fromstring(body)
    all_link = next(
        lk for e in root.findall(A + "entry") for lk in e.findall(A + "link") if "acquisition" in lk.get("type")
    )
    status, headers, body = server.get(_path(urljoin(server.url + "opds/index.xml", all_link.get("href"))))
    assert status == 200 and headers["content-type"] == ACQUISITION
    entries = etree.fromstring(body).findall(A + "entry")
    assert [e.findtext(f"{A}author/{A}name") for e in entries] == ["Jonas Éber", "Mina Carrow"]
    status, headers, body = server.get("/opds/authors.xml")
    assert status == 200 and headers["content-type"] == NAVIGATION
    status, headers, body = server.get("/opds/index.json")
    assert status == 200 and headers["content-type"] == "application/opds+json" and json.loads(body)["navigation"]


def test_a_book_in_full_and_by_range_and_a_cover(server: Server, library: Path) -> None:
    _, _, body = server.get("/opds/all.xml")
    feed_url = server.url + "opds/all.xml"
    links = [lk for lk in etree.fromstring(body).iter(A + "link")]
    epub = next(lk for lk in links if lk.get("rel") == OPEN_ACCESS and lk.get("type") == "application/epub+zip")
    url = urljoin(feed_url, epub.get("href"))
    data = (library / urlsplit(url).path.lstrip("/")).read_bytes()
    status, headers, body = server.get(_path(url))
    assert status == 200 and body == data and headers["content-type"] == "application/epub+zip"
    assert headers["accept-ranges"] == "bytes" and int(headers["content-length"]) == len(data) == int(
        epub.get("length")
    )
    status, headers, body = server.get(_path(url), Range="bytes=100-1099")
    assert status == 206 and body == data[100:1100]
    assert headers["content-range"] == f"bytes 100-1099/{len(data)}" and headers["content-length"] == "1000"
    status, headers, body = server.get(_path(url), Range="bytes=-64")
    assert status == 206 and body == data[-64:]
    status, headers, body = server.get(_path(url), Range=f"bytes={len(data) - 10}-")
    assert status == 206 and body == data[-10:]
    status, headers, _ = server.get(_path(url), Range=f"bytes={len(data)}-")
    assert status == 416 and headers["content-range"] == f"bytes */{len(data)}"
    pdf = next(lk for lk in links if lk.get("rel") == OPEN_ACCESS and lk.get("type") == "application/pdf")
    status, headers, body = server.get(_path(urljoin(feed_url, pdf.get("href"))), Accept_Encoding="gzip")
    assert status == 200 and headers["content-type"] == "application/pdf" and body[:5] == b"%PDF-"
    assert "content-encoding" not in headers
    for rel in ("http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"):
        image = next(lk for lk in links if lk.get("rel") == rel)
        cover_url = urljoin(feed_url, image.get("href"))
        status, headers, body = server.get(_path(cover_url))
        assert status == 200 and headers["content-type"] == "image/jpeg"
        assert body == (library / urlsplit(cover_url).path.lstrip("/")).read_bytes()


def test_head_and_the_readers_page(server: Server, library: Path) -> None:
    status, headers, body = server.request("HEAD", "/opds/all.xml")
    assert (
        status == 200 and body == b"" and headers["content-type"] == ACQUISITION and int(headers["content-length"]) > 0
    )
    status, headers, body = server.request("HEAD", "/thumbnails/notes-from-a-tuesday-cataloguing-night.jpg")
    size = (library / "thumbnails" / "notes-from-a-tuesday-cataloguing-night.jpg").stat().st_size
    assert status == 200 and body == b"" and int(headers["content-length"]) == size
    status, headers, body = server.get("/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8" and body.startswith(b"<!doctype")


def test_read_only(server: Server) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        status, headers, _ = server.request(method, "/index.html")
        assert status == 405 and headers["allow"] == "GET, HEAD", method
    assert (server.get("/index.html")[0]) == 200


def test_paths_outside_the_folder_are_refused(server: Server, library: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.epub"
    secret.write_bytes(b"not for readers")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "book.epub").write_bytes(b"nor this")
    (library / "escape.epub").symlink_to(secret)
    (library / "escaped").symlink_to(tmp_path / "outside", target_is_directory=True)
    try:
        refused = [
            "/../" + secret.name,
            "/../../../../../../etc/passwd",
            "/covers/../../secret.epub",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E%2Fsecret.epub",
            "/covers%2f..%2f..%2fsecret.epub",
            "/escape.epub",
            "/escaped/book.epub",
            "/.exporter-tmp/half.epub",
            "/%2eexporter-tmp/half.epub",
            "/manifest.json%00.epub",
            "/" + quote(str(secret)),
        ]
        for path in refused:
            status, _, body = server.get(path)
            assert status in {403, 404}, path
            assert b"not for readers" not in body and str(tmp_path).encode() not in body, path
            assert str(library).encode() not in body, path
        assert server.get("/../index.html")[0] == 403
        assert server.get("/escape.epub")[0] == 403
        assert server.get("/nothing-here.epub")[0] == 404
    finally:
        (library / "escape.epub").unlink()
        (library / "escaped").unlink()


def test_200_requests_from_8_clients(server: Server, library: Path) -> None:
    epub = "/notes-from-a-tuesday-cataloguing-night.epub"
    expected = {
        "/opds/index.xml": None,
        "/opds/all.xml": None,
        epub: (library / epub[1:]).read_bytes(),
        "/covers/notes-from-a-tuesday-cataloguing-night.jpg": (
            library / "covers/notes-from-a-tuesday-cataloguing-night.jpg"
        ).read_bytes(),
    }
    paths = list(expected)
    failures: list[str] = []
    done = []

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            for i in range(25):
                path = paths[(n + i) % len(paths)]
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                if response.status != 200 or (expected[path] is not None and body != expected[path]):
                    failures.append(f"{path}: {response.status}")
                done.append(path)
        except OSError as exc:
            failures.append(repr(exc))
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == [] and len(done) == 200


def test_search_through_opensearch(server: Server) -> None:
    _, _, body = server.get("/opds/index.xml")
    search = next(lk for lk in etree.fromstring(body).findall(A + "link") if lk.get("rel") == "search")
    assert search.get("type") == "application/opensearchdescription+xml"
    status, headers, body = server.get(_path(urljoin(server.url + "opds/index.xml", search.get("href"))))
    assert status == 200 and headers["content-type"] == "application/opensearchdescription+xml"
    url = etree.fromstring(body).find("{http://a9.com/-/spec/opensearch/1.1/}Url")
    assert url.get("template").startswith(server.url)
    status, headers, body = server.get(_path(url.get("template").replace("{searchTerms}", quote("éber"))))
    assert status == 200 and headers["content-type"] == ACQUISITION
    titles = [e.findtext(A + "title") for e in etree.fromstring(body).findall(A + "entry")]
    assert titles == ["Harbour Town Opens Its Community Archive to the Public"]
    _, _, body = server.get("/opds/search.xml?q=" + quote("tuesday mina"))
    assert len(etree.fromstring(body).findall(A + "entry")) == 1
    _, _, body = server.get("/opds/search.xml?q=nothing-matches")
    assert etree.fromstring(body).findall(A + "entry") == []
    status, headers, body = server.get("/opds/search.json?query=carrow")
    assert (
        status == 200
        and headers["content-type"] == "application/opds+json"
        and len(json.loads(body)["publications"]) == 1
    )


def test_feeds_follow_the_catalog(tmp_path: Path, library: Path) -> None:
    """A bag is served from its data/; feeds are read again when manifest.json changes."""
    bag = tmp_path / "bag"
    shutil.copytree(library, bag / "data", symlinks=True)
    (bag / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8")
    running = Server(bag)
    try:
        assert len(etree.fromstring(running.get("/opds/all.xml")[2]).findall(A + "entry")) == 2
        assert running.get("/bagit.txt")[0] == 404
        catalog = json.loads((bag / "data" / "manifest.json").read_text(encoding="utf-8"))
        catalog["items"] = catalog["items"][:1]
        (bag / "data" / "manifest.json").write_text(json.dumps(catalog) + "\n", encoding="utf-8")
        assert len(etree.fromstring(running.get("/opds/all.xml")[2]).findall(A + "entry")) == 1
    finally:
        running.stop()


def test_a_missing_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = run_cli("serve", tmp_path / "nowhere", "--port", "0")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "nowhere" in done.stderr


def test_a_port_in_use_is_one_line(server: Server) -> None:
    done = run_cli("serve", ROOT / "fixtures", "--port", str(server.port))
    assert done.returncode == 1 and done.stderr.startswith("error: cannot listen on 127.0.0.1:")
    assert done.stderr.count("\n") == 1, done.stderr

"""Exporting web archives through the command line: the fixture site (tests/warc_fixtures.py) as WARC and WACZ.

Every URL in the fixtures names a test server on 127.0.0.1 that counts the connections it receives: an export
must make none."""

from __future__ import annotations

import contextlib
import json
import subprocess
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.tools import epub_documents, epub_text, flat, pdftotext, run_cli, run_epubcheck
from tests.warc_fixtures import (
    ARTICLE_PATH,
    NEWER_DATE,
    NEWER_WORDS,
    OLDER_WORDS,
    CountingServer,
    Site,
    _record_id,
    write_site,
    write_wacz,
)

IMAGES = ("tomatoes", "herbs", "watering-can")


@pytest.fixture(scope="module")
def server():
    with CountingServer() as running:
        yield running


@pytest.fixture(scope="module")
def site(server: CountingServer, tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("site")
    made = write_site(folder, server.host)
    write_wacz(folder / "site.wacz", server.host)
    return made


@pytest.fixture(scope="module")
def exported(site: Site, server: CountingServer, tmp_path_factory: pytest.TempPathFactory):
    """The gzipped WARC and the WACZ exported, counting the server's connections meanwhile."""
    out = tmp_path_factory.mktemp("out")
    before = server.connections
    runs = {
        name: (run_cli("export", path, "-o", out / name, "-v"), out / name)
        for name, path in (("warc", site.warc_gz), ("wacz", site.warc.parent / "site.wacz"))
    }
    return runs, server.connections - before


def _books(folder: Path, suffix: str) -> list[Path]:
    return sorted(folder.glob(f"*{suffix}"))


@pytest.mark.parametrize("name", ["warc", "wacz"])
def test_article_exports_once_from_the_latest_capture_with_its_images(exported, name: str) -> None:
    proc, out = exported[0][name]
    assert proc.returncode == 0, proc.stderr
    epubs, pdfs = _books(out, ".epub"), _books(out, ".pdf")
    assert len(epubs) == len(pdfs) == 1
    text = epub_text(epubs[0])
    assert NEWER_WORDS in text and OLDER_WORDS not in text
    with zipfile.ZipFile(epubs[0]) as book:
        images = [n for n in book.namelist() if "/images/" in n and "cover" not in n]
    assert len(images) == 3 and all(any(i in n for n in images) for i in IMAGES), images
    listing = subprocess.run(["pdfimages", "-list", str(pdfs[0])], capture_output=True, text=True, check=True).stdout
    assert len(listing.strip().splitlines()) - 2 == 3, listing
    assert "Tending a Balcony Garden" in pdftotext(pdfs[0])


def test_wacz_gives_the_same_books(exported) -> None:
    (_, warc), (_, wacz) = exported[0]["warc"], exported[0]["wacz"]
    for suffix in (".epub", ".pdf"):
        assert _books(warc, suffix)[0].read_bytes() == _books(wacz, suffix)[0].read_bytes()


@pytest.mark.parametrize("name", ["warc", "wacz"])
def test_home_page_and_404_are_skipped_and_counted(exported, name: str) -> None:
    proc, out = exported[0][name]
    assert "1 exported; 2 archived page(s) with no article skipped" in proc.stderr, proc.stderr
    assert "HTTP 404" in proc.stderr and "no article in the page" in proc.stderr
    runs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["runs"]
    assert runs[-1]["exported"] == 1 and runs[-1]["skipped"] == 2


def test_broken_record_is_a_message_and_the_run_exits_0(exported) -> None:
    proc, out = exported[0]["warc"]
    assert proc.returncode == 0
    assert "warc-broken-record" in proc.stderr  # -v lists the item's messages
    items = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["items"]
    article = next(i for i in items if i.get("status") != "skipped")
    assert any(w["code"] == "warc-broken-record" for w in article["warnings"])


def test_no_network(exported) -> None:
    assert exported[1] == 0


@pytest.mark.slow
@pytest.mark.parametrize("name", ["warc", "wacz"])
def test_epubcheck_clean(exported, name: str) -> None:
    _, out = exported[0][name]
    report = run_epubcheck(_books(out, ".epub")[0])
    assert (report.errors, report.warnings) == (0, 0), report.messages


def test_at_picks_the_older_capture(site: Site, tmp_path: Path) -> None:
    proc = run_cli("export", site.warc, "--at", "2024-05-02", "-o", tmp_path, "-f", "epub", "-q")
    assert proc.returncode == 0, proc.stderr
    text = epub_text(_books(tmp_path, ".epub")[0])
    assert OLDER_WORDS in text and NEWER_WORDS not in text


def test_bad_at_is_a_usage_error(site: Site, tmp_path: Path) -> None:
    proc = run_cli("export", site.warc, "--at", "last tuesday", "-o", tmp_path)
    assert proc.returncode == 2 and "--at" in proc.stderr


def test_whole_file_gzip_is_one_line_naming_warcio_recompress(site: Site, tmp_path: Path) -> None:
    proc = run_cli("export", site.whole_gz, "-o", tmp_path, "-q")
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "warcio recompress" in errors[0], proc.stderr


def test_inspect_takes_url_and_at(site: Site) -> None:
    proc = run_cli("inspect", site.warc, "--url", "*balcony*", "--at", "2024-05-01T10:00:00Z", "--json")
    assert proc.returncode == 0, proc.stderr
    items = json.loads(proc.stdout)["items"]
    assert len(items) == 1 and items[0]["title"] == "Tending a Balcony Garden"
    assert items[0]["source"]["capture"]["captured"] == "2024-05-01T10:00:00Z"  # the older capture


def test_inspect_shows_the_capture_and_names_skipped_pages_by_url(site: Site) -> None:
    proc = run_cli("inspect", site.warc)
    assert proc.returncode == 0, proc.stderr
    assert f"  captured:  {NEWER_DATE}" in proc.stdout
    assert f"{site.warc}: skipped https://{site.host}/2024/05/missing-post/: HTTP 404" in proc.stdout
    assert "post None" not in proc.stdout


def test_the_server_counts_a_connection(server: CountingServer) -> None:
    """The no-network test could fail: a fetch of a fixture URL's host is counted."""
    before = server.connections
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(f"http://{server.host}/", timeout=10).close()
    assert server.connections == before + 1


@pytest.mark.parametrize("name", ["warc", "wacz"])
def test_books_and_manifest_say_where_and_when_it_was_captured(exported, server: CountingServer, name: str) -> None:
    proc, out = exported[0][name]
    url = f"https://{server.host}{ARTICLE_PATH}"
    line = f"Captured from {url} on 1 June 2024 at 10:00 UTC."
    assert line in flat(pdftotext(_books(out, ".pdf")[0]))
    assert line in flat(epub_text(_books(out, ".epub")[0]))
    opf = next(t for n, t in epub_documents(_books(out, ".epub")[0]).items() if n.endswith(".opf"))
    assert f"<dc:source>{url}</dc:source>" in opf
    assert f'<meta property="dcterms:created">{NEWER_DATE}</meta>' in opf
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    article = next(i for i in manifest["items"] if i["status"] == "ok")
    assert article["id"] == f"memento:20240601100001/{url}"
    capture = article["source"]["capture"]
    assert capture["record_id"] == _record_id(f"{url} {NEWER_DATE}")
    assert (capture["target_uri"], capture["captured"]) == (url, NEWER_DATE)
    assert capture["member"] == (None if name == "warc" else "archive/data.warc.gz")
    skipped = [i for i in manifest["items"] if i["status"] == "skipped"]
    assert sorted(i["id"] for i in skipped) == [
        f"https://{server.host}/",
        f"https://{server.host}/2024/05/missing-post/",
    ]
    broken = [any(w["code"] == "warc-broken-record" for w in i["warnings"]) for i in skipped]
    assert broken == ([True, True] if name == "warc" else [False, False])  # the WARC ends in a truncated record
    assert "2 archived page(s) with no article skipped" in proc.stderr
    card = '<dt>Captured</dt><dd><time datetime="2024-06-01T10:00:01Z">1 June 2024</time></dd>'
    assert card in (out / "index.html").read_text(encoding="utf-8")  # the library page's card


def test_an_archive_whose_only_article_is_broken_is_an_error_naming_the_record(site: Site, tmp_path: Path) -> None:
    data = site.warc.read_bytes()
    second = data.index(b"WARC/1.", 1)  # the warcinfo record, then the first response (the article)
    broken = tmp_path / "broken.warc"
    broken.write_bytes(data[: second + 300])  # that response cut short
    proc = run_cli("export", broken, "-o", tmp_path / "out")
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert proc.returncode == 1 and len(errors) == 1, proc.stderr
    assert errors[0].startswith(f"error: {broken}: no page read; the ") and errors[0].count("broken.warc") == 1
    assert "are not a readable record" in errors[0], errors

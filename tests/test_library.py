"""The output folder is a library (issue 10): it grows safely across runs, through the real command line.

One folder receives, in turn: the collection fixture; a second site's WXR with an "About" page and a post titled
like one of the collection's; a text file; a typo; the collection again with one post changed; the text file
again with --bag; and a run without --bag. After every step every earlier book is there, unchanged (but the
changed post's), manifest.json lists exactly the books in the folder, and the user's own file is untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import bagit
import pytest

from tests.tools import run_cli

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
COLLECTION = FIXTURES / "collection.wxr.xml"
MEDIA = FIXTURES / "collection-media"
TEXT = FIXTURES / "harbour-archive.txt"
LIBRARY_FILES = ("manifest.json", "index.html")

SECOND_SITE = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Quay Street Allotments</title>
  <link>https://allotments.example</link>
  <language>en-GB</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://allotments.example</wp:base_site_url>
  <wp:base_blog_url>https://allotments.example</wp:base_blog_url>
  <item>
    <title>About</title>
    <link>https://allotments.example/about/</link>
    <dc:creator>gardener</dc:creator>
    <content:encoded><![CDATA[We are twelve plots behind the old rope works.
Visitors are welcome on Sundays.]]></content:encoded>
    <wp:post_id>7</wp:post_id>
    <wp:post_date_gmt>2023-03-01 10:00:00</wp:post_date_gmt>
    <wp:post_name>about</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>page</wp:post_type>
  </item>
  <item>
    <title>The Crane at the North Quay</title>
    <link>https://allotments.example/2023/04/crane/</link>
    <dc:creator>gardener</dc:creator>
    <content:encoded><![CDATA[A pair of cranes, the birds, nested by the north quay this spring.
We left the reeds alone.]]></content:encoded>
    <wp:post_id>9</wp:post_id>
    <wp:post_date_gmt>2023-04-11 08:00:00</wp:post_date_gmt>
    <wp:post_name>the-crane-at-the-north-quay</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
  </item>
</channel>
</rss>
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) → its SHA-256."""
    return {p.relative_to(folder).as_posix(): digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def catalog(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))


def books_of(root: Path) -> dict[str, str]:
    """The books, covers and thumbnails the catalog lists → their recorded SHA-256."""
    listed: dict[str, str] = {}
    for item in catalog(root)["items"]:
        for output in item.get("outputs", []):
            listed[output["path"]] = output["sha256"]
    return listed


def check_library(root: Path, user_files: dict[Path, bytes]) -> dict[str, str]:
    """The catalog lists exactly the books in the folder, each intact; the pages and feeds it names are there;
    the user's files are untouched. Returns the books' digests."""
    listed = books_of(root)
    data = catalog(root)
    library = set(data["library_files"]) | {"manifest.json"}
    assert "index.html" in library and any(p.startswith("opds/") for p in library)
    on_disk = {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p not in user_files and not p.name.startswith(".")
    }
    assert on_disk - library == set(listed), "manifest.json must list every book in the folder and nothing else"
    for rel, sha in listed.items():
        assert digest(root / rel) == sha, f"{rel} is not the book the catalog lists"
    for path, content in user_files.items():
        assert path.read_bytes() == content, f"the user's {path.name} was changed"
    assert not list(root.glob(".exporter-*"))
    return listed


def second_site(tmp_path: Path) -> Path:
    path = tmp_path / "allotments.wxr.xml"
    path.write_text(SECOND_SITE, encoding="utf-8")
    return path


def changed_collection(tmp_path: Path) -> Path:
    """The collection with one post's text changed (The Crane at the North Quay, post 101)."""
    text = COLLECTION.read_text(encoding="utf-8")
    marker = "has stood over Lantern Harbour since 1911"
    assert marker in text
    path = tmp_path / "collection-changed.wxr.xml"
    path.write_text(text.replace(marker, "has stood over Lantern Harbour since 1912", 1), encoding="utf-8")
    return path


def export(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_cli("export", *args, "-j", "2", "-q")


def test_one_folder_across_seven_runs(tmp_path: Path) -> None:
    out = tmp_path / "library"
    out.mkdir()
    mine = out / "my-reading-list.txt"
    mine.write_text("Books to read on the ferry.\n", encoding="utf-8")
    user_files = {mine: mine.read_bytes()}

    # 1. the collection fixture
    proc = export(COLLECTION, "--media", MEDIA, "-o", out)
    assert proc.returncode == 0, proc.stderr
    step1 = check_library(out, user_files)
    about = (out / "about.epub").read_bytes()
    assert len([p for p in step1 if p.endswith(".epub")]) == 7

    # 2. another site: its "About" and its post titled like the collection's take new names
    proc = export(second_site(tmp_path), "-o", out)
    assert proc.returncode == 0, proc.stderr
    step2 = check_library(out, user_files)
    assert {k: v for k, v in step2.items() if k in step1} == step1
    assert {"about-2.epub", "about-2.pdf", "the-crane-at-the-north-quay-2.epub"} <= set(step2)
    assert (out / "about.epub").read_bytes() == about
    ids = {i["id"] for i in catalog(out)["items"]}
    assert {"https://allotments.example/?p=7", "https://lantern.example/?p=101"} <= ids

    # 3. a text file
    proc = export(TEXT, "-o", out)
    assert proc.returncode == 0, proc.stderr
    step3 = check_library(out, user_files)
    assert {k: v for k, v in step3.items() if k in step2} == step2 and len(step3) == len(step2) + 4

    # 4. a typo: one line, exit 2, nothing changed
    before = snapshot(out)
    proc = export(FIXTURES / "nonexistent.html", "-o", out)
    assert proc.returncode == 2 and "nonexistent.html" in proc.stderr
    assert snapshot(out) == before

    # 5. the collection again, one post changed: its books are replaced under the same names, the rest stay
    proc = export(changed_collection(tmp_path), "--media", MEDIA, "-o", out)
    assert proc.returncode == 0, proc.stderr
    step5 = check_library(out, user_files)
    changed = {k for k in step3 if step5.get(k) != step3[k]}
    assert changed and all(k.rsplit("/", 1)[-1].startswith("the-crane-at-the-north-quay.") for k in changed), changed
    assert set(step5) == set(step3)
    runs = catalog(out)["runs"]
    assert [r["run"] for r in runs] == [1, 2, 3, 4]  # the typo run changed nothing, so it is no run

    # 6. with --bag: the library moves under data/, the user's file stays; bagit validates; bag-info counts
    proc = export(TEXT, "-o", out, "--bag")
    assert proc.returncode == 0, proc.stderr
    data = out / "data"
    step6 = check_library(data, user_files)
    assert step6 == step5
    bagit.Bag(str(out)).validate()
    info = (out / "bag-info.txt").read_text(encoding="utf-8")
    payload = [p for p in data.rglob("*") if p.is_file()]
    assert f"Payload-Oxum: {sum(p.stat().st_size for p in payload)}.{len(payload)}" in info
    books = len([p for p in step6 if not p.startswith(("covers/", "thumbnails/"))])
    assert f"in {books} book file(s)" in info and "10 article(s)" in info
    assert run_cli("verify", out).returncode == 0

    # 7. without --bag: refused in one line, exit 2, nothing changed
    before = snapshot(out)
    proc = export(TEXT, "-o", out)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "--bag" in proc.stderr
    assert snapshot(out) == before


def test_kill_9_while_re_exporting_leaves_a_whole_catalog(tmp_path: Path) -> None:
    out = tmp_path / "library"
    proc = export(COLLECTION, "--media", MEDIA, "-o", out, "-f", "epub")
    assert proc.returncode == 0, proc.stderr
    before = check_library(out, {})
    changed = changed_collection(tmp_path)
    cmd = [sys.executable, "-m", "exporter", "export", str(changed), "--media", str(MEDIA), "-o", str(out)]
    run = subprocess.Popen([*cmd, "-f", "epub", "-j", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out / ".exporter-journal").exists() and run.poll() is None:
        time.sleep(0.01)
    os.kill(run.pid, signal.SIGKILL)
    assert run.wait() == -signal.SIGKILL
    # killed mid-run, after its first book: the catalog is the old one, whole; the journal names the new books
    assert (out / ".exporter-journal").exists()
    assert books_of(out) == before
    proc = export(changed, "--media", MEDIA, "-o", out, "-f", "epub")
    assert proc.returncode == 0, proc.stderr
    after = check_library(out, {})
    assert set(after) == set(before)
    assert not (out / ".exporter-journal").exists()


def test_a_book_deleted_by_hand_is_dropped_with_a_note(tmp_path: Path) -> None:
    out = tmp_path / "library"
    assert export(TEXT, FIXTURES / "post-fragment.html", "-o", out, "-f", "epub").returncode == 0
    gone = next(out.glob("harbour-*.epub"))
    gone.unlink()
    proc = export(FIXTURES / "post-fragment.html", "-o", out, "-f", "epub")
    assert proc.returncode == 0, proc.stderr
    assert "note: " in proc.stderr and gone.name in proc.stderr and "deleted by hand" in proc.stderr
    listed = check_library(out, {})
    assert gone.name not in listed and not (out / "covers" / f"{gone.stem}.jpg").exists()


def test_a_users_file_takes_the_name_from_no_one(tmp_path: Path) -> None:
    """A file the user put in the folder under the name a book would take is never replaced: the book is
    named -2, and a later run keeps that name."""
    out = tmp_path / "library"
    out.mkdir()
    (out / "covers").mkdir()
    theirs = out / "covers" / "about.jpg"
    theirs.write_bytes(b"my own picture")
    assert export(COLLECTION, "--media", MEDIA, "-o", out, "-f", "epub").returncode == 0
    assert theirs.read_bytes() == b"my own picture"
    assert (out / "about-2.epub").is_file() and not (out / "about.epub").exists()
    assert export(COLLECTION, "--media", MEDIA, "-o", out, "-f", "epub").returncode == 0
    assert not (out / "about-3.epub").exists() and (out / "about-2.epub").is_file()
    check_library(out, {theirs: b"my own picture"})


def test_a_users_index_html_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "library"
    out.mkdir()
    (out / "index.html").write_text("<p>my page</p>", encoding="utf-8")
    proc = export(TEXT, "-o", out, "-f", "epub")
    assert proc.returncode == 0, proc.stderr
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>my page</p>"
    assert "index.html: a file the exporter did not make" in proc.stderr
    assert "index.html" not in catalog(out)["library_files"]


def test_someone_elses_manifest_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "library"
    out.mkdir()
    (out / "manifest.json").write_text('{"name": "my web app"}', encoding="utf-8")
    before = snapshot(out)
    proc = export(TEXT, "-o", out)
    assert proc.returncode == 2 and "not an exporter catalog" in proc.stderr
    assert snapshot(out) == before


def test_failures_are_added_and_nothing_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "library"
    assert export(TEXT, "-o", out, "-f", "epub").returncode == 0
    before = check_library(out, {})
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"\x00\x01 not a page")
    proc = export(bad, "-o", out, "-f", "epub")
    assert proc.returncode == 1
    assert check_library(out, {}) == before
    failed = [i for i in catalog(out)["items"] if i["status"] == "error"]
    assert [i["source"]["path"] for i in failed] == [str(bad)]


def test_remove_takes_an_items_books_and_entry(tmp_path: Path) -> None:
    out = tmp_path / "library"
    mine = tmp_path / "library" / "mine.txt"
    assert export(COLLECTION, "--media", MEDIA, "-o", out, "-f", "epub").returncode == 0
    mine.write_text("mine", encoding="utf-8")
    proc = run_cli("remove", "about", "https://lantern.example/?p=101", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "about.epub" in proc.stdout
    listed = check_library(out, {mine: b"mine"})
    assert not any(p.endswith(("about.epub", "the-crane-at-the-north-quay.epub")) for p in listed)
    assert not (out / "covers" / "about.jpg").exists()
    assert "about.epub" not in (out / "index.html").read_text(encoding="utf-8")
    before = snapshot(out)
    proc = run_cli("remove", "weekly-roundup", "no-such-book", "-o", out)
    assert proc.returncode == 2 and "no-such-book: no such item" in proc.stderr
    assert snapshot(out) == before


def test_report_file_holds_this_runs_items_only(tmp_path: Path) -> None:
    out = tmp_path / "library"
    assert export(COLLECTION, "--media", MEDIA, "-o", out, "-f", "epub").returncode == 0
    report = tmp_path / "run.json"
    proc = export(TEXT, "-o", out, "-f", "epub", "--report", report)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["run"] == 2 and [i["source"]["path"] for i in data["items"]] == [str(TEXT)]
    assert len([i for i in catalog(out)["items"] if i["status"] == "ok"]) == 8


@pytest.mark.parametrize("flag", ["--bag", None])
def test_bag_of_a_new_folder(tmp_path: Path, flag: str | None) -> None:
    out = tmp_path / "library"
    args = [TEXT, "-o", out, "-f", "epub"] + ([flag] if flag else [])
    assert export(*args).returncode == 0
    root = out / "data" if flag else out
    check_library(root, {})
    if flag:
        bagit.Bag(str(out)).validate()
        shutil.copy(TEXT, tmp_path / "again.txt")
        assert export(tmp_path / "again.txt", "-o", out, "-f", "epub", "--bag").returncode == 0
        bagit.Bag(str(out)).validate()
        check_library(root, {})


def test_the_folders_own_pages_and_feeds_link_only_to_its_files(tmp_path: Path) -> None:
    """What the CLI wrote: every link of index.html and of every OPDS feed resolves to a file in the folder, the
    feeds pass the rule checks, and the EPUBs carry their cover."""
    from lxml import etree, html

    from tests.test_opds import _target, rule_problems

    out = tmp_path / "library"
    assert export(COLLECTION, "--media", MEDIA, "-o", out).returncode == 0
    assert export(TEXT, "-o", out).returncode == 0
    page = html.parse(str(out / "index.html")).getroot()
    links = [a.get("href") for a in page.iter("a")] + [i.get("src") for i in page.iter("img")]
    local = [h for h in links if h and not h.startswith(("http:", "https:", "#"))]
    assert len(local) >= 8 * 3, local
    for href in local:
        assert (out / href).is_file(), href
    feeds = sorted(p.relative_to(out).as_posix() for p in (out / "opds").rglob("*.xml"))
    assert "opds/index.xml" in feeds and "opds/all.xml" in feeds
    for path in feeds:
        feed = etree.parse(str(out / path)).getroot()
        assert rule_problems(path, feed) == []
        for link in feed.iter("{http://www.w3.org/2005/Atom}link"):
            target = _target(path, link.get("href"))
            if target is not None:
                assert (out / target).is_file(), (path, link.get("href"))
    all_feed = (out / "opds" / "all.xml").read_text(encoding="utf-8")
    assert all_feed.count("<entry>") == 8
    assert set(catalog(out)["library_files"]) >= {"index.html", *feeds}
    for epub in out.glob("*.epub"):
        with zipfile.ZipFile(epub) as book:
            opf = next(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".opf"))
        assert 'properties="cover-image"' in opf and '<meta name="cover"' in opf, epub.name

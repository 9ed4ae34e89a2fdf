"""The OPDS catalog (exporter.library.opds): the rule checks OPDS validators add, on a real small library, and the
OPDS 1.2 RELAX NG schema from ../shared (conformance)."""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree
from PIL import Image

from exporter.library.books import Book, BookFile
from exporter.library.opds import (
    ACQUISITION,
    EPOCH,
    NAVIGATION,
    OPENSEARCH_TYPE,
    entry_id,
    render_feeds,
    render_opensearch,
    render_search,
    search_books,
)
from tests.conftest import FIXTURES, SHARED
from tests.tools import run_cli

A = "{http://www.w3.org/2005/Atom}"
ACQ_REL = "http://opds-spec.org/acquisition"
IMAGE_RELS = {"http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"}
BITMAPS = {"image/jpeg", "image/png", "image/gif"}
BASE = "https://books.example.net/library"
# What each exported book is filed under here (by hand: the catalog's model, not the books' own metadata).
META = {
    "notes-from-a-tuesday-cataloguing-night": dict(
        authors=("Mina Carrow",),
        site="Lantern Quarterly",
        published="2023-10-14T07:30:00Z",
        language="en",
        subjects=("Cataloguing", "Volunteers"),
        licence_id="CC-BY-SA-4.0",
        licence_name="Creative Commons Attribution-ShareAlike 4.0",
        licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
        source_url="https://lantern.example.org/2023/10/notes/",
        summary="The volunteers met on a Tuesday & <sorted> boxes.",
    ),
    "harbour-town-opens-its-community-archive-to-the-public": dict(
        authors=("Jonas Éber", "Mina Carrow"),
        site="Harbour Town News",
        published="2024-02-01T09:00:00Z",
        language="en",
        subjects=("cataloguing", "Archives"),
    ),
}


def _jpeg(path: Path, size: tuple[int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (40, 60, 90)).save(path, "JPEG", quality=80)


def _file(folder: Path, fmt: str, rel: str) -> BookFile:
    data = (folder / rel).read_bytes()
    return BookFile(fmt, rel, len(data), hashlib.sha256(data).hexdigest())


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Book]]:
    """A real library: two of our fixtures exported through the CLI, covers and thumbnails made with Pillow, and the
    Book list built by hand from the files (one book without a date, cover or metadata)."""
    folder = tmp_path_factory.mktemp("library")
    done = run_cli("export", FIXTURES / "post-fragment.html", FIXTURES / "harbour-archive.txt", "-o", folder, "-q")
    assert done.returncode == 0, done.stderr
    books = []
    for epub in sorted(folder.glob("*.epub")):
        slug = epub.stem
        _jpeg(folder / "covers" / f"{slug}.jpg", (1400, 2100))
        _jpeg(folder / "thumbnails" / f"{slug}.jpg", (350, 525))
        files = tuple(
            _file(folder, fmt, rel)
            for fmt, rel in (
                ("epub", f"{slug}.epub"),
                ("pdf", f"{slug}.pdf"),
                ("cover", f"covers/{slug}.jpg"),
                ("thumbnail", f"thumbnails/{slug}.jpg"),
            )
        )
        meta = META[slug]
        books.append(Book(id=f"path:fixtures/{slug}", title=slug.replace("-", " ").capitalize(), files=files, **meta))  # type: ignore[arg-type]
    shutil.copy(folder / books[0].files[0].path, folder / "undated.epub")
    books.append(Book(id="sha256:" + "ab" * 32, title="Undated", files=(_file(folder, "epub", "undated.epub"),)))
    return folder, books


def _write(folder: Path, feeds: dict[str, bytes]) -> None:
    for path, data in feeds.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)


def _xml(feeds: dict[str, bytes]) -> dict[str, etree._Element]:
    return {p: etree.fromstring(b) for p, b in feeds.items() if p.endswith(".xml")}


def _kind(link_type: str | None) -> str | None:
    match = re.search(r"kind=(navigation|acquisition)", link_type or "")
    return match.group(1) if match else None


def rule_problems(path: str, feed: etree._Element) -> list[str]:
    """What an OPDS validator's rule checks find in one Atom feed (beyond the schema)."""
    problems = []
    if feed.tag != A + "feed":
        return [f"{path}: root is {feed.tag}"]
    for required in ("id", "title", "updated"):
        if feed.find(A + required) is None:
            problems.append(f"{path}: no feed {required}")
    self_links = [lk for lk in feed.findall(A + "link") if lk.get("rel") == "self"]
    if len(self_links) != 1 or _kind(self_links[0].get("type")) is None:
        problems.append(f"{path}: no self link with an OPDS kind")
    kinds = set()
    for entry in feed.findall(A + "entry"):
        links = entry.findall(A + "link")
        for required in ("id", "title", "updated"):
            if entry.find(A + required) is None:
                problems.append(f"{path}: entry without {required}")
        if entry.find(A + "author") is None and feed.find(A + "author") is None:
            problems.append(f"{path}: entry without an author in a feed without one")
        if entry.find(A + "content") is None and not any(lk.get("rel") == "alternate" for lk in links):
            problems.append(f"{path}: entry without content or an alternate link")
        acquisitions = [lk for lk in links if (lk.get("rel") or "").startswith(ACQ_REL)]
        feeds = [lk for lk in links if _kind(lk.get("type"))]
        if acquisitions:
            kinds.add("acquisition")
        if feeds and not acquisitions:
            kinds.add("navigation")
        for link in acquisitions:
            if not link.get("type"):
                problems.append(f"{path}: acquisition link without a type: {link.get('href')}")
        for link in links:
            if link.get("rel") in IMAGE_RELS and link.get("type") not in BITMAPS:
                problems.append(f"{path}: image link of type {link.get('type')}")
        summary = entry.find(A + "summary")
        if summary is not None and (summary.get("type", "text") != "text" or len(summary)):
            problems.append(f"{path}: summary is not plain text")
    if len(kinds) > 1:
        problems.append(f"{path}: mixes navigation and acquisition entries")
    own = _kind(self_links[0].get("type")) if self_links else None
    if kinds and own not in kinds:
        problems.append(f"{path}: a {own} feed holding {kinds} entries")
    for link in feed.iter(A + "link"):
        if link.get("rel") == "search" and link.get("type") != OPENSEARCH_TYPE:
            problems.append(f"{path}: search link of type {link.get('type')}")
    return problems


def _hrefs(path: str, feed: etree._Element) -> list[str]:
    return [lk.get("href") for lk in feed.iter(A + "link")]


def _target(path: str, href: str) -> str | None:
    """The library path a relative href of the feed at ``path`` points to; None for an external URL."""
    if urlsplit(href).scheme:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(href)))


def test_feeds_pass_the_rule_checks(library: tuple[Path, list[Book]]) -> None:
    _, books = library
    feeds = render_feeds(books, title="Harbour shelf")
    assert {"opds/index.xml", "opds/all.xml", "opds/authors.xml", "opds/sites.xml", "opds/subjects.xml"} <= set(feeds)
    assert all(p.startswith("opds/") for p in feeds)
    problems = [p for path, feed in _xml(feeds).items() for p in rule_problems(path, feed)]
    assert problems == []


def test_the_rule_checks_catch_what_they_look_for() -> None:
    """The checks above are not vacuous: each bad feed is caught."""
    good = render_feeds([Book(id="https://x.example/?p=1", title="T", files=(BookFile("epub", "t.epub", 3, "0"),))])
    all_xml = good["opds/all.xml"].decode()
    bad = {
        "untyped": all_xml.replace(' type="application/epub+zip"', ""),
        "svg": all_xml.replace(
            "<entry>", '<entry><link rel="http://opds-spec.org/image" href="c.svg" type="image/svg+xml"/>'
        ),
        "html summary": all_xml.replace("<entry>", '<entry><summary type="html">&lt;b&gt;x&lt;/b&gt;</summary>'),
        "mixed": all_xml.replace(
            "</feed>",
            f"<entry><id>urn:x</id><title>n</title><updated>{EPOCH}</updated>"
            f'<content>c</content><link rel="subsection" href="a.xml" type="{NAVIGATION}"/></entry></feed>',
        ),
        "search": all_xml.replace("</feed>", '<link rel="search" href="s" type="application/atom+xml"/></feed>'),
    }
    for name, text in bad.items():
        assert rule_problems(name, etree.fromstring(text.encode())), name


def test_every_link_resolves_to_a_file_in_the_folder(library: tuple[Path, list[Book]], tmp_path: Path) -> None:
    folder, books = library
    shutil.copytree(folder, tmp_path / "lib")
    feeds = render_feeds(books)
    _write(tmp_path / "lib", feeds)
    checked = 0
    for path, feed in _xml(feeds).items():
        for href in _hrefs(path, feed):
            target = _target(path, href)
            if target is None:
                assert href.startswith("https://"), (path, href)
                continue
            assert not target.startswith(".."), (path, href)
            assert (tmp_path / "lib" / target).is_file(), (path, href)
            checked += 1
    assert checked > 50
    # The folder moves: the links still resolve (they are relative).
    shutil.move(tmp_path / "lib", tmp_path / "moved")
    assert all((tmp_path / "moved" / p).is_file() for p in feeds)


def test_acquisition_links_carry_type_and_length_of_the_real_files(library: tuple[Path, list[Book]]) -> None:
    folder, books = library
    feed = _xml(render_feeds(books))["opds/all.xml"]
    seen = {}
    for link in feed.iter(A + "link"):
        if link.get("rel") == "http://opds-spec.org/acquisition/open-access":
            target = _target("opds/all.xml", link.get("href"))
            assert target is not None
            size = (folder / target).stat().st_size
            assert int(link.get("length")) == size
            seen[target.rsplit(".", 1)[1]] = link.get("type")
        if link.get("rel") in IMAGE_RELS:
            data = (folder / _target("opds/all.xml", link.get("href"))).read_bytes()
            assert data[:3] == b"\xff\xd8\xff" and link.get("type") == "image/jpeg"
    assert seen == {"epub": "application/epub+zip", "pdf": "application/pdf"}


def test_entries_carry_the_catalog_metadata(library: tuple[Path, list[Book]]) -> None:
    _, books = library
    feed = _xml(render_feeds(books))["opds/all.xml"]
    entries = feed.findall(A + "entry")
    titles = [e.findtext(A + "title") for e in entries]
    assert titles == [b.title for b in sorted(books[:2], key=lambda b: b.published or "", reverse=True)] + ["Undated"]
    notes = next(e for e in entries if e.findtext(A + "title").startswith("Notes"))
    dc = "{http://purl.org/dc/terms/}"
    assert notes.findtext(A + "updated") == "2023-10-14T07:30:00Z"
    assert notes.findtext(f"{dc}issued") == "2023-10-14"
    assert notes.findtext(f"{dc}language") == "en"
    assert notes.findtext(f"{dc}rights") == "Creative Commons Attribution-ShareAlike 4.0"
    assert notes.findtext(A + "summary") == "The volunteers met on a Tuesday & <sorted> boxes."
    assert [a.findtext(A + "name") for a in notes.findall(A + "author")] == ["Mina Carrow"]
    assert [c.get("term") for c in notes.findall(A + "category")] == ["Cataloguing", "Volunteers"]
    licence = [lk for lk in notes.findall(A + "link") if lk.get("rel") == "license"]
    assert licence[0].get("href") == "https://creativecommons.org/licenses/by-sa/4.0/"
    ids = [e.findtext(A + "id") for e in entries]
    assert all(re.match(r"(https?|urn):", i) for i in ids) and len(set(ids)) == len(ids)
    assert entry_id(Book(id="https://x.example/?p=7", title="")) == "https://x.example/?p=7"
    assert entry_id(Book(id="path:a b.txt", title="")).startswith("urn:uuid:")
    # A catalog written before items had ids (books_from_catalog then says "None"): each book still has its own.
    old = [Book(id="None", title="", files=(BookFile("epub", f"{n}.epub", 1, "0"),)) for n in "ab"]
    assert len({entry_id(b) for b in old}) == 2


def test_feed_updated_is_the_newest_entry_never_the_clock(library: tuple[Path, list[Book]]) -> None:
    _, books = library
    feeds = _xml(render_feeds(books))
    assert feeds["opds/all.xml"].findtext(A + "updated") == "2024-02-01T09:00:00Z"
    assert feeds["opds/authors/jonas-eber.xml"].findtext(A + "updated") == "2024-02-01T09:00:00Z"
    assert feeds["opds/sites/lantern-quarterly.xml"].findtext(A + "updated") == "2023-10-14T07:30:00Z"
    undated = _xml(render_feeds([books[-1]]))
    assert {f.findtext(A + "updated") for f in undated.values()} == {EPOCH}


def test_groups_by_author_site_and_subject(library: tuple[Path, list[Book]]) -> None:
    _, books = library
    feeds = render_feeds(books)
    assert {p for p in feeds if p.endswith(".xml")} == {
        "opds/index.xml",
        "opds/all.xml",
        "opds/authors.xml",
        "opds/authors/jonas-eber.xml",
        "opds/authors/mina-carrow.xml",
        "opds/sites.xml",
        "opds/sites/harbour-town-news.xml",
        "opds/sites/lantern-quarterly.xml",
        "opds/subjects.xml",
        "opds/subjects/archives.xml",
        "opds/subjects/cataloguing.xml",  # "Cataloguing" and "cataloguing": one subject
        "opds/subjects/volunteers.xml",
    }
    xml = _xml(feeds)
    assert len(xml["opds/authors/mina-carrow.xml"].findall(A + "entry")) == 2
    assert len(xml["opds/subjects/cataloguing.xml"].findall(A + "entry")) == 2
    crawlable = [
        lk for lk in xml["opds/all.xml"].findall(A + "link") if lk.get("rel") == "http://opds-spec.org/crawlable"
    ]
    assert crawlable and crawlable[0].get("type") == ACQUISITION
    up = {lk.get("rel"): lk for lk in xml["opds/authors/mina-carrow.xml"].findall(A + "link")}
    assert (up["up"].get("href"), up["up"].get("type")) == ("../authors.xml", NAVIGATION)
    assert (up["start"].get("href"), up["start"].get("type")) == ("../index.xml", NAVIGATION)
    assert up["self"].get("href") == "mina-carrow.xml" and up["self"].get("type") == ACQUISITION


def test_dates_are_atom_date_times_and_odd_ones_are_left_out() -> None:
    books = [
        Book(id="https://x.example/?p=1", title="Day", published="2022-03-04", subjects=("", " ")),
        Book(id="https://x.example/?p=2", title="Odd", published="last spring", updated="soon"),
    ]
    entries = {e.findtext(A + "title"): e for e in _xml(render_feeds(books))["opds/all.xml"].findall(A + "entry")}
    assert entries["Day"].findtext(A + "published") == "2022-03-04T00:00:00Z"
    assert entries["Day"].findtext(A + "updated") == "2022-03-04T00:00:00Z"
    assert entries["Day"].findall(A + "category") == []
    assert entries["Odd"].find(A + "published") is None and entries["Odd"].findtext(A + "updated") == EPOCH


def test_two_names_with_one_slug_get_two_feeds() -> None:
    books = [
        Book(id=f"https://x.example/?p={i}", title=str(i), authors=(name,)) for i, name in enumerate(("Zoë", "Zoe!"))
    ]
    assert {p for p in render_feeds(books) if p.startswith("opds/authors/") and p.endswith(".xml")} == {
        "opds/authors/zoe.xml",
        "opds/authors/zoe-2.xml",
    }


def test_base_url_makes_every_href_absolute(library: tuple[Path, list[Book]]) -> None:
    folder, books = library
    relative = render_feeds(books)
    absolute = render_feeds(books, base_url=BASE + "/")
    for path, feed in _xml(absolute).items():
        for href in _hrefs(path, feed):
            assert urlsplit(href).scheme == "https", (path, href)
            if href.startswith(BASE):
                assert (folder / href[len(BASE) + 1 :]).is_file() or href[len(BASE) + 1 :] in absolute, href
        assert feed.findtext(A + "id") == f"{BASE}/{path}"
    for path, feed in _xml(relative).items():
        assert not any(h.startswith(BASE) for h in _hrefs(path, feed))
    json_hrefs = re.findall(
        r'"href": "([^"]+)"', b"".join(v for p, v in absolute.items() if p.endswith(".json")).decode()
    )
    assert json_hrefs and all(h.startswith("https://") for h in json_hrefs)


def test_same_books_give_the_same_bytes_in_any_order(library: tuple[Path, list[Book]]) -> None:
    _, books = library
    assert render_feeds(books) == render_feeds(list(reversed(books)))
    assert render_feeds(books, base_url=BASE) == render_feeds(books, base_url=BASE)


def test_static_feeds_link_no_search_unless_asked(library: tuple[Path, list[Book]]) -> None:
    _, books = library
    assert all(b'rel="search"' not in v for v in render_feeds(books).values())
    served = _xml(render_feeds(books, search=True))
    for path, feed in served.items():
        links = [lk for lk in feed.findall(A + "link") if lk.get("rel") == "search"]
        assert len(links) == 1 and links[0].get("type") == OPENSEARCH_TYPE
        assert _target(path, links[0].get("href")) == "opds/opensearch.xml"


def test_search_matches_title_and_author_ignoring_case_and_accents(library: tuple[Path, list[Book]]) -> None:
    _, books = library
    assert [b.title for b in search_books(books, "EBER")] == [books[0].title]
    assert [b.title for b in search_books(books, "mina  notes")] == [books[1].title]
    assert search_books(books, "   ") == [] and search_books(books, "volunteers") == []
    feed = etree.fromstring(render_search(books, "carrow"))
    assert rule_problems("opds/search.xml", feed) == []
    assert len(feed.findall(A + "entry")) == 2
    osd = etree.fromstring(render_opensearch("http://127.0.0.1:8080/opds/search.xml?q={searchTerms}"))
    urls = osd.findall("{http://a9.com/-/spec/opensearch/1.1/}Url")
    assert urls[0].get("type") == ACQUISITION and "{searchTerms}" in urls[0].get("template")


def test_opds2_json_feeds_are_structurally_sound(library: tuple[Path, list[Book]], tmp_path: Path) -> None:
    folder, books = library
    shutil.copytree(folder, tmp_path / "lib")
    feeds = render_feeds(books)
    _write(tmp_path / "lib", feeds)
    json_paths = sorted(p for p in feeds if p.endswith(".json"))
    assert json_paths == sorted(p.replace(".xml", ".json") for p in feeds if p.endswith(".xml"))
    for path in json_paths:
        feed = json.loads(feeds[path])
        assert isinstance(feed["metadata"]["title"], str)
        assert [lk["rel"] for lk in feed["links"]][:2] == ["self", "start"]
        assert ("navigation" in feed) != ("publications" in feed), path
        hrefs = [lk["href"] for lk in feed["links"]] + [n["href"] for n in feed.get("navigation", [])]
        for pub in feed.get("publications", []):
            meta = pub["metadata"]
            assert meta["title"] and re.match(r"(https?|urn):", meta["identifier"])
            acq = [lk for lk in pub["links"] if lk["rel"] == "http://opds-spec.org/acquisition/open-access"]
            assert acq and all(lk["type"] in {"application/epub+zip", "application/pdf"} for lk in acq)
            hrefs += [lk["href"] for lk in pub["links"]] + [i["href"] for i in pub.get("images", [])]
            assert all(i["type"] in BITMAPS for i in pub.get("images", []))
        for href in hrefs:
            target = _target(path, href)
            assert target is None or (tmp_path / "lib" / target).is_file(), (path, href)


# ---- the OPDS 1.2 RELAX NG schema (conformance: ../shared) --------------------------------------------------------

# Our own stand-in for the Atom schema (RFC 4287 Appendix B is not in ../shared, and its text may not be copied into
# the project): it defines only the names the OPDS schema includes or overrides, and lets every other element pass,
# so Jing checks what OPDS itself says of links (rel, type, href as an IRI, prices), summaries and foreign elements.
# Put the real atom.rnc beside opds.rnc in ../shared/corpus/opds/ and the test uses it instead (the whole schema).
ATOM_STAND_IN = """
namespace atom = "http://www.w3.org/2005/Atom"
namespace local = ""
start = element atom:feed { body } | element atom:entry { body }
body = atomCommonAttributes, (atomLink | atomSummary | element atom:entry { body } | other | text)*
other = element * - (atom:link | atom:summary | atom:entry | atom:feed) { (attribute * { text } | text | anyElement)* }
atomCommonAttributes = attribute xml:base { atomUri }?, attribute xml:lang { atomLanguageTag }?, undefinedAttribute*
undefinedAttribute = attribute * - (xml:base | xml:lang | local:*) { text }
atomLink = element atom:link { attribute * { text }* }
atomSummary = element atom:summary { text }
atomUri = text
atomMediaType = xsd:string { pattern = "[^/]+/.+" }
atomLanguageTag = xsd:string { pattern = "[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*" }
atomNCName = xsd:string { minLength = "1" pattern = "[^:]*" }
anyElement = element * { (attribute * { text } | text | anyElement)* }
"""
KNOWN_BUG = "'.*[ <>{}|^`\"\\nrt].*'"
FIXED = "'.*[ <>{}|^`\"\\x{A}\\x{D}\\x{9}].*'"


@pytest.fixture
def opds_schema(shared: Path, tmp_path: Path) -> Path:
    """opds.rnc from ../shared with the schema's known `\\n` bug patched, beside an Atom schema, in a temp folder."""
    if shutil.which("jing") is None:
        pytest.skip("jing is not installed (scripts/setup.sh --test installs it)")
    source = shared / "corpus" / "opds" / "opds.rnc"
    if not source.is_file():
        pytest.skip(f"{source} not found")
    text = source.read_text(encoding="utf-8")
    assert KNOWN_BUG in text, "the OPDS schema changed: check whether its `\\n` bug is still there"
    (tmp_path / "opds.rnc").write_text(text.replace(KNOWN_BUG, FIXED), encoding="utf-8")
    atom = shared / "corpus" / "opds" / "atom.rnc"
    if atom.is_file():
        shutil.copy(atom, tmp_path / "atom.rnc")
    else:
        (tmp_path / "atom.rnc").write_text(ATOM_STAND_IN, encoding="utf-8")
    return tmp_path / "opds.rnc"


def _jing(schema: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["jing", "-c", str(schema), *map(str, files)], capture_output=True, text=True, timeout=300)


@pytest.mark.conformance
def test_every_feed_validates_against_the_opds_schema(
    library: tuple[Path, list[Book]], opds_schema: Path, tmp_path: Path
) -> None:
    _, books = library
    out = tmp_path / "feeds"
    paths = []
    for name, feeds in (("rel", render_feeds(books, search=True)), ("abs", render_feeds(books, base_url=BASE))):
        feeds = {p: v for p, v in feeds.items() if p.endswith(".xml")}
        feeds["opds/search.xml"] = render_search(books, "mina")
        _write(out / name, feeds)
        paths += [out / name / p for p in feeds]
    done = _jing(opds_schema, paths)
    errors = [line for line in done.stdout.splitlines() if "error:" in line]
    assert done.returncode == 0 and errors == [], done.stdout + done.stderr
    assert len(paths) >= 24


@pytest.mark.conformance
def test_the_schema_check_rejects_what_opds_forbids(
    library: tuple[Path, list[Book]], opds_schema: Path, tmp_path: Path
) -> None:
    """The validation is not vacuous: an href with a space, an HTML summary and a buy link without a price fail."""
    _, books = library
    good = render_feeds(books)["opds/all.xml"].decode()
    bad = {
        "space.xml": good.replace('href="../', 'href="../a b/', 1),
        "html.xml": good.replace('<summary type="text">', '<summary type="html">', 1),
        "buy.xml": good.replace("acquisition/open-access", "acquisition/buy", 1),
    }
    for name, text in bad.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert _jing(opds_schema, [tmp_path / name]).returncode != 0, name
    (tmp_path / "good.xml").write_text(good, encoding="utf-8")
    assert _jing(opds_schema, [tmp_path / "good.xml"]).returncode == 0
    # The unpatched schema rejects every href holding an "n", "r" or "t": the bug the fixture patches.
    unpatched = opds_schema.with_name("unpatched.rnc")
    unpatched.write_text((SHARED / "corpus" / "opds" / "opds.rnc").read_text(encoding="utf-8"), encoding="utf-8")
    assert _jing(unpatched, [tmp_path / "good.xml"]).returncode != 0

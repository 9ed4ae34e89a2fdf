"""The web archive reader on fixtures of our own (tests/warc_fixtures.py): the index, capture choice, redirects,
revisits, skipped pages, archived images, suffixes and sniffing, and hostile bytes."""

from __future__ import annotations

import gzip
import io
import pickle
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from exporter.errors import InputError
from exporter.model import RawArticle, Skipped
from exporter.readers.dispatch import expand_inputs, read_file, reader_for, unsupported_files
from exporter.readers.registry import Selection
from exporter.readers.warc import READER
from exporter.readers.warc_capture import Captures, url_key
from exporter.readers.warc_images import page_images
from exporter.readers.warc_index import build_index, load_index
from exporter.readers.warc_pages import listing
from tests.warc_fixtures import (
    ARTICLE_PATH,
    NEWER_WORDS,
    OLDER_WORDS,
    Archive,
    picture,
    site_records,
    write_site,
    write_wacz,
)

HOST = "127.0.0.1:9"
UPLOADS = f"https://{HOST}/wp-content/uploads/2024/05"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("warc")
    made = write_site(folder, HOST)
    write_wacz(folder / "site.wacz", HOST)
    write_wacz(folder / "noindex.wacz", HOST, with_index=False)
    write_wacz(folder / "deflated.wacz", HOST, stored=False)
    return made


def _read(path: Path, selection: Selection | None = None) -> tuple[list[RawArticle], list[Skipped]]:
    items = list(READER.read(path, selection or Selection()))
    return [i for i in items if isinstance(i, RawArticle)], [i for i in items if isinstance(i, Skipped)]


def test_index_lists_records_not_bodies(site) -> None:
    index = build_index(site.warc_gz)
    kinds = sorted({(e.rtype, e.status) for e in index.entries}, key=str)
    assert ("revisit", 200) in kinds and ("response", 301) in kinds and ("response", 404) in kinds
    article = [e for e in index.entries if e.uri == f"https://{HOST}{ARTICLE_PATH}"]
    assert len(article) == 2 and all(e.mime == "text/html" and e.offset >= 0 and e.length > 0 for e in article)
    assert all(e.record_id.startswith("<urn:uuid:") for e in index.entries)


@pytest.mark.parametrize("name", ["warc", "warc_gz"])
def test_truncated_record_is_a_problem_and_the_rest_is_read(site, name: str) -> None:
    path = getattr(site, name)
    index = build_index(path)
    assert len(index.problems) == 1, index.problems
    articles, _ = _read(path)
    assert [m.code for m in articles[0].warnings if m.code == "warc-broken-record"] == ["warc-broken-record"]


def test_whole_file_gzip_names_warcio_recompress(site) -> None:
    with pytest.raises(InputError) as caught:
        build_index(site.whole_gz)
    assert "warcio recompress" in caught.value.message and "\n" not in caught.value.message


@pytest.mark.parametrize("name", ["warc", "warc_gz", "wacz", "noindex", "deflated"])
def test_latest_capture_once_and_listing_and_404_skipped(site, name: str) -> None:
    path = {n: site.warc.parent / f"{'site' if n == 'wacz' else n}.wacz" for n in ("wacz", "noindex", "deflated")}.get(
        name
    )
    articles, skipped = _read(path or getattr(site, name))
    assert len(articles) == 1
    raw = articles[0]
    assert NEWER_WORDS in raw.html and OLDER_WORDS not in raw.html  # decoded from chunked + gzip
    assert raw.source_url == raw.capture.target_uri == f"https://{HOST}{ARTICLE_PATH}"
    assert raw.capture.captured == datetime(2024, 6, 1, 10, 0, 1, tzinfo=UTC)
    assert raw.capture.record_id.startswith("<urn:uuid:") and raw.base_dir is None
    assert (raw.capture.member == "archive/data.warc.gz") == (path is not None)
    reasons = sorted(s.reason for s in skipped)
    assert reasons[0] == "HTTP 404" and reasons[1].startswith("no article in the page")
    assert READER.count(path or getattr(site, name), Selection()) == 3


def test_at_picks_the_nearest_capture(site) -> None:
    articles, _ = _read(site.warc_gz, Selection(at=datetime(2024, 5, 2, tzinfo=UTC)))
    assert OLDER_WORDS in articles[0].html and NEWER_WORDS not in articles[0].html
    assert articles[0].capture.captured == datetime(2024, 5, 1, 10, tzinfo=UTC)


def test_redirect_followed_to_the_nearest_capture(site) -> None:
    captures = Captures.of(build_index(site.warc).entries)
    redirect = captures.nearest(f"http://{HOST}{ARTICLE_PATH}", None)
    assert redirect.status == 301
    resolved = captures.resolve(redirect)
    assert resolved.entry.uri == f"https://{HOST}{ARTICLE_PATH}" and resolved.entry.date.month == 6
    assert any("redirects (301)" in note for note in resolved.notes)


def test_wacz_page_list_redirect_followed_and_told(site) -> None:
    articles, skipped = _read(site.warc.parent / "site.wacz", Selection(urls=("*?p=42",)))
    assert len(articles) == 1 and skipped == []
    assert articles[0].capture.target_uri == f"https://{HOST}{ARTICLE_PATH}"
    assert any(m.code == "warc-resolved" and "redirects (302)" in m.text for m in articles[0].warnings)


def test_wacz_url_pattern_matches_the_https_capture_of_an_http_page(site) -> None:
    articles, _ = _read(site.warc.parent / "site.wacz", Selection(urls=(f"https://{HOST}/2024/*",)))
    assert len(articles) == 1


def test_wacz_at_through_its_http_page_list(site) -> None:
    articles, _ = _read(site.warc.parent / "site.wacz", Selection(at=datetime(2024, 5, 2, tzinfo=UTC)))
    assert len(articles) == 1 and OLDER_WORDS in articles[0].html


def test_url_patterns_select_pages(site) -> None:
    articles, skipped = _read(site.warc, Selection(urls=("*/2024/05/balcony-*",)))
    assert len(articles) == 1 and skipped == []
    assert _read(site.warc, Selection(urls=("*/nothing/*",))) == ([], [])


@pytest.mark.parametrize("name", ["site.warc.gz", "site.wacz", "deflated.wacz"])
def test_images_are_absolute_and_served_from_the_archive(site, name: str) -> None:
    articles, _ = _read(site.warc.parent / name)
    raw = articles[0]
    assert f'src="{UPLOADS}/tomatoes.png"' in raw.html  # relative in the page
    archive = pickle.loads(pickle.dumps(raw.archive))  # it crosses to worker processes
    assert len(archive.entries) < len(build_index(site.warc_gz).entries)  # only the page's images' records
    for name in ("tomatoes.png", "herbs.jpg", "watering-can.png"):  # the last only in a revisit record
        data, url = archive.image(f"{UPLOADS}/{name}")
        assert data[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0") and url.endswith(name)
    assert archive.image(f"http://{HOST}/wp-content/uploads/2024/05/herbs.jpg#x") is not None  # http = https
    assert archive.image(f"{UPLOADS}/absent.png") is None


def _warc(records: list[tuple[str, str, str, bytes, dict[str, str]]]) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    digests: dict[str, str] = {}
    for kind, uri, date, body, extra in records:
        fields = {"WARC-Date": date}
        if kind == "revisit":
            record = writer.create_revisit_record(uri, digests[extra["of"]], extra.get("refers", ""), "", None, fields)
            if not extra.get("refers"):
                record.rec_headers.remove_header("WARC-Refers-To-Target-URI")
                record.rec_headers.remove_header("WARC-Refers-To-Date")
        else:
            http = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=fields
            )
            digests[uri] = record.rec_headers.get_header("WARC-Payload-Digest")
        writer.write_record(record)
    return out.getvalue()


def test_revisit_without_refers_to_is_resolved_by_digest(tmp_path: Path) -> None:
    image = picture("PNG", (10, 20, 30))
    data = _warc(
        [
            ("response", "https://a.example/x.png", "2024-01-01T00:00:00Z", image, {}),
            ("revisit", "https://a.example/y.png", "2024-02-01T00:00:00Z", b"", {"of": "https://a.example/x.png"}),
        ]
    )
    path = tmp_path / "d.warc"
    path.write_bytes(data)
    captures = Captures.of(build_index(path).entries)
    resolved = captures.resolve(captures.nearest("https://a.example/y.png", None))
    assert resolved is not None and resolved.payload.uri == "https://a.example/x.png"


def test_brotli_page_with_a_header_charset(tmp_path: Path) -> None:
    """A br-encoded page whose charset only the HTTP header gives (windows-1252 bytes: "café")."""
    import brotli

    page = (
        "<html><head><title>Caf\u00e9 notes</title></head><body class='single'><article class='post'>"
        "<div class='entry-content'><p>A caf\u00e9 on the corner sells seedlings in spring.</p></div></article>"
        "</body></html>"
    ).encode("cp1252")
    warc = Archive(gzipped=True)
    headers = [("Content-Type", "text/html; charset=windows-1252"), ("Content-Encoding", "br")]
    warc.response("https://b.example/cafe/", "2024-01-01T00:00:00Z", brotli.compress(page), headers)
    articles, _ = _read(warc.save(tmp_path / "b.warc.gz"))
    assert "A caf\u00e9 on the corner" in articles[0].html and articles[0].title == "Caf\u00e9 notes"


def test_url_key_treats_http_and_https_alike() -> None:
    assert url_key("http://Example.org/a#b") == url_key("https://example.org/a") == url_key("https://example.org:443/a")
    assert url_key("https://example.org") == url_key("https://example.org/")


def test_listing_pages_by_body_class() -> None:
    assert listing('<body class="archive tag tag-roses">') is not None
    assert listing('<body class="home page page-id-2">') is None  # a static front page is a page
    assert listing("<body><article>a</article><article>b</article></body>") is not None
    related = '<meta property="og:type" content="article"><body><article>a</article><article>b</article></body>'
    assert listing(related) is None  # a post with related posts as <article>s


def test_suffixes_by_the_name_end_and_sniffing(site, tmp_path: Path) -> None:
    assert reader_for(site.warc_gz).name == "warc"
    assert reader_for(site.warc.parent / "site.wacz").name == "warc"
    for data, name in ((site.warc.read_bytes(), "plain"), (site.warc_gz.read_bytes(), "gzipped")):
        bare = tmp_path / name
        bare.write_bytes(data)
        assert reader_for(bare).name == "warc"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.warc.gz").write_bytes(b"")
    (folder / "b.gz").write_bytes(b"")
    assert expand_inputs([folder]) == [folder / "a.warc.gz"]
    assert [p.name for p, _ in unsupported_files([folder])] == ["b.gz"]


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=600),
        st.binary(max_size=400).map(lambda b: b"WARC/1.0\r\n" + b),
        st.binary(max_size=400).map(lambda b: b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 40\r\n\r\n" + b),
    ),
    st.sampled_from([".warc", ".warc.gz", ".wacz", ""]),
    st.booleans(),
)
def test_arbitrary_bytes_never_crash_the_reader(data: bytes, suffix: str, gzipped: bool) -> None:
    """Any bytes as a .warc, .warc.gz (gzipped or not), .wacz or a suffix-less sniffed file: InputError or
    items, never another exception."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"x{suffix}"
        path.write_bytes(gzip.compress(data) if gzipped else data)
        try:
            items = list(read_file(path, Selection()))
        except InputError:
            return
        assert all(isinstance(i, RawArticle | Skipped) for i in items)


def test_arbitrary_bytes_after_a_good_record_are_a_message(site, tmp_path: Path) -> None:
    whole = site.warc.read_bytes()
    after_article = build_index(site.warc).entries[1].offset  # the older article's capture, then junk
    path = tmp_path / "tail.warc"
    path.write_bytes(whole[:after_article] + b"WARC/1.0\r\n\x00\xff not a header\r\n\r\n" + b"\xfe" * 300)
    articles, _ = _read(path)
    assert len(articles) == 1 and OLDER_WORDS in articles[0].html
    assert any(m.code == "warc-broken-record" for m in articles[0].warnings)


@pytest.mark.parametrize("member", ["indexes/index.cdxj", "pages/pages.jsonl"])
def test_a_wacz_with_a_corrupt_member_is_an_input_error(site, tmp_path: Path, member: str) -> None:
    data = bytearray((site.warc.parent / "site.wacz").read_bytes())
    with zipfile.ZipFile(site.warc.parent / "site.wacz") as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 5, start + info.compress_size - 5, 7):
        data[i] ^= 0x5A
    path = tmp_path / "broken.wacz"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError):
        list(READER.read(path, Selection()))


def test_indexes_of_several_archives_are_kept(site) -> None:
    """A run counts every input's pages, then reads them: each archive is indexed once."""
    first = load_index(site.warc)
    assert load_index(site.warc_gz) is not first
    assert load_index(site.warc) is first


def test_image_nearest_capture_that_is_an_image(tmp_path: Path) -> None:
    """A 404 captured nearer the page does not hide the image captured a month earlier."""
    warc = Archive(gzipped=False)
    png = [("Content-Type", "image/png")]
    warc.response("https://c.example/p.png", "2024-01-01T00:00:00Z", picture("PNG", (1, 2, 3)), png)
    warc.response("https://c.example/p.png", "2024-02-01T00:00:00Z", b"gone", png, "404 Not Found")
    path = warc.save(tmp_path / "c.warc")
    captures = Captures.of(build_index(path).entries)
    images = page_images(path, datetime(2024, 2, 1, tzinfo=UTC), captures, ["https://c.example/p.png"])
    found = images.image("https://c.example/p.png")
    assert found is not None and found[0].startswith(b"\x89PNG")


def test_a_page_gone_later_is_read_from_its_last_good_capture(tmp_path: Path) -> None:
    warc = Archive(gzipped=False)
    page = (
        "<html><body class='single'><article class='post'><div class='entry-content'><p>{}</p></div></article>"
        "</body></html>"
    )
    for status, date, words in (
        ("200 OK", "2024-01-01T00:00:00Z", "The pond froze over in the first week of January."),
        ("404 Not Found", "2024-03-01T00:00:00Z", "Gone."),
    ):
        html = [("Content-Type", "text/html; charset=utf-8")]
        warc.response("https://d.example/pond/", date, page.format(words).encode(), html, status)
    articles, skipped = _read(warc.save(tmp_path / "d.warc"))
    assert len(articles) == 1 and "pond froze" in articles[0].html and skipped == []


def test_a_wrong_content_length_is_a_problem_and_warcio_prints_nothing(tmp_path: Path, capsys) -> None:
    whole = tmp_path / "whole.warc"
    whole.write_bytes(site_records(HOST, False))  # no truncated record at the end
    data = whole.read_bytes()
    entry = build_index(whole).entries[0]
    head = data[entry.offset : entry.offset + 2000]
    declared = int(head.split(b"Content-Length: ", 1)[1].split(b"\r\n", 1)[0])
    wrong = head.replace(b"Content-Length: %d" % declared, b"Content-Length: %d" % (declared - 3), 1)
    path = tmp_path / "length.warc"
    path.write_bytes(data[: entry.offset] + wrong + data[entry.offset + 2000 :])
    problems = build_index(path).problems
    assert len(problems) == 1 and "length does not match" in problems[0], problems
    assert capsys.readouterr().err == ""

"""The reader registry: a reader is chosen by suffix, else by sniffing the first bytes; a new input type is one
reader object and one ``READERS.register`` line, and goes through the real pipeline to an EPUB and a PDF."""

from __future__ import annotations

import codecs
import hashlib
import json
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporter.errors import InputError
from exporter.messages import info
from exporter.model import RawArticle, Skipped
from exporter.pipeline import Options, run_export
from exporter.readers import READERS, Selection
from exporter.readers.dispatch import count_items, expand_inputs, read_file, reader_for, suffixes
from exporter.readers.registry import reader_named, readers
from tests.conftest import FIXTURES
from tests.tools import book_files, epub_text, pdftotext

MAGIC = "TOY-ARTICLE 1"


class ToyReader:
    """A toy input type: a magic first line, the title on the second, one paragraph per further line."""

    name = "toy"
    suffixes = (".toy",)

    def sniff(self, head: bytes) -> bool:
        return head.startswith(MAGIC.encode("ascii") + b"\n")

    def read(self, path: Path, selection: Selection) -> Iterator[RawArticle | Skipped]:
        data = path.read_bytes()
        lines = data.decode("utf-8").splitlines()
        if not lines or lines[0] != MAGIC:
            raise InputError("not a toy article (no magic first line)", path)
        yield RawArticle(
            source_path=path,
            html="".join(f"<p>{escape(line)}</p>" for line in lines[2:] if line.strip()),
            title=lines[1],
            base_dir=path.parent,
            warnings=[info("toy", "read", f"{len(lines) - 2} toy lines")],
            source_hash=hashlib.sha256(data).hexdigest(),
        )

    def count(self, path: Path, selection: Selection) -> int:
        return 1


TOY = f"{MAGIC}\nThe quay lamps\nEvery lamp on the quay was lit by hand at dusk.\nThe lamplighter kept a ledger.\n"


@pytest.fixture
def toy_reader() -> Iterator[None]:
    # Priority 5: sniffed before the built-in readers (the text reader would take the magic line for a title).
    READERS.register(ToyReader(), "toy", 5)
    yield
    READERS.deregister("toy")


def test_a_toy_reader_registered_in_one_line_is_exported_to_epub_and_pdf(toy_reader, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "lamps.toy").write_text(TOY, encoding="utf-8")
    (inputs / "ledger").write_text(TOY.replace("The quay lamps", "The ledger"), encoding="utf-8")  # sniffed
    assert ".toy" in suffixes()
    assert reader_for(inputs / "lamps.toy").name == "toy"
    assert reader_for(inputs / "ledger").name == "toy"

    out = tmp_path / "out"
    results = run_export([inputs, inputs / "ledger"], Options(output_dir=out, formats=("epub", "pdf"), jobs=1))
    assert [(r.title, r.status) for r in results] == [("The quay lamps", "ok"), ("The ledger", "ok")]
    assert book_files(out) == [
        "the-ledger.epub",
        "the-ledger.pdf",
        "the-quay-lamps.epub",
        "the-quay-lamps.pdf",
    ]
    assert "Every lamp on the quay was lit by hand at dusk." in epub_text(out / "the-quay-lamps.epub")
    assert "The lamplighter kept a ledger." in " ".join(pdftotext(out / "the-quay-lamps.pdf").split())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    first = manifest["items"][0]
    assert first["source"]["path"].endswith("lamps.toy")
    assert {"stage": "toy", "code": "read", "level": "info", "text": "2 toy lines"} in first["warnings"]


def test_an_unregistered_toy_reader_leaves_no_trace(tmp_path: Path) -> None:
    toy = tmp_path / "lamps.toy"
    toy.write_text(TOY, encoding="utf-8")
    READERS.register(ToyReader(), "toy", 5)
    assert reader_for(toy).name == "toy"
    READERS.deregister("toy")
    assert "toy" not in READERS and ".toy" not in suffixes()
    assert reader_for(toy).name == "text"  # its suffix claimed by no reader: sniffed, and it is plain text
    (folder := tmp_path / "only-toys").mkdir()
    (folder / "a.toy").write_text(TOY, encoding="utf-8")
    (error,) = expand_inputs([folder])
    assert isinstance(error, InputError) and "folder holds no supported files" in str(error)


def test_the_built_in_readers_and_their_suffixes() -> None:
    assert [r.name for r in readers()] == ["text", "html", "wxr", "warc"]
    assert suffixes() == (".txt", ".html", ".htm", ".xhtml", ".xml", ".warc", ".warc.gz", ".wacz")  # docs/bad-input.md
    for name, expected in [("a.txt", "text"), ("b.HTML", "html"), ("c.htm", "html"), ("d.xhtml", "html")]:
        assert reader_for(Path(name)).name == expected  # by suffix: the file is not opened
    assert reader_for(Path("e.xml")) is reader_named("wxr")


@pytest.mark.parametrize(
    ("source", "reader"),
    [
        (FIXTURES / "collection.wxr.xml", "wxr"),
        (FIXTURES / "theme-page.html", "html"),
        (FIXTURES / "post-fragment.html", "html"),
        (FIXTURES / "harbour-archive.txt", "text"),
    ],
)
def test_a_file_without_a_known_suffix_is_sniffed(tmp_path: Path, source: Path, reader: str) -> None:
    copy = tmp_path / "export-without-suffix"
    copy.write_bytes(source.read_bytes())
    assert reader_for(copy).name == reader
    sniffed = list(read_file(copy))
    by_suffix = list(read_file(source))
    assert [getattr(i, "title", None) for i in sniffed] == [getattr(i, "title", None) for i in by_suffix]
    assert count_items(copy) == count_items(source)


@pytest.mark.parametrize(
    ("head", "reader"),
    [
        (b"<!DOCTYPE html>\n<title>x</title><p>y", "html"),
        (b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "x">\n<html>', "html"),
        (b"<!-- saved from url=(0014)about:internet -->\n<html><body>", "html"),
        (b"\xef\xbb\xbf  <p>A fragment</p>", "html"),
        (codecs.BOM_UTF16_LE + "<html><body><p>wide</p>".encode("utf-16-le"), "html"),
        (
            b'<?xml version="1.0" encoding="UTF-8" ?>\n<!-- This is a WordPress eXtended RSS file -->\n'
            b'<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">',
            "wxr",
        ),
        (b'<!DOCTYPE rss [<!ENTITY a "]">]>\n<rss xmlns:wp="https://wordpress.org/export/1.1/">', "wxr"),
        (b"The quay lamps\n\nEvery lamp was lit by hand.\n", "text"),
        (b"<3 the quay lamps\n\nEvery lamp was lit by hand.\n", "text"),
        (codecs.BOM_UTF16_BE + "Title\n\nText".encode("utf-16-be"), "text"),
        ("Title\n\nText without a byte-order mark".encode("utf-16-le"), "text"),
    ],
)
def test_sniffing_tells_wxr_html_and_text_apart(tmp_path: Path, head: bytes, reader: str) -> None:
    path = tmp_path / "input.dat"
    path.write_bytes(head)
    assert reader_for(path).name == reader
    assert [r.name for r in readers() if r.sniff(head)] == [reader]


@pytest.mark.parametrize(
    "head",
    [
        b"\xff\xd8\xff\xe0" + b"\x00" * 64,  # a JPEG
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(32)) * 8,
        b'<rss version="2.0"><channel><title>A plain RSS feed</title>',  # not WordPress
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        b" \n\t ",
    ],
)
def test_what_no_reader_claims_is_an_unsupported_file_type(tmp_path: Path, head: bytes) -> None:
    path = tmp_path / "thing.bin"
    path.write_bytes(head)
    with pytest.raises(
        InputError,
        match=r"unsupported file type '\.bin' \(expected \.txt, \.html, \.htm, \.xhtml, \.xml, \.warc, "
        r"\.warc\.gz, \.wacz\)",
    ):
        reader_for(path)
    assert count_items(path) == 1  # its error is one item of the run


def test_a_sniffed_hostile_export_is_refused_by_the_wxr_reader(tmp_path: Path) -> None:
    path = tmp_path / "export"
    path.write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&x;</title></channel></rss>'
    )
    assert reader_for(path).name == "wxr"
    with pytest.raises(InputError, match="unsafe XML"):
        list(read_file(path))


@given(st.binary(max_size=300))
def test_at_most_one_built_in_reader_claims_any_bytes(head: bytes) -> None:
    assert sum(r.sniff(head) for r in readers()) <= 1


@given(st.text(max_size=200))
def test_at_most_one_built_in_reader_claims_any_text(text: str) -> None:
    for prefix in ("", "<", "<!DOCTYPE html>", '<rss xmlns:wp="http://wordpress.org/export/1.2/">'):
        head = (prefix + text).encode("utf-8")
        assert sum(r.sniff(head) for r in readers()) <= 1

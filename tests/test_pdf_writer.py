"""The PDF writer with real WeasyPrint and real poppler tools (pdftotext, pdffonts, pdfinfo) plus qpdf/pypdf.

Rendered PDFs are shared between tests through module-scoped fixtures to keep the file fast.
"""

from __future__ import annotations

import random
import re
import socket
import struct
import subprocess
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from exporter.errors import UsageError
from exporter.model import Article, Footnote, Image, Licence
from exporter.pipeline import Options, run_export
from exporter.writers import pdf as pdf_writer
from exporter.writers.pdf import write_pdf

TITLE = "A Harbour in Winter"
LICENCE_URL = "https://creativecommons.org/licenses/by-nc/4.0/"
LICENCE_NAME = "Creative Commons Attribution-NonCommercial 4.0 International"
NOTE_TEXT = "The dates follow the Julian calendar"
PERSIAN_SPAN = "آزادی بیان"
PERSIAN_SENTENCE = "فارسی است که باید از راست به چپ خوانده شود"
SENTINEL = "SENTINEL-5b1d9c-not-for-the-pdf"
PARA = (
    "The harbour had been quiet for most of the winter, and the fishermen who still went out before dawn "
    "spoke of the sea as one speaks of an old acquaintance whose moods are familiar but never predictable. "
)
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))


def make_article(body: str | None = None, **overrides: object) -> Article:
    """A complete article: headings, citations, one real footnote, Persian text, a licence, about 4 pages."""
    if body is None:
        parts = [
            "<h2>The first section</h2>",
            f"<p>{PARA}Historians disagree<sup class='citation'>[27]</sup> about the old reckoning."
            f"<sup class='noteref' data-note='fn1'>1</sup> {PARA}</p>",
            f"<p>In English, a Persian phrase <span lang='fa' dir='rtl'>{PERSIAN_SPAN}</span> inside it. {PARA}</p>",
            f"<p lang='fa' dir='rtl'>این یک جملهٔ {PERSIAN_SENTENCE}.</p>",
            "<p>A marker without a note<sup class='noteref' data-note='c5'>5</sup> stays a citation.</p>",
        ]
        for i in range(1, 5):
            parts.append(f"<h3>Subsection {i}</h3>")
            parts += [f"<p>{PARA * 3}</p>"] * 3
        parts.append(f"<h2>The second section</h2><h4>A minor heading</h4><p>{PARA * 4}</p>")
        parts.append(f"<h5>Not in the outline</h5><p>{PARA}</p>")
        body = "".join(parts)
    fields: dict[str, object] = {
        "id": "harbour",
        "title": TITLE,
        "body": body,
        "source_path": Path("harbour.html"),
        "subtitle": "A dispatch from the coast",
        "authors": ["Jane Roe", "John Doe"],
        "published": datetime(2018, 1, 4, 9, 12, 44, tzinfo=timezone(timedelta(hours=3, minutes=30))),
        "source_url": "https://example.org/2018/01/harbour-in-winter/",
        "site_name": "Example Review",
        "language": "en",
        "subjects": ["sea", "winter"],
        "footnotes": [Footnote("fn1", "1", f"<p>{NOTE_TEXT}, not the <em>Gregorian</em>.</p>"), Footnote("c5", "5")],
        "licence": Licence(
            "CC-BY-NC-4.0",
            LICENCE_NAME,
            LICENCE_URL,
            "This work is licensed under a Creative Commons Attribution-NonCommercial 4.0 International License.",
        ),
    }
    fields.update(overrides)
    return Article(**fields)  # type: ignore[arg-type]


def page_texts(path: Path, *, mode: str = "-layout") -> list[str]:
    """pdftotext (-layout by default, or -raw: content stream order), one string per page, no bidi controls."""
    args = ["pdftotext", mode, str(path), "-"]
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    pages = out.stdout.translate(BIDI_CONTROLS).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def flat(text: str) -> str:
    """Whitespace collapsed and line-end hyphenation undone, for phrases that may wrap."""
    return re.sub(r"\s+", " ", re.sub(r"[\u2010-]\n\s*", "", text))


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def decompressed(path: Path, tmp: Path) -> bytes:
    """The PDF with every stream and object stream decompressed (qpdf --qdf), to search its bytes."""
    out = tmp / (path.stem + ".qdf.pdf")
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(path), str(out)], check=True)
    return out.read_bytes()


def tiny_png(rgb: tuple[int, int, int] = (200, 30, 30), size: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def a4(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[str]]:
    """The full article on A4: (path, warnings, page texts)."""
    path = tmp_path_factory.mktemp("a4") / "article.pdf"
    warnings = write_pdf(make_article(), path, resource_roots=[path.parent])
    return path, warnings, page_texts(path)


# ---- text, pages, notes ------------------------------------------------------------------------------------


def test_title_body_and_citations_are_in_the_text(a4: tuple[Path, list[str], list[str]]) -> None:
    _, warnings, pages = a4
    assert len(pages) >= 3
    first = flat(pages[0])
    assert TITLE in first
    assert "A dispatch from the coast" in first
    assert "Jane Roe and John Doe" in first
    assert "The harbour had been quiet for most of the winter" in first
    assert "disagree[27]" in first
    assert warnings == []
    path = a4[0]
    # -layout puts a raised marker ending a short line on a line of its own; content stream order keeps it.
    assert "without a note5 stays a citation" in flat("".join(page_texts(path, mode="-raw")))


def test_footnote_is_at_the_foot_of_the_page_of_its_call(a4: tuple[Path, list[str], list[str]]) -> None:
    _, _, pages = a4
    call_pages = [i for i, p in enumerate(pages) if "old reckoning.1" in flat(p)]
    note_pages = [i for i, p in enumerate(pages) if NOTE_TEXT in flat(p)]
    assert call_pages and call_pages == note_pages
    page = pages[call_pages[0]]
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    note_line = next(i for i, line in enumerate(lines) if NOTE_TEXT in line)
    assert lines[note_line].startswith("1.")
    assert note_line >= len(lines) - 4, "the note is set at the foot of the page, above the page number"
    assert "Gregorian" in page


def test_page_numbers_and_running_head(a4: tuple[Path, list[str], list[str]]) -> None:
    _, _, pages = a4
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        last = [line for line in page.splitlines() if line.strip()][-1]
        assert re.fullmatch(rf"{number}\s*/\s*{total}", last.strip()), last
    first_line = next(line for line in pages[1].splitlines() if line.strip())
    assert first_line.strip() == TITLE
    assert flat(pages[0]).count(TITLE) == 1, "no running head on the first page"


def test_licence_page_is_last_with_name_and_url(a4: tuple[Path, list[str], list[str]]) -> None:
    path, _, pages = a4
    last = flat(pages[-1])
    assert "Licence and attribution" in last
    assert LICENCE_NAME in last
    assert LICENCE_URL in last
    assert "You may not use this work for commercial purposes" in last
    assert "https://example.org/2018/01/harbour-in-winter/" in last
    assert not any("Licence and attribution" in p for p in pages[:-1])
    assert "The harbour had been quiet" not in last, "the licence starts on a page of its own"
    links = [
        annot.get_object()["/A"]["/URI"]
        for annot in PdfReader(path).pages[-1].get("/Annots", [])
        if annot.get_object().get("/A", {}).get("/URI")
    ]
    assert LICENCE_URL in links


def test_persian_text_is_extractable(a4: tuple[Path, list[str], list[str]]) -> None:
    _, _, pages = a4
    text = flat("".join(pages))
    assert PERSIAN_SPAN in text
    assert PERSIAN_SENTENCE in text


def test_hyphenation_is_on(a4: tuple[Path, list[str], list[str]]) -> None:
    _, _, pages = a4
    broken = [line for p in pages for line in p.splitlines() if re.search(r"[a-z][\u2010-]$", line.rstrip())]
    assert broken, "justified English text over several pages hyphenates somewhere"


# ---- fonts, metadata, outline ------------------------------------------------------------------------------


def test_every_font_is_embedded(a4: tuple[Path, list[str], list[str]]) -> None:
    path, _, _ = a4
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        emb = row.split()[-5]
        assert emb == "yes", row
    names = " ".join(row.split()[0] for row in rows)
    assert "DejaVu-Serif" in names and "DejaVu-Sans" in names


def test_metadata(a4: tuple[Path, list[str], list[str]]) -> None:
    path, _, _ = a4
    info = pdfinfo(path)
    assert info["Title"] == TITLE
    assert info["Author"] == "Jane Roe, John Doe"
    assert info["Keywords"] == "sea, winter"
    assert info["Subject"] == "A dispatch from the coast"
    reader = PdfReader(path)
    assert reader.metadata.creation_date.astimezone(UTC) == datetime(2018, 1, 4, 5, 42, 44, tzinfo=UTC)
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_outline_comes_from_headings(a4: tuple[Path, list[str], list[str]]) -> None:
    path, _, _ = a4

    def titles(items: list) -> list[str]:
        found: list[str] = []
        for item in items:
            found += titles(item) if isinstance(item, list) else [item.title]
        return found

    outline = PdfReader(path).outline
    got = titles(outline)
    assert got[0] == TITLE
    for heading in ("The first section", "Subsection 1", "Subsection 4", "The second section", "A minor heading"):
        assert heading in got
    assert "Not in the outline" not in got
    assert "Licence and attribution" in got
    top = outline[1]
    assert isinstance(top, list) and top[0].title == "The first section", "h2 nests under the title"


# ---- paper sizes, determinism, API ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paper", "size"),
    [("a4", "595.276 x 841.89 pts (A4)"), ("letter", "612 x 792 pts (letter)"), ("a5", "419.528 x 595.276 pts")],
)
def test_paper_sizes(paper: str, size: str, tmp_path: Path) -> None:
    path = tmp_path / f"{paper}.pdf"
    write_pdf(make_article(body=f"<p>{PARA}</p>", footnotes=[]), path, paper=paper, resource_roots=[])
    assert size in pdfinfo(path)["Page size"]


def test_same_input_same_bytes(tmp_path: Path) -> None:
    article = make_article()
    first, second = tmp_path / "one.pdf", tmp_path / "sub" / "two.pdf"
    second.parent.mkdir()
    write_pdf(article, first, resource_roots=[tmp_path])
    write_pdf(make_article(), second, resource_roots=[tmp_path / "sub"])
    assert first.read_bytes() == second.read_bytes()


def test_unknown_paper_is_a_usage_error_before_any_work(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("A title\n\nSome text of the article.\n", encoding="utf-8")
    with pytest.raises(UsageError, match="unknown paper 'b5'"):
        run_export([source], Options(output_dir=tmp_path / "out", paper="b5"))
    assert not (tmp_path / "out").exists()


def test_weasyprint_and_stylesheets_are_loaded_once() -> None:
    assert pdf_writer._stylesheets("a4") is pdf_writer._stylesheets("a4")
    assert pdf_writer._font_config() is pdf_writer._font_config()
    assert pdf_writer._weasyprint() is pdf_writer._weasyprint()


def notes_article(seed: int) -> tuple[Article, int]:
    """Paragraphs of random length with many short and long notes; calls read CALL<n>X, notes NOTE<n>X."""
    rnd = random.Random(seed)
    words = "the harbour had been quiet for most of winter and fishermen who still went out before dawn spoke".split()
    parts, notes = [], []
    for _ in range(24):
        sentence = []
        for _ in range(rnd.randint(20, 160)):
            sentence.append(rnd.choice(words))
            if rnd.random() < 0.015:
                n = len(notes) + 1
                sentence.append(f"CALL{n}X<sup class='noteref' data-note='n{n}'>{n}</sup>")
                text = " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 40)))
                notes.append(Footnote(f"n{n}", str(n), f"NOTE{n}X {text}"))
        parts.append("<p>" + " ".join(sentence) + "</p>")
        if rnd.random() < 0.15:
            parts.append("<h2>Heading</h2>")
    return make_article(body="".join(parts), footnotes=notes), len(notes)


# Seeds whose layout, on WeasyPrint 70 without the writer's second pass, sets a note a page after its call.
@pytest.mark.parametrize("seed", [1, 14])
def test_many_notes_each_on_the_page_of_its_call(seed: int, tmp_path: Path) -> None:
    """WeasyPrint 70 moves notes away to keep orphans; the writer's second layout pass must undo that."""
    article, count = notes_article(seed)
    path = tmp_path / "notes.pdf"
    warnings = write_pdf(article, path, resource_roots=[])
    assert count >= 20
    pages = [flat(p) for p in page_texts(path, mode="-raw")]
    for n in range(1, count + 1):
        call = [i for i, p in enumerate(pages) if f"CALL{n}X{n}" in p]
        note = [i for i, p in enumerate(pages) if f"NOTE{n}X" in p]
        assert len(call) == 1 and call == note, (n, call, note)
    assert not [w for w in warnings if "footnote" in w.text]


# ---- resources and the fetcher -------------------------------------------------------------------------------


@pytest.fixture
def trap(tmp_path: Path):
    """Allowed root with one real image; a secret file and stylesheet outside it; a listening TCP port."""
    root = tmp_path / "input"
    root.mkdir()
    (root / "pic.png").write_bytes(tiny_png())
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text(SENTINEL)
    (outside / "evil.css").write_text(f'body::before {{ content: "{SENTINEL}"; }}')
    (outside / "pic.png").write_bytes(tiny_png((0, 0, 255)))
    (root / "link.png").symlink_to(outside / "pic.png")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield root, outside, server
    server.close()


def _no_connection(server: socket.socket) -> bool:
    try:
        conn, _ = server.accept()
    except BlockingIOError:
        return True
    conn.close()
    return False


def test_images_resolve_by_key_and_nothing_else_is_fetched(trap, tmp_path: Path) -> None:
    root, outside, server = trap
    port = server.getsockname()[1]
    body = (
        f"<p>{PARA}</p><figure><img src='images/pic.png' alt='a red square'/><figcaption>Red</figcaption></figure>"
        f"<p><img src='{(outside / 'secret.txt').as_uri()}' alt='x'/>"
        f"<img src='{(outside / 'pic.png').as_uri()}' alt='y'/>"
        f"<img src='{(root / 'link.png').as_uri()}' alt='symlink out'/>"
        f"<img src='http://127.0.0.1:{port}/x.png' alt='z'/></p>"
        f"<link rel='attachment' href='{(outside / 'secret.txt').as_uri()}'/>"
        f"<link rel='stylesheet' href='{(outside / 'evil.css').as_uri()}'/>"
        f"<p><a rel='attachment' href='{(outside / 'secret.txt').as_uri()}'>the secret</a></p>"
    )
    article = make_article(
        body=body, footnotes=[], images=[Image("images/pic.png", root / "pic.png", "image/png", "a red square")]
    )
    path = tmp_path / "trap.pdf"
    warnings = write_pdf(article, path, resource_roots=[root])

    assert _no_connection(server)
    raw = decompressed(path, tmp_path)
    assert SENTINEL.encode() not in raw
    assert SENTINEL not in "".join(page_texts(path))
    assert b"/EmbeddedFile" not in raw and b"/FileAttachment" not in raw
    assert raw.count(b"/Subtype /Image") == 1, "only the image named by its key, inside the roots, is embedded"
    text = "\n".join(w.text for w in warnings)
    for url in ((outside / "secret.txt").as_uri(), (outside / "pic.png").as_uri(), f"http://127.0.0.1:{port}/x.png"):
        assert url in text
    assert (root / "link.png").as_uri() in text
    assert "<link>" in text and "rel=attachment" in text


def test_fetcher_alone_refuses_files_outside_the_roots_and_the_network(trap, tmp_path: Path) -> None:
    """A whole document straight to WeasyPrint (no body clean-up): the fetcher is the only guard."""
    root, outside, server = trap
    port = server.getsockname()[1]
    secret = (outside / "secret.txt").as_uri()
    html = (
        f"<html lang='en'><head><title>Trap</title><link rel='attachment' href='{secret}'>"
        f"<link rel='stylesheet' href='{(outside / 'evil.css').as_uri()}'>"
        f"<link rel='stylesheet' href='http://127.0.0.1:{port}/s.css'></head><body>"
        f"<p>Plain text.<img src='{secret}'><img src='http://127.0.0.1:{port}/x.png'>"
        f"<img src='{(root / 'pic.png').as_uri()}'><a rel='attachment' href='{secret}'>a</a></p>"
        f"<p style=\"background: url('https://127.0.0.1:{port}/bg.png')\">x</p></body></html>"
    )
    path = tmp_path / "raw.pdf"
    import weasyprint

    fetcher = pdf_writer.make_url_fetcher([root])
    weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(path)
    warnings = fetcher.refused

    assert _no_connection(server)
    raw = decompressed(path, tmp_path)
    assert SENTINEL.encode() not in raw
    assert b"/EmbeddedFile" not in raw
    assert "Plain text." in page_texts(path)[0]
    assert raw.count(b"/Subtype /Image") == 1
    text = "\n".join(warnings)
    assert secret in text
    assert f"http://127.0.0.1:{port}/x.png" in text and f"https://127.0.0.1:{port}/bg.png" in text
    assert (outside / "evil.css").as_uri() in text


def test_fetcher_serves_data_uris_and_files_in_roots(trap) -> None:
    root, outside, _ = trap
    fetcher = pdf_writer.make_url_fetcher([root])
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    assert fetcher.fetch((root / "pic.png").as_uri()).read().startswith(b"\x89PNG")
    for url in [
        (outside / "secret.txt").as_uri(),
        (root / "link.png").as_uri(),
        "ftp://example.org/x",
        "file://host/x",
    ]:
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4

"""Covers: every EPUB carries a generated 1400×2100 JPEG cover (and the pipeline gets a 350×525 thumbnail).

The renders are checked as pictures (size, mode, margins, colours), the right-to-left shaping by rendering the
same title with and without it, the featured image through a small WXR of our own with a local media folder,
and the books through the CLI, EPUBCheck and DAISY Ace.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image as Pillow
from PIL import ImageFont, features

from exporter.model import Article
from exporter.readers.html import read_html
from exporter.readers.wxr import iter_wxr
from exporter.writers import cover
from exporter.writers.cover import FRAME_INSET, FRAME_WIDTH, MARGIN, article_cover, bundle_cover, thumbnail
from exporter.writers.epub import COVER_FILE, EpubWriter
from exporter.writers.registry import WriteOptions
from tests.tools import ace_available, epub_documents, run_ace, run_cli, run_epubcheck

GREEN = (20, 200, 90)
"""The featured picture's colour: no palette colour or text colour is near it."""


def article(title: str = "The Tide Tables of Marrow Point", **fields: object) -> Article:
    """A small article in memory: the fields a cover shows."""
    values: dict[str, object] = {
        "id": "urn:uuid:00000000-0000-5000-8000-0000000000c0",
        "title": title,
        "body": "<p>Text.</p>",
        "source_path": Path("marrow.txt"),
        "authors": ["Ines Calloway"],
        "site_name": "The Marrow Point Gazette",
        "published": datetime(2019, 3, 2, 8, 0, tzinfo=UTC),
        **fields,
    }
    return Article(**values)  # type: ignore[arg-type]


def picture(data: bytes) -> Pillow.Image:
    """The JPEG's pixels (checked to be a JPEG)."""
    img = Pillow.open(io.BytesIO(data))
    assert img.format == "JPEG"
    return img.convert("RGB")


def far(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 40) -> bool:
    """True when two colours differ by more than ``tolerance`` in some channel (JPEG noise stays below it)."""
    return max(abs(x - y) for x, y in zip(a, b, strict=True)) > tolerance


# ---- The pictures ----------------------------------------------------------------------------------------


def test_cover_and_thumbnail_sizes_and_modes() -> None:
    data = article_cover(article())
    img = Pillow.open(io.BytesIO(data))
    assert (img.format, img.size, img.mode) == ("JPEG", (1400, 2100), "RGB")
    small = Pillow.open(io.BytesIO(thumbnail(data)))
    assert (small.format, small.size, small.mode) == ("JPEG", (350, 525), "RGB")
    bundle = Pillow.open(io.BytesIO(bundle_cover("Collected tides", [article(), article("Second")])))
    assert (bundle.format, bundle.size, bundle.mode) == ("JPEG", (1400, 2100), "RGB")


def test_no_metadata_in_the_jpeg() -> None:
    img = Pillow.open(io.BytesIO(article_cover(article())))
    assert "exif" not in img.info and "icc_profile" not in img.info
    assert img.info.get("progressive", 0) == 0


def test_same_input_same_bytes() -> None:
    a, b = article(), article()
    assert article_cover(a) == article_cover(b)
    assert thumbnail(article_cover(a)) == thumbnail(article_cover(b))
    assert bundle_cover("Tides", [a, b]) == bundle_cover("Tides", [article(), article()])
    assert article_cover(a) != article_cover(article("Another title"))


@pytest.mark.parametrize(
    "title",
    [
        # 200 characters of words, and 200 characters with no space to break at
        (
            "Notes on the tide tables kept at Marrow Point from the first survey to the last, with the keepers' "
            "letters, the harbour master's complaints, and a long list of ships that never came in on time again"
        )[:200],
        "Marrowpointtidetables" * 10,
        "A title far too long for any cover " * 60,
    ],
)
def test_a_long_title_stays_inside_the_margins(title: str) -> None:
    """Between the frame and the text margin, left and right, every pixel is the background."""
    img = picture(article_cover(article(title)))
    background = img.getpixel((MARGIN - 20, 10))
    band = range(FRAME_INSET + FRAME_WIDTH + 8, MARGIN - 4)
    for x in [*band, *(img.width - 1 - x for x in band)]:
        for y in range(FRAME_INSET + FRAME_WIDTH + 8, img.height - FRAME_INSET - FRAME_WIDTH - 8, 3):
            assert not far(img.getpixel((x, y)), background), (x, y)
    title_band = img.crop((MARGIN, 420, img.width - MARGIN, 1500))
    assert title_band.getextrema() != tuple((c, c) for c in background), "the title was drawn"


def test_words_are_kept_whole_when_a_smaller_size_fits() -> None:
    """A long word makes the title smaller rather than break between letters; a line may end after a hyphen;
    only a word too long for the line at :data:`cover.WORD_FLOOR` is broken between letters."""
    face = ("DejaVu Serif", "Bold")

    def lines(title: str) -> list[str]:
        return cover.fit(title, 1080, (150, 36), face, "ltr", "en")[1]

    assert "Antidisestablishmentarianism" in lines("Antidisestablishmentarianism and Its Discontents")
    assert "Join Pro-" in lines("Iran: Tens of Thousands Join Pro-Government Rallies")
    assert "Government" in lines("Iran: Tens of Thousands Join Pro-Government Rallies")
    word = "Taumatawhakatangihangakoauauotamateaturipukakapikimaungahoronukupokaiwhenuakitanatahu"
    font, rows = cover.fit(word, 1080, (150, 36), face, "ltr", "en")
    assert len(rows) > 1 and "".join(rows) == word and font.size <= cover.WORD_FLOOR


def test_right_to_left_title_is_shaped_with_raqm(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Persian title set with raqm (joined letters, right to left) differs from the same title set letter by
    letter, left to right, by Pillow's basic layout; and a title that starts with a Latin word is laid out with
    a right-to-left base direction (the Latin word at the right), not the direction of its first letter."""
    assert features.check("raqm"), "Pillow's raqm layout is missing: install libfribidi0 (scripts/setup.sh)"
    persian = article("فانوس‌های بندر", language="fa", authors=["سهراب"])
    shaped = article_cover(persian)
    monkeypatch.setattr(cover, "layout_engine", lambda: ImageFont.Layout.BASIC)
    cover._font.cache_clear()
    try:
        basic = article_cover(persian)
    finally:
        monkeypatch.undo()
        cover._font.cache_clear()
    assert shaped != basic

    mixed = article("Web در بندر", language="fa")
    right_to_left = article_cover(mixed)
    monkeypatch.setattr(cover, "_direction", lambda text, language: "ltr")
    assert article_cover(mixed) != right_to_left


def test_bundle_cover_shows_the_span_of_years() -> None:
    older = article(published=datetime(2016, 1, 1, tzinfo=UTC))
    one_year = bundle_cover("Tides", [article(), article()])
    assert bundle_cover("Tides", [older, article()]) != one_year  # 2016–2019, not 2019


def test_the_pipelines_cover_is_used_as_given(tmp_path: Path) -> None:
    given = article_cover(article("A cover made elsewhere"))
    path = tmp_path / "a.epub"
    EpubWriter().write(article(), path, WriteOptions(cover=given))
    assert zipfile.ZipFile(path).read(f"EPUB/{COVER_FILE}") == given


# ---- The featured image ----------------------------------------------------------------------------------

WXR = """<?xml version="1.0" encoding="UTF-8"?>
<!-- A test fixture written for the exporter: an invented site with one post and its featured image. -->
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Marrow Point Gazette</title>
  <link>https://marrow.example</link>
  <language>en-GB</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author>
    <wp:author_login>ines</wp:author_login><wp:author_display_name>Ines Calloway</wp:author_display_name>
  </wp:author>
  <item>
    <title>The Green Buoy</title>
    <link>https://marrow.example/2021/04/the-green-buoy/</link>
    <dc:creator>ines</dc:creator>
    <content:encoded><![CDATA[A buoy was painted green this spring, and the boats found their way home by it.]]>
    </content:encoded>
    <wp:post_id>7</wp:post_id>
    <wp:post_date_gmt>2021-04-09 10:00:00</wp:post_date_gmt>
    <wp:post_name>the-green-buoy</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
    <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>8</wp:meta_value></wp:postmeta>
  </item>
  <item>
    <title>green-buoy</title>
    <wp:post_id>8</wp:post_id>
    <wp:post_parent>7</wp:post_parent>
    <wp:status>inherit</wp:status>
    <wp:post_type>attachment</wp:post_type>
    <wp:attachment_url>https://marrow.example/wp-content/uploads/2021/04/green-buoy.png</wp:attachment_url>
  </item>
</channel>
</rss>
"""


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """The WXR above and its media folder (``wp-content/uploads``) holding the featured picture."""
    wxr = tmp_path / "site" / "marrow.wordpress.xml"
    wxr.parent.mkdir()
    wxr.write_text(WXR, encoding="utf-8")
    media = tmp_path / "uploads"
    (media / "2021" / "04").mkdir(parents=True)
    Pillow.new("RGB", (300, 200), GREEN).save(media / "2021" / "04" / "green-buoy.png")
    return wxr, media


def test_wxr_reader_gives_the_featured_image(site: tuple[Path, Path]) -> None:
    (raw,) = list(iter_wxr(site[0]))
    assert raw.featured_image == "https://marrow.example/wp-content/uploads/2021/04/green-buoy.png"


def test_saved_page_gives_its_og_image(tmp_path: Path) -> None:
    page = tmp_path / "buoy.html"
    page.write_text(
        '<html><head><title>The Green Buoy</title><meta property="og:image" content="pictures/buoy.png"/>'
        '<link rel="canonical" href="https://marrow.example/the-green-buoy/"/></head>'
        "<body><article><h1>The Green Buoy</h1><p>A buoy was painted green this spring.</p></article></body></html>",
        encoding="utf-8",
    )
    assert read_html(page).featured_image == "https://marrow.example/the-green-buoy/pictures/buoy.png"


def cover_of(epub: Path) -> bytes:
    return zipfile.ZipFile(epub).read(f"EPUB/{COVER_FILE}")


def test_featured_image_found_locally_is_on_the_cover(site: tuple[Path, Path], tmp_path: Path) -> None:
    wxr, media = site
    with_media, without = tmp_path / "with", tmp_path / "without"
    proc = run_cli("export", wxr, "--media", media, "-o", with_media, "-f", "epub", "-q")
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("export", wxr, "-o", without, "-f", "epub", "-q")
    assert proc.returncode == 0, proc.stderr
    shown, plain = cover_of(with_media / "the-green-buoy.epub"), cover_of(without / "the-green-buoy.epub")
    assert shown != plain
    assert not far(picture(shown).getpixel((700, 300)), GREEN, 12)
    assert far(picture(plain).getpixel((700, 300)), GREEN)
    assert not any(not far(c, GREEN) for _, c in picture(plain).getcolors(1400 * 2100) or [])

    def codes(folder: Path) -> list[str]:
        (item,) = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["items"]
        return [f"{m['stage']}/{m['code']}" for m in item["warnings"]]

    assert "images/cover-image-missing" in codes(without)
    assert "images/cover-image-missing" not in codes(with_media)


# ---- The books -------------------------------------------------------------------------------------------


@pytest.fixture
def books(site: tuple[Path, Path], tmp_path: Path) -> dict[str, Path]:
    """One article EPUB (with its featured image) and one bundle, exported as a user would."""
    wxr, media = site
    persian = wxr.parent / "fog.txt"
    persian.write_text(PERSIAN, encoding="utf-8")
    for name, extra in (("single", ()), ("bundle", ("--bundle", "Marrow Point, collected"))):
        proc = run_cli("export", wxr, persian, "--media", media, "-o", tmp_path / name, "-f", "epub", *extra)
        assert proc.returncode == 0, proc.stderr
    return {
        "article": tmp_path / "single" / "the-green-buoy.epub",
        "persian": next(p for p in (tmp_path / "single").glob("*.epub") if p.name != "the-green-buoy.epub"),
        "bundle": tmp_path / "bundle" / "marrow-point-collected.epub",
    }


PERSIAN = "بندر در مه\n\nفانوس‌های بندر هر شب روشن می‌شوند و کشتی‌ها راه خانه را در مه پیدا می‌کنند.\n"
"""A short text in Persian, written for this test: "The harbour in fog"."""


def test_every_book_has_its_cover_marked(books: dict[str, Path]) -> None:
    for name, path in books.items():
        docs = epub_documents(path)
        opf = docs["EPUB/content.opf"]
        item = re.search(r'<item href="images/cover\.jpg" id="([^"]+)" media-type="image/jpeg"([^>]*)/>', opf)
        assert item and 'properties="cover-image"' in item.group(2), name
        assert f'<meta name="cover" content="{item.group(1)}"/>' in opf, name
        spine = re.findall(r'<itemref idref="([^"]+)"', opf)
        first = re.search(rf'<item href="([^"]+)" id="{spine[0]}"', opf)
        assert first and first.group(1) == "cover.xhtml", name
        title = re.search(r"<dc:title>([^<]+)</dc:title>", opf)
        assert title and f'alt="{title.group(1)}"' in docs["EPUB/cover.xhtml"], name
        img = Pillow.open(io.BytesIO(cover_of(path)))
        assert (img.format, img.size) == ("JPEG", (1400, 2100)), name


@pytest.mark.slow
def test_books_with_covers_pass_epubcheck_and_ace(books: dict[str, Path]) -> None:
    for name, path in books.items():
        report = run_epubcheck(path)
        assert (report.errors, report.warnings) == (0, 0), (name, report.messages)
    problem = ace_available()
    if problem:
        pytest.fail(problem)
    for name in ("article", "bundle"):
        assert run_ace(books[name]).violations == [], name


@pytest.mark.slow
def test_two_exports_give_the_same_epub(site: tuple[Path, Path], tmp_path: Path) -> None:
    wxr, media = site
    for run in ("one", "two"):
        proc = run_cli("export", wxr, "--media", media, "-o", tmp_path / run, "-f", "epub", "-q")
        assert proc.returncode == 0, proc.stderr
    one, two = ((tmp_path / run / "the-green-buoy.epub").read_bytes() for run in ("one", "two"))
    assert one == two


@pytest.mark.parametrize(
    ("first", "second", "language"),
    [
        ("老茶馆里的口述历史", "社区档案馆的照片", "zh"),
        ("港町の古い写真", "村の図書館の記録", "ja"),
        ("마을 도서관의 기록", "항구 마을의 사진", "ko"),
        ("गाँव के पुराने पत्र", "नदी किनारे का संग्रह", "hi"),
    ],
)
def test_titles_in_scripts_dejavu_lacks_get_real_glyphs(first: str, second: str, language: str) -> None:
    """DejaVu has no Chinese, Japanese, Korean or Devanagari: a title in them is set in the pinned Noto family of
    its script. Drawn with boxes, two different titles of a like length would give the same picture."""
    pictures = [picture(article_cover(article(title, language=language))) for title in (first, second)]
    assert pictures[0].tobytes() != pictures[1].tobytes()
    assert cover._script_family(first, language, sans=False) is not None


def test_emoji_are_left_off_a_cover_not_drawn_as_boxes() -> None:
    """The title font has no emoji: 🌟 is left off (it would be a box), and the Latin title keeps its font."""
    with_emoji = article_cover(article("Ten Small Joys of a Volunteer Archivist 🌟"))
    without = article_cover(article("Ten Small Joys of a Volunteer Archivist"))
    assert with_emoji == without

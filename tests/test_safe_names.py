"""Output names: hostile, empty, long, look-alike, reserved and non-Latin titles give distinct, safe files
inside the output folder on every common filesystem (ext4, NTFS, APFS case-insensitive, FAT)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporter.naming import MAX_SLUG, RESERVED, UniqueNames, is_safe_name, slugify
from tests.tools import run_cli

HOSTILE_TITLES = [
    '../../etc/passwd <b>x</b> & "y"',
    "..\\..\\Windows\\System32\\config",
    "/absolute/path",
    "",
    "   \t  ",
    "x" * 500,
    "Café",
    "Cafe",
    "CAFÉ",
    "cafe\u0301",  # decomposed é
    "CON",
    "nul",
    "Com1",
    "LPT9.txt",
    "aux.tar.gz",
    "COM¹",
    "name ending in dots...",
    "name ending in spaces   ",
    "...",
    "زبان فارسی",
    "中文标题",
    "🎉🎉🎉",
    "Straße Œuvre Øresund Łódź Þing",
    'a:b*c?d"e<f>g|h',
    "tab\there\nnewline\x00nul",
    "-leading-and-trailing-",
    "\u202eevil\u202d.exe",
    "A" * 79 + "é",
]
# Names every one of ext4, NTFS, APFS and FAT keeps apart and stores as is.
WINDOWS_FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}


def check_safe(stem: str) -> None:
    assert stem and len(stem) <= MAX_SLUG
    assert stem.isascii() and stem == stem.lower()
    assert not (set(stem) & WINDOWS_FORBIDDEN)
    assert not stem.endswith((".", " ")) and not stem.startswith(("-", "."))
    assert stem.split(".")[0] not in RESERVED
    assert ".." not in stem and "/" not in stem
    assert unicodedata.normalize("NFC", stem) == unicodedata.normalize("NFD", stem) == stem
    assert is_safe_name(f"{stem}.epub")


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_every_hostile_title_gives_a_safe_slug(title: str) -> None:
    check_safe(slugify(title))


def test_hostile_titles_give_distinct_names_even_case_insensitively() -> None:
    names = UniqueNames()
    slugs = [names.take(t) for t in HOSTILE_TITLES]
    assert len({s.casefold() for s in slugs}) == len(slugs)
    for slug in slugs:
        check_safe(slug)
    assert slugs[6:10] == ["cafe", "cafe-2", "cafe-3", "cafe-4"]
    assert slugs[10:14] == ["con-article", "nul-article", "com1-article", "lpt9-txt"]
    assert slugify("Straße Œuvre Øresund Łódź Þing") == "strasse-oeuvre-oresund-lodz-thing"


def test_counter_never_makes_a_name_longer_than_the_limit() -> None:
    names = UniqueNames()
    slugs = [names.take("y" * 500) for _ in range(12)]
    assert len(set(slugs)) == 12 and all(len(s) <= MAX_SLUG for s in slugs)
    assert slugs[0] == "y" * MAX_SLUG and slugs[11].endswith("-12")


def test_is_safe_name() -> None:
    assert is_safe_name("harbour-lights.epub") and is_safe_name("post-12.pdf")
    for bad in ("con.epub", "Harbour.epub", "a--b.pdf", "-a.pdf", "a.", "../a.pdf", "café.pdf", "a b.pdf", "a"):
        assert not is_safe_name(bad), bad


@given(st.text(max_size=300))
def test_any_title_gives_a_safe_slug(title: str) -> None:
    check_safe(slugify(title))


@given(st.lists(st.text(max_size=40), min_size=1, max_size=30))
def test_any_titles_give_distinct_safe_names(titles: list[str]) -> None:
    names = UniqueNames()
    slugs = [names.take(t) for t in titles]
    assert len({s.casefold() for s in slugs}) == len(slugs)
    for slug in slugs:
        check_safe(slug)


# Titles a text input can carry on its first line (a text file's title is its first non-blank line).
CLI_TITLES = [t for t in HOSTILE_TITLES if t.strip() and "\n" not in t and "\x00" not in t]


def test_hostile_titles_end_to_end_through_the_cli(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i, title in enumerate(CLI_TITLES):
        (inputs / f"{i:02d}.txt").write_text(f"{title}\n\nThe body of post number {i} ends here.\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("export", inputs, "-o", out, "-f", "epub", "-q")
    assert proc.returncode == 0, proc.stderr
    # Everything written is directly inside the output folder, nothing above or beside it.
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file() and inputs not in p.parents)
    assert all(out in p.parents for p in written), written
    books = [p for p in written if p.suffix == ".epub"]
    assert len(books) == len(CLI_TITLES)
    assert len({p.name.casefold() for p in books}) == len(books)
    for book in books:
        check_safe(book.stem)
    items = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["items"]
    listed = [o["path"] for item in items for o in item["outputs"] if o["format"] == "epub"]
    assert sorted(listed) == sorted(p.name for p in books)
    by_source = {Path(item["source"]["path"]).name: item["outputs"][0]["path"] for item in items}
    assert by_source[f"{CLI_TITLES.index('CON'):02d}.txt"] == "con-article.epub"
    assert re.fullmatch(r"etc-passwd-b-x-b-y\.epub", by_source["00.txt"])


# Titles of our own fixtures in other scripts, and the slug each must give: readable ASCII, one hyphenated
# syllable per Chinese character, apostrophes joined, symbols and emoji left out.
TRANSLITERATED = {
    "老茶馆里的口述历史": "lao-cha-guan-li-de-kou-shu-li-shi",
    "마을 도서관의 기록 보관소": "maeul-doseogwanui-gilog-bogwanso",
    "Το αρχείο του λιμανιού ανοίγει στο κοινό": "to-archeio-toy-limanioy-anoigei-sto-koino",
    "Как мы оцифровали письма из деревни": "kak-my-otsifrovali-pisma-iz-derevni",
    "ארכיון השכונה פותח את שעריו": "rkhyvn-hskhvnh-fvth-t-sryv",
    "بایگانی محله در کتابخانه‌ی قدیمی": "bygny-mhlh-dr-ktbkhnhy-qdymy",
    "गाँव के पुराने पत्रों का संग्रह": "gamv-ke-purane-ptrom-ka-smgrh",
    "Ten Small Joys of a Volunteer Archivist 🌟": "ten-small-joys-of-a-volunteer-archivist",
    "A Keeper’s Year in Pictures": "a-keepers-year-in-pictures",
    "Επίπεδο 2 -Second Greek level": "epipedo-2-second-greek-level",
}


@pytest.mark.parametrize(("title", "slug"), TRANSLITERATED.items())
def test_every_script_is_transliterated_to_a_readable_slug(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_long_titles_are_cut_at_a_word_boundary() -> None:
    title = (
        "Stack Overflow Jobs Data Shows ReactJS Skills in High Demand, WordPress Market Oversaturated with Developers"
    )
    assert slugify(title) == "stack-overflow-jobs-data-shows-reactjs-skills-in-high-demand-wordpress-market"
    names = UniqueNames()
    names.take(title)
    assert names.take(title) == "stack-overflow-jobs-data-shows-reactjs-skills-in-high-demand-wordpress-market-2"
    assert slugify("word " * 16 + "x" * 20) == "-".join(["word"] * 16)  # 79 characters, then a cut before the x's
    assert slugify("y" * 90) == "y" * MAX_SLUG  # one word longer than the limit: cut inside it


def test_untransliterable_titles_take_the_file_name_then_the_post_id(tmp_path: Path) -> None:
    """A title with nothing to spell in ASCII names the book after its input file; a WXR post (whose file names
    many posts) after its id: never 'article-2' by the run's order."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "fireworks-night.txt").write_text("🎉🎉🎉\n\nThe body of the first post.\n", encoding="utf-8")
    (inputs / "lanterns.txt").write_text("✨\n\nThe body of the second post.\n", encoding="utf-8")
    item = (
        "<item><title>🎉</title><wp:post_id>77</wp:post_id><wp:post_type>post</wp:post_type>"
        "<wp:status>publish</wp:status><content:encoded><![CDATA[<p>A post of the site.</p>]]></content:encoded></item>"
    )
    (inputs / "site.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Site</title><wp:wxr_version>1.2</wp:wxr_version>'
        f"<wp:base_blog_url>https://site.example</wp:base_blog_url>{item}</channel></rss>",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    proc = run_cli("export", inputs, "-o", out, "-f", "epub", "-q")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.glob("*.epub")) == ["fireworks-night.epub", "lanterns.epub", "post-77.epub"]

"""One table of right-to-left languages: the cleaner, the EPUB and the PDF agree, script subtags included."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from exporter import languages
from exporter.clean import clean
from exporter.model import Article, RawArticle
from exporter.writers import pages
from exporter.writers.epub import assess, write_epub
from exporter.writers.pdf import write_pdf

# The codes the three old tables disagreed on: prs (Dari) was right to left only in the cleaner, sd (Sindhi),
# ug (Uyghur) and dv (Dhivehi) only in the writers. All four are right to left in their usual scripts.
DISAGREED = ("prs", "sd", "ug", "dv")
RTL = (*DISAGREED, "ar", "fa-IR", "fa_AF", "ur-PK", "he", "yi", "ps", "ckb", "ks", "syr", "nqo")
RTL_BY_SCRIPT = ("pa-Arab", "ku-Arab", "az-Arab", "uz-Arab-AF", "sd-Arab", "ms-Arab", "ff-Adlm", "tk-Arab")
RTL_BY_REGION = ("pa-PK", "az-IR", "ku-IQ", "uz-AF", "kk-CN")
LTR = ("en", "en-US", "de-1996", "pa", "ku", "az", "sd-Deva", "sd-IN", "ks-Deva", "ug-Cyrl", "ug-KZ", "he-Latn", "")
LTR += ("az-Latn-IR", "tr", "zh-Hant-TW", "und", "x-klingon")

ARABIC = "سلام دنیا، این یک آزمایش است"


@pytest.mark.parametrize("tag", [*RTL, *RTL_BY_SCRIPT, *RTL_BY_REGION])
def test_right_to_left(tag: str) -> None:
    assert languages.is_rtl(tag)
    assert languages.direction(tag) == "rtl"


@pytest.mark.parametrize("tag", LTR)
def test_left_to_right(tag: str) -> None:
    assert not languages.is_rtl(tag)
    assert languages.direction(tag) == "ltr"


def test_script_subtag_wins_over_region_and_usual_script() -> None:
    assert languages.script("sd") == "Arab"
    assert languages.script("sd-IN") == "Deva"
    assert languages.script("sd-Arab-IN") == "Arab"
    assert languages.script("pa-PK") == "Arab"
    assert languages.script("pa-Guru-PK") == "Guru"
    assert languages.script("dv") == "Thaa"
    assert languages.script("zh-yue-HK") is None  # an extended language subtag before the region
    assert languages.script("en") is None


def test_names() -> None:
    assert [languages.name(t) for t in ("prs", "sd-PK", "ug", "dv", "pa-Arab")] == [
        "Dari",
        "Sindhi",
        "Uyghur",
        "Dhivehi",
        "Punjabi",
    ]
    assert languages.name("xx-Arab") == "xx-Arab"
    assert languages.name("") == "another language"


def _raw(tmp_path: Path, language: str, html: str) -> RawArticle:
    return RawArticle(source_path=tmp_path / "a.html", html=html, title="T", base_dir=tmp_path, language=language)


@pytest.mark.parametrize("tag", [*DISAGREED, "pa-Arab", "ps", "sd-Deva", "en"])
def test_the_cleaner_and_the_writers_agree(tag: str, tmp_path: Path) -> None:
    """Text in Arabic script with a Latin word: in a right-to-left article the blocks are marked and nothing is
    wrapped in spans (the whole book is right to left); in a left-to-right one the run is wrapped. Either way the
    EPUB's pages and the PDF's document say the same direction as the cleaner assumed."""
    latin = "Latin words in a longer paragraph, written left to right, " * 4
    article = clean(_raw(tmp_path, tag, f"<p>{ARABIC}</p><p>{latin} then {ARABIC} and more.</p>"))
    assert article.language == tag  # a declared language is kept (no script mismatch for these)
    rtl = languages.is_rtl(tag)
    spans = re.findall(r'<span lang="[^"]+" dir="rtl">', article.body)
    assert bool(spans) is not rtl, article.body
    assert 'dir="rtl"' in article.body
    assert (pages.in_article_language(article, "x").count('dir="rtl"') == 1) is rtl

    write_epub(article, tmp_path / "a.epub")
    with zipfile.ZipFile(tmp_path / "a.epub") as zf:
        opf = zf.read("EPUB/content.opf").decode()
        page = zf.read("EPUB/article.xhtml").decode()
    assert ('page-progression-direction="rtl"' in opf) is rtl
    assert bool(re.search(r'<html[^>]* dir="rtl"', page)) is rtl


def test_arabic_script_runs_in_a_hebrew_article_are_arabic(tmp_path: Path) -> None:
    """The article's language is the default for runs only when it is written in Arabic script."""
    hebrew = "<p>" + "שלום עולם, זה מבחן ארוך של טקסט בעברית. " * 4 + "</p>"
    article = clean(_raw(tmp_path, "he", f"{hebrew}<p>مرحبا بالعالم</p>"))
    assert article.language == "he"
    assert '<p lang="ar" dir="rtl">مرحبا بالعالم</p>' in article.body
    urdu = clean(_raw(tmp_path, "sd", "<p>مرحبا بالعالم</p>"))
    assert '<p lang="sd" dir="rtl">' in urdu.body


def test_a_declared_arabic_script_language_is_kept(tmp_path: Path) -> None:
    """Pashto uses the Persian letters پ چ ژ گ: the letter heuristic says 'fa', the declaration wins."""
    article = clean(_raw(tmp_path, "ps", "<p>زه پښتو ژبه وایم چې ګډه ده</p>"))
    assert article.language == "ps"
    assert not [m for m in article.warnings if m.code == "script-mismatch"]
    english = clean(_raw(tmp_path, "en", f"<p>{ARABIC}</p>"))
    assert english.language == "fa"
    assert [m.code for m in english.warnings if m.code == "script-mismatch"] == ["script-mismatch"]


def test_accessibility_summary_names_the_languages() -> None:
    body = f'<p>Latin <span lang="sd" dir="rtl">{ARABIC}</span></p>'
    ltr = Article(id="a", title="T", body=body, source_path=Path("a.html"), language="en")
    dari = Article(id="b", title="T", body=f"<p>{ARABIC}</p>", source_path=Path("b.html"), language="prs")
    facts = assess([ltr, dari])
    assert facts.rtl_languages == ["Dari"]
    assert facts.rtl_passages == ["Sindhi"]


def _first_word_x(pdf: Path) -> tuple[float, float]:
    """xMin and the page width of the first word of the article page (page 1 holds the title block)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', html).group(1))  # type: ignore[union-attr]
    word = re.search(r'<word xMin="([\d.]+)"[^>]*>Marker</word>', html)
    assert word is not None, html
    return float(word.group(1)), width


@pytest.mark.parametrize(("tag", "rtl"), [("dv", True), ("sd-Deva", False)])
def test_the_pdf_lays_out_in_the_table_direction(tag: str, rtl: bool, tmp_path: Path) -> None:
    """A short line in the PDF starts at the right margin in a right-to-left article, at the left otherwise."""
    article = clean(_raw(tmp_path, tag, "<p>Marker</p>"))
    write_pdf(article, tmp_path / "a.pdf", resource_roots=[])
    x, width = _first_word_x(tmp_path / "a.pdf")
    assert (x > width / 2) is rtl, (x, width)

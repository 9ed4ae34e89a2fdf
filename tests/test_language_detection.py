"""Language detection: every fixture of ours gets its language in the book; runs in another language or script
get their own ``lang``/``dir``; unsure detection is said; a declared language stands (unless the script says
otherwise)."""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import lxml.html
import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporter.clean import clean
from exporter.clean.language_runs import mark_runs
from exporter.model import Article, RawArticle
from tests.language_fixtures import EXPECTED, LANGUAGE_FIXTURES
from tests.tools import run_cli


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    """One EPUB export of fixtures/languages through the CLI: file name -> (its EPUB, its manifest entry)."""
    out = tmp_path_factory.mktemp("languages")
    done = run_cli("export", LANGUAGE_FIXTURES, "-f", "epub", "-o", out, "-q")
    assert done.returncode == 0, done.stderr
    items = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["items"]
    found = {}
    for item in items:
        epub = next(o["path"] for o in item["outputs"] if o["format"] == "epub")
        found[Path(item["source"]["path"]).name] = (out / epub, item)
    return found


def _read(epub: Path, suffix: str) -> str:
    with zipfile.ZipFile(epub) as zf:
        return next(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(suffix))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_language_in_book(books: dict[str, tuple[Path, dict]], name: str) -> None:
    language, direction = EXPECTED[name]
    epub, item = books[name]
    assert f"<dc:language>{language}</dc:language>" in _read(epub, ".opf")
    root = lxml.html.document_fromstring(_read(epub, "article.xhtml").encode("utf-8"))
    assert root.get("lang") == language
    assert (root.get("dir") or "ltr") == direction
    said = [w for w in item["warnings"] if w["stage"] == "language"]
    assert [(w["code"], w["level"]) for w in said] == [("detected", "info")]
    assert f"detected '{language}'" in said[0]["text"]


def test_pdf_carries_the_detected_language(tmp_path: Path) -> None:
    """The PDF's document language (/Lang, from the root ``lang`` of the HTML WeasyPrint renders)."""
    names = ["neighbourhood-archive.txt", "village-archive-moves.txt"]
    for name in names:
        shutil.copy(LANGUAGE_FIXTURES / name, tmp_path / name)
    done = run_cli("export", *(tmp_path / n for n in names), "-f", "pdf", "-o", tmp_path / "out", "-q")
    assert done.returncode == 0, done.stderr
    items = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["items"]
    for item in items:
        pdf = tmp_path / "out" / next(o["path"] for o in item["outputs"] if o["format"] == "pdf")
        with pikepdf.open(pdf) as doc:
            assert str(doc.Root.Lang) == EXPECTED[Path(item["source"]["path"]).name][0]


def test_mixed_post_english_paragraphs(books: dict[str, tuple[Path, dict]]) -> None:
    epub, _ = books["reading-room-notes.txt"]
    body = lxml.html.document_fromstring(_read(epub, "article.xhtml").encode("utf-8"))
    paragraphs = body.findall(".//p")
    english = [p for p in paragraphs if p.get("lang") == "en"]
    assert len(english) == 2
    assert all(re.fullmatch(r"[\x00-\x7f]+", p.text_content()) for p in english)
    others = [p for p in paragraphs if p not in english]
    assert others and all(p.get("lang") is None for p in others)
    # "English edition" inside a Chinese sentence is two words: not a clause, left to the paragraph's language
    assert not body.xpath("//span[@lang]")


def _raw(text: str, language: str | None = None, title: str = "") -> RawArticle:
    html = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return RawArticle(source_path=Path("a.html"), html=html, title=title, language=language)


def _language_messages(article: Article) -> list[tuple[str, str, str]]:
    return [(m.code, m.level, m.text) for m in article.warnings if m.stage == "language"]


def test_short_text_is_said_to_be_unsure() -> None:
    article = clean(_raw("Notes for later", title="Draft"))
    assert article.language == "en"
    [(code, level, text)] = _language_messages(article)
    assert (code, level) == ("uncertain", "warning")
    assert "not sure" in text and "letters" in text and "assumed 'en'" in text
    assert "\n" not in text


def test_no_letters_is_said_to_be_unsure() -> None:
    article = clean(_raw("12345 🎉🎉", title="2024"))
    assert article.language == "en"
    assert [c for c, _, _ in _language_messages(article)] == ["uncertain"]


def test_few_chinese_characters_are_unsure() -> None:
    article = clean(_raw("图书馆", title="笔记"))
    assert article.language == "zh"
    assert [c for c, _, _ in _language_messages(article)] == ["uncertain"]


GERMAN = (
    "Die Bibliothek öffnet nach den Reparaturen wieder am Montag. Alle Freiwilligen sind herzlich eingeladen, "
    "beim Einräumen der Regale zu helfen, und wer alte Fotos aus dem Dorf hat, bringt sie bitte mit."
)
GREEK = (
    "Η βιβλιοθήκη ανοίγει ξανά την επόμενη Δευτέρα μετά τις επισκευές. Όλοι οι εθελοντές είναι "
    "ευπρόσδεκτοι να βοηθήσουν στα ράφια."
)


def test_undeclared_german_is_detected() -> None:
    article = clean(_raw(GERMAN, title="Die Bibliothek öffnet wieder"))
    assert article.language == "de"
    [(code, level, text)] = _language_messages(article)
    assert (code, level) == ("detected", "info")
    assert re.fullmatch(r"language not declared; detected 'de' \(confidence (0\.\d\d|1\.00)\)", text)


def test_declared_language_stands_within_its_script() -> None:
    article = clean(_raw(GERMAN, language="en", title="Die Bibliothek öffnet wieder"))
    assert article.language == "en"
    [(code, level, text)] = _language_messages(article)
    assert (code, level) == ("differs", "info")
    assert "'de'" in text and "kept 'en'" in text


def test_declared_language_in_another_script_gives_way() -> None:
    article = clean(_raw(GREEK, language="en-US", title="Η βιβλιοθήκη"))
    assert article.language == "el"
    [(code, level, text)] = _language_messages(article)
    assert (code, level) == ("script-mismatch", "warning")
    assert "Greek" in text and "'el'" in text and "'en-US'" in text


def test_declared_persian_stands_on_arabic_letters() -> None:
    article = clean(_raw("تفتح المكتبة أبوابها مرة أخرى يوم الاثنين المقبل بعد الإصلاحات.", language="fa"))
    assert article.language == "fa"
    assert _language_messages(article) == []


def _marked(html: str, language: str) -> str:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    mark_runs(root, language)
    return lxml.html.tostring(root, encoding="unicode")


def test_runs_in_other_scripts_get_spans() -> None:
    out = _marked(
        "<p>The old teahouse, 老茶馆 in Chinese, is called שלום in Hebrew and Τσαγιέρα in Greek.</p>"
        "<pre>老茶馆 שלום</pre><p>Some <code>变量 = 1</code> code.</p>",
        "en",
    )
    assert '<span lang="zh">老茶馆</span>' in out
    assert '<span lang="he" dir="rtl">שלום</span>' in out
    assert '<span lang="el">Τσαγιέρα</span>' in out
    assert "<pre>老茶馆 שלום</pre>" in out and "<code>变量 = 1</code>" in out


def test_short_latin_in_chinese_stays_but_a_clause_is_marked() -> None:
    out = _marked(
        "<p>我们用 WordPress 和 EPUB 做书，而 English edition 只写了 “local merchants”。</p>"
        "<p>他说：We compared them with the Chinese ones. 然后我们走了。</p>",
        "zh",
    )
    assert out.count("<span") == 1
    assert '<span lang="en">We compared them with the Chinese ones</span>' in out


def test_latin_clause_cld3_is_unsure_of_stays() -> None:
    # CLD3 reads these four words as French at 0.41: no language is better than a wrong one
    out = _marked("<p>Το <em>HTML Block Quotation Element</em> καταδεικνύει μια παράθεση.</p>", "el")
    assert "<span" not in out


def test_english_paragraph_in_persian_article() -> None:
    out = _marked(
        "<p>The volunteers from the harbour city read the English columns aloud while we compared them.</p>"
        "<p>این کتابخانه هر هفته باز است.</p>",
        "fa",
    )
    assert '<p lang="en" dir="ltr">The volunteers' in out
    assert '<p lang="fa" dir="rtl">این' in out


def test_our_own_lines_are_not_marked_as_a_whole() -> None:
    line = f'<p class="gallery-missing">[Gallery, 2 images not available: {GERMAN}]</p>'
    assert "lang=" not in _marked(line, "en")


def test_hebrew_in_persian_and_persian_in_hebrew() -> None:
    assert '<span lang="he" dir="rtl">שלום עולם</span>' in _marked("<p>این کتابخانه به عبری: שלום עולם است.</p>", "fa")
    assert '<span lang="fa" dir="rtl">کتابخانه</span>' in _marked("<p>הספרייה נקראת کتابخانه בפרסית.</p>", "he")


def test_japanese_kanji_run_in_japanese_is_left() -> None:
    out = _marked("<p>図書館は来週また開きます。東京都立図書館。</p>", "ja")
    assert "<span" not in out and "lang=" not in out


def test_same_script_block_in_another_language() -> None:
    out = _marked(f"<p>{GERMAN}</p><p>The library opens again next Monday after the repairs are done.</p>", "en")
    assert out.count("lang=") == 1 and '<p lang="de">Die Bibliothek' in out


_PIECES = st.sampled_from(
    [
        "The volunteers read the English columns aloud every week. ",
        "老茶馆",
        "שלום עולם",
        "سلام دنیا",
        "Τσαγιέρα ",
        "Привет мир ",
        "WordPress ",
        "図書館は",
        "열람실 ",
        " ",
        "。",
        ", ",
        "(",
        ")",
        "42",
        "🎉",
    ]
)
_TAGS = st.sampled_from(["p", "li", "h2", "blockquote", "em", "code", "pre", "span"])


@st.composite
def _html(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        tag = draw(_TAGS)
        inner = "".join(draw(st.lists(_PIECES, min_size=1, max_size=8)))
        parts.append(f"<{tag}>{inner}</{tag}>" if tag not in ("em", "span") else f"<p><{tag}>{inner}</{tag}></p>")
    return "".join(parts)


@settings(max_examples=int(os.environ.get("LANG_EXAMPLES", "150")), deadline=None)
@given(_html(), st.sampled_from(["en", "zh", "fa", "ja", "he", "ru"]))
def test_marking_keeps_every_character_in_order(html: str, language: str) -> None:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    before = root.text_content()
    code_before = [lxml.html.tostring(el) for el in root.iter("code", "pre")]
    mark_runs(root, language)
    assert root.text_content() == before
    assert [lxml.html.tostring(el) for el in root.iter("code", "pre")] == code_before

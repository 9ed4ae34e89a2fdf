"""The fixed texts of our books (title page, licence page, contents, navigation) in the article's language.

Every input here declares its language (``<html lang="…">``), in our own words, so these tests do not depend on
language detection. The catalogs are checked for completeness and matching placeholders.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from exporter import i18n
from exporter.model import Licence
from tests.tools import flat, pdftotext, run_cli, run_epubcheck

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "exporter" / "locale"
REQUIRED = ("fa", "ar", "zh", "ja", "es", "fr", "de", "el", "ru", "he", "ko", "hi", "th", "it", "pt")

BODIES = {
    "de": (
        "Der Garten im Winter",
        "Im Winter ruht der Garten, aber die Arbeit hört nicht auf. Wir schneiden die Obstbäume, flicken die Zäune "
        "und planen die Beete für das kommende Jahr.",
    ),
    "fa": (
        "باغ در زمستان",
        "در زمستان باغ آرام است، اما کار تمام نمی‌شود. درختان میوه را هرس می‌کنیم، پرچین‌ها را تعمیر می‌کنیم و "
        "باغچه‌های سال آینده را برنامه‌ریزی می‌کنیم.",
    ),
    "zh": ("冬天的花园", "冬天花园很安静，但是工作并没有停止。我们修剪果树，修补篱笆，并为来年的花坛做计划。"),
    "ja": ("冬の庭", "冬の庭は静かですが、仕事は終わりません。果樹を剪定し、垣根を直し、来年の花壇の計画を立てます。"),
    "ko": (
        "겨울의 정원",
        "겨울에는 정원이 쉬지만 일은 끝나지 않습니다. 과일나무를 다듬고 울타리를 고치며 내년 꽃밭을 계획합니다.",
    ),
    "th": (
        "สวนในฤดูหนาว",
        "ในฤดูหนาวสวนได้พักผ่อน แต่งานยังไม่หมด เราตัดแต่งกิ่งไม้ผล ซ่อมรั้ว และวางแผนแปลงดอกไม้สำหรับปีหน้า",
    ),
    "hi": (
        "सर्दियों में बगीचा",
        "सर्दियों में बगीचा आराम करता है, पर काम खत्म नहीं होता। हम फलों के पेड़ों की छँटाई करते हैं, बाड़ ठीक करते हैं "
        "और अगले साल की क्यारियों की योजना बनाते हैं।",
    ),
    "sw": (
        "Bustani wakati wa baridi",
        "Wakati wa baridi bustani hupumzika, lakini kazi haiishi. Tunapogoa miti ya matunda, tunatengeneza uzio na "
        "kupanga vitalu vya mwaka ujao.",
    ),
}

EXPECTED = {
    # language: (licence heading, title page label, date on the title page, CC BY-SA 4.0 in the language)
    "de": (
        "Lizenz und Namensnennung",
        "Titelseite",
        "4. März 2021",
        "Namensnennung – Weitergabe unter gleichen Bedingungen 4.0 International",
    ),
    "fa": ("مجوز و انتساب", "صفحهٔ عنوان", "۴ مارس ۲۰۲۱", "انتساب - اشتراک یکسان 4.0 بین‌المللی"),
    "zh": ("许可协议与署名", "书名页", "2021年3月4日", "署名-相同方式共享 4.0 国际"),
    "ja": ("ライセンスとクレジット表示", "タイトルページ", "2021年3月4日", "表示 - 継承 4.0 国際"),
    "ko": ("라이선스 및 저작자 표시", "표제지", "2021년 3월 4일", "저작자표시-동일조건변경허락 4.0 국제"),
    "th": (
        "สัญญาอนุญาตและการแสดงที่มา",
        "หน้าชื่อเรื่อง",
        "4 มีนาคม ค.ศ. 2021",  # Gregorian years, as the source gives them (Babel's Gregorian calendar)
        "แสดงที่มา-อนุญาตแบบเดียวกัน 4.0 นานาชาติ",
    ),
    "hi": ("लाइसेंस और श्रेय", "शीर्षक पृष्ठ", "4 मार्च 2021", "श्रेय-समानसाझा 4.0 अंतर्राष्ट्रीय"),  # Latin digits (CLDR)
}
ENGLISH_NAME = "Creative Commons Attribution-ShareAlike 4.0 International"


def _page(folder: Path, lang: str, *, name: str | None = None) -> Path:
    """A small saved page declaring ``lang``, by an author, dated, on a site, under CC BY-SA 4.0."""
    title, text = BODIES[lang]
    direction = ' dir="rtl"' if lang == "fa" else ""
    path = folder / f"{name or lang}.html"
    path.write_text(
        f'<!DOCTYPE html><html lang="{lang}"{direction}><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="author" content="A. Gardener">'
        '<meta property="article:published_time" content="2021-03-04T10:00:00Z">'
        '<meta property="og:site_name" content="Garden Letters">'
        f'<meta property="og:url" content="https://garden.example/{lang}/winter/"></head>'
        f"<body><article><h1>{title}</h1><p>{text}</p><p>{text}</p>"
        '<p><a rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA 4.0</a></p>'
        "</article></body></html>",
        encoding="utf-8",
    )
    return path


def _export(tmp_path: Path, *inputs: Path, extra: tuple[str, ...] = ()) -> Path:
    out = tmp_path / "out"
    done = run_cli("export", *inputs, "-o", out, "-q", *extra)
    assert done.returncode == 0, done.stderr
    return out


def _book(out: Path, suffix: str) -> Path:
    (book,) = sorted(out.glob(f"*{suffix}"))
    return book


def _read(epub: Path, name: str) -> str:
    with zipfile.ZipFile(epub) as zf:
        return zf.read(f"EPUB/{name}").decode("utf-8")


def _pdf_text(pdf: Path) -> str:
    """pdftotext's text with the bidi controls it adds around right-to-left runs, and joiners, taken out."""
    text = pdftotext(pdf)
    return flat(re.sub("[\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text))


def _warnings(out: Path) -> list[tuple[str, str]]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return [(w["stage"], w["code"]) for item in manifest["items"] for w in item["warnings"]]


@pytest.mark.parametrize("lang", ["de", "fa", "zh", "ja", "ko", "th", "hi"])
def test_the_fixed_texts_are_in_the_articles_language(lang: str, tmp_path: Path) -> None:
    """Title page, licence page, navigation labels and the PDF's licence page speak the article's language; the
    CC licence name is the one in that language with the English name beside it (marked English)."""
    heading, title_page, date, licence = EXPECTED[lang]
    out = _export(tmp_path, _page(tmp_path, lang))
    epub = _book(out, ".epub")

    page = _read(epub, "licence.xhtml")
    rtl = ' dir="rtl"' if lang == "fa" else ""
    assert f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}"' in page
    assert re.search(rf'<html [^>]*xml:lang="{lang}"{rtl}>', page), page[:300]
    assert f'<h2 class="licence-heading">{heading}</h2>' in page
    assert f">{licence}</a>" in page
    english = ' lang="en" dir="ltr"' if lang == "fa" else ' lang="en"'
    assert f"<span{english}>{ENGLISH_NAME}, CC-BY-SA-4.0</span>)" in page
    assert "Licence and attribution" not in page and "not stated" not in page
    assert page.count('lang="en"') == 2, page  # only the English licence name and the licence's English statement
    assert page.count('dir="ltr"') == (4 if lang == "fa" else 0), page  # and the URLs in a right-to-left page

    title = _read(epub, "title.xhtml")
    assert f">{date}</time>" in title and 'lang="en"' not in title

    nav = _read(epub, "nav.xhtml")
    assert f">{title_page}</a>" in nav and f">{heading}</a>" in nav
    assert "Title page" not in nav and "Contents" not in nav and 'lang="en"' not in nav

    text = _pdf_text(_book(out, ".pdf"))
    # pdftotext gives Persian lines in visual order (checked word by word) and garbles shaped Devanagari (it reads
    # some "ा" as "ो"): the Hindi PDF is checked for English labels only; its glyphs are tests/test_script_fonts.py's.
    assert heading in text or lang in ("fa", "hi")
    for word in (licence + " " + heading).replace("\u200c", "").split() if lang != "hi" else ():
        assert word in text, (word, text[-600:])  # pdftotext drops the joiners
    assert "Attribution-ShareAlike 4.0 International" in text
    assert "Licence and attribution" not in text
    assert ("labels-in-english") not in {code for _, code in _warnings(out)}


def test_a_language_without_a_catalog_falls_back_to_english_and_says_so_once(tmp_path: Path) -> None:
    """Swahili has no catalog: the fixed texts stay English, marked lang="en", and the item says so once although
    two books (EPUB and PDF) were written."""
    out = _export(tmp_path, _page(tmp_path, "sw"))
    epub = _book(out, ".epub")
    page = _read(epub, "licence.xhtml")
    assert 'lang="en" xml:lang="en"' in page
    assert '<h2 class="licence-heading">Licence and attribution</h2>' in page
    assert f">{ENGLISH_NAME}</a> (CC-BY-SA-4.0)" in page
    assert '<span lang="sw" dir="ltr">Bustani wakati wa baridi</span>' in page
    title = _read(epub, "title.xhtml")
    assert '<p class="date" lang="en" dir="ltr"><time datetime="2021-03-04">4 March 2021</time></p>' in title
    nav = _read(epub, "nav.xhtml")
    assert '<a href="title.xhtml" lang="en" xml:lang="en" dir="ltr">Title page</a>' in nav
    assert "Licence and attribution" in _pdf_text(_book(out, ".pdf"))
    assert _warnings(out).count(("write", "labels-in-english")) == 1


@pytest.mark.parametrize("lang", ["de", "fa"])
def test_translated_books_pass_epubcheck(lang: str, tmp_path: Path) -> None:
    """A book with translated labels (one left to right, one right to left) is EPUBCheck-clean."""
    report = run_epubcheck(_book(_export(tmp_path, _page(tmp_path, lang)), ".epub"))
    assert (report.errors, report.warnings) == (0, 0), report.messages


def test_a_bundle_speaks_its_language_and_each_licence_block_its_articles(tmp_path: Path) -> None:
    """A bundle of two German articles and one Persian one: the bundle's own pages are German, the Persian
    article's licence block is Persian, and titles in another language than the page's are marked."""
    pages = [_page(tmp_path, "de", name="a"), _page(tmp_path, "de", name="b"), _page(tmp_path, "fa")]
    out = _export(tmp_path, *pages, extra=("--bundle", "Gartenbriefe"))
    epub = _book(out, ".epub")
    docs = {name: _read(epub, name) for name in ("title.xhtml", "licences.xhtml", "nav.xhtml")}
    assert '<p class="count">3 Artikel</p>' in docs["title.xhtml"]
    overview = docs["licences.xhtml"]
    assert (
        'lang="de" xml:lang="de">' in overview and '<h2 class="licence-heading">Lizenzen der Artikel</h2>' in overview
    )
    assert '<span lang="fa" dir="rtl">باغ در زمستان</span>' in overview
    assert ">Lizenzen der Artikel</a>" in docs["nav.xhtml"] and ">Inhalt</h2>" in docs["nav.xhtml"]
    chapters = [_read(epub, f"article-00{n}.xhtml") for n in (1, 2, 3)]
    persian = next(c for c in chapters if 'lang="fa"' in c[:400])
    assert '<h2 class="licence-heading">مجوز و انتساب</h2>' in persian and 'dir="ltr"><section' not in persian
    text = _pdf_text(_book(out, ".pdf"))
    assert "Lizenzen der Artikel" in text and "Inhalt" in text
    assert run_epubcheck(epub).errors == 0


# ---- the catalogs ---------------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")


def _catalogs() -> dict[str, object]:
    return {path.parts[-3]: read_po(path.open("rb")) for path in sorted(LOCALE.glob("*/LC_MESSAGES/exporter.po"))}


def test_every_required_language_has_a_complete_catalog() -> None:
    """Each catalog translates every message of the template, with no empty or fuzzy entry, and keeps the
    placeholders of the English text (a plural form may leave ``{count}`` out: 'one article')."""
    template = read_po((LOCALE / "exporter.pot").open("rb"))
    ids = {m.id for m in template if m.id}
    catalogs = _catalogs()
    assert set(REQUIRED) <= set(catalogs)
    for lang, catalog in catalogs.items():
        messages = {m.id: m for m in catalog if m.id}
        assert set(messages) == ids, lang
        for message in messages.values():
            assert not message.fuzzy, (lang, message.id)
            sources = message.id if isinstance(message.id, tuple) else (message.id,)
            wanted = set().union(*(_PLACEHOLDER.findall(s) for s in sources))
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            assert len(forms) == catalog.num_plurals or not isinstance(message.id, tuple), (lang, message.id)
            for form in forms:
                assert form.strip(), (lang, message.id)
                found = set(_PLACEHOLDER.findall(form))
                assert found <= wanted, (lang, message.id, form)
                if not isinstance(message.id, tuple):
                    assert found == wanted, (lang, message.id, form)


def test_the_template_holds_every_message_the_source_uses() -> None:
    """exporter.pot is what ``scripts/extract-messages.sh`` extracts from the source today (no stale template)."""
    keywords = {"_": None, "text": None, "plural": (1, 2)}
    method_map = [("exporter/i18n.py", "python"), ("exporter/writers/**.py", "python")]
    found = {
        (msg if isinstance(msg, str) else tuple(msg))
        for _, _, msg, *_ in extract_from_dir(ROOT, method_map, keywords=keywords)
    }
    template = {m.id for m in read_po((LOCALE / "exporter.pot").open("rb")) if m.id}
    assert found == template


def test_english_reads_no_catalog_and_imports_no_babel() -> None:
    """English books pay nothing: no catalog is read and Babel is not imported."""
    code = (
        "import sys; from exporter import i18n; from exporter.writers import pages, epub, pdf; "
        "t = i18n.labels('en-GB'); assert t is i18n.ENGLISH; "
        "assert not any(m.startswith('babel') for m in sys.modules), sorted(m for m in sys.modules if 'babel' in m)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("tag", "catalog"),
    [
        ("de-AT", "de"),
        ("zh-TW", "zh_Hant"),
        ("zh-Hant-HK", "zh_Hant"),
        ("zh-CN", "zh"),
        ("pt-BR", "pt"),
        ("pt-PT", "pt"),
        ("ko-KR", "ko"),
        ("sw-KE", "en"),
        ("ur", "en"),
        ("", "en"),
    ],
)
def test_a_tag_finds_its_catalog(tag: str, catalog: str) -> None:
    """Regions fall back to their language; Traditional Chinese never gets the Simplified catalog."""
    assert i18n.labels(tag).locale == catalog


@pytest.mark.parametrize(
    ("lang", "licence_id", "name", "expected"),
    [
        ("es", "CC-BY-NC-ND-4.0", "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
         "Atribución-NoComercial-SinDerivadas 4.0 Internacional"),
        ("fr", "CC-BY-4.0", "Creative Commons Attribution 4.0 International", "Attribution 4.0 International"),
        ("ru", "CC-BY-SA-3.0", "Creative Commons Attribution-ShareAlike 3.0 Unported",
         "Атрибуция — На тех же условиях 3.0 Непортированная"),
        ("ja", "CC0-1.0", "CC0 1.0 Universal (Public Domain Dedication)", "CC0 1.0 全世界"),
        ("ko", "CC-BY-ND-4.0", "Creative Commons Attribution-NoDerivatives 4.0 International",
         "저작자표시-변경금지 4.0 국제"),
        ("hi", "CC-BY-NC-ND-4.0", "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
         "श्रेय-गैरवाणिज्यिक-व्युत्पन्ननहीं 4.0 अंतर्राष्ट्रीय"),
        ("th", "CC-BY-NC-ND-3.0", "Creative Commons Attribution-NonCommercial-NoDerivatives 3.0 Unported",
         "แสดงที่มา-ไม่ใช้เพื่อการค้า-ไม่ดัดแปลง 3.0 Unported"),
        ("it", "CC-BY-NC-SA-4.0", "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
         "Attribuzione - Non commerciale - Condividi allo stesso modo 4.0 Internazionale"),
        ("pt-BR", "CC-BY-4.0", "Creative Commons Attribution 4.0 International", "Atribuição 4.0 Internacional"),
        ("pt", "CC-BY-SA-3.0", "Creative Commons Attribution-ShareAlike 3.0 Unported",
         "Atribuição-CompartilhaIgual 3.0 Não Adaptada"),
        ("de", "LicenseRef-x", "Some licence", None),
    ],
)  # fmt: skip
def test_licence_names_in_the_language(lang: str, licence_id: str, name: str, expected: str | None) -> None:
    """Creative Commons' own names in the language, for every element combination, version and port."""
    assert i18n.labels(lang).licence_name(Licence(licence_id, name, "https://example.org/", "")) == expected


def test_the_catalogs_are_package_data() -> None:
    """Every catalog is matched by pyproject.toml's package-data, so a wheel carries it (the loader reads the
    catalogs with importlib.resources)."""
    import fnmatch
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["exporter"]
    for path in LOCALE.glob("*/LC_MESSAGES/*.po"):
        relative = path.relative_to(ROOT / "exporter").as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative

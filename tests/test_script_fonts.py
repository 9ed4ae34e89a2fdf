"""A real glyph for every character, in every script: checked in the fonts the PDF embeds, not through pdftotext.

Each article of ``fixtures/languages/`` is exported to PDF once (module scope). For every character of its text,
some font embedded in the PDF must have a real glyph for it: the PDF's ToUnicode CMap maps the glyph ids the pages
use back to characters, and the embedded font program (read with fontTools) must have that glyph id with an
outline (``glyf``, ``CFF``) or a bitmap (``CBDT``), never ``.notdef`` (glyph 0) nor an empty glyph, which is what
WeasyPrint writes for a character no installed font has. Also: the ``pdf``/``glyph-missing`` warning, and the CJK
regional forms chosen by a declared language.
"""

from __future__ import annotations

import io
import json
import re
from functools import cache
from pathlib import Path

import pikepdf
import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from exporter.writers import fonts
from tests.language_fixtures import EXPECTED, LANGUAGE_FIXTURES
from tests.tools import run_cli

pytestmark = pytest.mark.slow

_ENTRY = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """Glyph id -> text, from a ToUnicode CMap's bfchar and (simple) bfrange entries."""
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for start, end, first in _RANGE.findall(block):
            base = int(first, 16)
            for offset, gid in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[gid] = chr(base + offset)
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for gid, text in _ENTRY.findall(block):
            mapping[int(gid, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
    return mapping


def _has_glyph(font: TTFont, gid: int) -> bool:
    """Whether glyph ``gid`` of the embedded font is a real glyph: not .notdef, and with an outline or bitmap."""
    order = font.getGlyphOrder()
    if gid == 0 or gid >= len(order):
        return False
    name = order[gid]
    if "glyf" in font:
        glyph = font["glyf"][name]
        if glyph.numberOfContours != 0:
            return True
    if "CFF " in font:
        charstrings = font["CFF "].cff.topDictIndex[0].CharStrings
        if name in charstrings:
            pen = BoundsPen(font.getGlyphSet())
            charstrings[name].draw(pen)
            if pen.bounds is not None:
                return True
    if "CBDT" in font:
        return any(name in strike for strike in font["CBDT"].strikeData)
    return False


@cache
def _bitmap_font(family: str) -> TTFont | None:
    """The installed font of ``family`` if it is a colour bitmap font (``CBDT``), else None."""
    path = fonts.font_file(family)
    if path is None or path.suffix.lower() not in (".ttf", ".otf"):
        return None
    font = TTFont(str(path), lazy=True)
    return font if "CBDT" in font else None


def unprinted_characters(path: Path, wanted: set[str]) -> set[str]:
    """The characters of ``wanted`` for which no font embedded in the PDF has a real glyph (found by the PDF's
    ToUnicode CMaps, then by the embedded fonts' own cmaps)."""
    printed: set[str] = set()
    with pikepdf.open(path) as pdf:
        seen: set[tuple[int, int]] = set()
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                if font.objgen in seen or "/ToUnicode" not in font or "/DescendantFonts" not in font:
                    continue
                seen.add(font.objgen)
                descriptor = font.DescendantFonts[0].FontDescriptor
                program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
                assert program is not None, f"{path.name}: {font.BaseFont} is not embedded"
                embedded = TTFont(io.BytesIO(program.read_bytes()))
                # A colour bitmap font (emoji) is embedded with empty outlines, keeping its glyph ids, and each
                # glyph is drawn as an image: its bitmap is looked up in the installed font of that family.
                bitmaps = _bitmap_font(embedded["name"].getDebugName(1))
                for gid, text in _to_unicode(font.ToUnicode.read_bytes()).items():
                    if _has_glyph(embedded, gid) or (bitmaps is not None and _has_glyph(bitmaps, gid)):
                        printed.update(text)
                # A glyph maps to one text only: a character drawn as part of another glyph's cluster (Devanagari
                # आ as अ + ा) is found through the embedded font's own cmap instead.
                cmap = embedded.getBestCmap() or {}
                for char in wanted - printed:
                    if ord(char) in cmap and _has_glyph(embedded, embedded.getGlyphID(cmap[ord(char)])):
                        printed.add(char)
    return wanted - printed


def _article_characters(path: Path) -> set[str]:
    """The characters of a fixture's text that print as something."""
    return {c for c in path.read_text(encoding="utf-8") if not fonts.renders_nothing(c)}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[dict]]]:
    """Every language fixture as a PDF: source file name -> (the PDF, its manifest warnings)."""
    out = tmp_path_factory.mktemp("scripts")
    proc = run_cli("export", LANGUAGE_FIXTURES, "-o", out, "-f", "pdf", "-q")
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {
        Path(item["source"]["path"]).name: (out / item["outputs"][0]["path"], item["warnings"])
        for item in manifest["items"]
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_character_has_a_real_glyph(exported: dict[str, tuple[Path, list[dict]]], name: str) -> None:
    pdf, _ = exported[name]
    missing = unprinted_characters(pdf, _article_characters(LANGUAGE_FIXTURES / name))
    assert not missing, [fonts.describe(c) for c in sorted(missing)]


def test_no_glyph_warning_for_the_fixtures(exported: dict[str, tuple[Path, list[dict]]]) -> None:
    assert len(exported) == len(EXPECTED)
    for name, (_, warnings) in exported.items():
        assert not [w for w in warnings if w["code"] == "glyph-missing"], name


def test_a_character_no_pinned_font_has_is_a_warning(tmp_path: Path) -> None:
    """A private-use character and an Adlam letter (no pinned family has Adlam): one warning each, naming it."""
    source = tmp_path / "odd.txt"
    source.write_text("Odd characters\n\nA mark \ue000 and a letter \U0001e900 in a line of text.\n", encoding="utf-8")
    proc = run_cli("export", source, "-o", tmp_path / "out", "-f", "pdf", "-q")
    assert proc.returncode == 0, proc.stderr
    (item,) = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["items"]
    texts = [w["text"] for w in item["warnings"] if (w["stage"], w["code"]) == ("pdf", "glyph-missing")]
    assert len(texts) == 2, texts
    assert "U+E000" in texts[0] and "private-use" in texts[0]
    assert "U+1E900 ADLAM CAPITAL LETTER ALIF (Adlam script)" in texts[1]


def test_characters_that_draw_nothing_are_not_reported() -> None:
    text = "a\u200db\u200cc\u200ed\u200f\u00ad\ufe0f\u2060\u202b\u3000 \t\n"
    assert fonts.missing_characters(text) == []
    assert fonts.missing_characters("\ue000") == ["\ue000"]


# 骨 has a different form in Simplified Chinese, Traditional Chinese and Japanese or Korean: the glyph the PDF uses
# must be the one the language's Noto CJK face maps it to.
REGIONAL = {
    "zh": "Noto Serif CJK SC",
    "zh-TW": "Noto Serif CJK TC",
    "ja": "Noto Serif CJK JP",
    "ko": "Noto Serif CJK KR",
}


@cache
def _glyph_of(family: str, char: str) -> int:
    path = fonts.font_file(family)
    assert path is not None, f"{family} is not installed (scripts/setup.sh)"
    from fontTools.ttLib import TTCollection

    for font in TTCollection(str(path), lazy=True).fonts:
        if family.casefold() in fonts._family_names(font):
            return font.getGlyphID(font.getBestCmap()[ord(char)])
    raise AssertionError(family)


@pytest.mark.parametrize("lang", sorted(REGIONAL))
def test_cjk_regional_forms_follow_the_declared_language(tmp_path: Path, lang: str) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>直</title></head>'
        "<body><article><p>直骨角</p></article></body></html>",
        encoding="utf-8",
    )
    proc = run_cli("export", page, "-o", tmp_path / "out", "-f", "pdf", "-q")
    assert proc.returncode == 0, proc.stderr
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    expected = _glyph_of(REGIONAL[lang], "骨")
    # The test can fail: Simplified Chinese differs from the others (in Traditional Chinese, Japanese and Korean).
    contrast = "ja" if lang == "zh" else "zh"
    assert expected != _glyph_of(REGIONAL[contrast], "骨")
    used: set[int] = set()
    with pikepdf.open(pdf) as doc:
        for font in doc.pages[0].Resources.Font.values():
            used |= {gid for gid, text in _to_unicode(font.ToUnicode.read_bytes()).items() if text == "骨"}
    assert expected in used, (lang, used)


def test_emoji_print_in_colour_and_digits_stay_in_dejavu(tmp_path: Path) -> None:
    """The emoji come from Noto Color Emoji (drawn as images); the digits next to them from DejaVu, never from the
    emoji font (which is what naming it in print.css would do: docs/fonts.md)."""
    source = tmp_path / "boxes.txt"
    source.write_text("Boxes\n\nIn 2024 we packed 12 boxes 📦 and 3 crates ✅, 45 in all.\n", encoding="utf-8")
    proc = run_cli("export", source, "-o", tmp_path / "out", "-f", "pdf", "-q")
    assert proc.returncode == 0, proc.stderr
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    texts: dict[str, set[str]] = {}
    with pikepdf.open(pdf) as doc:
        assert doc.pages[0].get_images(), "no emoji image on the page"
        for font in doc.pages[0].Resources.Font.values():
            family = str(font.BaseFont).split("+", 1)[-1]
            texts.setdefault(family, set()).update(_to_unicode(font.ToUnicode.read_bytes()).values())
    emoji = set().union(*(t for family, t in texts.items() if family.startswith("Noto-Color-Emoji")))
    assert {"📦", "✅"} <= emoji, texts
    assert not any(c.isdigit() for text in emoji for c in text), emoji
    assert {"2", "0", "4"} <= texts["DejaVu-Serif"]

"""Fonts that do not drift: the PDFs use exactly the families print.css names, all embedded.

print.css names its families per script and no generic family; scripts/setup.sh installs exactly those
(Debian's fonts-dejavu-core, fonts-dejavu-extra, fonts-noto-core, fonts-noto-cjk; docs/fonts.md). A family that
fontconfig substitutes (because a name is missing, or a glyph is missing from every named family) would show up
here, in pdffonts' list or in the name table of the embedded font program. tests/test_script_fonts.py checks the
glyphs of every script.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from exporter.writers import fonts, stylesheet
from tests.conftest import FIXTURES
from tests.tools import pdf_font_names, pdftotext, run_cli

pytestmark = pytest.mark.slow

STYLES = ("Bold", "Italic", "Oblique", "Book", "Regular")


def named_families() -> set[str]:
    """Every family print.css names in a font-family declaration (quoted names; generic names are refused)."""
    css = re.sub(r"/\*.*?\*/", "", stylesheet("print.css").decode("utf-8"), flags=re.DOTALL)
    families: set[str] = set()
    # font-family values, and the custom properties (--font-cjk-serif …) they take their CJK family from
    for value in re.findall(r"(?:font-family|--font-[\w-]+)\s*:\s*([^;}]+)", css):
        for name in (n.strip() for n in value.split(",")):
            if re.fullmatch(r"var\(--font-[\w-]+\)", name):
                continue
            assert name.startswith('"'), f"print.css names an unquoted (generic?) family: {name}"
            families.add(name.strip('"'))
    return families


def family_of(pdf_name: str) -> str:
    """'DejaVu-Sans-BoldOblique' -> 'DejaVu Sans': WeasyPrint's font name without its style words."""
    words = pdf_name.split("-")
    while len(words) > 1 and re.fullmatch(rf"(?:{'|'.join(STYLES)})+", words[-1]):
        words.pop()
    return " ".join(words)


def embedded_families(path: Path) -> set[str]:
    """The family name (name table, ID 1) of every font program embedded in the PDF."""
    found: set[str] = set()
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3") or descriptor.get("/FontFile")
            assert program is not None, f"{path.name}: {font.get('/BaseFont')} is not embedded"
            found.add(TTFont(io.BytesIO(program.get_object().get_data()))["name"].getDebugName(1))
    return found


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The harbour fixture, the theme page and the collection (with its Persian post), as PDFs."""
    out = tmp_path_factory.mktemp("fonts")
    for inputs in (
        [FIXTURES / "harbour-archive.txt", FIXTURES / "theme-page.html"],
        [FIXTURES / "collection.wxr.xml", "--media", FIXTURES / "collection-media"],
    ):
        proc = run_cli("export", *inputs, "-o", out, "-f", "pdf", "-q")
        assert proc.returncode == 0, proc.stderr
    return {p.name: p for p in out.glob("*.pdf")}


def test_print_css_names_the_pinned_families() -> None:
    """DejaVu for Latin, Greek and Cyrillic; a Noto family per other script; the same list the coverage check of
    the PDF writer reads (plus the colour emoji font, which print.css cannot name)."""
    scripts = {"Naskh Arabic", "Serif Hebrew", "Sans Hebrew", "Serif Thai", "Sans Thai"}
    for script in ("Devanagari", "Bengali", "Tamil"):
        scripts |= {f"Serif {script}", f"Sans {script}"}
    for region in ("SC", "TC", "HK", "JP", "KR"):
        scripts |= {f"Serif CJK {region}", f"Sans CJK {region}"}
    expected = {"DejaVu Serif", "DejaVu Sans", "DejaVu Sans Mono"} | {f"Noto {name}" for name in scripts}
    assert named_families() == expected
    assert set(fonts.pinned_families()) == expected | set(fonts.UNNAMED_FAMILIES)


def test_every_pinned_family_is_installed() -> None:
    """scripts/setup.sh installed each family print.css names (fontconfig resolves it, not a substitute)."""
    assert [family for family in fonts.pinned_families() if fonts.font_file(family) is None] == []


def test_only_the_named_families_appear_and_all_are_embedded(pdfs: dict[str, Path]) -> None:
    allowed = named_families()
    assert len(pdfs) == 9
    for name, path in pdfs.items():
        fonts = pdf_font_names(path)
        assert fonts, name
        assert all(embedded for _, embedded in fonts), (name, fonts)
        assert {family_of(font) for font, _ in fonts} <= allowed, (name, fonts)
        assert embedded_families(path) <= allowed, name


def test_persian_is_set_in_dejavu_sans(pdfs: dict[str, Path]) -> None:
    """The Arabic-script post: its text is there (shaped, extractable) and DejaVu Sans, which has the glyphs,
    is among its fonts."""
    (persian,) = [p for p in pdfs.values() if "فانوس" in pdftotext(p)]
    assert "DejaVu Sans" in embedded_families(persian)


@pytest.mark.parametrize("family", fonts.pinned_families())
def test_coverage_read_from_the_cmap_bytes_is_fonttools_own(family: str) -> None:
    """The coverage check reads each pinned font's cmap from its bytes (formats 12 and 4), without the glyph order
    fontTools would build: it must give exactly the code points fontTools' getBestCmap gives."""
    from fontTools.ttLib import TTCollection

    path = fonts.font_file(family)
    assert path is not None, family
    if path.suffix.lower() == ".ttc":
        members = TTCollection(str(path), lazy=True).fonts
        font = next(f for f in members if family.casefold() in fonts._family_names(f))
    else:
        font = TTFont(str(path), lazy=True)
    assert fonts._codepoints(path, family) == frozenset(font.getBestCmap())

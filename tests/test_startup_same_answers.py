"""The faster ways of the start-up work give the answers of the ways they replace: fontconfig asked in this
process (not ``fc-match`` processes, not WeasyPrint's binding), XML escaping without ``xml.sax.saxutils``, and
CSS selectors compiled once (not by bs4's ``select`` on each call)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from exporter.library import opds
from exporter.readers import html_body, html_meta
from exporter.writers import cover, fontconfig, fonts

ROOT = Path(__file__).resolve().parents[1]

needs_fontconfig = pytest.mark.skipif(not fontconfig.available(), reason="libfontconfig cannot be loaded")


def fc_match(pattern: str) -> str:
    """What the fc-match command names for a pattern."""
    return subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, check=True).stdout


@needs_fontconfig
@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fc-match not installed")
def test_fontconfig_in_process_names_the_file_fc_match_names() -> None:
    patterns = [(family, style) for family, style in cover.FONT_FILES]
    patterns += [(family, None) for family in fonts.pinned_families()] + [("No Such Family 7", "Bold")]
    for family, style in patterns:
        match = fontconfig.match(family, style)
        assert match is not None
        assert str(match.file) == fc_match(f"{family}:style={style}" if style else family), (family, style)


@needs_fontconfig
def test_font_file_answers_as_weasyprint_s_binding_did() -> None:
    for family in (*fonts.pinned_families(), "No Such Family 7"):
        for style in (None, "Bold"):
            assert fonts.font_file(family, style) == fonts._weasyprint_font_file(family, style), (family, style)


def test_cover_fonts_are_the_pinned_files() -> None:
    for (family, style), name in cover.FONT_FILES.items():
        assert cover.font_file(family, style).name == name


TRICKY = ["", "plain", 'say "hi"', "it's", "both ' and \"", "a & b < c > d", "line\nbreak\r\tand tab", "&amp;"]


@pytest.mark.parametrize("text", TRICKY)
def test_opds_escaping_is_saxutils_escaping(text: str) -> None:
    assert opds._escape(text) == escape(text)
    assert opds._quoteattr(text) == quoteattr(text)


@given(st.text(alphabet=st.sampled_from("ab &<>\"'\n\r\t\u00e9")))
def test_opds_escaping_is_saxutils_escaping_for_any_text(text: str) -> None:
    assert (opds._escape(text), opds._quoteattr(text)) == (escape(text), quoteattr(text))


def test_compiled_selectors_select_what_bs4_selects() -> None:
    soup = BeautifulSoup((ROOT / "fixtures" / "theme-page.html").read_text(encoding="utf-8"), "lxml")
    selectors = [
        *html_body.BODY_SELECTORS,
        *html_meta.TITLE_SELECTORS,
        *html_meta.SUBTITLE_SELECTORS,
        *html_meta.AUTHOR_SELECTORS,
        *html_meta.DATE_SELECTORS,
        ", ".join(html_meta.SITE_TITLE_SELECTORS),
    ]
    found = 0
    for css in selectors:
        expected = soup.select(css)
        assert [id(el) for el in html_body.compiled(css).select(soup)] == [id(el) for el in expected], css
        found += len(expected)
    assert found > 5  # the page has matches: the comparison is not between empty lists

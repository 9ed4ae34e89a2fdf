"""Line breaking in the PDF, on our own small inputs: long words stay inside the text area, names and codes
are not hyphenated, lists are not justified, and poppler reads every ToUnicode CMap without a warning.

Real WeasyPrint, real poppler (pdftotext -bbox, pdffonts), pikepdf for the CMaps.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from statistics import median

import pytest

from exporter.model import Article
from exporter.writers.hyphenation import keeps_whole, mark_unhyphenated
from exporter.writers.pdf import write_pdf
from tests.tools import (
    hyphenated_words,
    paper_margins,
    pdf_words,
    pdftotext,
    poppler_warnings,
    tounicode_problems,
    words_outside_text_area,
)

# Made-up words and text, in our own words.
LONG_WORD = "Quillobranchiferousmarshwiggletonianhydrocartographicalunderstatementarianism" * 2
LONG_URL = "https://example.org/" + "/".join(["archive-of-everything-ever-written"] * 3) + "/index.html"
PRE_LINE = "configuration_value=" + "0123456789abcdef" * 9
FILLER = (
    "The little harbour office kept its ledgers in a cupboard by the window, and every clerk who worked there "
    "learned the habits of the tide before learning the habits of the ledgers. "
)


def article(title: str, body: str, **fields: object) -> Article:
    """A small English article with the given title and body."""
    return Article(id="layout", title=title, body=body, source_path=Path("layout.html"), **fields)  # type: ignore[arg-type]


def render(tmp_path: Path, title: str, body: str, paper: str = "a4", name: str = "layout.pdf") -> Path:
    path = tmp_path / name
    write_pdf(article(title, body), path, paper=paper, resource_roots=[tmp_path])
    return path


def joined(text: str) -> str:
    """The PDF text with hyphenation breaks and all white space removed: words broken anywhere joined again."""
    return re.sub(r"\s+", "", re.sub(r"\u2010\s*\n", "", text))


# ---- long words --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["a4", "a5"])
def long_words(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A PDF with a long word in the title, body, a heading, a list item, a table cell, plus a long URL and pre."""
    body = (
        f"<p>{FILLER}Before {LONG_WORD} and after it.</p>"
        f"<h2>{LONG_WORD}</h2>"
        f"<ul><li>An item holding {LONG_WORD} too.</li></ul>"
        f"<table><tr><td>{LONG_WORD}</td><td>short</td></tr></table>"
        f"<p>The address {LONG_URL} is written out.</p>"
        f"<pre>{PRE_LINE}</pre>"
        f"<p>{FILLER * 12}</p>"  # a second page, with the running head
    )
    paper = request.param
    return render(tmp_path_factory.mktemp(paper), LONG_WORD, body, paper=paper), paper


def test_no_word_crosses_the_text_area(long_words: tuple[Path, str]) -> None:
    path, paper = long_words
    assert words_outside_text_area(path, paper_margins(paper)) == []


def test_long_words_are_broken_not_lost(long_words: tuple[Path, str]) -> None:
    path, _ = long_words
    text = joined(pdftotext(path))
    # The title (page 1 and licence page), paragraph, heading, list item and table cell.
    assert text.count(LONG_WORD) >= 6
    # pdftotext joins a line ending in "-" to the next one without the hyphen: compare without hyphens.
    assert LONG_URL.replace("-", "") in text.replace("-", "")
    assert PRE_LINE in text  # the pre text is unchanged but for the line breaks


def test_checker_finds_a_word_outside_the_text_area(tmp_path: Path) -> None:
    """The checker itself: text in a box wider than the page is reported."""
    body = f'<p>Fine.</p><div style="width: 300mm; white-space: nowrap">{FILLER}</div>'
    path = render(tmp_path, "Checker", body)
    problems = words_outside_text_area(path, paper_margins("a4"))
    assert problems and all(p.startswith("page 1:") for p in problems)


# ---- hyphenation -------------------------------------------------------------------------------------------

NAMES = ("HTML5", "ACCESSIBILITY", "Version2024", "WordPress", "JavaScript")


def test_keeps_whole_rule() -> None:
    assert all(keeps_whole(w) for w in (*NAMES, "iPhone", "UNESCO", "UTF16", "covid19"))
    assert not any(keeps_whole(w) for w in ("Accessibility", "harbour", "understanding", "HTML", "Über"))


def test_marking_leaves_code_and_the_text_alone() -> None:
    import lxml.html

    root = lxml.html.fragment_fromstring(
        "<div><p>Use HTML5 in <b>WordPress</b>, not <code>HTML5</code>.<!-- HTML5 --> Then HTML5.</p></div>"
    )
    before = root.text_content()
    assert mark_unhyphenated(root) == 3
    assert root.text_content() == before
    assert [s.text for s in root.iter("span")] == ["HTML5", "WordPress", "HTML5"]


@pytest.fixture(scope="module")
def hyphenation_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A5, justified: names and codes land at line ends all through, next to long ordinary words."""
    fillers = ["a", "an", "the", "this", "every", "another", "certainly", "uncomfortable", "of", "more"]
    sentences = [
        f"{' '.join(fillers[: i % 10 + 1])} {NAMES[i % len(NAMES)]} and extraordinarily "
        f"{NAMES[(i + 2) % len(NAMES)]} understandings."
        for i in range(120)
    ]
    return render(tmp_path_factory.mktemp("hyphens"), "Hyphens", f"<p>{' '.join(sentences)}</p>", paper="a5")


def test_names_and_codes_are_not_hyphenated(hyphenation_pdf: Path) -> None:
    broken = hyphenated_words(hyphenation_pdf)
    assert [w for w in broken if keeps_whole(w.replace("|", ""))] == []
    assert NAMES[0] in pdftotext(hyphenation_pdf)


def test_ordinary_words_are_still_hyphenated(hyphenation_pdf: Path) -> None:
    broken = hyphenated_words(hyphenation_pdf)
    assert any(w.replace("|", "") in ("extraordinarily", "understandings") for w in broken), broken


# ---- justification -----------------------------------------------------------------------------------------


def line_gaps(path: Path, first: str) -> list[float]:
    """The gaps between the words of the line (on the first page) that starts with the word ``first``."""
    _, words = pdf_words(path)
    start = next(w for w in words if w.text == first and w.page == 1)
    line = sorted((w for w in words if w.page == 1 and abs(w.y_min - start.y_min) < 0.5), key=lambda w: w.x_min)
    return [b.x_min - a.x_max for a, b in pairwise(line)]


def test_list_items_and_short_lines_are_not_justified(tmp_path: Path) -> None:
    # Code is never hyphenated: the identifier goes whole to the next line, leaving a short first line.
    code = "<code>" + "an_identifier_" * 5 + "</code>"
    body = (
        f"<p>{FILLER * 3}</p>"
        f"<ul><li>Listitemstart words then {code} follows</li></ul>"
        f"<dl><dt>Termstart</dt><dd>Definitionstart with {code} at the end</dd></dl>"
        "<p>Poemstart the first line<br>and a second one<br>a third</p>"
        f"<p>{FILLER * 3}</p>"
    )
    path = render(tmp_path, "Lists", body)
    normal = median(line_gaps(path, "The"))  # a justified paragraph's first line: about one space
    for first in ("Listitemstart", "Definitionstart", "Poemstart"):
        gaps = line_gaps(path, first)
        assert gaps and max(gaps) < 2 * normal, (first, gaps, normal)


# ---- ToUnicode CMaps ---------------------------------------------------------------------------------------


def test_ellipsized_running_head_gives_legal_cmaps(tmp_path: Path) -> None:
    """A title too long for the running head is ellipsized by Pango: its "…" glyph stood for all the hidden
    text, a ToUnicode entry longer than poppler reads ("Illegal entry in bfchar block")."""
    title = "A title that runs on and on " + " ".join(f"part{i}" for i in range(60))
    path = render(tmp_path, title, f"<p>{FILLER * 30}</p>")
    assert tounicode_problems(path) == []
    assert poppler_warnings(path) == []
    page_two = pdftotext(path, first=2, last=2)
    assert "…" in page_two and "part59" not in page_two  # the text layer says what the head shows


def test_every_pdf_here_has_legal_cmaps(long_words: tuple[Path, str], hyphenation_pdf: Path) -> None:
    for path in (long_words[0], hyphenation_pdf):
        assert tounicode_problems(path) == [], path
        assert poppler_warnings(path) == [], path

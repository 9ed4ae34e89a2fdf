"""A whole right-to-left article in the PDF: lists indented at their start (the right) with their markers on the
right of the items, the text set right-aligned, a left-to-right run kept whole. Positions from poppler's
``pdftotext -bbox`` (word boxes), on a page of our own words."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.tools import run_cli

pytestmark = pytest.mark.slow

PAGE = """<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>کتابخانه‌ی محله</title>
<meta property="article:published_time" content="2024-07-03T10:00:00+00:00"></head>
<body><article><h1>کتابخانه‌ی محله</h1>
<p>از بهار امسال، کتابخانه‌ی قدیمی محله به خانه‌ی تازه‌ی بایگانی مردمی تبدیل شده است و هر هفته باز است.</p>
<p>دومین بند این نوشته کوتاه است.</p>
<ul><li>یکشنبه</li><li>سه‌شنبه</li></ul>
<ol><li>نامه‌ها</li><li>عکس‌ها</li></ol>
</article></body></html>"""
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@pytest.fixture(scope="module")
def words(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[float, float, float, str]]:
    """The first page's words: (xMin, xMax, yMin, text)."""
    tmp = tmp_path_factory.mktemp("rtl")
    (tmp / "page.html").write_text(PAGE, encoding="utf-8")
    proc = run_cli("export", tmp / "page.html", "-o", tmp / "out", "-f", "pdf", "-q")
    assert proc.returncode == 0, proc.stderr
    (pdf,) = (tmp / "out").glob("*.pdf")
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [(float(a), float(c), float(b), text) for a, b, c, _, text in _WORD.findall(xml)]


def _line(words: list[tuple[float, float, float, str]], y: float) -> list[tuple[float, float, float, str]]:
    return [w for w in words if abs(w[2] - y) < 4]


def test_list_markers_are_on_the_right_of_their_items(words: list[tuple[float, float, float, str]]) -> None:
    bullets = [w for w in words if w[3] == "•"]
    assert len(bullets) == 2
    for x_min, _, y, _ in bullets:
        others = [w for w in _line(words, y) if w[3] != "•"]
        assert others and x_min >= max(w[1] for w in others), (x_min, others)


def test_lists_are_indented_at_the_right(words: list[tuple[float, float, float, str]]) -> None:
    """The paragraph's lines end at the right margin; the list items (markers included) end an indent before."""
    right_margin = max(w[1] for w in words)
    bullets = [w for w in words if w[3] == "•"]
    numbers = [w for w in words if w[3] in (".1", ".2", "1.", "2.")]
    assert len(numbers) == 2
    for _, x_max, _, _ in bullets + numbers:
        assert right_margin - x_max > 10, (right_margin, x_max)


def test_the_date_reads_right_to_left(words: list[tuple[float, float, float, str]]) -> None:
    """'۳ ژوئیه ۲۰۲۴' (3 July 2024) in Persian: the day at the right, the year at the left (poppler spells the
    words of Arabic script backwards, in the order they are drawn)."""
    day, month, year = (next(w for w in words if text in (w[3], w[3][::-1])) for text in ("۳", "ژوئیه", "۲۰۲۴"))
    assert day[0] > month[0] > year[0], (day, month, year)


def test_paragraphs_are_parted_by_space(words: list[tuple[float, float, float, str]]) -> None:
    """WeasyPrint draws no text-indent in right-to-left text: the second paragraph starts a little below the
    line before it (more than the line pitch of the lines inside a paragraph) instead."""

    def spelt(*texts: str) -> list[tuple[float, float, float, str]]:  # poppler gives Arabic script reversed
        return [w for w in words if w[3] in texts or w[3][::-1] in texts]

    first = sorted({w[2] for w in spelt("از", "باز")})
    (second,) = spelt("دومین")
    bullets = sorted(w[2] for w in words if w[3] == "•")
    pitch = bullets[1] - bullets[0]  # two list items: one line each, no space between them
    assert second[2] - first[-1] > pitch * 1.1, (second, first, pitch)

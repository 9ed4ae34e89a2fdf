"""Our articles in eleven languages, an emoji post and a mixed Chinese-English post (``fixtures/languages/``, none
declaring its language) come out as books a reader can use: readable ASCII file names, EPUBCheck 0/0, and no
accessibility violation that DAISY Ace finds. Their languages are checked in test_language_detection.py, their
glyphs in the PDF in test_script_fonts.py."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from exporter.naming import is_safe_name
from tests.language_fixtures import EXPECTED, LANGUAGE_FIXTURES
from tests.tools import ace_available, run_ace, run_cli, run_epubcheck

NAMES = {
    "teahouse-oral-history.txt": "lao-cha-guan-li-de-kou-shu-li-shi",
    "harbour-photographs.txt": "gang-ting-no-gu-i-xie-zhen-o-zheng-li-suru",
    "village-library-records.txt": "maeul-doseogwanui-gilog-bogwanso",
    "harbour-archive-opens.txt": "to-archeio-toy-limanioy-anoigei-sto-koino",
    "village-archive-moves.txt": "ein-dorfarchiv-zieht-in-die-alte-schule",
    "village-letters.txt": "kak-my-otsifrovali-pisma-iz-derevni",
    "neighbourhood-archive.txt": "rkhyvn-hskhvnh-fvth-t-sryv",
    "old-quarter-archive.txt": "rshyf-lhy-lqdym-yfth-bwbh",
    "neighbourhood-library.txt": "bygny-mhlh-dr-ktbkhnhy-qdymy",
    "village-letters-collection.txt": "gamv-ke-purane-ptrom-ka-smgrh",
    "riverside-community-records.txt": "hongekbeoksarkhongchumchnrimaemnam",
    "volunteer-small-joys.txt": "ten-small-joys-of-a-volunteer-archivist",
    "reading-room-notes.txt": "yue-lan-shi-bi-ji-yi-ci-shuang-yu-de-zheng-li-gong-zuo",
}
"""Each fixture's book name: its title transliterated (anyascii), independent of the run's order."""


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixtures exported as EPUBs into one folder: {fixture file name: its EPUB}."""
    out = tmp_path_factory.mktemp("languages")
    proc = run_cli("export", LANGUAGE_FIXTURES, "-o", out, "-f", "epub", "-q")
    assert proc.returncode == 0, proc.stderr
    items = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["items"]
    return {Path(item["source"]["path"]).name: out / item["outputs"][0]["path"] for item in items}


def test_every_fixture_is_listed() -> None:
    assert sorted(p.name for p in LANGUAGE_FIXTURES.glob("*.txt")) == sorted(EXPECTED) == sorted(NAMES)


def test_each_book_has_a_readable_ascii_name(books: dict[str, Path]) -> None:
    assert {source: epub.name for source, epub in books.items()} == {k: f"{v}.epub" for k, v in NAMES.items()}
    assert all(is_safe_name(epub.name) for epub in books.values())


def test_the_names_do_not_depend_on_the_run_order(books: dict[str, Path], tmp_path: Path) -> None:
    """The fixtures one at a time, in reverse order, into one folder: the same names."""
    for source in sorted(NAMES, reverse=True):
        proc = run_cli("export", LANGUAGE_FIXTURES / source, "-o", tmp_path, "-f", "epub", "-q")
        assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.glob("*.epub")) == sorted(epub.name for epub in books.values())


def test_epubcheck_finds_nothing_in_any_book(books: dict[str, Path]) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = dict(zip(books, pool.map(run_epubcheck, books.values()), strict=True))
    for source, report in reports.items():
        assert (report.errors, report.warnings) == (0, 0), (source, report.messages)


@pytest.mark.slow
def test_ace_finds_no_violation_in_any_book(books: dict[str, Path]) -> None:
    problem = ace_available()
    if problem:
        pytest.fail(problem)
    epubs = list(books.values())
    first = run_ace(epubs[0])  # alone: Chromium's first start is the slow one
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = [first, *pool.map(run_ace, epubs[1:])]
    for epub, report in zip(epubs, reports, strict=True):
        assert report.violations == [], (epub.name, report.violations)

"""The theme unit test export: its Greek pages come out Greek although the channel declares ``en``."""

from __future__ import annotations

import dataclasses

import pytest

from exporter.clean import clean
from exporter.model import RawArticle
from exporter.readers.dispatch import read_file
from tests.conftest import SHARED

pytestmark = pytest.mark.conformance


@pytest.fixture(scope="module")
def wptrt() -> dict[str, RawArticle]:
    if not SHARED.is_dir():
        pytest.skip(f"conformance data not found at {SHARED}")
    path = SHARED / "corpus" / "wptrt" / "themeunittestdata.wordpress.xml"
    return {raw.title: raw for raw in read_file(path) if isinstance(raw, RawArticle)}


GREEK = ["Ελληνικά-Greek", "Επίπεδο 2 -Second Greek level", "Επίπεδο 3"]


@pytest.mark.parametrize("title", GREEK)
def test_greek_pages_are_greek(wptrt: dict[str, RawArticle], title: str) -> None:
    raw = wptrt[title]
    assert raw.language == "en"  # the channel's <language>, inherited by every item
    article = clean(raw)
    assert article.language == "el"
    assert [m.code for m in article.warnings if m.stage == "language"] == ["script-mismatch"]
    assert clean(dataclasses.replace(raw, language=None)).language == "el"


def test_english_posts_stay_english(wptrt: dict[str, RawArticle]) -> None:
    languages = {title: clean(raw).language for title, raw in wptrt.items()}
    assert {t for t, lang in languages.items() if lang != "en"} == set(GREEK)


def test_a_page_written_first_in_greek_and_glossed_in_english_is_greek(wptrt: dict[str, RawArticle]) -> None:
    """'Επίπεδο 2 -Second Greek level': Greek is 43% of the letters, but title and text each start in Greek and
    gloss it in English: the page is Greek, and its English gloss is marked as English."""
    article = clean(wptrt["Επίπεδο 2 -Second Greek level"])
    assert article.language == "el"
    warning = next(m for m in article.warnings if m.code == "script-mismatch")
    assert "first in Greek script" in warning.text

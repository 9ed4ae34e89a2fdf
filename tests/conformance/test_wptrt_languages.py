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


@pytest.mark.parametrize("title", ["Ελληνικά-Greek", "Επίπεδο 3"])
def test_greek_pages_are_greek(wptrt: dict[str, RawArticle], title: str) -> None:
    raw = wptrt[title]
    assert raw.language == "en"  # the channel's <language>, inherited by every item
    article = clean(raw)
    assert article.language == "el"
    assert [m.code for m in article.warnings if m.stage == "language"] == ["script-mismatch"]
    assert clean(dataclasses.replace(raw, language=None)).language == "el"


def test_english_posts_stay_english(wptrt: dict[str, RawArticle]) -> None:
    languages = {title: clean(raw).language for title, raw in wptrt.items()}
    assert {t for t, lang in languages.items() if lang != "en"} == {"Ελληνικά-Greek", "Επίπεδο 3"}
    greek_level_2 = clean(wptrt["Επίπεδο 2 -Second Greek level"]).body  # half English: stays en, Greek marked
    assert '<span lang="el">Σελίδα 2ου επιπέδου</span>' in greek_level_2

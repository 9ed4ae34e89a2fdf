"""The web archive bundled in ``fixtures/web-archive/`` (made by ``python -m tests.warc_fixtures``): what the main
job (scripts/export-fixtures.sh) exports from it, read without exporting."""

from __future__ import annotations

from pathlib import Path

from exporter.clean import clean
from exporter.model import RawArticle, Skipped
from exporter.readers.dispatch import read_file
from tests.conftest import FIXTURES
from tests.warc_fixtures import FIXTURE_HOST, NEWER_DATE, NEWER_WORDS, write_wacz

WACZ = FIXTURES / "web-archive" / "small-plots.wacz"


def test_the_bundled_wacz_holds_one_article_with_its_three_images_and_two_pages_without_one() -> None:
    items = list(read_file(WACZ))
    articles = [i for i in items if isinstance(i, RawArticle)]
    skipped = sorted(i.reason for i in items if isinstance(i, Skipped))
    assert len(articles) == 1 and len(skipped) == 2, items
    assert skipped[0] == "HTTP 404" and skipped[1].startswith("no article in the page")
    raw = articles[0]
    assert raw.title == "Tending a Balcony Garden" and NEWER_WORDS in raw.html
    assert raw.capture is not None and raw.capture.target_uri == f"https://{FIXTURE_HOST}/2024/05/balcony-garden/"
    assert raw.capture.captured.strftime("%Y-%m-%dT%H:%M:%SZ") == NEWER_DATE
    article = clean(raw)
    assert len(article.images) == 3 and article.missing_images == []


def test_the_bundled_wacz_is_exactly_what_its_generator_writes(tmp_path: Path) -> None:
    """Regenerating the fixture gives the same bytes: it is ours, written by warcio, never edited by hand."""
    assert write_wacz(tmp_path / "again.wacz", FIXTURE_HOST).read_bytes() == WACZ.read_bytes()

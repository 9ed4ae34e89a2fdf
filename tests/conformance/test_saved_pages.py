"""The HTML reader on real saved pages from Mozilla Readability's test suite (../shared/corpus/readability).

The pages are third-party: the tests read them from ../shared and take every string they check from the
pages themselves (Readability's expected extraction, the page's own comments, sidebars and footers).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from exporter.model import RawArticle
from exporter.readers.html import read_html

pytestmark = pytest.mark.conformance

CORPUS = "corpus/readability"


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_bytes(), "lxml")


def _text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.casefold()))


def _body_text(raw: RawArticle) -> str:
    return _text(BeautifulSoup(raw.html, "lxml"))


def _chrome_snippets(page: BeautifulSoup, selectors: str, min_len: int = 20) -> list[str]:
    """The first 40 characters of every sizeable text block the selectors find in the source page."""
    snippets = []
    for el in page.select(selectors):
        text = " ".join(el.get_text(" ").split())
        if len(text) >= min_len:
            snippets.append(text[:40])
    return snippets


# --- WordPress Tavern (Stargazer theme): compared with Readability's expected extraction ---------------


@pytest.fixture
def wptavern_paths(shared: Path) -> tuple[Path, Path]:
    folder = shared / CORPUS
    return folder / "wordpress-wptavern-source.html", folder / "wordpress-wptavern-expected.html"


def test_wptavern_body_covers_readability_extraction(wptavern_paths):
    source, expected = wptavern_paths
    raw = read_html(source)
    ours = _body_text(raw)
    want = _soup(expected)
    want_words, our_words = _words(_text(want)), _words(ours)
    covered = sum(min(n, our_words[w]) for w, n in want_words.items()) / sum(want_words.values())
    extra = sum(max(0, n - want_words[w]) for w, n in our_words.items()) / sum(our_words.values())
    print(f"wptavern: {covered:.1%} of Readability's words covered, {extra:.1%} extra words")
    assert covered >= 0.95
    assert extra <= 0.05
    paragraphs = [" ".join(p.get_text(" ").split())[:40] for p in want.find_all("p")]
    paragraphs = [p for p in paragraphs if p]
    assert len(paragraphs) >= 8
    missing = [p for p in paragraphs if p not in ours]
    assert missing == []
    assert len(BeautifulSoup(raw.html, "lxml").find_all("img")) == len(want.find_all("img"))


def test_wptavern_body_has_no_chrome(wptavern_paths):
    source, _ = wptavern_paths
    ours = _body_text(read_html(source))
    page = _soup(source)
    snippets = _chrome_snippets(
        page,
        ".comments-area p, .comments-area .comment-author, #respond, aside.sidebar li, aside.sidebar p, "
        "footer.site-footer, nav.menu, .breadcrumbs, .sharedaddy, .jp-relatedposts, .loop-nav a, .entry-footer",
    )
    assert len(snippets) >= 40
    leaked = [s for s in snippets if s in ours]
    assert leaked == []


def test_wptavern_metadata(wptavern_paths):
    raw = read_html(wptavern_paths[0])
    assert raw.title.startswith("Stack Overflow Jobs Data Shows ReactJS Skills in High Demand")
    assert "WordPress Tavern" not in raw.title
    assert raw.site_name == "WordPress Tavern"
    assert raw.language == "en-US"
    assert raw.published == datetime(2017, 3, 9, 23, 16, 2, tzinfo=UTC)
    assert raw.source_url is not None and raw.source_url.startswith("https://wptavern.com/stack-overflow-jobs")
    assert raw.post_id == "67202"
    assert raw.authors and len(raw.authors) == 1
    assert raw.title not in raw.html
    assert raw.warnings == []


# --- Firefox Nightly News (WordPress): title, byline, body without navigation --------------------------


def test_firefox_blog(shared):
    source = shared / CORPUS / "firefox-nightly-blog-source.html"
    raw = read_html(source)
    page = _soup(source)
    ours = _body_text(raw)
    print(f"firefox blog: {len(ours)} characters, {len(ours.split())} words in the body")
    assert raw.title == "These Weeks in Firefox: Issue 85"
    assert raw.authors == ["Mike Conley"]
    assert raw.site_name == "Firefox Nightly News"
    assert raw.published == datetime(2020, 12, 18, 16, 9, 48, tzinfo=UTC)
    assert raw.language == "en-US"
    assert len(ours.split()) >= 1000
    items = _chrome_snippets(page, ".entry-content li", min_len=10)
    assert items and all(item in ours for item in items)
    chrome = _chrome_snippets(
        page,
        "#nav-global, #masthead, #nav-util, #adjacent-posts, #related-posts li, #newsletter-subscribe, "
        "#comments p, #sidebar li, #site-info p",
        min_len=10,
    )
    assert len(chrome) >= 30
    assert [c for c in chrome if c in ours] == []
    assert "<nav" not in raw.html and "<form" not in raw.html and "<h1" not in raw.html
    assert any("mozilla.org/foundation/licensing" in h for h in raw.licence_hints)


# --- Wikipedia (MediaWiki): title from <title> confirmed by the h1, citations kept, no navigation ------


def test_wikipedia(shared):
    source = shared / CORPUS / "wikipedia-mozilla-source.html"
    raw = read_html(source)
    page = _soup(source)
    ours = _body_text(raw)
    body = BeautifulSoup(raw.html, "lxml")
    print(f"wikipedia: {len(ours)} characters, {len(ours.split())} words in the body")
    assert raw.title == "Mozilla"
    assert raw.site_name == "Wikipedia"
    assert raw.language == "en"
    # A Wikipedia article declares no publication date; a date guessed from its text (htmldate finds
    # 1998-02-28, a date the article talks about) would be wrong on the title page.
    assert raw.published is None
    assert len(ours.split()) >= 3000
    paragraphs = _chrome_snippets(page, "#mw-content-text > p", min_len=30)
    assert len(paragraphs) >= 40 and all(p in ours for p in paragraphs)
    assert len(body.select("sup.reference")) == len(page.select("#mw-content-text sup.reference"))
    assert body.select("ol.references li")
    navigation = _chrome_snippets(page, "#p-navigation li, #p-interaction li, #p-tb li, #footer-places li", 8)
    assert len(navigation) >= 10
    assert [n for n in navigation if n in ours] == []
    for selector in (".navbox", "#toc", ".mw-editsection", "#catlinks", "#jump-to-nav", "#siteSub", "h1"):
        assert not body.select(selector), selector
    assert "https://creativecommons.org/licenses/by-sa/3.0/" in raw.licence_hints

"""The WXR reader against real exports in ../shared/corpus: the WordPress importer's own test files (as its
tests assert, recorded in expectations.json), the Theme Unit Test data and a WordPress.com export."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest

from exporter.errors import InputError
from exporter.model import RawArticle, Skipped
from exporter.readers.wxr import count_wxr, iter_wxr

pytestmark = pytest.mark.conformance
ALL_STATUSES = frozenset({"publish", "draft", "private", "pending", "future"})
_UNICODE = "Unicode Namespace"


@pytest.fixture
def importer(shared: Path) -> Path:
    return shared / "corpus" / "wordpress-importer"


@pytest.fixture
def expectations(importer: Path) -> dict:
    return json.loads((importer / "expectations.json").read_text(encoding="utf-8"))


def _articles(items) -> list[RawArticle]:
    return [a for a in items if isinstance(a, RawArticle)]


def _assertion(expectations: dict, name: str, test: str) -> dict:
    return next(a for a in expectations[name]["assertions"] if a["test"] == test)


def _item_types(path: Path) -> Counter:
    """(post_type, status) of every <item>, read independently of the reader under test."""
    counts: Counter = Counter()
    for item in ElementTree.parse(path).getroot().iter("item"):
        fields = {child.tag.rsplit("}", 1)[-1]: (child.text or "").strip() for child in item}
        counts[(fields.get("post_type"), fields.get("status"))] += 1
    return counts


# --- wordpress-importer -------------------------------------------------------------------------------


def test_every_importer_file_has_an_expectation(importer, expectations):
    assert {p.name for p in importer.glob("*.xml")} <= set(expectations)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("malformed.xml", r"not well-formed XML \(line 90, column \d+\)"),
        ("missing-version-tag.xml", "missing or invalid WXR version number"),
        ("invalid-version-tag.xml", "missing or invalid WXR version number"),
        ("crazy-cdata.xml", r"not well-formed XML \(line 18, column \d+\)"),  # only the regex parser copes
    ],
)
def test_importer_error_files(importer, expectations, name, message):
    assert expectations[name]["expect"].startswith("error")
    with pytest.raises(InputError, match=message):
        list(iter_wxr(importer / name))
    with pytest.raises(InputError, match=message):
        count_wxr(importer / name)


@pytest.mark.parametrize(
    "name", ["valid-wxr-1.0.xml", "valid-wxr-1.1.xml", "crazy-cdata-escaped.xml", "wxr-utf-8-challenges.xml"]
)
def test_importer_post_counts(importer, expectations, name):
    """Every item of these files is a published post or page, so the importer's post count is ours."""
    expected = _assertion(expectations, name, "test_parse_multiple_wxr_files")["posts"]
    assert expectations[name]["expect"] == "success"
    articles = _articles(iter_wxr(importer / name))
    assert len(articles) == expected == count_wxr(importer / name)
    assert sum(_item_types(importer / name).values()) == expected


def test_wxr_1_0_terms_and_authors(importer, expectations):
    facts = _assertion(expectations, "valid-wxr-1.0.xml", "test_wxr_version_1_0")
    articles = _articles(iter_wxr(importer / "valid-wxr-1.0.xml"))
    for index in (2, 3):
        assert articles[index].subjects == [t["name"] for t in facts[f"posts[{index}].terms"]]
    assert articles[0].subjects == []  # only "Uncategorized"
    assert {tuple(a.authors) for a in articles} == {("admin",)}  # no <wp:author> list in WXR 1.0
    assert all(a.source_url and a.source_url.startswith(facts["base_url"]) for a in articles)


def test_wxr_1_1_terms_and_authors(importer, expectations):
    facts = _assertion(expectations, "valid-wxr-1.1.xml", "test_wxr_version_1_1")
    first, page = _articles(iter_wxr(importer / "valid-wxr-1.1.xml"))
    taxonomy_names = [t["name"] for t in facts["posts[0].terms"] if t["domain"] in ("category", "post_tag")]
    assert first.subjects == taxonomy_names  # the custom taxonomy term is not a subject
    assert first.authors == page.authors == [facts["authors.john"]["author_display_name"]]
    assert page.post_type == "page"


def test_escaped_cdata_end_is_joined(importer, expectations):
    facts = _assertion(expectations, "crazy-cdata-escaped.xml", "test_escaped_cdata_closing_sequence")
    (article,) = iter_wxr(importer / "crazy-cdata-escaped.xml")
    assert article.html == facts["posts[0].post_content"]
    root = ElementTree.fromstring(article.source_xml)  # the archival copy round-trips
    metas = {
        m.findtext("{http://wordpress.org/export/1.1/}meta_key"): m.findtext(
            "{http://wordpress.org/export/1.1/}meta_value"
        )
        for m in root.iter("{http://wordpress.org/export/1.1/}postmeta")
    }
    assert metas == facts["posts[0].postmeta"]


def test_utf8_challenges_keep_their_strings_exactly(importer, expectations):
    facts = _assertion(expectations, "wxr-utf-8-challenges.xml", "test_parse_wxr_with_challenging_utf8_sequences")
    (article,) = iter_wxr(importer / "wxr-utf-8-challenges.xml")
    assert article.title == facts["post_title"]
    assert article.slug == facts["post_name"]
    assert article.source_url == facts["guid"]  # no <link>: the guid
    for text in facts["post_content_contains"]:
        assert text in article.html
    assert article.authors and article.authors != [facts["author_login"]]  # the display name, not the login
    assert not any(m.code == "unknown-author" for m in article.warnings)
    assert facts["postmeta__special_chars"] in article.source_xml  # character references in CDATA stay literal
    assert article.content_format == "blocks"
    assert len(article.subjects) == 1


def test_namespace_edge_cases(importer, expectations):
    facts = _assertion(expectations, "namespace-edge-cases.xml", "test_namespace_edge_cases")
    items = list(iter_wxr(importer / "namespace-edge-cases.xml"))
    assert len(items) == facts["posts"]
    expected = [(p["post_title"], p["post_id"]) for p in facts["posts_in_order"]]
    got = [(i.title, i.post_id or "empty") for i in items]
    assert got == expected
    hijacked = [i for i in items if isinstance(i, Skipped)]
    assert [(s.title, s.post_type) for s in hijacked] == [("Hijacked Namespace", "")]
    unicode_post = next(a for a in _articles(items) if a.title == _UNICODE)
    assert unicode_post.post_id == "4"
    assert "&lol1;" in next(a for a in _articles(items) if a.title == "Namespace Bomb").html


def test_small_export(importer, expectations):
    facts = _assertion(
        expectations,
        "small-export.xml",
        "test_small_import (and test_double_import: importing twice gives the same counts)",
    )
    path = importer / "small-export.xml"
    published = facts["posts"]["publish"] + facts["pages"]["publish"]
    items = list(iter_wxr(path))
    assert len(_articles(items)) == published == count_wxr(path)
    assert sorted((s.post_type, s.status) for s in items if isinstance(s, Skipped)) == [
        ("page", "draft"),
        ("post", "private"),
    ]
    everything = _articles(iter_wxr(path, statuses=ALL_STATUSES))
    assert len(everything) == facts["items_any_status"]
    assert sorted(a.title for a in everything) == sorted(e.split(" (")[0] for e in facts["items_ordered_by_id"])
    draft = next(a for a in everything if a.status == "draft")
    assert draft.slug is None and draft.published is not None
    assert len(next(a for a in everything if a.title == "Many Categories").subjects) == 27


# --- Theme Unit Test data ----------------------------------------------------------------------------


def test_theme_unit_test_data(shared):
    path = shared / "corpus" / "wptrt" / "themeunittestdata.wordpress.xml"
    types = _item_types(path)
    items = list(iter_wxr(path))
    articles = _articles(items)
    expected = types[("post", "publish")] + types[("page", "publish")]
    print(f"\nthemeunittestdata: {types[('post', 'publish')]} posts + {types[('page', 'publish')]} pages published")
    assert len(articles) == expected == count_wxr(path) == 70
    assert Counter(a.post_type for a in articles) == {"post": 49, "page": 21}
    skipped = {(s.post_id, s.status) for s in items if isinstance(s, Skipped)}
    assert skipped == {("1153", "future"), ("1164", "draft")}  # the scheduled post and the draft
    assert all(getattr(i, "post_type", None) in ("post", "page") for i in items)  # no menu items, attachments
    assert len(articles[0].attachments) == types[("attachment", "inherit")] == 38
    assert {a.site_name for a in articles} == {"Theme Unit Test Data"}
    assert all(a.published is not None and a.published.utcoffset().total_seconds() == 0 for a in articles)
    protected = next(a for a in articles if a.post_id == "1168")
    assert any(m.code == "password-protected" and "password-protected" in m.text for m in protected.warnings)
    untitled = next(a for a in articles if a.post_id == "1169")
    assert untitled.title and any(m.code == "untitled-post" and "no title" in m.text for m in untitled.warnings)
    greek = next(a for a in articles if a.post_id == "1811")
    assert "%" not in (greek.slug or "") and greek.slug.startswith("επίπεδο")


# --- jekyll-import (a WordPress.com export) ------------------------------------------------------------


def test_wordpress_com_export_is_fully_readable(shared):
    path = shared / "corpus" / "jekyll-import" / "sitetitle.wordpress.2025-01-19.000.xml"
    types = _item_types(path)
    print(f"\njekyll-import: {dict(types)}")
    items = list(iter_wxr(path, statuses=ALL_STATUSES))
    articles = _articles(items)
    assert len(items) == len(articles) == types[("post", "publish")] + types[("page", "publish")] == 8
    assert count_wxr(path) == 8
    for article in articles:
        assert article.title and article.html and article.published and article.source_xml
        assert article.authors == ["jekyllbot"] and article.content_format == "blocks"
    post = next(a for a in articles if a.slug == "blog-post-1")
    assert sorted(post.subjects) == sorted(["Foo", "code", "ruby", "ship", "stars"])
    assert "<p>This is a blog post.</p>" in post.html
    assert "about" in {a.slug for a in articles if a.post_type == "page"}
    assert len(post.attachments) == types[("attachment", "inherit")]
    assert not {"wp_global_styles", "wp_navigation"} & {a.post_type for a in articles}

"""The WXR reader: a WordPress export → RawArticles (posts and pages), Skipped for the rest, streamed."""

from __future__ import annotations

import hashlib
import json
import re
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest

from exporter.errors import InputError, UsageError
from exporter.model import RawArticle, Skipped
from exporter.readers.wxr import check_selection, count_wxr, iter_wxr
from tests.conftest import FIXTURES

COLLECTION = FIXTURES / "collection.wxr.xml"
MEDIA = FIXTURES / "collection-media"
NEVER_EXPORTED = (
    "DRAFT-ONLY-breakwater-7731",
    "PRIVATE-ONLY-board-4419",
    "REVISION-ONLY-old-wording",
    "BLOCK-ONLY-subscribe-box",
    "COMMENT-ONLY-reader-reply",
)
WP12 = "http://wordpress.org/export/1.2/"


@pytest.fixture(scope="module")
def collection() -> list[RawArticle | Skipped]:
    return list(iter_wxr(COLLECTION))


@pytest.fixture(scope="module")
def by_id(collection) -> dict[str, RawArticle]:
    return {a.post_id: a for a in collection if isinstance(a, RawArticle)}


def _wxr(items: str, *, channel: str = "", wp: str = WP12, version: str = "1.2", head: str = "") -> str:
    """A small WXR document around ``items``."""
    excerpt = wp.rstrip("/") + "/excerpt/"
    version_el = f"<wp:wxr_version>{version}</wp:wxr_version>" if version is not None else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{head}\n'
        f'<rss version="2.0" xmlns:excerpt="{excerpt}" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        f' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{wp}">\n'
        f"<channel><title>Test Site</title><link>https://test.example</link><language>en-GB</language>"
        f"{version_el}{channel}\n{items}\n</channel></rss>\n"
    )


def _item(post_id: int, *, title: str = "A post", status: str = "publish", ptype: str = "post", extra: str = "") -> str:
    return (
        f"<item><title><![CDATA[{title}]]></title><link>https://test.example/?p={post_id}</link>"
        f"<dc:creator><![CDATA[someone]]></dc:creator>"
        f"<content:encoded><![CDATA[<p>Body of {post_id}.</p>]]></content:encoded>"
        f"<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id><wp:post_date><![CDATA[2020-01-02 03:04:05]]></wp:post_date>"
        f"<wp:post_date_gmt><![CDATA[2020-01-02 01:04:05]]></wp:post_date_gmt>"
        f"<wp:post_name><![CDATA[post-{post_id}]]></wp:post_name><wp:status><![CDATA[{status}]]></wp:status>"
        f"<wp:post_type><![CDATA[{ptype}]]></wp:post_type><wp:post_password><![CDATA[]]></wp:post_password>"
        f"{extra}</item>"
    )


def _write(tmp_path: Path, text: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _articles(items) -> list[RawArticle]:
    return [a for a in items if isinstance(a, RawArticle)]


# --- the collection fixture -----------------------------------------------------------------------


def test_collection_yields_the_published_posts_and_page_in_file_order(collection):
    articles = _articles(collection)
    assert [(a.post_id, a.title, a.post_type) for a in articles] == [
        ("101", "The Crane at the North Quay", "post"),
        ("102", "Fog Signals and Their Keepers", "post"),
        ("103", "A Keeper's Year in Pictures", "post"),
        ("104", "فانوس\u200cهای بندر", "post"),
        ("105", "Weekly Roundup", "post"),
        ("106", "Weekly Roundup", "post"),
        ("109", "About Lantern Quarterly", "page"),
    ]
    assert count_wxr(COLLECTION) == 7
    assert all(a.status == "publish" for a in articles)


def test_collection_skips_draft_and_private_and_never_yields_site_internals(collection):
    skipped = [s for s in collection if isinstance(s, Skipped)]
    assert [(s.post_id, s.status, s.reason) for s in skipped] == [
        ("107", "draft", "status draft not exported (use --status)"),
        ("108", "private", "status private not exported (use --status)"),
    ]
    assert skipped[0].title == "Breakwater Survey (unfinished)"
    ids = {getattr(a, "post_id", None) for a in collection}
    assert ids.isdisjoint({"201", "202", "203", "204", "301", "302", "303"})  # attachments, menu, revision, block
    for article in _articles(collection):
        for text in NEVER_EXPORTED:
            assert text not in article.html


def test_collection_metadata(by_id):
    crane = by_id["101"]
    assert crane.slug == "the-crane-at-the-north-quay"
    assert crane.authors == ["Maren Norberg"]
    assert crane.published == datetime(2024, 5, 14, 7, 30, tzinfo=UTC)
    assert crane.published.tzinfo is UTC
    assert crane.source_url == "https://lantern.example/2024/05/14/the-crane-at-the-north-quay/"
    assert crane.site_name == "Lantern Quarterly"
    assert crane.language == "en-US"
    assert crane.subjects == ["Harbours", "cranes", "archives"]
    assert crane.licence_hints == ["https://creativecommons.org/licenses/by-sa/4.0/"]
    assert crane.base_dir == FIXTURES
    assert crane.source_path == COLLECTION
    assert crane.footnotes_meta is None
    assert crane.warnings == []
    assert by_id["102"].authors == ["Jonah Brandt"]
    assert by_id["104"].authors == ["Soraya Tavakoli"]
    assert by_id["104"].language == "en-US"  # the channel's; the cleaner detects the script
    assert by_id["104"].slug == "فانوس-های-بندر"  # percent-encoded in the export
    assert by_id["103"].subjects == ["Lights", "Harbours", "archives"]  # post_format terms are not subjects
    assert by_id["106"].subjects == ["Roundups"]  # "Uncategorized" is not a subject
    assert by_id["109"].subjects == []
    assert by_id["109"].slug == "about"
    assert [by_id[i].published for i in ("105", "106")] == [
        datetime(2024, 6, 7, 6, 0, tzinfo=UTC),
        datetime(2024, 6, 14, 6, 0, tzinfo=UTC),
    ]


def test_collection_same_titles_keep_their_own_slugs_and_bodies(by_id):
    first, second = by_id["105"], by_id["106"]
    assert first.title == second.title == "Weekly Roundup"
    assert (first.slug, second.slug) == ("weekly-roundup", "weekly-roundup-2")
    assert "Crane repairs begin" in first.html
    assert "fog signal at Skarvøy sounds again" in second.html
    assert first.source_hash != second.source_hash


def test_collection_bodies_are_raw_post_content(by_id):
    crane = by_id["101"]
    assert crane.content_format == "classic"
    assert "\n\n" in crane.html and "<p>" not in crane.html  # wpautop is the cleaner's job
    assert crane.html.count("[efn_note]") == 3
    for note in (
        "Harbour board minutes, March 1911, page 42.",
        "The crane was electrified in 1936, not in 1929 as the plaque on its base claims.",
        "Measured with a borrowed surveyor's chain on a calm day in April.",
    ):
        assert f"[efn_note]{note}[/efn_note]" in crane.html
    assert '[caption id="attachment_201" align="aligncenter" width="480"]' in crane.html
    assert '[expand title="How we measured the jib"]' in crane.html
    fog = by_id["102"]
    assert fog.content_format == "blocks"
    assert "<!-- wp:footnotes /-->" in fog.html
    pictures = by_id["103"]
    assert pictures.content_format == "classic"
    for code in ("[su_accordion]", '[su_spoiler title="Winter watch"', '[su_spoiler title="Summer visitors"]'):
        assert code in pictures.html
    assert '[gallery ids="202,203"' in pictures.html
    assert "[embed]https://video.example/watch?v=x[/embed]" in pictures.html
    assert "بندر" in by_id["104"].html


def test_collection_core_footnotes_meta(by_id):
    notes = json.loads(by_id["102"].footnotes_meta)
    assert [n["content"] for n in notes] == [
        "The lighthouse board's circular on audible signals, 1898.",
        "Most stations kept a <em>second</em> compressor in reserve.",
    ]
    for note in notes:
        assert f'<sup data-fn="{note["id"]}" class="fn"><a href="#{note["id"]}" id="{note["id"]}-link">' in (
            by_id["102"].html
        )


def test_collection_attachments_are_shared_and_complete(by_id):
    attachments = by_id["101"].attachments
    assert all(a.attachments is attachments for a in by_id.values())
    assert set(attachments) == {"201", "202", "203", "204"}
    crane = attachments["201"]
    assert crane.url == "https://lantern.example/wp-content/uploads/2024/05/harbour-crane.jpg"
    assert (crane.title, crane.parent) == ("harbour-crane", "101")
    assert crane.caption == "The old crane at the north quay"
    assert crane.alt == "A rust-red crane against a grey sky"
    assert (attachments["202"].parent, attachments["202"].caption) == ("103", "Fog horn, side view")
    assert (attachments["203"].caption, attachments["203"].alt) == ("", "An open logbook with ruled pages")
    assert attachments["204"].parent is None
    for att in attachments.values():
        local = MEDIA / att.url.split("/wp-content/uploads/", 1)[1]
        assert local.is_file() and local.stat().st_size < 30_000


def test_collection_source_xml_is_the_item_and_hashed(by_id):
    crane = by_id["101"]
    root = ElementTree.fromstring(crane.source_xml)
    assert root.tag == "item"
    assert root.findtext(f"{{{WP12}}}post_id") == "101"
    assert root.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") == crane.html
    assert crane.source_xml.startswith("<item ") and "<wp:post_id>101</wp:post_id>" in crane.source_xml
    assert "COMMENT-ONLY-reader-reply" in crane.source_xml  # the archival copy keeps the whole item
    assert crane.source_hash == hashlib.sha256(crane.source_xml.encode("utf-8")).hexdigest()
    assert "DRAFT-ONLY" not in crane.source_xml


def test_statuses_add_the_draft_with_its_local_date(tmp_path):
    items = list(iter_wxr(COLLECTION, statuses=frozenset({"publish", "draft"})))
    draft = next(a for a in _articles(items) if a.post_id == "107")
    assert draft.status == "draft" and draft.slug is None
    assert "DRAFT-ONLY-breakwater-7731" in draft.html
    assert draft.published == datetime(2024, 7, 10, 10, 0, tzinfo=UTC)
    assert [(m.code, m.text) for m in draft.warnings] == [
        ("local-date-as-utc", "no GMT publication date; the site-local wp:post_date was taken as UTC")
    ]
    assert [s.post_id for s in items if isinstance(s, Skipped)] == ["108"]
    assert count_wxr(COLLECTION, statuses=frozenset({"publish", "draft"})) == 8
    everything = frozenset({"publish", "draft", "private"})
    assert count_wxr(COLLECTION, statuses=everything) == len(_articles(iter_wxr(COLLECTION, statuses=everything)))


def test_types_select_posts_only_and_internal_types_select_nothing():
    items = list(iter_wxr(COLLECTION, types=frozenset({"post"})))
    page = next(s for s in items if isinstance(s, Skipped) and s.post_id == "109")
    assert page.reason == "post type page not exported"
    assert count_wxr(COLLECTION, types=frozenset({"post"})) == 6
    posts = _articles(iter_wxr(COLLECTION, types=frozenset({"post"})))
    for internal in ("attachment", "nav_menu_item", "revision", "wp_block"):
        # The reader never refuses (that is the command line's job, before any work): it yields no site internal.
        types = frozenset({"post", internal})
        assert [a.post_id for a in _articles(iter_wxr(COLLECTION, types=types))] == [a.post_id for a in posts]
        assert count_wxr(COLLECTION, types=types) == len(posts)
        assert count_wxr(COLLECTION, types=frozenset({internal})) == 0


@pytest.mark.parametrize(
    ("statuses", "types", "message"),
    [
        ({"publish"}, {"post", "attachment"}, "not an article post type: attachment"),
        ({"publish"}, {"wp_block", "revision"}, "not an article post type: revision, wp_block"),
        ({"Publish"}, {"post"}, "not a WordPress post status: 'Publish'"),
        ({"publish"}, {"post page"}, "not a WordPress post type: 'post page'"),
        ({"publish", "draft"}, {"Post", "book"}, "not a WordPress post type: 'Post'"),
    ],
)
def test_check_selection_refuses_what_can_never_select_an_article(statuses, types, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        check_selection(frozenset(statuses), frozenset(types))


def test_check_selection_accepts_wordpress_keys():
    check_selection()
    check_selection(frozenset({"publish", "draft", "future", "wc-completed"}), frozenset({"post", "my_book-2"}))


# --- versions, namespaces and fields ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "version"),
    [
        ("http://wordpress.org/export/1.0/", "1.0"),
        ("http://wordpress.org/export/1.1/", "1.1"),
        ("https://wordpress.org/export/1.2/", "1.2"),
    ],
)
def test_namespace_uri_is_matched_by_pattern(tmp_path, uri, version):
    text = (
        COLLECTION.read_text(encoding="utf-8")
        .replace(WP12, uri)
        .replace("<wp:wxr_version>1.2", f"<wp:wxr_version>{version}")
    )
    path = _write(tmp_path, text)
    articles = _articles(iter_wxr(path))
    assert [a.post_id for a in articles] == ["101", "102", "103", "104", "105", "106", "109"]
    assert articles[0].attachments["201"].caption == "The old crane at the north quay"  # excerpt namespace too
    assert articles[0].authors == ["Maren Norberg"]


def test_entity_escaped_title_and_missing_link(tmp_path):
    # The title is HTML (themes print it so): an escaped "<history>" in the XML is a tag, which shows nothing;
    # a "<" meant as a character is escaped once more ("&amp;lt;" in the XML, "&lt;" in the HTML).
    item = _item(5).replace(
        "<title><![CDATA[A post]]></title>",
        "<title>Fish &amp; Chips &#8211; a &lt;history&gt; &amp;lt;3&amp;gt;</title>",
    )
    item = item.replace(
        "<link>https://test.example/?p=5</link>", '<guid isPermaLink="false">https://test.example/?p=5</guid>'
    )
    (article,) = iter_wxr(_write(tmp_path, _wxr(item)))
    assert article.title == "Fish & Chips \u2013 a <3>"
    assert article.title_html == "Fish & Chips \u2013 a <history> &lt;3&gt;"
    assert article.source_url == "https://test.example/?p=5"
    assert article.language == "en-GB"
    assert article.authors == ["someone"]
    assert any(m.code == "unknown-author" and "not in the export's author list" in m.text for m in article.warnings)


def test_password_protected_post_is_exported_with_a_warning(tmp_path):
    item = _item(6).replace("<wp:post_password><![CDATA[]]>", "<wp:post_password><![CDATA[hunter2]]>")
    (article,) = iter_wxr(_write(tmp_path, _wxr(item)))
    assert any(m.code == "password-protected" and "password-protected" in m.text for m in article.warnings)
    assert "hunter2" not in " ".join(m.text for m in article.warnings)


def test_dates_fall_back_from_gmt_to_local_to_pubdate(tmp_path):
    no_gmt = _item(7).replace("2020-01-02 01:04:05", "0000-00-00 00:00:00")
    only_pub = (
        _item(8)
        .replace("2020-01-02 01:04:05", "0000-00-00 00:00:00")
        .replace("2020-01-02 03:04:05", "0000-00-00 00:00:00")
        .replace("<wp:post_id>", "<pubDate>Tue, 03 Mar 2015 10:20:30 +0100</pubDate><wp:post_id>")
    )
    normal, local, pub = iter_wxr(_write(tmp_path, _wxr(_item(6) + no_gmt + only_pub)))
    assert normal.published == datetime(2020, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert local.published == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert pub.published == datetime(2015, 3, 3, 9, 20, 30, tzinfo=UTC)
    assert all(a.published.utcoffset().total_seconds() == 0 for a in (normal, local, pub))


def test_a_pubdate_without_zone_and_an_empty_post_are_reported(tmp_path):
    naive = (
        _item(12)
        .replace("2020-01-02 01:04:05", "0000-00-00 00:00:00")
        .replace("2020-01-02 03:04:05", "0000-00-00 00:00:00")
        .replace("<wp:post_id>", "<pubDate>Tue, 03 Mar 2015 10:20:30 -0000</pubDate><wp:post_id>")
    )
    naive = re.sub(r"<content:encoded>.*?</content:encoded>", "<content:encoded></content:encoded>", naive, flags=re.S)
    (article,) = iter_wxr(_write(tmp_path, _wxr(naive)))
    assert article.published == datetime(2015, 3, 3, 10, 20, 30, tzinfo=UTC)
    assert [(m.stage, m.level, m.code, m.text) for m in article.warnings] == [
        ("read", "warning", "empty-post", "the post has no content"),
        (
            "read",
            "warning",
            "unknown-author",
            "author 'someone' is not in the export's author list; the login is used as the name",
        ),
        ("read", "warning", "pubdate-without-zone", "pubDate has no time zone; assumed UTC"),
    ]


def test_untitled_post_and_custom_types(tmp_path):
    items = _item(9, title="") + _item(10, ptype="product") + _item(11, ptype="wp_navigation")
    got = list(iter_wxr(_write(tmp_path, _wxr(items))))
    assert len(got) == 2
    assert got[0].title == "Post 9" and any(m.code == "untitled-post" and "no title" in m.text for m in got[0].warnings)
    assert isinstance(got[1], Skipped) and got[1].reason == "post type product not exported"


# --- errors ---------------------------------------------------------------------------------------


def _error(path: Path, match: str) -> InputError:
    start = time.perf_counter()
    with pytest.raises(InputError, match=match) as info:
        list(iter_wxr(path))
    assert time.perf_counter() - start < 1.0
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(InputError, match=match):
        count_wxr(path)
    return info.value


def test_malformed_xml(tmp_path):
    path = _write(tmp_path, _wxr(_item(1)).replace("</channel>", "</chanel>"))
    _error(path, r"not well-formed XML \(line \d+, column \d+\)")


def test_plain_rss_feed_and_other_documents_are_not_wxr(tmp_path):
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>https://n.example</link>'
        "<item><title>Hello</title><link>https://n.example/1</link><description>Hi</description></item>"
        "</channel></rss>"
    )
    _error(_write(tmp_path, rss, "feed.xml"), "not a WordPress WXR export")
    atom = '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'
    _error(_write(tmp_path, atom, "atom.xml"), r"not a WordPress WXR export \(no <rss><channel>\)")
    _error(_write(tmp_path, '<rss version="2.0"><item/></rss>', "bare.xml"), r"no <rss><channel>")
    _error(_write(tmp_path, "", "empty.xml"), "file is empty")
    _error(tmp_path / "missing.xml", "no such file")


@pytest.mark.parametrize("version", [None, "abc", "", "1", "1.2.3", "v1.2"])
def test_missing_or_invalid_version(tmp_path, version):
    _error(_write(tmp_path, _wxr(_item(1), version=version)), "missing or invalid WXR version number")


def test_billion_laughs_is_refused(tmp_path):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)
    )
    doc = _wxr(_item(1, title="&lol9;"), head=f"\n<!DOCTYPE rss [{entities}]>").replace("<![CDATA[&lol9;]]>", "&lol9;")
    _error(_write(tmp_path, doc), r"refused: the file declares a DTD or entities \(unsafe XML\)")


def test_external_entity_is_refused_without_reading_it(tmp_path):
    sentinel = tmp_path / "secret.txt"
    sentinel.write_text("SENTINEL-SECRET-8812", encoding="utf-8")
    head = f'\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{sentinel.as_uri()}">]>'
    doc = _wxr(_item(1).replace("<![CDATA[<p>Body of 1.</p>]]>", "&xxe;"), head=head)
    error = _error(_write(tmp_path, doc), "refused: the file declares a DTD")
    assert "SENTINEL-SECRET-8812" not in str(error)
    plain_doctype = _wxr(_item(1), head="\n<!DOCTYPE rss>")
    _error(_write(tmp_path, plain_doctype, "doctype.xml"), "refused")


# --- streaming ------------------------------------------------------------------------------------


def test_large_export_streams_in_flat_memory(tmp_path):
    filler = "Lorem harbour words fill this paragraph. " * 100  # ~4 KB of content per item
    path = tmp_path / "big.xml"
    with path.open("w", encoding="utf-8") as out:
        out.write(_wxr("@@ITEMS@@").split("@@ITEMS@@")[0])
        for i in range(1, 2001):
            out.write(_item(i).replace("<p>Body of", f"<p>{filler} Body of"))
            out.write("\n")
        out.write("</channel></rss>\n")
    assert path.stat().st_size > 8_000_000
    tracemalloc.start()
    try:
        seen = 0
        for article in iter_wxr(path):
            assert isinstance(article, RawArticle)
            seen += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == 2000
    assert peak < 3_000_000, f"peak {peak} bytes: items are kept in memory"

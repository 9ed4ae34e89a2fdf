"""The HTML reader: saved WordPress pages and post fragments → RawArticle (body, chrome removed, metadata)."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from exporter.clean import clean
from exporter.errors import InputError
from exporter.readers.html import read_html
from exporter.readers.html_meta import normalise_language
from exporter.resources import Resolver
from tests.conftest import FIXTURES
from tests.wptrt_media import write_image

THEME_PAGE = FIXTURES / "theme-page.html"
FRAGMENT = FIXTURES / "post-fragment.html"


@pytest.fixture(scope="module")
def theme():
    return read_html(THEME_PAGE)


def _write(tmp_path: Path, html: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


def _page(content: str, head: str = "", chrome: bool = True) -> str:
    """A small saved page: head, then a theme header/sidebar/footer around ``content``."""
    header = '<header class="site-header"><p class="site-title">Quay Notes</p><nav><a href="/">Home</a></nav></header>'
    footer = '<aside class="widget-area"><p>Archive widget</p></aside><footer><p>Site footer words</p></footer>'
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head><body>'
        f"{header if chrome else ''}{content}{footer if chrome else ''}</body></html>"
    )


# --- the theme page -------------------------------------------------------------------------------


def test_theme_page_metadata(theme):
    assert theme.title == "How a Laundromat Became the Memory of Millbrook Lane"
    assert theme.subtitle is not None
    assert theme.subtitle.startswith("Eleven years after the first shoebox of photographs arrived")
    assert theme.authors == ["Imogen Vasquez-Thorne"]
    assert theme.published == datetime(2023, 10, 14, 7, 30, tzinfo=UTC)
    assert theme.published.utcoffset() == timedelta(hours=2)
    assert theme.source_url == "https://northgate-ledger.example/2023/10/14/laundromat-memory-millbrook-lane/"
    assert theme.site_name == "Northgate Ledger"
    assert theme.language == "en-US"
    assert theme.post_id == "48213"
    assert theme.subjects[:2] == ["community archives", "oral history"]
    assert {"Neighbourhoods", "Millbrook"} <= set(theme.subjects)
    assert theme.warnings == []


def test_theme_page_licence_hints_include_body_and_sidebar_links(theme):
    assert "http://creativecommons.org/licenses/by-nc/4.0/" in theme.licence_hints  # rel=license in the post
    assert "https://creativecommons.org/licenses/by-nc/4.0/" in theme.licence_hints  # the sidebar widget


def test_theme_page_source_fields(theme):
    assert theme.source_path == THEME_PAGE
    assert theme.base_dir == THEME_PAGE.parent
    assert theme.source_hash == hashlib.sha256(THEME_PAGE.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "text",
    [
        "The dryers still tumble on the ground floor of 14 Millbrook Lane",
        "The weekend has now lasted eleven years, and the owner has long since stopped asking for the key back.",
        "one very large brass door knocker that nobody has managed to explain",
        "who meet every Tuesday evening.[5]",
        "in the same round handwriting.[27][28]",
        "“It is a map made of paper,” said one volunteer",
        "Their recipe cards, stamped نانوایی کریمی in the owner’s hand",
        "who ate the first batch",  # inside <div class="shared-memories">: "shared" is not the token "share"
        "a separate drawer of unidentified portraits",  # an aside in the post with a non-chrome class
        "The photographs are just the proof.",
        "Nothing is thrown away without a second volunteer’s signature.",
        "<h2>A catalogue written by hand</h2>",
        "<h2>What happens next</h2>",
        "<h3>Appendix: how the street books are ordered</h3>",
        "A concordance pinned inside the lid of the first box",
        "“I only kept the door open.”",
        '<p>[bg_collapse view="button-orange" color="#4a4a4a" icon="arrow" expand_text="Show More" '
        'collapse_text="Show Less" ]</p>',
        "<p>[/bg_collapse]</p>",
        "This work is licensed under a",
        "Creative Commons Attribution-NonCommercial 4.0 International License</a>.",
        'alt="Creative Commons License"',
        "The storeroom above the dryers, photographed in September.",
    ],
)
def test_theme_page_body_keeps_the_article(theme, text):
    assert text in theme.html


def test_theme_page_body_keeps_shortcodes_images_and_structure(theme):
    html = theme.html
    assert re.search(r"\[premium_newsticker id=(?:”|&#8221;)154171(?:″|&#8243;)\]", html)
    assert "<blockquote>" in html
    assert html.count("<li>") == 4
    assert re.search(r'<img [^>]*src="theme-page_files/archive-shelves\.jpg"', html)
    assert 'srcset="theme-page_files/archive-shelves.jpg 696w' in html
    assert 'alt="Grey archive boxes on metal shelving above a laundromat"' in html
    assert '<a href="http://creativecommons.org/licenses/by-nc/4.0/" rel="license">' in html


THEME_CHROME = [
    # comments and the reply form
    "cried when I found it",
    "pirate radio recordings",
    "Priya Okonkwo-Hale",
    "LEAVE A REPLY",
    "Your email address will not be shown",
    "Post Comment",
    # sidebar widgets
    "Most Read This Week",
    "Ferry timetable rewritten",
    "Hollis Brand",
    "About our licence",
    # header, menus, breadcrumbs, cookie banner
    "Independent news for the Northgate wards",
    "Council Watch",
    "Letters to the Editor",
    "Sign in / Join",
    "We bake a handful of cookies",
    # share buttons, subscription box, related posts, tags, previous/next, author box
    "Share on Facebook",
    "Send on WhatsApp",
    "Spread the word",
    "Email this",
    "Pin it to Pinterest",
    "Get the Ledger in your inbox",
    "You might also like",
    "The last tram depot on Fenwick Road",
    "TAGS",
    "Council delays vote on harbour lighting",
    "Five questions for the new library director",
    "tenants’ newsletter in Leeds",
    # footer, ads, scripts and handlers
    "Registered office",
    "Theme by tagDiv",
    "Follow the Ledger",
    "Advertisement",
    "Hardware discounts at Kettering Tools",
    "ads.example-network.test",
    "stats.example-network.test",
    "tdLocalCache",
    "tdSmartSidebar",
    "onload",
    "<script",
    "<style",
    "<iframe",
    "<form",
    "<input",
    "<button",
    "<noscript",
    "<!--",
    # the post header: title, dek and byline live in the metadata, not the body
    "<h1",
    "How a Laundromat Became the Memory",
    "a waiting list of donors",
    "October 14, 2023",
]


@pytest.mark.parametrize("chrome", THEME_CHROME)
def test_theme_page_body_has_no_chrome(theme, chrome):
    assert chrome not in theme.html


# --- the bare post fragment -------------------------------------------------------------------------


def test_fragment():
    raw = read_html(FRAGMENT)
    assert raw.title == "Notes from a Tuesday Cataloguing Night"
    assert "Tuesday Cataloguing Night" not in raw.html
    assert raw.authors == ["Wendell Achterberg"]
    assert raw.html.startswith("<p>Every Tuesday at seven, the volunteers of the Millbrook Lane archive")
    assert "<summary>How to read an accession number</summary>" in raw.html
    assert "<details>" in raw.html
    assert "floorboards of a house on Cable Street.<sup>[1]</sup>" in raw.html
    assert '[caption id="attachment_3107" align="alignright" width="300"]<img ' in raw.html
    assert 'src="media/ticket-tin.jpg"' in raw.html
    assert "The tin of tram tickets, before sorting.[/caption]" in raw.html
    assert '[su_note note_color="#f5f0e1"]The archive is closed' in raw.html
    assert re.search(r'<p (?=[^>]*dir="rtl")(?=[^>]*lang="fa")[^>]*>یادداشت‌های سه‌شنبه</p>', raw.html)
    assert raw.language is None and raw.published is None and raw.site_name is None
    assert raw.base_dir == FIXTURES
    assert raw.warnings == []


def test_fragment_without_heading_takes_title_from_file_name(tmp_path):
    path = _write(
        tmp_path,
        "<p>The tin was catalogued as it stood.</p><h2>Later section</h2><p>More.</p>",
        name="2024-03-01_tram-ticket-tin.html",
    )
    raw = read_html(path)
    assert raw.title == "Tram ticket tin"
    assert [(m.stage, m.code, m.text) for m in raw.warnings] == [
        ("read", "title-from-file-name", "title taken from the file name")
    ]
    assert "<h2>Later section</h2>" in raw.html


def test_body_without_chrome_is_read_as_a_fragment(tmp_path):
    head = '<title>Harbour lamps | Quay Notes</title><meta property="og:site_name" content="Quay Notes">'
    raw = read_html(_write(tmp_path, _page("<h1>Harbour lamps</h1><p>Forty lamps were relit.</p>", head, False)))
    assert raw.title == "Harbour lamps"
    assert raw.html == "<p>Forty lamps were relit.</p>"
    assert raw.site_name == "Quay Notes"
    assert raw.warnings == []


# --- bad inputs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"  \n\t\n", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 4, "binary"),
        (
            _page('<main id="main"></main>', "<title>Nothing | Quay Notes</title>").encode(),
            "no article text found",
        ),
        (_page("").encode(), "no article text found"),
        (b"<html><body><script>var only = 'code';</script><style>p{}</style></body></html>", "no article text"),
        (b"<html><head><title>Only a head</title></head></html>", "no article text found"),
    ],
)
def test_bad_inputs_raise_input_error(tmp_path, content, message):
    path = tmp_path / "bad.html"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_html(path)
    assert message in info.value.message
    assert info.value.path == str(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_html(tmp_path / "absent.html")
    with pytest.raises(InputError, match="is a folder"):
        read_html(tmp_path)


def test_deeply_nested_page_is_an_input_error_or_reads(tmp_path):
    path = _write(tmp_path, "<div>" * 5000 + "<p>deep text</p>" + "</div>" * 5000)
    try:
        raw = read_html(path)
    except InputError as exc:
        assert "nested" in exc.message or "no article text" in exc.message
    else:
        assert "deep text" in raw.html


# --- chrome recognition -----------------------------------------------------------------------------


def test_chrome_is_matched_by_tokens_not_substrings(tmp_path):
    content = (
        '<article id="post-7" class="post"><h1 class="entry-title">Tokens</h1><div class="entry-content">'
        '<p class="shareholder-letter">Shareholder letter stays.</p>'
        '<div class="timesharing">Timesharing stays.</div>'
        '<div class="social-history">Social history stays.</div>'
        '<div class="has-sidebar">A layout modifier stays.</div>'
        '<p class="has-header-color">Colour class stays.</p>'
        '<div class="adventure-notes">Adventure notes stay.</div>'
        '<div class="share-buttons">SHARE-BUTTONS</div>'
        '<div class="sd-sharing-enabled">SD-SHARING</div>'
        '<div class="td_block_related_posts">RELATED-POSTS</div>'
        '<div class="author-bio">AUTHOR-BIO</div>'
        '<div class="entry-meta">ENTRY-META</div>'
        '<div id="comments">COMMENTS</div>'
        '<div class="addtoany_share_save_container">ADDTOANY</div>'
        '<div role="navigation">ROLE-NAV</div>'
        "</div></article>"
    )
    raw = read_html(_write(tmp_path, _page(content)))
    for kept in ("Shareholder", "Timesharing", "Social history", "layout modifier", "Colour class", "Adventure"):
        assert kept in raw.html
    assert not re.search(r"[A-Z]{2,}-[A-Z]+|COMMENTS|ADDTOANY", raw.html)
    assert raw.post_id == "7"


def test_title_in_container_is_not_repeated(tmp_path):
    head = (
        '<meta property="og:title" content="Relit lamps – Quay Notes">'
        '<meta property="og:site_name" content="Quay Notes">'
    )
    content = "<main><h1>Relit lamps</h1><p>Forty lamps were relit on the quay.</p></main>"
    raw = read_html(_write(tmp_path, _page(content, head)))
    assert raw.title == "Relit lamps"
    assert raw.html == "<p>Forty lamps were relit on the quay.</p>"


def test_no_container_uses_the_largest_text_block(tmp_path):
    content = (
        '<div class="wrapper"><div class="col"><p>Short teaser.</p></div>'
        '<div class="col wide"><p>The longest run of prose on this page sits here.</p>'
        "<p>And it continues with a second paragraph of prose.</p></div></div>"
    )
    raw = read_html(_write(tmp_path, _page(content, "<title>Soup | Quay Notes</title>")))
    assert ("largest-text-block", "no post container found; used the largest text block") in [
        (m.code, m.text) for m in raw.warnings
    ]
    assert "The longest run of prose" in raw.html and "second paragraph" in raw.html
    assert "Site footer words" not in raw.html and "Archive widget" not in raw.html
    assert raw.title == "Soup"


def test_lazy_images_noscript_and_embeds(tmp_path):
    content = (
        '<article><h1 class="entry-title">Embeds</h1><div class="entry-content"><p>Text.</p>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="media/a.jpg" alt="A">'
        '<noscript><img src="media/a.jpg" alt="A"></noscript>'
        '<img src="media/b.jpg" alt="B"><noscript><img src="media/b.jpg" alt="B"></noscript>'
        '<figure class="wp-block-embed"><iframe src="https://www.youtube.com/embed/abc"></iframe></figure>'
        '<iframe src="https://securepubads.g.doubleclick.net/x"></iframe>'
        '<img src="https://stats.example/p.gif" width="1" height="1" alt="">'
        "</div></article>"
    )
    raw = read_html(_write(tmp_path, _page(content)))
    # The reader leaves lazy images and their noscript copies to the cleaner (clean/image_candidates.py).
    for name in ("a", "b"):
        write_image(tmp_path / "media" / f"{name}.jpg", 1)
    body = clean(raw, Resolver(roots=[tmp_path])).body
    assert len(re.findall(r"<img [^>]*src=\"images/[0-9a-f]{8}-[ab]\.jpg\"", body)) == 2, body
    assert re.search(r'<img [^>]*alt="A"', body) and re.search(r'<img [^>]*alt="B"', body)
    assert "data:image" not in body and "noscript" not in body and body.count("<img") == 2
    assert '<a href="https://www.youtube.com/embed/abc">' in raw.html
    assert "doubleclick" not in raw.html and "stats.example" not in raw.html
    assert any(m.code == "frames-as-links" and "youtube.com/embed/abc" in m.text for m in raw.warnings)


def test_container_lang_and_dir_are_kept(tmp_path):
    content = '<article><div class="entry-content" lang="fa" dir="rtl"><p>متن فارسی</p></div></article>'
    raw = read_html(_write(tmp_path, _page(content)))
    assert raw.html == '<div lang="fa" dir="rtl"><p>متن فارسی</p></div>'


# --- metadata sources ---------------------------------------------------------------------------------


def test_a_site_name_read_off_the_page_header_is_reported(tmp_path):
    raw = read_html(_write(tmp_path, _page("<main><h1>Lamps</h1><p>Body text.</p></main>", "<title>Lamps</title>")))
    assert raw.site_name == "Quay Notes"
    assert [(m.stage, m.level, m.code, m.text) for m in raw.warnings] == [
        ("read", "info", "site-name-from-header", "site name 'Quay Notes' taken from the page header")
    ]


@pytest.mark.parametrize(
    ("head", "title", "site", "guessed"),
    [
        (
            '<title>Lamps | Quay Notes</title><meta property="og:site_name" content="Quay Notes">',
            "Lamps",
            "Quay Notes",
            False,
        ),
        (
            '<title>Quay Notes » Lamps</title><meta property="og:site_name" content="Quay Notes">',
            "Lamps",
            "Quay Notes",
            False,
        ),
        (
            '<title>Lamps - Quay Notes</title><meta property="og:site_name" content="Quay Notes">',
            "Lamps",
            "Quay Notes",
            False,
        ),
        ("<title>Harbour lamps relit – Quay Notes</title>", "Harbour lamps relit", "Quay Notes", True),
        ("<title>Ups - and downs of the quay</title>", "Ups - and downs of the quay", None, False),
    ],
)
def test_title_tail(tmp_path, head, title, site, guessed):
    """A known site name is removed from either end; an unknown one only after a strong separator."""
    raw = read_html(_write(tmp_path, _page("<main><p>Body text.</p></main>", head, chrome=False)))
    assert raw.title == title
    assert raw.site_name == site
    assert (
        any(m.code == "site-name-from-title" and "taken from the page title" in m.text for m in raw.warnings) == guessed
    )


def test_title_tail_confirmed_by_h1(tmp_path):
    html = _page(
        '<div id="content"><h1 id="firstHeading">Lamps</h1><p>Body text.</p></div>', "<title>Lamps - Quaypedia</title>"
    )
    raw = read_html(_write(tmp_path, html.replace('<p class="site-title">Quay Notes</p>', "")))
    assert raw.title == "Lamps" and raw.site_name == "Quaypedia"
    assert raw.html == "<p>Body text.</p>"


def test_json_ld_metadata_and_naive_dates(tmp_path):
    ld = (
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":['
        '{"@type":"BlogPosting","headline":"From JSON-LD","datePublished":"2021-06-05T08:00:00",'
        '"author":[{"@id":"#p1"},{"@type":"Person","name":"Second Writer"}],"publisher":{"@id":"#org"},'
        '"keywords":"lamps, quay","inLanguage":"pt_BR","url":"https://quay.example/lamps/",'
        '"license":"https://creativecommons.org/licenses/by/4.0/"},'
        '{"@type":"Person","@id":"#p1","name":"First Writer"},{"@type":"Organization","@id":"#org","name":"Quay Co-op"}'
        "]}</script>"
    )
    html = _page("<main><p>Body text.</p></main>", ld, chrome=False).replace(' lang="en"', "")
    raw = read_html(_write(tmp_path, html))
    assert raw.title == "From JSON-LD"
    assert raw.authors == ["First Writer", "Second Writer"]
    assert raw.published == datetime(2021, 6, 5, 8, 0, tzinfo=UTC)
    assert any(m.code == "date-without-zone" and "no time zone; assumed UTC" in m.text for m in raw.warnings)
    assert raw.site_name == "Quay Co-op"
    assert raw.language == "pt-BR"
    assert raw.subjects == ["lamps", "quay"]
    assert raw.source_url == "https://quay.example/lamps/"
    assert raw.licence_hints == ["https://creativecommons.org/licenses/by/4.0/"]


def test_post_header_markup_metadata(tmp_path):
    content = (
        '<article class="post hentry"><header class="entry-header"><h1 class="entry-title">Header data</h1>'
        '<p class="entry-subtitle">A dek under the title</p>'
        '<span class="byline">By <span class="author vcard"><a class="fn" href="/a/">Rosa Quill</a></span></span>'
        '<time class="entry-date published" datetime="2019-02-03T04:05:06-05:00">Feb 3</time></header>'
        '<div class="entry-content"><p>Body text.</p></div>'
        '<footer class="entry-footer"><a href="/t/quay/" rel="tag">quay</a></footer></article>'
        '<div id="comments"><time datetime="2030-01-01T00:00:00Z">later</time><a rel="author">Commenter</a></div>'
    )
    body = '<body class="post-template-default single postid-4411">'
    html = _page(content, '<link rel="license" href="/licence/"><meta name="dc.rights" content="All rights reserved">')
    raw = read_html(_write(tmp_path, html.replace("<body>", body)))
    assert raw.title == "Header data" and raw.subtitle == "A dek under the title"
    assert raw.authors == ["Rosa Quill"]
    assert raw.published == datetime(2019, 2, 3, 9, 5, 6, tzinfo=UTC)
    assert raw.subjects == ["quay"]
    assert raw.post_id == "4411"
    assert raw.licence_hints == ["All rights reserved"]  # a relative rel=license link without a page URL
    assert raw.html == "<p>Body text.</p>"


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("en_US", "en-US"),
        ("FA", "fa"),
        ("fa_IR", "fa-IR"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("english", None),
        ("", None),
        ("x-default", None),
    ],
)
def test_normalise_language(value, tag):
    assert normalise_language(value) == tag


def test_large_page_is_read_in_one_pass(tmp_path):
    para = "<p>" + "Lorem ipsum dolor sit amet, archive paragraph text. " * 8 + "</p>\n"
    widgets = '<aside class="widget"><ul>' + "<li><a href='#'>Recent post</a></li>" * 50 + "</ul></aside>"
    content = (
        '<article class="post"><h1 class="entry-title">Big</h1><div class="entry-content">'
        + (para * 20 + '<div class="sharedaddy"><a>Share</a></div>') * 200
        + "</div></article>"
        + widgets * 20
    )
    path = _write(tmp_path, _page(content))
    assert path.stat().st_size > 1_500_000
    start = time.perf_counter()
    raw = read_html(path)
    assert time.perf_counter() - start < 20
    assert raw.html.count("<p>") == 4000 and "sharedaddy" not in raw.html

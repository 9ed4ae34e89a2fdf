"""Property tests for the readers on hostile input: the HTML reader over random pages (theme chrome, text,
shortcodes, entities, broken tags) and the text reader over hostile bytes.

They never raise anything but InputError, never lose a word of text that sits in the post container outside
chrome, always drop certain chrome, and what they give the cleaner comes out as well-formed XHTML with
nothing that runs. Runs 300 examples per property by default, 10,000 with ``HYPOTHESIS_PROFILE=long``.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from html import unescape
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from exporter.clean import clean
from exporter.errors import InputError
from exporter.readers.decode import decode_bytes
from exporter.readers.html import read_html
from exporter.readers.text import read_text
from exporter.resources import Resolver

# Words of the post start with "q"; words of chrome with "zz". Neither can spell an entity, tag or label.
CONTENT_WORD = st.from_regex(r"q[a-hé ßجیک]{1,7}", fullmatch=True).map(lambda w: w.replace(" ", ""))
CHROME_WORD = st.from_regex(r"zz[a-h]{1,5}", fullmatch=True)
HARD_WORD = st.from_regex(r"zzhard[a-h]{1,4}", fullmatch=True)
ENTITY = st.sampled_from(
    ["&amp;", "&nbsp;", "&#8221;", "&hellip;", "&bogus;", "&#x110000;", "&#0;", "&", "&amp", "&#38;", "&lt;"]
)
NOISE = st.sampled_from(
    [
        "[bg_collapse view=\"button-orange\" expand_text='Show More']",
        "[/bg_collapse]",
        "[su_spoiler title='Más']",
        "[/su_spoiler]",
        "[premium_newsticker id=”154171″]",
        "[[escaped]]",
        "[5]",
        '[caption id="attachment_1" align="alignnone"]',
        "[/caption]",
        "<br>",
        "</br>",
        "<hr>",
        "<b>",
        "<i>",
        "</span>",
        "</em>",
        "</b>",
        "< 3",
        "a > b",
        "<!-- zzcomment -->",
        "<![CDATA[ zzcdata ]]>",
        '<img src="x.png" alt="zzalt">',
        '<img src="http://127.0.0.1:9/x.png" onerror="zzjs()">',
        "\x0b",
        "\ufeff",
        "\u200b",
    ]
)
INLINE = st.sampled_from(["em", "strong", "span", "sup", "code", "u", "mark", "abbr"])
BLOCK = st.sampled_from(["p", "div", "blockquote", "section", "h2", "h3", "pre", "figure"])
HARD_CHROME = st.sampled_from(
    [
        '<div class="sharedaddy sd-sharing-enabled">{}</div>',
        "<nav>{}</nav>",
        '<div class="jp-relatedposts">{}</div>',
        '<div id="comments" class="comments-area">{}</div>',
        "<script>var x = '{}';</script>",
        "<style>/* {} */</style>",
        "<form><label>{}</label><input name=q></form>",
        '<div role="navigation">{}</div>',
        '<div class="addtoany_share_save_container">{}</div>',
    ]
)
OUTER_CHROME = st.sampled_from(
    [
        '<header class="site-header"><div class="site-title">{}</div></header>',
        '<aside class="widget-area sidebar">{}</aside>',
        '<footer class="site-footer">{}</footer>',
        '<div class="cookie-banner">{}</div>',
    ]
)


@st.composite
def text_run(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Words with entities and shortcode/tag noise between them, always separated by spaces."""
    parts: list[str] = []
    words: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        choice = draw(st.integers(0, 9))
        if choice <= 5:
            word = draw(CONTENT_WORD)
            words.append(word)
            parts.append(word)
        elif choice <= 7:
            parts.append(draw(NOISE))
        else:
            parts.append(draw(ENTITY))
    return " " + " ".join(parts) + " ", words


@st.composite
def content(draw: st.DrawFn, depth: int = 0) -> tuple[str, list[str], list[str]]:
    """(html, post words, hard-chrome words) for a piece of the post container."""
    kind = draw(st.integers(0, 9 if depth < 3 else 3))
    if kind <= 3:
        html, words = draw(text_run())
        return html, words, []
    if kind <= 5:
        tag = draw(INLINE)
        html, words, hard = draw(content(depth + 1))
        return f"<{tag}>{html}</{tag}>", words, hard
    if kind == 6:
        chrome = draw(HARD_CHROME)
        words = draw(st.lists(HARD_WORD, min_size=1, max_size=3))
        return chrome.format(" ".join(words)), [], words
    if kind == 7:
        html, words, hard = draw(content(depth + 1))
        return f'<ul><li>{html}</li><li><a href="https://example.org/x">qlink</a></li></ul>', [*words, "qlink"], hard
    tag = draw(BLOCK)
    pieces = draw(st.lists(content(depth + 1), min_size=1, max_size=4))
    html = "".join(p[0] for p in pieces)
    words = [w for p in pieces for w in p[1]]
    hard = [w for p in pieces for w in p[2]]
    if tag == "figure":
        return f"<figure>{html}<figcaption>qcaption</figcaption></figure>", [*words, "qcaption"], hard
    if tag == "pre":  # a pre holds text only
        return f"<pre>{' '.join(words)}</pre>", words, []
    return f"<{tag}>{html}</{tag}>", words, hard


@st.composite
def page(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    """A saved WordPress page: theme chrome around an article whose .entry-content holds the post."""
    pieces = draw(st.lists(content(), min_size=1, max_size=6))
    outer = [draw(OUTER_CHROME).format(" ".join(draw(st.lists(CHROME_WORD, min_size=1, max_size=3)))) for _ in "ab"]
    body = "".join(p[0] for p in pieces)
    html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>ZZTITLE</title></head><body>"
        f"{outer[0]}<article class='post'><h1 class='entry-title'>ZZTITLE</h1>"
        f"<div class='entry-content'>{body}</div></article>{outer[1]}</body></html>"
    )
    return html, [w for p in pieces for w in p[1]], [w for p in pieces for w in p[2]]


def words_in(html: str) -> Counter[str]:
    """The words of an HTML string's text (tags and comments removed, entities decoded)."""
    text = unescape(re.sub(r"<!--.*?-->|<[^>]*>", " ", html, flags=re.DOTALL))
    return Counter(re.findall(r"[^\s<>&;\"'\[\]=/]+", text))


def check_clean(raw_html_article: object) -> None:
    """The cleaner turns a reader's article into well-formed XHTML with nothing that runs."""
    article = clean(raw_html_article, Resolver(roots=[]))  # type: ignore[arg-type]
    etree.fromstring(f"<div>{article.body}</div>")
    lowered = article.body.lower()
    assert "<script" not in lowered and "javascript:" not in lowered and "zzjs" not in lowered
    assert not re.search(r"\son\w+\s*=", article.body)


@given(page())
def test_html_reader_keeps_every_post_word_and_drops_hard_chrome(case: tuple[str, list[str], list[str]]) -> None:
    html, words, hard = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.html"
        path.write_text(html, encoding="utf-8")
        try:
            raw = read_html(path)
        except InputError:
            assert not words, "the reader refused a page whose post has text"
            return
    assert raw.title == "ZZTITLE"
    found = words_in(raw.html)
    missing = Counter(words) - found
    assert not missing, f"lost {sorted(missing)}"
    assert not [w for w in hard if w in found], "hard chrome kept"
    assert "zzcomment" not in raw.html
    check_clean(raw)


# Broken markup a parser must survive: the reader may refuse it, never crash on it.
TAG_SOUP = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "<",
                ">",
                "</",
                "<div",
                '<a href="',
                "<!--",
                "-->",
                "<![CDATA[",
                "]]>",
                "<svg><use href=x>",
                "<table><tr><td>",
                "</table>",
                "<p>",
                "</div></div></div>",
                "<html>",
                "<body>",
                "</body></html>",
                "<script>",
                "</script>",
                "<style>",
                "<iframe src=//x>",
                "<noscript><img src=y>",
                "&#",
                "&#x;",
                "<?php ?>",
                "<!DOCTYPE x>",
                "<meta charset=utf-16>",
                "<math><mi>",
                "<template>",
                "<select><option>",
                '<img src="data:image/png;base64,AAAA" srcset="x 2x">',
                "\x00",
                "\ud800",
            ]
        ),
        st.text(max_size=12),
        CONTENT_WORD,
    ),
    max_size=40,
).map("".join)


@given(TAG_SOUP)
def test_html_reader_on_tag_soup_raises_only_input_errors(soup: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "soup.html"
        path.write_bytes(soup.encode("utf-8", "surrogatepass"))
        try:
            raw = read_html(path)
        except InputError:
            return
    assert isinstance(raw.html, str) and raw.title
    check_clean(raw)


BOMS = st.sampled_from([b"", b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"])


@st.composite
def hostile_bytes(draw: st.DrawFn) -> bytes:
    """Bytes that are nearly text: a BOM or none, then text in some encoding with bytes spliced in."""
    text = draw(st.text(max_size=200))
    encoding = draw(st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "cp1252", "latin-1"]))
    data = bytearray(text.encode(encoding, "replace"))
    for _ in range(draw(st.integers(0, 4))):
        pos = draw(st.integers(0, len(data)))
        data[pos:pos] = draw(st.binary(max_size=6))
    return draw(BOMS) + bytes(data)


@given(st.one_of(hostile_bytes(), st.binary(max_size=300)))
def test_text_reader_on_hostile_bytes_raises_only_input_errors(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "post.txt"
        path.write_bytes(data)
        try:
            raw = read_text(path)
        except InputError as exc:
            assert "\n" not in str(exc)  # one line
            return
    assert raw.title.strip()
    check_clean(raw)


@given(st.binary(max_size=400), st.booleans())
def test_decoding_any_bytes_gives_text_or_an_input_error(data: bytes, is_html: bool) -> None:
    try:
        decoded = decode_bytes(data, Path("x"), is_html=is_html)
    except InputError:
        return
    assert isinstance(decoded.text, str)
    decoded.text.encode("utf-8")  # no lone surrogates


def test_text_after_an_unclosed_embed_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "embed.html"
    path.write_text(
        "<html><body><article><div class='entry-content'><p>qbefore</p><embed src='x.swf'>"
        "<p>qafter words</p></div></article></body></html>",
        encoding="utf-8",
    )
    assert "qafter" in read_html(path).html

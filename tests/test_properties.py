"""Property tests: the text reader and the cleaner never crash and never lose the author's words."""

from __future__ import annotations

import re
import tempfile
from html import escape, unescape
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from exporter.clean import clean
from exporter.errors import InputError
from exporter.model import RawArticle
from exporter.readers.text import read_text

# Words that cannot spell a shortcode-free label ("line", "icon"...) or a licence statement.
WORD = st.text(alphabet="abcdefABCDEFéßدرسپ0123456789", min_size=1, max_size=8)
PUNCT = st.sampled_from([" ", " ", " ", ", ", ". ", "; ", " & ", " < ", ' "', "” ", "’", " (", ") ", " – "])
MARKUP = st.sampled_from(["em", "strong", "a", "span", "sup", "u", "b", "i", "q", "small", "div", "blockquote"])
NOISE = st.sampled_from(
    [
        "[5]",
        "[27][28]",
        "[b]",
        "[x]",
        "[[escaped]]",
        '[bg_collapse view="button-orange" expand_text="Show More"]',
        "[/bg_collapse]",
        "[premium_newsticker id=”154171″]",
        "[su_spoiler title='Más']",
        "[/su_spoiler]",
        "[unclosed a=1",
        "&amp;",
        "&#8221;",
        "&nbsp;",
        "<br>",
        "<!-- c -->",
        "<script>var z=1</script>",
        '<img src="http://127.0.0.1:9/x.png" onerror="y()">',
        "\x00",
        "\ufeff",
    ]
)


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-fA-Féßدرسپ0-9]+", text)


def plain(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


@st.composite
def paragraphs(draw: st.DrawFn) -> list[str]:
    blocks = draw(st.lists(st.lists(st.tuples(WORD, PUNCT), min_size=1, max_size=12), min_size=1, max_size=6))
    return ["".join(w + p for w, p in block).strip() for block in blocks]


@given(st.text(max_size=400))
def test_text_reader_never_crashes(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.txt"
        path.write_bytes(text.encode("utf-8", "replace"))
        try:
            raw = read_text(path)
        except InputError:
            return
        assert raw.title


@given(paragraphs())
def test_text_reader_keeps_every_word(paras: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.txt"
        path.write_text("\n\n".join(paras), encoding="utf-8")
        raw = read_text(path)
        found = plain(raw.html) + " " + raw.title + " " + (raw.subtitle or "")
        for word in words_of("\n".join(paras)):
            assert word in found


@given(paragraphs(), st.lists(st.tuples(MARKUP, NOISE), max_size=6), st.randoms(use_true_random=False))
def test_cleaner_gives_wellformed_xhtml_and_keeps_words(paras: list[str], extras: list, rnd) -> None:
    html_blocks = [f"<p>{escape(p, quote=False)}</p>" for p in paras]
    for tag, noise in extras:
        at = rnd.randrange(len(html_blocks) + 1)
        html_blocks.insert(at, f"<{tag}>{noise}</{tag}>" if rnd.random() < 0.5 else noise)
    html = "".join(html_blocks)
    raw = RawArticle(source_path=Path("/nonexistent/a.html"), html=html, title="T", base_dir=None)
    try:
        article = clean(raw)
    except InputError:
        assert not words_of(" ".join(paras))
        return
    etree.fromstring(f"<div>{article.body}</div>")  # well-formed
    body_text = plain(article.body)
    for word in words_of(" ".join(paras)):
        assert word in body_text
    for bad in ("<script", "onerror", "bg_collapse", "premium_newsticker", "\x00"):
        assert bad not in article.body

"""The shared HTML scanner: its three grammars, raw-text regions, and properties over any input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporter.clean.htmlscan import HTML_TAGS, RAW_TEXT, WP_SPLIT, WP_TAGS, Grammar, split, tokens

GRAMMARS = [WP_SPLIT, WP_TAGS, HTML_TAGS]
RAW_SETS = [frozenset(), frozenset({"pre", "code", "script", "style"}), RAW_TEXT]


def elements(text: str, grammar: Grammar, raw: frozenset[str] = frozenset()) -> list[str]:
    """The element pieces (tag or comment plus any raw-text region) as strings."""
    return split(text, grammar, raw)[1::2]


# ---- the grammars -----------------------------------------------------------------------------------------


def test_every_lt_is_an_element_for_wp_html_split_only() -> None:
    text = "a < b and c<d"
    assert elements(text, WP_SPLIT) == ["< b and c<d"]
    assert elements(text, WP_TAGS) == ["<d"]
    assert elements(text, HTML_TAGS) == []


def test_quotes_count_only_in_the_html_grammar() -> None:
    text = '<a title="x>[y]">z</a>'
    assert elements(text, WP_SPLIT) == ['<a title="x>', "</a>"]
    assert elements(text, WP_TAGS) == ['<a title="x>', "</a>"]
    assert elements(text, HTML_TAGS) == ['<a title="x>[y]">', "</a>"]


def test_an_unclosed_tag_runs_to_the_end_except_in_the_html_grammar() -> None:
    text = "x <b class='y' [z]"
    assert elements(text, WP_SPLIT) == ["<b class='y' [z]"]
    assert elements(text, WP_TAGS) == ["<b class='y' [z]"]
    assert elements(text, HTML_TAGS) == []


def test_comments_and_cdata() -> None:
    # wp_html_split ends a comment at the first "-->" after "<!": "<!-->" is a whole comment.
    assert elements("<!-->a-->b", WP_SPLIT) == ["<!-->"]
    assert elements("<!-->a-->b", WP_TAGS) == ["<!-->a-->"]
    assert elements("<!-->a-->b", HTML_TAGS) == ["<!-->a-->"]
    for grammar in GRAMMARS:
        assert elements("a<!-- <p> [x] -->b", grammar) == ["<!-- <p> [x] -->"]
        assert elements("a<![CDATA[ <p> ]]>b", grammar) == ["<![CDATA[ <p> ]]>"]
        assert elements("a<!-- never closed <p>", grammar) == ["<!-- never closed <p>"]
    kinds = [t.kind for t in tokens("<!--c--><![CDATA[d]]><!DOCTYPE html><p>", HTML_TAGS)]
    assert kinds == ["comment", "cdata", "other", "tag"]


def test_tag_names_and_attributes() -> None:
    [opening, closing] = tokens('<DIV class="a b">x</div >', HTML_TAGS)
    assert (opening.kind, opening.name, opening.closing, opening.attrs) == ("tag", "div", False, ' class="a b"')
    assert (closing.name, closing.closing) == ("div", True)
    assert [t.name for t in tokens("<pre.x><pre\u00a0><Pre>", WP_TAGS)] == ["", "pre", "pre"]


# ---- raw-text regions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("grammar", [WP_TAGS, HTML_TAGS])
def test_raw_text_regions(grammar: Grammar) -> None:
    raw = frozenset({"pre", "script"})
    text = "a<pre class='x'><b>[x]</b></PRE  >c<script>if (a<b) {}</script>"
    pieces = split(text, grammar, raw)
    assert pieces == ["a", "<pre class='x'><b>[x]</b></PRE  >", "c", "<script>if (a<b) {}</script>", ""]
    [pre, script] = tokens(text, grammar, raw)
    closer = text.index("</PRE")
    assert pre.raw and pre.closer == (closer, closer + len("</PRE  >"))
    assert text[pre.end : closer] == "<b>[x]</b>"
    assert script.raw and script.region_end == len(text)


@pytest.mark.parametrize("grammar", [WP_TAGS, HTML_TAGS])
def test_unclosed_and_self_closing_raw_elements(grammar: Grammar) -> None:
    raw = frozenset({"code"})
    [code] = tokens("a<code>b<i>c", grammar, raw)
    assert code.raw and code.region_end == len("a<code>b<i>c") and code.closer is None
    assert [t.raw for t in tokens("a<code/>b<i>c</i>", grammar, raw)] == [False, False, False]
    assert [t.name for t in tokens("<code>x</codex></code>", grammar, raw)] == ["code"]


def test_wp_html_split_has_no_raw_text_regions() -> None:
    assert elements("<pre><b>x</b></pre>", WP_SPLIT, RAW_TEXT) == ["<pre>", "<b>", "</b>", "</pre>"]


# ---- properties -------------------------------------------------------------------------------------------

PIECES = [
    "<", ">", "/", "!", "?", "-", "<!--", "-->", "<!-->", "<![CDATA[", "]]>", "<pre>", "</pre >", "<PRE x>",
    "<code/>", "<code / >", "<script>", "</SCRIPT>", "<style a='>'>", "</style>", "<textarea>", "</textarea>",
    "<xmp>", "</xmp>", "<p>", "</p>", '<a href="x>y">', "'", '"', " ", "\n", "a", "[x]", "<b", "<!DOCTYPE html>",
    "<?php ?>", "<br/>", "\u00a0", "=", "\x00", "\ud800",
]  # fmt: skip
HTMLISH = st.one_of(st.text(), st.lists(st.sampled_from(PIECES), max_size=40).map("".join))


@given(HTMLISH, st.sampled_from(GRAMMARS), st.sampled_from(RAW_SETS))
def test_splitting_then_joining_gives_the_input_back(text: str, grammar: Grammar, raw: frozenset[str]) -> None:
    pieces = split(text, grammar, raw)
    assert "".join(pieces) == text
    assert len(pieces) % 2 == 1
    assert all(element.startswith("<") for element in pieces[1::2])


@given(HTMLISH, st.sampled_from(GRAMMARS), st.sampled_from(RAW_SETS))
def test_tokens_are_ordered_and_skip_no_element(text: str, grammar: Grammar, raw: frozenset[str]) -> None:
    pos = 0
    for token in tokens(text, grammar, raw):
        # Nothing between two elements would start one.
        for i in range(pos, token.start):
            assert text[i] != "<" or grammar.pattern.match(text, i) is None
        assert pos <= token.start < token.end <= token.region_end <= len(text)
        if token.raw:
            assert token.name in raw and not token.closing
        if token.closer is not None:
            assert token.end <= token.closer[0] < token.closer[1] == token.region_end
            assert text[token.closer[0] : token.closer[1]].lower().startswith(f"</{token.name}")
        if not token.raw:
            assert token.region_end == token.end
        pos = token.region_end
    for i in range(pos, len(text)):
        assert text[i] != "<" or grammar.pattern.match(text, i) is None

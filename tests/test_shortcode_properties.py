"""Property tests: apply_shortcodes and parse_atts never raise, text survives, balance is kept."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from exporter.clean.handlers import apply_shortcodes
from exporter.clean.shortcodes import find_shortcodes, parse_atts, repair_quotes
from exporter.messages import Message
from tests.test_shortcodes import balanced

# Names whose content, if any, is kept (so every word outside tags must survive).
KEEPING_NAMES = [
    "bg_collapse",
    "bg_collapse_level2",
    "expand",
    "expandsub1",
    "su_spoiler",
    "_su_spoiler",
    "su_accordion",
    "toggle",
    "premium_newsticker",
    "caption",
    "embed",
    "audio",
    "video",
    "gallery",
    "efn_note",
    "foo",
    "note_box",
    "b",
    "Simple",
]
ALL_NAMES = [*KEEPING_NAMES, "contact-form", "5", "x-y"]
ATTR_NAMES = ["title", "id", "view", "expand_text", "src", "caption", "Align", "mp3"]
ATTR_VALUES = ["x", "Show More", "154171", "https://e.example/a/", "", "a b", "<b>x</b>", "C:\\t", "’tis", "&amp;"]
QUOTES = [('"', '"'), ("'", "'"), ("”", "″"), ("&#8221;", "&#8221;"), ("“", "”"), ("", ""), ("&quot;", "&quot;")]

words = st.from_regex(r"w[a-z]{4,8}", fullmatch=True)
attribute = st.builds(
    lambda name, quote, value: f"{name}={quote[0]}{value}{quote[1]}",
    st.sampled_from(ATTR_NAMES),
    st.sampled_from(QUOTES),
    st.sampled_from(ATTR_VALUES),
)
positional = st.sampled_from(["123", '"in quotes"', "'single'", "https://e.example/"])


def tag(names: list[str]) -> st.SearchStrategy[str]:
    """An opening, self-closing, closing or escaped shortcode tag."""
    opening = st.builds(
        lambda n, atts, slash: f"[{n}{''.join(' ' + a for a in atts)}{slash}]",
        st.sampled_from(names),
        st.lists(st.one_of(attribute, positional), max_size=3),
        st.sampled_from(["", " /", "/", " "]),
    )
    closing = st.builds(lambda n: f"[/{n}]", st.sampled_from(names))
    escaped = st.builds(lambda t: f"[{t}]", opening)
    return st.one_of(opening, closing, escaped)


NOISE = [
    "<p>",
    "</p>",
    "<br />",
    "<em>",
    "</em>",
    "&nbsp;",
    "&#8221;",
    "&amp;",
    "[5]",
    "[27][28]",
    "[b]",
    "<",
    ">",
    "[",
    "]",
    "=",
    "<!-- [expand] -->",
    "<pre>[su_spoiler]x[/su_spoiler]</pre>",
    '<a href="[foo a=1]">',
    "</a>",
    "\u00a0",
]

piece = st.one_of(
    words.map(lambda w: ("word", w)),
    tag(KEEPING_NAMES).map(lambda t: ("tag", t)),
    st.sampled_from(NOISE).map(lambda t: ("noise", t)),
)


def _check_records(messages: list[Message]) -> None:
    """Every decision is a record of the shortcodes stage with a kebab-case code and a readable text."""
    for message in messages:
        assert isinstance(message, Message) and message.stage == "shortcodes" and message.text
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", message.code) and message.level in ("info", "warning")


@given(st.lists(piece, max_size=30))
def test_words_outside_tags_survive(pieces: list[tuple[str, str]]) -> None:
    html = " ".join(text for _, text in pieces)
    out, messages = apply_shortcodes(html)
    _check_records(messages)
    for kind, text in pieces:
        if kind == "word":
            assert text in out


@given(st.text(alphabet=st.sampled_from(list("[]/=\"'<>!- abx_1\n”″&#;p\u00a0\ufdd0\ue000")), max_size=80))
def test_apply_never_raises(text: str) -> None:
    out, messages = apply_shortcodes(text)
    assert isinstance(out, str)
    _check_records(messages)


@given(st.text(max_size=120))
def test_parse_atts_never_raises(text: str) -> None:
    atts = parse_atts(text)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in atts.items())
    repaired, _ = repair_quotes(text)
    parse_atts(repaired)


@given(st.lists(st.one_of(words, tag(ALL_NAMES), st.sampled_from(NOISE)), max_size=25))
def test_matches_are_ordered_and_exact(pieces: list[str]) -> None:
    text = " ".join(pieces)
    matches = find_shortcodes(text, lambda m: True, ALL_NAMES)
    end = 0
    for m in matches:
        assert m.span[0] >= end
        assert text[m.span[0] : m.span[1]] == m.raw
        if m.content is not None:
            assert m.close_tag is not None
            assert text[m.open_tag[1] : m.close_tag[0]] == m.content
        end = m.span[1]


inline = st.one_of(
    words,
    words.map(lambda w: f"<em>{w}</em>"),
    st.sampled_from(["<br />", "&nbsp;", "[5]", "[b]"]),
    tag(ALL_NAMES),
)
paragraph = st.one_of(
    st.lists(inline, min_size=1, max_size=5).map(lambda items: "<p>" + " ".join(items) + "</p>"),
    tag(ALL_NAMES).map(lambda t: f"<p>{t}</p>"),
    words.map(lambda w: f"<h2>{w}</h2>"),
)


@given(st.lists(paragraph, max_size=12))
def test_balanced_input_gives_balanced_output(paragraphs: list[str]) -> None:
    html = "\n".join(paragraphs)
    assert balanced(html)
    out, _ = apply_shortcodes(html)
    assert balanced(out), out

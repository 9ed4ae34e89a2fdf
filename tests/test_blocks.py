"""prepare_post_content: pages, teasers, classic wpautop, block delimiters, embeds, bare URLs; properties and
speed."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporter.clean.autop import html_split_spans
from exporter.clean.blocks import PAGE_BREAK, prepare_post_content
from exporter.messages import Message

PAGES_WARNING = "post has {} pages (<!--nextpage-->): kept as one article with section breaks"


def texts(messages: list[Message]) -> list[str]:
    """The readable texts of the messages, each checked to be a record of the content stage."""
    for m in messages:
        assert isinstance(m, Message) and m.stage == "content", m
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", m.code), m
    return [m.text for m in messages]


def blocks(text: str) -> tuple[str, list[str]]:
    """The content as block content, and the message texts."""
    out, messages = prepare_post_content(text, "blocks")
    return out, texts(messages)


def classic(text: str) -> tuple[str, list[str]]:
    """The content as classic content, and the message texts."""
    out, messages = prepare_post_content(text, "classic")
    return out, texts(messages)


def test_messages_are_records_with_codes() -> None:
    text = (
        "<!-- wp:latest-posts /--><!-- wp:group --><p>a</p>\n\n<!--more-->"
        '<!-- wp:embed {"providerNameSlug":"x"} --><figure></figure><!-- /wp:embed -->'
    )
    _, messages = prepare_post_content(text, "classic")
    assert [(m.code, m.level) for m in messages] == [
        ("classic-has-blocks", "info"),
        ("more-removed", "info"),
        ("embed-without-url", "warning"),
        ("dynamic-block-dropped", "warning"),
        ("block-unclosed", "warning"),
    ]
    assert messages[3].text == "dropped dynamic block core/latest-posts: it has no saved HTML to export"


class TestFormats:
    def test_html_is_returned_unchanged(self) -> None:
        text = "<p>x</p><!--more--><!-- wp:paragraph -->\n\nhttps://e.example/\n"
        assert prepare_post_content(text, "html") == (text, [])

    def test_unknown_format_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="unknown content format"):
            prepare_post_content("x", "markdown")

    def test_classic_gets_wpautop(self) -> None:
        assert classic("a\nb\n\nc") == ("<p>a<br />\nb</p>\n<p>c</p>\n", [])

    def test_classic_keeps_shortcodes_for_the_next_stage(self) -> None:
        out, _ = classic('[caption id="x"]<img src="a.jpg" /> Cap[/caption]\n\nText')
        assert out == '<p>[caption id="x"]<img src="a.jpg" /> Cap[/caption]</p>\n<p>Text</p>\n'

    def test_blocks_never_get_wpautop(self) -> None:
        out, warnings = blocks("<!-- wp:paragraph -->\n<p>a\nb</p>\n<!-- /wp:paragraph -->")
        assert out == "\n<p>a\nb</p>\n"
        assert warnings == []

    def test_format_follows_the_content_as_in_wordpress(self) -> None:
        out, warnings = classic("<!-- wp:paragraph -->\n<p>a</p>\n<!-- /wp:paragraph -->")
        assert out == "\n<p>a</p>\n"
        assert "treated as block content" in warnings[0]
        out, warnings = blocks("a\n\nb")
        assert out == "<p>a</p>\n<p>b</p>\n"
        assert "treated as classic content" in warnings[0]


class TestPages:
    def test_pages_are_kept_with_section_breaks(self) -> None:
        out, warnings = classic("One\n<!--nextpage-->\nTwo<!--nextpage-->Three")
        assert out == f"<p>One</p>\n\n{PAGE_BREAK}\n<p>Two</p>\n\n{PAGE_BREAK}\n<p>Three</p>\n"
        assert warnings == [PAGES_WARNING.format(3)]

    def test_each_page_is_autopd_on_its_own(self) -> None:
        out, _ = classic("a\n<!--nextpage-->b")
        assert out == f"<p>a</p>\n\n{PAGE_BREAK}\n<p>b</p>\n"

    def test_marker_at_the_start_is_ignored(self) -> None:
        out, warnings = classic("<!--nextpage-->\nOnly")
        assert out == "<p>Only</p>\n"
        assert warnings == []

    def test_block_wrapper(self) -> None:
        text = (
            "<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n"
            "<!-- wp:nextpage -->\n<!--nextpage-->\n<!-- /wp:nextpage -->\n\n"
            "<!-- wp:paragraph -->\n<p>Two</p>\n<!-- /wp:paragraph -->"
        )
        out, warnings = blocks(text)
        assert "<!--" not in out
        assert out.replace("\n", "") == f"<p>One</p>{PAGE_BREAK}<p>Two</p>"
        assert warnings == [PAGES_WARNING.format(2)]

    def test_warnings_are_summed_over_pages(self) -> None:
        text = "a<!--more-->b<!--nextpage-->c<!--more-->d\n\n<!-- /wp:x --><!-- /wp:y -->"
        out, warnings = classic(text)
        assert out == f"<p>ab</p>\n\n{PAGE_BREAK}\n<p>cd</p>\n"
        assert warnings == [
            PAGES_WARNING.format(2),
            "removed 2 <!--more--> marker(s): the whole post is kept",
            "removed 2 block closing delimiter(s) without an opening one",
        ]

    def test_empty_last_page_adds_no_break(self) -> None:
        out, warnings = classic("a<!--nextpage-->")
        assert out == "<p>a</p>\n"
        assert warnings == [PAGES_WARNING.format(2)]


class TestTeaser:
    def test_more_markers_are_removed(self) -> None:
        out, warnings = classic("Intro\n\n<!--more-->\n\nRest")
        assert out == "<p>Intro</p>\n<p>Rest</p>\n"
        assert warnings == ["removed 1 <!--more--> marker(s): the whole post is kept"]

    def test_more_with_text_and_inline(self) -> None:
        out, _ = classic("Intro <!--more Read on!-->rest")
        assert out == "<p>Intro rest</p>\n"

    def test_more_marker_must_close_on_its_line(self) -> None:
        out, warnings = classic("a <!--more\n--> b")
        assert out == "<p>a <!--more\n--> b</p>\n"
        assert warnings == []

    def test_noteaser_is_removed_and_the_teaser_kept(self) -> None:
        out, warnings = classic("<!--noteaser-->Teaser\n\n<!--more-->\n\nRest")
        assert out == "<p>Teaser</p>\n<p>Rest</p>\n"
        assert any("noteaser" in w for w in warnings)

    def test_more_block(self) -> None:
        text = (
            '<p>Teaser</p>\n<!-- wp:more {"customText":"Go","noTeaser":true} -->\n<!--more Go-->\n<!--noteaser-->\n'
            "<!-- /wp:more -->\n<p>Rest</p>"
        )
        out, _ = blocks(text)
        assert "<!--" not in out
        assert re.sub(r"\s+", "", out) == "<p>Teaser</p><p>Rest</p>"


class TestBlockDelimiters:
    def test_saved_html_is_kept_and_nesting_is_flattened(self) -> None:
        text = (
            '<!-- wp:columns {"align":"wide"} -->\n<div class="wp-block-columns alignwide">'
            '<!-- wp:column -->\n<div class="wp-block-column"><!-- wp:paragraph -->\n<p>a</p>\n<!-- /wp:paragraph -->'
            "</div>\n<!-- /wp:column --></div>\n<!-- /wp:columns -->"
        )
        out, warnings = blocks(text)
        assert (
            out
            == '\n<div class="wp-block-columns alignwide">\n<div class="wp-block-column">\n<p>a</p>\n</div>\n</div>\n'
        )
        assert warnings == []

    def test_namespaced_blocks_and_json_with_tricky_strings(self) -> None:
        text = (
            '<!-- wp:acme/box {"title":"a } b","nested":{"x":[1,2]},"dash":"\\u002d\\u002d"} -->'
            "<div>box</div><!-- /wp:acme/box -->"
        )
        assert blocks(text) == ("<div>box</div>", [])

    def test_dynamic_void_blocks_are_dropped_with_a_warning(self) -> None:
        text = (
            '<p>a</p>\n<!-- wp:latest-posts {"postsToShow":3} /-->\n<!-- wp:archives /-->\n'
            '<!-- wp:navigation --><!-- wp:navigation-link {"label":"x"} /-->'
            '<!-- wp:navigation-link {"label":"y"} /--><!-- /wp:navigation -->\n'
            '<!-- wp:block {"ref":42} /-->\n<!-- wp:jetpack/subscriptions /-->'
        )
        out, warnings = blocks(text)
        assert out.strip() == "<p>a</p>"
        assert "dropped dynamic block core/latest-posts: it has no saved HTML to export" in warnings
        assert "dropped dynamic block core/archives: it has no saved HTML to export" in warnings
        assert "dropped dynamic block core/navigation-link (2×): it has no saved HTML to export" in warnings
        assert any("core/block (reusable block 42)" in w for w in warnings)
        assert any("jetpack/subscriptions" in w for w in warnings)

    def test_footnotes_block_is_dropped_silently(self) -> None:
        out, warnings = blocks(
            '<p>a<sup data-fn="x" class="fn"><a href="#x" id="x-link">1</a></sup></p>\n<!-- wp:footnotes /-->'
        )
        assert out == '<p>a<sup data-fn="x" class="fn"><a href="#x" id="x-link">1</a></sup></p>\n'
        assert warnings == []

    def test_shortcode_block_keeps_its_shortcode(self) -> None:
        out, warnings = blocks('<!-- wp:shortcode -->\n[gallery ids="1,2"]\n<!-- /wp:shortcode -->')
        assert out == '<p>[gallery ids="1,2"]</p>\n'  # its render callback runs wpautop on the text
        assert warnings == []

    def test_html_block_is_raw(self) -> None:
        out, _ = blocks("<!-- wp:html -->\n<table><tr><td>x\ny</td></tr></table>\n<!-- /wp:html -->")
        assert out == "\n<table><tr><td>x\ny</td></tr></table>\n"

    def test_malformed_and_stray_delimiters(self) -> None:
        out, warnings = blocks("<!-- wp:Paragraph --><p>a</p><!-- /wp:paragraph --><!--wp:x-->")
        assert out == "<p>a</p>"
        assert "removed 1 block closing delimiter(s) without an opening one" in warnings
        assert "removed 2 malformed block delimiter comment(s)" in warnings

    def test_unclosed_block_and_unterminated_comment(self) -> None:
        out, warnings = blocks("<!-- wp:group --><div>a</div><!-- wp:paragraph {")
        assert out == "<div>a</div>&lt;!-- wp:paragraph {"
        assert "block core/group is not closed: its content is kept" in warnings
        assert "unterminated block delimiter comment kept as text" in warnings

    def test_ordinary_comments_stay(self) -> None:
        out, _ = blocks("<!-- wp:paragraph --><p>a<!-- note --></p><!-- /wp:paragraph -->")
        assert out == "<p>a<!-- note --></p>"


class TestEmbeds:
    YOUTUBE = (
        '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=abc\\u0026t=1","type":"video",'
        '"providerNameSlug":"youtube","responsive":true} -->\n'
        '<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube">'
        '<div class="wp-block-embed__wrapper">\nhttps://www.youtube.com/watch?v=abc&amp;t=1\n</div>'
        "<figcaption>My video</figcaption></figure>\n<!-- /wp:embed -->"
    )

    def test_embed_block_becomes_a_link_in_its_figure(self) -> None:
        out, warnings = blocks(self.YOUTUBE)
        url = "https://www.youtube.com/watch?v=abc&amp;t=1"
        assert out == (
            '\n<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube">'
            f'<div class="wp-block-embed__wrapper"><p><a href="{url}">{url}</a></p></div>'
            "<figcaption>My video</figcaption></figure>\n"
        )
        assert warnings == ["embed block (youtube): https://www.youtube.com/watch?v=abc&t=1 kept as a link"]

    def test_legacy_embed_block_without_url_attribute(self) -> None:
        text = (
            '<!-- wp:core-embed/vimeo -->\n<figure class="wp-block-embed-vimeo">'
            '<div class="wp-block-embed__wrapper">\nhttps://vimeo.com/1\n</div></figure>\n<!-- /wp:core-embed/vimeo -->'
        )
        out, warnings = blocks(text)
        assert '<p><a href="https://vimeo.com/1">https://vimeo.com/1</a></p></div></figure>' in out
        assert warnings == ["embed block (vimeo): https://vimeo.com/1 kept as a link"]

    def test_void_embed(self) -> None:
        out, _ = blocks('<!-- wp:embed {"url":"https://e.example/v"} /-->')
        assert out == '<p><a href="https://e.example/v">https://e.example/v</a></p>'

    def test_other_wrapper_content_is_kept(self) -> None:
        text = (
            '<!-- wp:embed {"url":"https://e.example/v"} --><figure class="wp-block-embed">'
            '<div class="wp-block-embed__wrapper"><iframe src="https://e.example/v"></iframe> Watch</div>'
            "</figure><!-- /wp:embed -->"
        )
        out, _ = blocks(text)
        assert "Watch" in out and "<iframe" in out and '<a href="https://e.example/v">' in out


class TestBareUrls:
    def test_url_alone_on_a_line_becomes_a_linked_paragraph(self) -> None:
        out, warnings = classic("Look:\n\nhttps://www.youtube.com/watch?v=x&t=2\n\nNice")
        link = "https://www.youtube.com/watch?v=x&amp;t=2"
        assert out == f'<p>Look:</p>\n<p><a href="{link}">{link}</a></p>\n<p>Nice</p>\n'
        assert "1 bare URL(s)" in warnings[0] and "https://www.youtube.com/watch?v=x&t=2" in warnings[0]

    def test_url_between_lines(self) -> None:
        out, _ = classic("a\n  https://e.example/x  \nb")
        assert out == '<p>a<br />\n  <a href="https://e.example/x">https://e.example/x</a><br />\nb</p>\n'

    def test_url_in_running_text_is_left_alone(self) -> None:
        out, warnings = classic("see https://e.example/x now")
        assert out == "<p>see https://e.example/x now</p>\n"
        assert warnings == []

    def test_url_in_a_paragraph_of_its_own(self) -> None:
        out, _ = blocks('<!-- wp:paragraph -->\n<p class="x"> https://e.example/x </p>\n<!-- /wp:paragraph -->')
        assert out == '\n<p class="x"> <a href="https://e.example/x">https://e.example/x</a> </p>\n'

    def test_urls_in_code_and_in_tags_are_left_alone(self) -> None:
        text = '<pre>\nhttps://e.example/a\n</pre>\n\n<a title="x\nhttps://e.example/b\n">y</a>'
        out, warnings = classic(text)
        assert "<a href=" not in out
        assert warnings == []

    def test_entities_in_the_url_are_kept(self) -> None:
        out, _ = classic("https://e.example/?a=1&amp;b=2&c=3")
        assert (
            out
            == '<p><a href="https://e.example/?a=1&amp;b=2&amp;c=3">https://e.example/?a=1&amp;b=2&amp;c=3</a></p>\n'
        )


# --------------------------------------------------------------------------------------------------------
# Properties

BLOCK_FRAGMENTS = [
    "<!-- wp:paragraph -->",
    "<!-- /wp:paragraph -->",
    '<!-- wp:group {"layout":{"type":"flex"}} -->',
    "<!-- /wp:group -->",
    "<!-- wp:latest-posts /-->",
    "<!-- wp:footnotes /-->",
    '<!-- wp:embed {"url":"https://e.example/v"} -->',
    "<!-- /wp:embed -->",
    '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">',
    "</div></figure>",
    "<!-- wp:shortcode -->",
    "<!-- /wp:shortcode -->",
    "<!-- wp:more -->",
    "<!--more-->",
    "<!--more text-->",
    "<!--noteaser-->",
    "<!--nextpage-->",
    "<!-- wp:nextpage -->",
    "<!-- /wp:nextpage -->",
    "<!-- wp:Bad -->",
    "<!-- note -->",
    "https://e.example/a",
    "[gallery]",
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<pre>",
    "</pre>",
    "<br>",
    ">",
    "\n",
    "\n\n",
    " ",
]
# A bare "<" right before a removed delimiter makes a tag of the following word, in WordPress as here.
HOSTILE_FRAGMENTS = ["<", "<!--", "-->", "<!-- wp:", "<!", "--", " wp:", "{", "}", "/", "<!-- /wp:", "<!-- wp:x "]
words = st.from_regex(r"[a-z]{1,6}", fullmatch=True)
post = st.lists(st.one_of(st.sampled_from(BLOCK_FRAGMENTS), words), max_size=40).map("".join)
hostile_post = st.lists(st.one_of(st.sampled_from(BLOCK_FRAGMENTS + HOSTILE_FRAGMENTS), words), max_size=40).map(
    "".join
)
formats = st.sampled_from(["classic", "blocks", "html"])


def outside_elements(text: str) -> str:
    parts: list[str] = []
    pos = 0
    for start, end in html_split_spans(text):
        parts.append(text[pos:start])
        pos = end
    parts.append(text[pos:])
    return " ".join(parts)


@given(st.one_of(hostile_post, st.text(max_size=200)), formats)
def test_never_raises(text: str, content_format: str) -> None:
    out, messages = prepare_post_content(text, content_format)
    assert isinstance(out, str)
    texts(messages)


@given(post, formats)
def test_no_word_is_lost(text: str, content_format: str) -> None:
    out, _ = prepare_post_content(text, content_format)
    visible = outside_elements(out)
    for word in re.findall(r"[A-Za-z0-9]+", outside_elements(text)):
        assert word in visible


@given(st.one_of(hostile_post, st.text(alphabet="<!-wp: /{}>\nax", max_size=60)))
def test_blocks_output_has_no_delimiters(text: str) -> None:
    out, _ = prepare_post_content(text, "blocks")
    assert "<!-- wp:" not in out
    assert "<!-- /wp:" not in out


# --------------------------------------------------------------------------------------------------------
# Speed

CLASSIC_PARAGRAPH = (
    "Some words here, <a href='x'>a link</a> and <em>more</em> text.\nSecond line [caption id=1]x[/caption].\n\n"
    "https://www.youtube.com/watch?v=abc\n\n<div>\n<p>inside</p>\n</div>\n<pre>code\n\nmore</pre>\n\n"
)
BLOCK_PARAGRAPH = (
    "<!-- wp:paragraph -->\n<p>Some words, <a href='x'>a link</a>.</p>\n<!-- /wp:paragraph -->\n\n"
    '<!-- wp:image {"id":5} -->\n<figure class="wp-block-image"><img src="a.jpg" alt=""/></figure>\n'
    "<!-- /wp:image -->\n\n<!-- wp:latest-posts /-->\n\n"
)
HOSTILE = {
    "more markers": "<!--more" * 100_000,
    "unclosed delimiters": "<!-- wp:x {" * 80_000,
    "comment openers": "<!--" * 200_000 + "-->",
    "nested openers": "<!-- wp:group -->" * 50_000,
    "blank lines": "\n" * 500_000 + "https://e.example/",
    "unclosed code": "<code" * 100_000,
}


@pytest.mark.parametrize("name", list(HOSTILE))
@pytest.mark.parametrize("content_format", ["classic", "blocks"])
def test_hostile_input_is_handled(name: str, content_format: str) -> None:
    out, _ = prepare_post_content(HOSTILE[name], content_format)
    assert "<!-- wp:" not in out


@pytest.mark.parametrize(("paragraph", "content_format"), [(CLASSIC_PARAGRAPH, "classic"), (BLOCK_PARAGRAPH, "blocks")])
def test_one_megabyte_post_is_handled(paragraph: str, content_format: str) -> None:
    text = paragraph * (1_000_000 // len(paragraph))
    out, _ = prepare_post_content(text, content_format)
    assert "<!-- wp:" not in out

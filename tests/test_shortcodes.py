"""Unit tests for the shortcode grammar (shortcodes.py) and the handler registry (handlers.py)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from exporter.clean.handlers import (
    Action,
    Handler,
    Registry,
    ShortcodeRules,
    apply_shortcodes,
    default_registry,
    is_button_label,
)
from exporter.clean.shortcodes import (
    ShortcodeMatch,
    absorb_paragraph,
    discover_names,
    find_shortcodes,
    has_shortcode,
    mask_protected,
    paragraph_state,
    parse_atts,
    rename_shortcode,
    repair_quotes,
    replace_shortcodes,
    shortcode_unautop,
    stripcslashes,
)

VOID = {"br", "img", "hr", "input", "source", "meta", "link", "col", "wbr"}


def balanced(html: str) -> bool:
    """True if every non-void element closes in order (no HTML5 implied closing)."""
    stack: list[str] = []
    ok = True

    class Checker(HTMLParser):
        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag not in VOID:
                stack.append(tag)

        def handle_startendtag(self, tag: str, attrs: object) -> None:
            pass

        def handle_endtag(self, tag: str) -> None:
            nonlocal ok
            if tag in VOID:
                return
            if not stack or stack.pop() != tag:
                ok = False

    Checker().feed(html)
    return ok and not stack


def names_in(registered: list[str]):
    """An accept predicate for a fixed set of names (WordPress's behaviour)."""
    return lambda m: m.name in registered


def only(text: str, registered: list[str]) -> ShortcodeMatch:
    matches = find_shortcodes(text, names_in(registered), registered)
    assert len(matches) == 1
    return matches[0]


# --------------------------------------------------------------------------------------------------------
# parse_atts


class TestParseAtts:
    def test_named_positional_and_order(self) -> None:
        got = parse_atts(' 42 link=https://example.org/ solo size="large"')
        assert list(got.items()) == [
            ("0", "42"),
            ("link", "https://example.org/"),
            ("1", "solo"),
            ("size", "large"),
        ]

    def test_names_lowercased_last_wins(self) -> None:
        assert parse_atts(" Colour='red' COLOUR=\"blue\"") == {"colour": "blue"}

    def test_single_double_and_bare_values(self) -> None:
        assert parse_atts(""" a="it's" b='say "hi"' c=plain""") == {"a": "it's", "b": 'say "hi"', "c": "plain"}

    def test_spaces_around_equals(self) -> None:
        assert parse_atts(' width = "300"') == {"width": "300"}

    def test_stripcslashes(self) -> None:
        assert parse_atts(r' path="C:\temp" q=a\x41\n') == {"path": "C:\temp", "q": "aA\n"}
        # A backslash does not escape a quote for the grammar: this is one positional token.
        assert parse_atts(r' q="a\"b"') == {"0": 'q="a"b"'}
        assert stripcslashes(r"\x41\101\q\\") == "AAq\\"
        assert stripcslashes("end\\") == "end\\"

    def test_unicode_separators(self) -> None:
        assert parse_atts(' a="1"\u00a0b="2"\u200bc="3"') == {"a": "1", "b": "2", "c": "3"}
        assert parse_atts(' a="1"\u2009b="2"') == {"0": 'a="1"\u2009b="2"'}

    def test_unclosed_html_guard(self) -> None:
        assert parse_atts(' ok="<b>bold</b>" bad="<a href=x"') == {"ok": "<b>bold</b>", "bad": ""}

    def test_must_be_followed_by_whitespace(self) -> None:
        assert parse_atts(' a="b"c') == {"0": 'a="b"c'}
        assert parse_atts(' a="b c') == {"0": 'a="b', "1": "c"}

    def test_empty_quoted_positional_dropped_zero_kept(self) -> None:
        assert parse_atts(' "" \'\' 0 x=""') == {"0": "0", "x": ""}

    def test_nothing(self) -> None:
        assert parse_atts("") == {}
        assert parse_atts(" \t ") == {}

    def test_numeric_named_key_moves_positional_index(self) -> None:
        assert parse_atts(" 3=x y") == {"3": "x", "4": "y"}

    def test_texturized_quotes_are_plain_characters(self) -> None:
        assert parse_atts(" id=”154171″") == {"id": "”154171″"}


class TestRepairQuotes:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            (" id=”154171″", ' id="154171"'),
            (" view=&#8221;button-orange&#8221;", ' view="button-orange"'),
            (" view=&rdquo;a&rdquo; b=&quot;c&quot;", ' view="a" b="c"'),
            (" t=“Deux mots”", ' t="Deux mots"'),
            (" t=„Zwei Wörter“", ' t="Zwei Wörter"'),
            (" t=«deux»", ' t="deux"'),
            (" t=’x’", " t='x'"),
            (" t=&#x201C;hex&#x201D;", ' t="hex"'),
        ],
    )
    def test_repairs(self, raw: str, expected: str) -> None:
        assert repair_quotes(raw) == (expected, True)

    def test_apostrophe_inside_value_kept(self) -> None:
        text, repaired = repair_quotes(" title=“Don’t panic”")
        assert repaired
        assert parse_atts(text) == {"title": "Don’t panic"}

    def test_nothing_to_repair(self) -> None:
        assert repair_quotes(' a="b" c=d’s') == (' a="b" c=d’s', False)


# --------------------------------------------------------------------------------------------------------
# Matching


class TestGrammar:
    def test_name_boundary(self) -> None:
        reg = ["note", "note-box"]
        assert only("[note-box]", reg).name == "note-box"
        assert find_shortcodes("[note_x] [notes] [note-]", names_in(reg), reg) == []

    def test_close_bracket_ends_attributes_even_in_quotes(self) -> None:
        m = only('[tip text="a]b"] after', ["tip"])
        assert m.raw == '[tip text="a]'
        assert m.attrs == {"0": 'text="a'}

    def test_self_closing_eats_final_slash(self) -> None:
        m = only("[link to=https://example.org/]", ["link"])
        assert m.self_closing
        assert m.attrs == {"to": "https://example.org"}
        assert m.content is None

    def test_enclosing_needs_literal_closer(self) -> None:
        m = only("[box]inside[/box]", ["box"])
        assert m.content == "inside"
        assert only("[box]inside[/box ]", ["box"]).content is None
        assert only("[box]inside[/Box]", ["box"]).content is None

    def test_first_closer_wins_same_tag_no_nesting(self) -> None:
        text = "[box]a[box]b[/box]c[/box]"
        m = only(text, ["box"])
        assert m.content == "a[box]b"
        assert text[m.span[1] :] == "c[/box]"

    def test_escaped_and_one_sided(self) -> None:
        render = replace_shortcodes
        reg = ["x", "y"]
        assert render("[[x]] [[y a=1]]", names_in(reg), lambda m: "X", reg) == "[x] [y a=1]"
        assert render("[[x] tail", names_in(reg), lambda m: "X", reg) == "[X tail"
        assert render("[[[x]]]", names_in(reg), lambda m: "X", reg) == "[[x]]"
        assert render("[[nope]]", names_in(reg), lambda m: "X", reg) == "[[nope]]"

    def test_case_sensitive(self) -> None:
        assert find_shortcodes("[Gallery]", names_in(["gallery"]), ["gallery"]) == []

    def test_discovery(self) -> None:
        reg = ["tip"]
        assert discover_names("[tip.x] [a b] [c=d]") == {"tip.x", "a", "c"}
        assert find_shortcodes("[tip.x]", names_in(reg), reg) == []
        assert [m.attr_text for m in find_shortcodes("[tip.x] [tip]", names_in(reg), reg)] == [".x", ""]

    def test_names_with_odd_characters(self) -> None:
        assert only("[good! a=1]", ["good!"]).attrs == {"a": "1"}

    def test_left_to_right_non_overlapping(self) -> None:
        reg = ["a", "b"]
        got = find_shortcodes("[a]1[b]2[/a]3[/b]", names_in(reg), reg)
        assert [(m.name, m.content) for m in got] == [("a", "1[b]2")]

    def test_wp_groups(self) -> None:
        m = only("[t a='b' c='d']", ["t"])
        assert m.wp_groups == ("[t a='b' c='d']", "", "t", " a='b' c='d'", "", "", "")

    @pytest.mark.parametrize(
        "text",
        [
            "<!-- [box]x[/box] -->",
            "<![CDATA[ [box]x[/box] ]]>",
            '<a title="[box]x[/box]">link</a>',
            "<pre>[box]x[/box]</pre>",
            "<code>[box]x[/box]</code>",
            "<script>var a = '[box]x[/box]';</script>",
            "<style>a[box] { }</style>",
            "<PRE class='q'>[box]x[/box]</PRE>",
            "<pre>[box]never closed",
        ],
    )
    def test_protected_regions(self, text: str) -> None:
        assert find_shortcodes(text, names_in(["box"]), ["box"]) == []

    def test_closer_in_comment_does_not_close(self) -> None:
        assert only("[box]a<!-- [/box] -->b", ["box"]).content is None

    def test_shortcode_can_span_html(self) -> None:
        m = only("[box]<p>one</p><pre>[/box]</pre><p>two</p>[/box]", ["box"])
        assert m.content == "<p>one</p><pre>[/box]</pre><p>two</p>"

    def test_bare_less_than_is_prose(self) -> None:
        assert only("if a < b then [box]x[/box]", ["box"]).content == "x"
        assert mask_protected("a < b [x]") == "a < b [x]"

    def test_quotes_repaired_flag(self) -> None:
        m = only("[premium_newsticker id=”154171″]", ["premium_newsticker"])
        assert m.quotes_repaired
        assert m.attrs == {"id": "154171"}
        assert m.attr_text == " id=”154171″"

    def test_has_shortcode_recurses(self) -> None:
        reg = ["outer", "gallery"]
        assert has_shortcode("[outer] [gallery] [/outer]", "gallery", names_in(reg), reg)
        assert not has_shortcode("<!-- [gallery] -->", "gallery", names_in(reg), reg)


class TestParagraphs:
    def test_unwrap_spans(self) -> None:
        text = "<p>[box]</p>\n<p>inside</p>\n<p> &nbsp;[/box]<br /> </p>"
        (m,) = find_shortcodes(text, names_in(["box"]), ["box"], unwrap_paragraphs=True)
        assert m.outer_open == (0, 12)
        assert m.outer_close == (len(text) - len("<p> &nbsp;[/box]<br /> </p>"), len(text))
        start, end = m.inner_span
        assert text[start:end] == "\n<p>inside</p>\n"

    def test_absorb_line_breaks(self) -> None:
        text = "<p>[box]<br />\nline<br />\n[/box]</p>"
        assert text[slice(*absorb_paragraph(text, 3, 8))] == "[box]<br />"
        close = text.index("[/box]")
        assert text[slice(*absorb_paragraph(text, close, close + 6))] == "<br />\n[/box]"

    def test_not_alone_not_absorbed(self) -> None:
        text = "<p>Intro [box]</p>"
        assert absorb_paragraph(text, 9, 14) == (9, 14)

    def test_wordpress_unautop(self) -> None:
        reg = ["gallery", "box"]
        accept = names_in(reg)
        assert shortcode_unautop('<p> &nbsp;[gallery ids="1,2"]\u00a0</p>', accept, reg) == '[gallery ids="1,2"]'
        text = "<p>[box]</p>\n<p>content</p>\n<p>[/box]</p>\n"
        assert shortcode_unautop(text, accept, reg) == "[box]</p>\n<p>content</p>\n<p>[/box]\n"
        assert shortcode_unautop("<p>[other]</p>", accept, reg) == "<p>[other]</p>"

    def test_paragraph_state(self) -> None:
        text = "<p>a</p> b <p>c <!-- </p> --> d"
        inside = paragraph_state(text)
        assert [inside(text.index(ch)) for ch in "abcd"] == [True, False, True, True]
        assert paragraph_state("x", initial=True)(0)
        text = "<pre><p>code</pre> after <script>'</p>'</script> end"
        inside = paragraph_state(text)
        assert not inside(text.index("after")) and not inside(text.index("end"))

    def test_rename(self) -> None:
        text = "[bg_collapse_preset1]x[/bg_collapse_preset1] <!-- [bg_collapse_preset1] --> [bg_collapse_preset10]"
        assert rename_shortcode(text, "bg_collapse_preset1", "bg_collapse") == (
            "[bg_collapse]x[/bg_collapse] <!-- [bg_collapse_preset1] --> [bg_collapse_preset10]"
        )


# --------------------------------------------------------------------------------------------------------
# apply_shortcodes


SEED_LIKE = (
    "<p>A short introduction to the piece.</p>\n"
    "<p>Press the button below</p>\n"
    '<p>[bg_collapse view="button-orange" color="#4a4949" icon="eye" expand_text="Show More" '
    'collapse_text="Show Less" ]</p>\n'
    "<p>The movement began in exile.[5] It says many things.[27][28] Critics call it a sect.[b]</p>\n"
    "<p>[This remark was added by the editors, not the author. —Eds.]</p>\n"
    "<p>Later it moved abroad.[46]</p>\n"
    "<p>[/bg_collapse]</p>\n"
    "<h2>Licence</h2>\n"
    "<p>Some licence words.</p>\n"
    "<p>[premium_newsticker id=”154171″]</p>"
)


def _texts(html: str, registry: Registry | None = None) -> tuple[str, list[str]]:
    """``apply_shortcodes`` with its messages as their readable texts."""
    out, messages = apply_shortcodes(html, registry)
    assert all(m.stage == "shortcodes" for m in messages)
    return out, [m.text for m in messages]


class TestMessages:
    def test_records_with_stage_code_level_and_where(self) -> None:
        _, messages = apply_shortcodes(SEED_LIKE)
        assert [(m.stage, m.code, m.level) for m in messages] == [
            ("shortcodes", "expanded", "info"),
            ("shortcodes", "typographic-quotes", "info"),
            ("shortcodes", "removed", "info"),
        ]
        assert messages[0].where == '[bg_collapse view="button-orange" color="#4a4949" icon="ey…]'
        assert messages[2].where == "[premium_newsticker id=”154171″]"
        assert str(messages[2]) == (
            "shortcode [premium_newsticker] removed (inactive plugin leftover) ([premium_newsticker id=”154171″])"
        )

    @pytest.mark.parametrize(
        ("html", "code", "level"),
        [
            ('<p>[widget id="3"]</p>', "unknown-removed", "warning"),
            ("<p>[pullquote]A quote.[/pullquote]</p>", "unknown-unwrapped", "warning"),
            ('<p>[bg_collapse view="link"]</p><p>x</p>', "not-closed", "warning"),
            ("<p>[video] plays</p>", "not-converted-kept", "warning"),
            ("<p>[caption]just words[/caption]</p>", "not-converted-unwrapped", "warning"),
            ('<p>[gallery ids="1,2"]</p>', "not-converted-removed", "warning"),
            (
                '<p>[bg_collapse view="link" expand_text="More" </p><p>x</p><p>[/bg_collapse]</p>',
                "runs-into-html",
                "warning",
            ),
            ("<p>a</p><p>[/bg_collapse]</p>", "orphan-closer", "info"),
            ("<p>[[bg_collapse]]</p>", "escaped", "info"),
            ('<p>[su_spoiler title="Early years"]x[/su_spoiler]</p>', "expanded-with-title", "info"),
            ("<p>[premium_newsticker]words[/premium_newsticker]</p>", "removed-kept-content", "info"),
            ("<p>[contact-form]x[/contact-form]</p>", "removed-with-content", "info"),
            ('<p>[caption]<img src="a.jpg" /> A harbour[/caption]</p>', "converted", "info"),
            ("<p>Claim.[efn_note]Source.[/efn_note]</p>", "left-as-written", "info"),
        ],
    )
    def test_each_decision_has_its_code(self, html: str, code: str, level: str) -> None:
        _, messages = apply_shortcodes(html)
        assert (messages[0].code, messages[0].level) == (code, level), messages

    def test_too_deep(self) -> None:
        html = "".join(f"[n{i} a=1]" for i in range(50)) + "core" + "".join(f"[/n{i}]" for i in reversed(range(50)))
        _, messages = apply_shortcodes(html)
        assert [(m.code, m.level) for m in messages if m.code == "too-deep"] == [("too-deep", "warning")]

    def test_long_tags_are_shortened_in_where(self) -> None:
        _, messages = apply_shortcodes(f'<p>[widget title="{"x" * 200}"]</p>')
        assert messages[0].where is not None and len(messages[0].where) == 60
        assert messages[0].where.endswith("…]")


class TestApply:
    def test_seed_like(self) -> None:
        out, warnings = _texts(SEED_LIKE)
        assert "bg_collapse" not in out and "premium_newsticker" not in out
        assert "Show More" not in out and "Show Less" not in out
        for marker in ("[5]", "[27][28]", "[b]", "[46]", "[This remark was added by the editors"):
            assert marker in out
        assert "<p>Press the button below</p>\n\n<p>The movement began" in out
        assert "<p>Later it moved abroad.[46]</p>\n\n<h2>Licence</h2>" in out
        assert out.rstrip().endswith("<p>Some licence words.</p>")
        assert "<p></p>" not in out
        assert balanced(out)
        assert warnings == [
            "shortcode [bg_collapse] expanded inline",
            "shortcode [premium_newsticker]: typographic quotes in attributes read as ASCII",
            "shortcode [premium_newsticker] removed (inactive plugin leftover)",
        ]

    def test_texturized_entities_in_attributes(self) -> None:
        out, warnings = _texts("<p>[bg_collapse view=&#8221;button-orange&#8221;]</p><p>x</p><p>[/bg_collapse]</p>")
        assert out == "<p>x</p>"
        assert "shortcode [bg_collapse]: typographic quotes in attributes read as ASCII" in warnings

    def test_nested_spoilers_in_accordion(self) -> None:
        html = (
            "<p>[su_accordion]</p>\n"
            '<p>[su_spoiler title="Early years" style="fancy"]</p>\n<p>First text.</p>\n<p>[/su_spoiler]</p>\n'
            '<p>[su_spoiler title="Show more"]Second text.[/su_spoiler]</p>\n'
            "<p>[/su_accordion]</p>"
        )
        out, warnings = _texts(html)
        assert out.replace("\n", "") == "<h3>Early years</h3><p>First text.</p><p>Second text.</p>"
        assert warnings == [
            "shortcode [su_spoiler] expanded inline, title kept as heading",
            "shortcode [su_spoiler] expanded inline",
            "shortcode [su_accordion] expanded inline",
        ]

    def test_su_underscore_nesting(self) -> None:
        html = '[su_spoiler title="Outer"]a [_su_spoiler title="Inner"]b[_/su_spoiler] c[/su_spoiler]'
        out, _ = _texts(html)
        assert out == "<h3>Outer</h3>a <h3>Inner</h3>b c"

    def test_collapse_o_matic_nesting_and_title_in_paragraph(self) -> None:
        html = (
            '<p>Before [expand title="The details"]one '
            '[expandsub1 title="Read more"]two[/expandsub1][/expand] after</p>'
        )
        out, _ = _texts(html)
        assert out == "<p>Before </p><h3>The details</h3><p>one two after</p>"
        assert balanced(out)

    def test_enclosed_content_starting_with_closing_p(self) -> None:
        html = "<p>Intro [bg_collapse]</p>\n<p>hidden</p>\n<p>[/bg_collapse] end</p>"
        out, _ = _texts(html)
        assert out == "<p>Intro </p>\n<p>hidden</p>\n<p> end</p>"
        html = '<p>Intro [su_spoiler title="Part two"]</p>\n<p>hidden</p>\n<p>[/su_spoiler]</p>'
        out, _ = _texts(html)
        assert out == "<p>Intro </p><h3>Part two</h3>\n<p>hidden</p>\n"
        assert balanced(out)

    def test_enclosed_content_with_line_breaks(self) -> None:
        out, _ = _texts("<p>[bg_collapse]<br />\nfirst<br />\nsecond<br />\n[/bg_collapse]</p>")
        assert out == "<p>\nfirst<br />\nsecond</p>"

    def test_escaped(self) -> None:
        out, warnings = _texts("<p>Type [[bg_collapse]] or [[gallery ids=1]] to get one.</p>")
        assert out == "<p>Type [bg_collapse] or [gallery ids=1] to get one.</p>"
        assert warnings[0] == "escaped shortcode [[bg_collapse]] printed as [bg_collapse]"

    def test_protected_places_untouched(self) -> None:
        html = (
            '<p><a href="/x" title="[expand title=a]">link</a></p><!-- [premium_newsticker id="1"] -->'
            "<pre>[bg_collapse]code[/bg_collapse]</pre><p><code>[foo bar=1]</code></p>"
        )
        assert _texts(html) == (html, [])

    def test_unclosed_registered(self) -> None:
        out, warnings = _texts('<p>[bg_collapse view="link"]</p><p>All the text stays.</p>')
        assert out == "<p>All the text stays.</p>"
        assert warnings == ["shortcode [bg_collapse] not closed: tag removed, text kept"]

    def test_orphan_closer_of_registered_name(self) -> None:
        out, warnings = _texts("<p>a</p><p>[/bg_collapse]</p><p>b [/expand] c</p>")
        assert out == "<p>a</p><p>b  c</p>"
        assert warnings[0] == "shortcode closing tag [/bg_collapse] without opening tag removed"

    def test_same_tag_nesting(self) -> None:
        out, _ = _texts("[bg_collapse]a [bg_collapse]b[/bg_collapse] c[/bg_collapse]")
        assert out == "a b c"

    def test_missing_bracket_before_html(self) -> None:
        html = '<p>[bg_collapse view="link" expand_text="More" </p><p>Text.</p><p>[/bg_collapse]</p>'
        out, warnings = _texts(html)
        assert "Text." in out and '[bg_collapse view="link"' in out
        assert "shortcode [bg_collapse] runs into HTML before its ']': left as text" in warnings

    @pytest.mark.parametrize(
        "prose",
        [
            "<p>a [simple boat] on the lake</p>",
            "<p>cited[5] twice[27][28] and [b]</p>",
            "<p>[This is not the first time, see the appendix. —Eds.]</p>",
            "<p>[Note: see x=5 below]</p>",
            "<p>[sic] and [...] and [ ] and [/] and []</p>",
            "<p>[[not-a-tag]]</p>",
            "<p>[2024-01-01 version=2]</p>",
        ],
    )
    def test_bracketed_prose_untouched(self, prose: str) -> None:
        assert _texts(prose) == (prose, [])

    def test_unknown_shortcodes(self) -> None:
        out, warnings = _texts('<p>[pullquote align="left"]A quote.[/pullquote]</p><p>[widget id="3"]</p><p>x</p>')
        assert out == "<p>A quote.</p><p>x</p>"
        assert warnings == [
            "shortcode [pullquote] unknown, tags removed, content kept",
            "shortcode [widget] unknown, removed",
        ]

    def test_remove_keeps_content_by_default(self) -> None:
        out, _ = _texts("<p>[premium_newsticker]words[/premium_newsticker]</p>")
        assert out == "<p>words</p>"

    def test_remove_with_content_when_not_article_text(self) -> None:
        html = '<p>Write to us:</p><p>[contact-form][contact-field label="Name"/][/contact-form]</p><p>End</p>'
        out, warnings = _texts(html)
        assert out == "<p>Write to us:</p><p>End</p>"
        assert warnings == [
            "shortcode [contact-form] removed with its content (form; its content is field definitions)"
        ]

    def test_caption(self) -> None:
        image = '<a href="/big.jpg"><img src="a.jpg" alt="" /></a>'
        html = f'<p>[caption id="attachment_6" align="alignright" width="300"]{image} A harbour at dawn[/caption]</p>'
        out, warnings = _texts(html)
        assert out == (f"<figure>{image}<figcaption>A harbour at dawn</figcaption></figure>")
        assert warnings == ["shortcode [caption] converted (figure with caption)"]
        out, _ = _texts('<p>Look: [caption caption="Old style"]<img src="b.jpg" />[/caption] there</p>')
        assert out == '<p>Look: </p><figure><img src="b.jpg" /><figcaption>Old style</figcaption></figure><p> there</p>'

    def test_caption_not_closed(self) -> None:
        out, warnings = _texts('<p>[caption width="300"]</p><p>Text after.</p>')
        assert out == "<p>Text after.</p>"
        assert warnings == ["shortcode [caption] not closed: tag removed, text kept"]

    def test_caption_without_image_keeps_text(self) -> None:
        out, _ = _texts("<p>[caption]just words[/caption]</p>")
        assert out == "<p>just words</p>"

    def test_media_links(self) -> None:
        out, _ = _texts("<p>[embed]https://video.example/watch?v=1&amp;t=2[/embed]</p>")
        assert (
            out
            == '<p><a href="https://video.example/watch?v=1&amp;t=2">https://video.example/watch?v=1&amp;t=2</a></p>'
        )
        out, _ = _texts('<p>[audio mp3="https://a.example/s.mp3"][/audio]</p>')
        assert out == '<p><a href="https://a.example/s.mp3">https://a.example/s.mp3</a></p>'
        out, warnings = _texts("<p>Transcript: [video] plays.</p>")
        assert out == "<p>Transcript: [video] plays.</p>"
        assert warnings == ["shortcode [video] could not be converted: left as written"]

    def test_footnotes_left_for_the_footnote_stage(self) -> None:
        html = "<p>Claim.[efn_note]Source, p. 4.[/efn_note]</p>"
        out, warnings = _texts(html)
        assert out == html
        assert warnings == ["shortcode [efn_note] left as written for the footnotes stage"]

    def test_preset_rename(self) -> None:
        out, _ = _texts("<p>[bg_collapse_preset1]</p><p>x</p><p>[/bg_collapse]</p>")
        assert out == "<p>x</p>"

    def test_marker_character_in_input(self) -> None:
        html = "<p>\ufdd0 [bg_collapse]</p><p>x</p><p>[/bg_collapse]</p>"
        out, _ = _texts(html)
        assert "\ufdd0" in out and "x" in out

    def test_no_brackets_fast_path(self) -> None:
        assert _texts("<p>plain</p>") == ("<p>plain</p>", [])

    def test_deep_nesting_does_not_crash(self) -> None:
        html = "".join(f"[n{i} a=1]" for i in range(200)) + "core" + "".join(f"[/n{i}]" for i in reversed(range(200)))
        out, warnings = _texts(html)
        assert "core" in out
        assert any("nested more than" in w for w in warnings)


class TestRegistry:
    def test_default_registry_contents(self) -> None:
        reg = default_registry()
        for name in ("bg_collapse", "bg_collapse_level3", "expand", "expandsub29", "su_spoiler", "_su_spoiler"):
            assert reg[name].action is Action.EXPAND
        for name in ("su_accordion", "accordion", "accordion-item", "toggle", "spoiler", "collapse"):
            assert reg[name].action is Action.EXPAND
        assert reg["premium_newsticker"].action is Action.REMOVE
        assert reg["premium_newsticker"].keep_content
        assert reg["caption"].action is Action.CONVERT
        assert "expandsub30" not in reg

    def test_register_priority_and_deregister(self) -> None:
        reg = Registry()
        reg.register(Handler("low", Action.REMOVE), priority=10)
        reg.register(Handler("high", Action.EXPAND), priority=90)
        reg.register(Handler("mid", Action.EXPAND))
        assert reg.names() == ["high", "mid", "low"]
        reg.deregister("mid")
        assert "mid" not in reg and len(reg) == 2
        with pytest.raises(KeyError):
            reg.deregister("mid")
        reg.deregister("mid", strict=False)
        with pytest.raises(ValueError):
            reg.register(Handler("bad name", Action.EXPAND))

    def test_update_from_plain_data(self) -> None:
        reg = default_registry().copy()
        reg.update(
            {
                "sidebar_box": {"action": "remove", "reason": "theme widget", "keep_content": False},
                "faq": {"action": "expand", "title_attrs": ["question"]},
                "figure_x": {"action": "convert", "converter": "caption"},
            }
        )
        out, warnings = _texts('[sidebar_box]ads[/sidebar_box][faq question="Why?"]Because.[/faq]', reg)
        assert out == "<h3>Why?</h3>Because."
        assert warnings[0] == "shortcode [sidebar_box] removed with its content (theme widget)"
        assert "sidebar_box" not in default_registry()

    def test_rules_predicate(self) -> None:
        rules = ShortcodeRules(default_registry())
        accepted = [m.name for m in find_shortcodes("[bg_collapse] [foo a=1] [5] [simple boat] [x]y[/x]", rules.accept)]
        assert accepted == ["bg_collapse", "foo", "x"]

    @pytest.mark.parametrize("label", ["Show More", "read more…", "Click to expand", "  MORE ", "Spoiler title"])
    def test_button_labels(self, label: str) -> None:
        assert is_button_label(label)

    def test_real_title_is_not_a_label(self) -> None:
        assert not is_button_label("More about the harbour")

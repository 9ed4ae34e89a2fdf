"""The footnotes stage: every source of notes becomes noterefs + Footnotes, numbered in reading order."""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

import lxml.etree
import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporter.clean import clean
from exporter.clean.footnotes import FOOTNOTE_SHORTCODES, RECOGNIZERS, Recognizer, extract_footnotes
from exporter.clean.footnotes.base import Context, Ref
from exporter.clean.footnotes.scan import Tag
from exporter.messages import Message
from exporter.model import Footnote, RawArticle
from exporter.writers.epub import write_epub
from exporter.writers.pdf import write_pdf
from tests.tools import pdftotext, run_epubcheck

NOTEREF = re.compile(r'<sup class="noteref" data-note="([^"]+)">([^<]*)</sup>')


def texts(messages: list[Message]) -> list[str]:
    """The readable texts of the messages."""
    return [m.text for m in messages]


def refs(html: str) -> list[tuple[str, str]]:
    """(id, label) of each noteref in the HTML, in order."""
    return NOTEREF.findall(html)


def text_of(fragment: str) -> str:
    """The text of an HTML fragment, spaces collapsed."""
    if not fragment.strip():
        return ""
    return " ".join(" ".join(lxml.html.fragment_fromstring(fragment, create_parent="div").itertext()).split())


def assert_well_formed(notes: list[Footnote]) -> None:
    """Every note body parses as XML; ids are unique and XML names; labels run 1, 2, 3…"""
    for note in notes:
        lxml.etree.fromstring(f"<div>{note.body}</div>")
        assert re.fullmatch(r"[A-Za-z_][\w.-]*", note.id)
    assert len({n.id for n in notes}) == len(notes)
    assert [n.label for n in notes] == [str(i) for i in range(1, len(notes) + 1)]


# ---- shortcodes --------------------------------------------------------------------------------------------


def test_efn_note_shortcodes_become_numbered_notes() -> None:
    html = (
        "<p>The tide tables were printed weekly[efn_note]Every Sunday, in the <em>Harbour Gazette</em>.[/efn_note]"
        " and pinned to the door.[efn_note]See <a href='https://example.org/tides'>the archive</a>.[/efn_note]</p>"
    )
    body, notes, messages = extract_footnotes(html)
    assert refs(body) == [("n1", "1"), ("n2", "2")]
    assert body == (
        '<p>The tide tables were printed weekly<sup class="noteref" data-note="n1">1</sup>'
        ' and pinned to the door.<sup class="noteref" data-note="n2">2</sup></p>'
    )
    assert notes[0].body == "Every Sunday, in the <em>Harbour Gazette</em>."
    assert notes[1].body == 'See <a href="https://example.org/tides">the archive</a>.'
    assert "2 footnotes from [efn_note] shortcodes" in texts(messages)
    assert_well_formed(notes)


@pytest.mark.parametrize("name", FOOTNOTE_SHORTCODES)
def test_every_footnote_shortcode_name(name: str) -> None:
    body, notes, messages = extract_footnotes(f"<p>Nets[{name}]Hemp, later nylon.[/{name}] dried on poles.</p>")
    assert body == '<p>Nets<sup class="noteref" data-note="n1">1</sup> dried on poles.</p>'
    assert notes == [Footnote("n1", "1", "Hemp, later nylon.")]
    assert f"1 footnote from [{name}] shortcodes" in texts(messages)


def test_other_shortcodes_inside_a_note_are_processed() -> None:
    html = (
        "<p>Gulls[mfn]Herring gulls [su_spoiler title='Latin']Larus argentatus[/su_spoiler] mostly;"
        " [highlight color='yellow']never terns[/highlight].[/mfn] circled.</p>"
    )
    body, notes, messages = extract_footnotes(html)
    assert refs(body) == [("n1", "1")]
    assert "[" not in notes[0].body
    assert "Larus argentatus" in notes[0].body and "never terns" in text_of(notes[0].body)
    assert any(m.stage == "footnotes" and "shortcode [su_spoiler]" in m.text for m in messages)
    assert_well_formed(notes)


def test_a_footnote_inside_a_footnote_stays_inline() -> None:
    body, notes, _ = extract_footnotes("<p>Oars[efn_note]Ash wood[mfn]or spruce[/mfn] mostly.[/efn_note] creaked.</p>")
    assert refs(body) == [("n1", "1")]
    assert text_of(notes[0].body) == "Ash wood (or spruce) mostly."


def test_escaped_unclosed_and_bare_markers_are_left_alone() -> None:
    html = "<p>Write [[efn_note]x[/efn_note]] to show the tag.</p><p>A stray [efn_note] tag; a marker[5] stays.</p>"
    body, notes, _ = extract_footnotes(html)
    assert body == html
    assert notes == []


def test_multi_paragraph_note_from_autop() -> None:
    html = "<p>Keels[efn_note]First point.</p>\n<p>Second point.[/efn_note] were tarred.</p>"
    body, notes, _ = extract_footnotes(html)
    assert body == '<p>Keels<sup class="noteref" data-note="n1">1</sup> were tarred.</p>'
    assert notes[0].body == "<p>First point.</p><p>Second point.</p>"
    assert_well_formed(notes)


def test_empty_note_is_dropped_with_its_reference() -> None:
    body, notes, messages = extract_footnotes("<p>Fog[efn_note] <br/> [/efn_note] again.</p>")
    assert body == "<p>Fog again.</p>"
    assert notes == []
    assert "empty footnote from [efn_note] shortcodes dropped" in texts(messages)


def test_images_and_in_page_links_in_notes() -> None:
    html = "<p>Buoys[ref]Painted red <img src='buoy.jpg' alt='a red buoy'/>; see <a href='#top'>above</a>.[/ref]</p>"
    _, notes, messages = extract_footnotes(html)
    assert notes[0].body == "Painted red a red buoy; see above."
    assert "image in a footnote replaced by its alt text" in texts(messages)


# ---- (( )) markers -----------------------------------------------------------------------------------------


def test_double_parentheses_notes() -> None:
    html = "<p>The lighthouse ((Built in 1871, <strong>rebuilt</strong> 1902.)) still turns.</p>"
    body, notes, messages = extract_footnotes(html)
    assert body == '<p>The lighthouse<sup class="noteref" data-note="n1">1</sup> still turns.</p>'
    assert notes[0].body == "Built in 1871, <strong>rebuilt</strong> 1902."
    assert "1 footnote from ((…)) markers" in texts(messages)


def test_inline_code_inside_a_double_parentheses_note() -> None:
    body, notes, _ = extract_footnotes("<p>Run it ((with <code>make ((all))</code> first)) now.</p>")
    assert body == '<p>Run it<sup class="noteref" data-note="n1">1</sup> now.</p>'
    assert notes[0].body == "with <code>make ((all))</code> first"


def test_many_unmatched_openers_are_left_alone() -> None:
    html = "<p>a ((b</p>" * 5000 + "<p>c))</p>" + "<p>[efn_note x" * 2000
    body, notes, _ = extract_footnotes(html)
    assert body == html and notes == []


def test_identical_double_parentheses_notes_are_combined() -> None:
    body, notes, _ = extract_footnotes("<p>One ((Same note.)) and two ((Same  note.)) and ((Other.))</p>")
    assert refs(body) == [("n1", "1"), ("n1", "1"), ("n2", "2")]
    assert [n.body for n in notes] == ["Same note.", "Other."]


@pytest.mark.parametrize(
    "html",
    [
        "<p>f((x)) needs a space before the opener</p>",
        "<p>An opener ((that never closes.</p><p>Still open.</p>",
        "<pre>y = f ((x)) + 1</pre>",
        "<p>Call <code>g ((a))</code> twice.</p>",
        '<p title="a ((b)) c">Attribute.</p>',
        "<p>A comment <!-- x ((y)) z --> here.</p>",
        "<p>Across ((two</p><p>paragraphs)) is not a note.</p>",
        "<p>Cutting ((an <em>inline)) element</em> is not a note.</p>",
    ],
)
def test_double_parentheses_left_as_text(html: str) -> None:
    body, notes, _ = extract_footnotes(html)
    assert body == html
    assert notes == []


def test_unclosed_double_parentheses_warns() -> None:
    _, _, messages = extract_footnotes("<p>An opener ((that never closes.</p>")
    assert [(m.stage, m.code, m.level, m.text) for m in messages] == [
        ("footnotes", "unclosed-parens", "warning", "'((' without a closing '))' left as text")
    ]


# ---- the block editor's core footnotes ---------------------------------------------------------------------

UUID1 = "5d4b6e8f-2f3c-4a1e-9b7d-0c1a2b3c4d5e"
UUID2 = "fn-0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"


def core_ref(fn_id: str, label: str) -> str:
    return f'<sup data-fn="{fn_id}" class="fn"><a href="#{fn_id}" id="{fn_id}-link">{label}</a></sup>'


CORE_HTML = (
    f"<!-- wp:paragraph --><p>Ferries ran hourly{core_ref(UUID1, '1')} until the strike{core_ref(UUID2, '2')}.</p>"
    "<!-- /wp:paragraph -->\n\n<!-- wp:footnotes /-->"
)


def test_core_footnotes_from_meta() -> None:
    meta = json.dumps(
        [
            {"content": "From the 1930 timetable.", "id": UUID1},
            {"content": "<em>Which</em> lasted a week.", "id": UUID2},
        ]
    )
    body, notes, messages = extract_footnotes(CORE_HTML, meta)
    assert body == (
        '<!-- wp:paragraph --><p>Ferries ran hourly<sup class="noteref" data-note="n1">1</sup>'
        ' until the strike<sup class="noteref" data-note="n2">2</sup>.</p><!-- /wp:paragraph -->\n\n'
    )
    assert [n.body for n in notes] == ["From the 1930 timetable.", "<em>Which</em> lasted a week."]
    assert "2 footnotes from the block editor's footnotes meta" in texts(messages)


def test_core_reference_without_meta_entry_is_a_citation_marker() -> None:
    meta = json.dumps([{"content": "Only the first.", "id": UUID1}, {"content": "Unused.", "id": "fn-zzz"}])
    body, notes, messages = extract_footnotes(CORE_HTML, meta)
    assert '<sup class="noteref" data-note="n1">1</sup>' in body
    assert '<sup class="citation">2</sup>' in body
    assert len(notes) == 1
    assert any("has no entry in the footnotes meta: kept as a citation marker" in w for w in texts(messages))
    assert "1 note(s) of the footnotes meta not referenced in the text: dropped" in texts(messages)
    codes = {(m.code, m.level) for m in messages}
    assert {("no-meta-entry", "warning"), ("meta-unreferenced", "warning"), ("notes-found", "info")} <= codes


def test_malformed_meta_json() -> None:
    body, notes, messages = extract_footnotes(CORE_HTML, '[{"content": "cut off')
    assert notes == []
    assert '<sup class="citation">1</sup>' in body and '<sup class="citation">2</sup>' in body
    assert any(w.startswith("footnotes meta is not valid JSON") for w in texts(messages))
    assert [m.code for m in messages if m.text.startswith("footnotes meta")] == ["meta-not-json"]


def test_meta_with_unescaped_quotes_is_repaired() -> None:
    meta = f'[{{"content":"The "Osprey" and the "Tern".","id":"{UUID1}"}}]'
    _, notes, messages = extract_footnotes(CORE_HTML, meta)
    assert notes[0].body == 'The "Osprey" and the "Tern".'
    assert "footnotes meta had unescaped quotes (core ticket 59103): repaired" in texts(messages)


def test_rendered_core_list_is_removed_and_used_without_meta() -> None:
    rendered = (
        f"<p>Nets{core_ref(UUID1, '1')} dried.</p>"
        f'<ol class="wp-block-footnotes"><li id="{UUID1}">Tarred twice.'
        f' <a href="#{UUID1}-link">\u21a9\ufe0e</a></li></ol>'
    )
    body, notes, _ = extract_footnotes(rendered, None)
    assert body == '<p>Nets<sup class="noteref" data-note="n1">1</sup> dried.</p>'
    assert notes[0].body == "Tarred twice."
    meta = json.dumps([{"content": "From the meta.", "id": UUID1}])
    body, notes, _ = extract_footnotes(rendered, meta)
    assert body == '<p>Nets<sup class="noteref" data-note="n1">1</sup> dried.</p>'
    assert notes[0].body == "From the meta."


# ---- Wikipedia-style references ----------------------------------------------------------------------------


def wiki_ref(ref_id: str, note_id: str, label: str) -> str:
    return f'<sup id="cite_ref-{ref_id}" class="reference"><a href="#cite_note-{note_id}">[{label}]</a></sup>'


WIKI_HTML = (
    f"<p>The foundation was set up in 2003{wiki_ref('1', '1', '1')} and the corporation"
    f" later{wiki_ref('corp_2-0', 'corp-2', '2')}. Its browser{wiki_ref('corp_2-1', 'corp-2', '2')} spread"
    f" quickly{wiki_ref('9', '9', '9')}.</p>\n"
    '<h2><span class="mw-headline" id="References">References</span><span class="mw-editsection">'
    '<span class="mw-editsection-bracket">[</span><a href="/edit">edit</a>'
    '<span class="mw-editsection-bracket">]</span></span></h2>\n'
    '<div class="reflist"><ol class="references">\n'
    '<li id="cite_note-1"><span class="mw-cite-backlink"><b><a href="#cite_ref-1">^</a></b></span> '
    '<span class="reference-text"><cite class="citation web">"About the foundation". Example Press.</cite>'
    "</span></li>\n"
    '<li id="cite_note-corp-2"><span class="mw-cite-backlink">^ <a href="#cite_ref-corp_2-0"><sup><i><b>a</b>'
    '</i></sup></a> <a href="#cite_ref-corp_2-1"><sup><i><b>b</b></i></sup></a></span> '
    '<span class="reference-text">Annual report, <i>p. 12</i>.</span></li>\n'
    "</ol></div>\n<p>After the list.</p>"
)


def test_wikipedia_references() -> None:
    body, notes, messages = extract_footnotes(WIKI_HTML)
    assert refs(body) == [("n1", "1"), ("n2", "2"), ("n2", "2")]
    assert '<sup class="citation">[9]</sup>' in body
    assert "References" not in body and "cite_note" not in body and "Annual report" not in body
    assert body.endswith('<div class="reflist"></div>\n<p>After the list.</p>')
    assert [n.body for n in notes] == [
        '<cite>"About the foundation". Example Press.</cite>',
        "Annual report, <i>p. 12</i>.",
    ]
    assert "2 footnotes from a Wikipedia-style reference list" in texts(messages)
    assert "note reference '#cite_note-9' has no note text in the page: kept as a citation marker" in texts(messages)
    assert [m.code for m in messages] == ["list-heading-removed", "no-target", "notes-found"]
    assert_well_formed(notes)


def test_wikipedia_note_in_a_span_and_an_uncited_list() -> None:
    html = (
        f"<p>Claim{wiki_ref('x', 'x', '1')}.</p><p><span id='cite_note-x'>^ The span note.</span></p>"
        "<ol class='references'><li id='cite_note-y'>Never cited.</li></ol>"
    )
    body, notes, _ = extract_footnotes(html)
    assert body == (
        '<p>Claim<sup class="noteref" data-note="n1">1</sup>.</p><p></p>'
        "<ol class='references'><li id='cite_note-y'>Never cited.</li></ol>"
    )
    assert notes[0].body == "The span note."


# ---- rendered forms of the WordPress plugins (saved pages) -------------------------------------------------


def test_rendered_plugin_footnotes() -> None:
    html = (
        '<p>Crabs<sup><a href="#footnote_0_12" id="identifier_0_12" class="footnote-link footnote-identifier-link"'
        ' title="Shore crabs.">1</a></sup> and eels<span class="easy-footnote-margin-adjust" id="easy-footnote-1-12">'
        '</span><span class="easy-footnote"><a href="https://example.org/p/#easy-footnote-bottom-1-12"'
        ' title="&lt;em&gt;Glass&lt;/em&gt; eels."><sup>1</sup></a></span> and'
        ' cod<sup class="modern-footnotes-footnote " data-mfn="1"><a href="javascript:void(0)" role="button">1</a>'
        '</sup><span id="mfn-content-12-1" role="tooltip" class="modern-footnotes-footnote__note" data-mfn="1">'
        "Salted.</span> too.</p>"
        '<ol class="footnotes"><li id="footnote_0_12" class="footnote">Green shore crabs. '
        '[<a href="#identifier_0_12" class="footnote-link footnote-back-link">&#8617;</a>]</li></ol>'
        '<div class="easy-footnote-title"><h4>Footnotes</h4></div><ol class="easy-footnotes-wrapper">'
        '<li class="easy-footnote-single"><span id="easy-footnote-bottom-1-12" class="easy-footnote-margin-adjust">'
        '</span>European <em>glass</em> eels.<a class="easy-footnote-to-top" href="https://example.org/p/'
        '#easy-footnote-1-12"></a></li></ol>'
    )
    body, notes, _ = extract_footnotes(html)
    assert [n.body for n in notes] == ["Green shore crabs.", "European <em>glass</em> eels.", "Salted."]
    assert refs(body) == [("n1", "1"), ("n2", "2"), ("n3", "3")]
    assert "Footnotes" not in body and "<ol" not in body and "Salted" not in body
    assert body.endswith(" too.</p>")


def test_markdown_footnotes_section() -> None:
    html = (
        '<p>Jetpack Markdown<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>'
        ' writes these; so does a plain link<sup><a href="#fn:2">2</a></sup>; not this<sup>2</sup>.</p>'
        '<div class="footnotes" role="doc-endnotes"><hr /><ol>'
        '<li id="fn:1"><p>First. <a href="#fnref:1" class="footnote-backref" role="doc-backlink">&#8617;</a></p></li>'
        '<li id="fn:2"><p>Second.&#160;<a href="#fnref:2">&#8617;</a></p></li></ol></div>'
    )
    body, notes, messages = extract_footnotes(html)
    assert body == (
        '<p>Jetpack Markdown<sup class="noteref" data-note="n1">1</sup> writes these; so does a plain link'
        '<sup class="noteref" data-note="n2">2</sup>; not this<sup>2</sup>.</p>'
    )
    assert [n.body for n in notes] == ["<p>First.</p>", "<p>Second.</p>"]
    assert "2 footnotes from a Markdown footnotes section" in texts(messages)


# ---- the recognizers ---------------------------------------------------------------------------------------


def test_the_recognizers_order_is_declared_in_one_registry() -> None:
    assert RECOGNIZERS.names() == ["block-editor", "modern-footnotes", "reference-lists", "shortcodes", "parens"]


def test_the_first_recognizer_claims_a_tag() -> None:
    # A tag both the block editor's and Modern Footnotes' recognizers would take: the block editor comes first.
    html = '<p>Pier<sup data-fn="a" class="modern-footnotes-footnote">1</sup> stood.</p>'
    body, notes, messages = extract_footnotes(html, json.dumps([{"id": "a", "content": "Of oak."}]))
    assert refs(body) == [("n1", "1")] and notes[0].body == "Of oak."
    assert [m.code for m in messages] == ["notes-found"]


class ToyNotes(Recognizer):
    """A site's own note markup: ``<span class="toy-note" data-text="NOTE">*</span>``."""

    name = "toy"
    sources: ClassVar[Mapping[str, str]] = {"toy": "toy notes"}

    def reference(self, context: Context, i: int, tag: Tag) -> Ref | None:
        span = context.doc.element(i)
        if tag.name != "span" or not tag.has_class("toy-note") or span is None:
            return None
        return Ref(*span, key=f"toy:{span[0]}", source="toy", note_html=tag.attrs.get("data-text", ""))


def test_a_new_note_source_is_one_registry_line() -> None:
    html = '<p>Gull<span class="toy-note" data-text="Or tern &amp; gull.">*</span> and mast[ref]Pine.[/ref]</p>'
    RECOGNIZERS.register(ToyNotes(), ToyNotes.name, 250)
    try:
        body, notes, messages = extract_footnotes(html)
    finally:
        RECOGNIZERS.deregister(ToyNotes.name)
    assert body == (
        '<p>Gull<sup class="noteref" data-note="n1">1</sup> and mast<sup class="noteref" data-note="n2">2</sup></p>'
    )
    assert [n.body for n in notes] == ["Or tern &amp; gull.", "Pine."]
    assert "1 footnote from toy notes" in texts(messages)
    assert extract_footnotes(html)[0].startswith('<p>Gull<span class="toy-note"')


# ---- mixed sources -----------------------------------------------------------------------------------------


def test_mixed_sources_are_numbered_in_reading_order() -> None:
    html = (
        f"<p>Wiki first{wiki_ref('a', 'a', '1')}, then a shortcode[efn_note]Shortcode note.[/efn_note],"
        f" then core{core_ref(UUID1, '1')}.</p>"
        f"<p>Parentheses ((Paren note.)) and the wiki note again{wiki_ref('a2', 'a', '1')}.</p>"
        "<pre>untouched ((in pre)) [efn_note]also[/efn_note]</pre>"
        "<ol class='references'><li id='cite_note-a'>Wiki note.</li></ol><!-- wp:footnotes /-->"
    )
    meta = json.dumps([{"id": UUID1, "content": "Core note."}])
    body, notes, messages = extract_footnotes(html, meta)
    assert refs(body) == [("n1", "1"), ("n2", "2"), ("n3", "3"), ("n4", "4"), ("n1", "1")]
    assert [n.body for n in notes] == ["Wiki note.", "Shortcode note.", "Core note.", "Paren note."]
    assert "<pre>untouched ((in pre)) [efn_note]also[/efn_note]</pre>" in body
    assert "wp:footnotes" not in body and "<ol" not in body
    assert {
        "1 footnote from a Wikipedia-style reference list",
        "1 footnote from [efn_note] shortcodes",
        "1 footnote from the block editor's footnotes meta",
        "1 footnote from ((…)) markers",
    } <= set(texts(messages))
    assert_well_formed(notes)


def test_html_without_notes_is_unchanged() -> None:
    html = "<p>Plain [5] text (with (parens)) and <sup>2</sup> and [caption]x[/caption].</p><!-- wp:more -->"
    assert extract_footnotes(html, None) == (html, [], [])
    assert extract_footnotes("", None) == ("", [], [])


# ---- properties --------------------------------------------------------------------------------------------

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéøšж", min_size=1, max_size=7)
WORDS = st.lists(WORD, min_size=1, max_size=5)
SEGMENT = st.one_of(
    st.tuples(st.just("text"), WORDS),
    st.tuples(st.sampled_from(FOOTNOTE_SHORTCODES), WORDS),
    st.tuples(st.just("paren"), WORDS),
    st.tuples(st.just("core"), WORDS),
    st.tuples(st.just("core-missing"), WORDS),
    st.tuples(st.just("wiki"), WORDS),
    st.tuples(st.just("wiki-missing"), WORDS),
    st.tuples(st.just("pre"), WORDS),
)


@given(st.lists(st.lists(SEGMENT, max_size=6), min_size=1, max_size=4), st.booleans())
def test_no_word_is_lost(paragraphs: list[list[tuple[str, list[str]]]], bad_meta: bool) -> None:
    """Every word ends up in the body or in a note body, whatever mix of sources the post uses."""
    parts, meta, items, expected = [], [], [], Counter()
    for para in paragraphs:
        out = []
        for n, (kind, words) in enumerate(para):
            k = f"{len(parts)}-{n}"
            if kind == "paren":  # identical ((…)) notes are combined: keep them distinct here
                words = [*words, f"q{len(parts)}x{n}"]
            text = " ".join(words)
            if kind in ("text", "core-missing", "wiki-missing"):
                out.append(text)
            if kind in FOOTNOTE_SHORTCODES:
                out.append(f"x[{kind}]{text}[/{kind}]")
            elif kind == "paren":
                out.append(f"y (({text}))")
            elif kind == "core":
                out.append(core_ref(f"fn-{k}", "1"))
                meta.append({"id": f"fn-{k}", "content": f"<em>{text}</em>"})
            elif kind == "core-missing":
                out.append(core_ref(f"fn-gone-{k}", "*"))
            elif kind == "wiki":
                out.append(wiki_ref(k, k, "1"))
                items.append(f'<li id="cite_note-{k}"><a href="#cite_ref-{k}">^</a> {text}</li>')
            elif kind == "wiki-missing":
                out.append(wiki_ref(k, f"gone-{k}", "1"))
            elif kind == "pre":
                out.append(f"</p><pre>z (({text}))</pre><p>")
            if not (kind == "core" and bad_meta):  # a meta that is not JSON loses its notes
                expected.update(words)
        parts.append("<p>" + " ".join(out) + "</p>")
    html = "".join(parts) + (f"<ol class='references'>{''.join(items)}</ol>" if items else "")
    meta_json = json.dumps(meta)[:-3] if bad_meta else json.dumps(meta)
    body, notes, _ = extract_footnotes(html, meta_json)
    found = Counter(re.findall(r"\w+", text_of(body)))
    for note in notes:
        found.update(re.findall(r"\w+", text_of(note.body or "")))
    assert not expected - found
    assert_well_formed(notes)
    assert {i for i, _ in refs(body)} == {n.id for n in notes}


TOKENS = [
    "<p>", "</p>", "<pre>", "</pre>", "<code>", "<!--", "-->", "<em>", "</em>", "<br/>", "((", "))", " ((", " ",
    "[efn_note]", "[/efn_note]", "[mfn]", "[/mfn]", "[[", "]]", "[", "]", "<", ">", "&", "&amp;", '"', "word",
    '<sup class="reference">', '<sup data-fn="x">', '<sup id="cite_ref-1">', '<a href="#cite_note-1">', "</a>",
    "</sup>", '<ol class="references">', '<ol class="wp-block-footnotes">', "</ol>", '<li id="cite_note-1">',
    '<li id="x">', "<li>", "</li>", '<span class="mw-cite-backlink">', '<span id="cite_note-1">', "</span>",
    '<span class="easy-footnote">', '<sup class="modern-footnotes-footnote">', "<h2>Notes</h2>", "\x00", "\ud800",
    "<!-- wp:footnotes /-->", "[su_spoiler title='t']", "[/su_spoiler]", "<img src='a.png' alt='alt'>",
]  # fmt: skip


@given(
    st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
    st.one_of(st.none(), st.text(max_size=30), st.just('[{"id":"x","content":"<p>m</p>"}]')),
)
def test_never_raises_on_markup_soup(html: str, meta: str | None) -> None:
    body, notes, messages = extract_footnotes(html, meta)
    assert isinstance(body, str) and all(isinstance(w, str) for w in texts(messages))
    assert_well_formed(notes)


# ---- end to end through the cleaner and both writers -------------------------------------------------------

E2E_HTML = (
    "<p>CALL1X the pier was rebuilt[efn_note]NOTE1X after the storm of 1953.[/efn_note] in stone."
    f" CALL2X The ferry{core_ref(UUID1, '1')} ran until autumn. CALL3X Fishermen ((NOTE3X mostly from"
    " the <em>north</em> shore.)) kept to the old quay.</p><!-- wp:footnotes /-->"
)


@pytest.fixture(scope="module")
def e2e_article() -> object:
    raw = RawArticle(
        source_path=Path("pier.html"),
        html=E2E_HTML,
        title="The Pier",
        language="en",
        footnotes_meta=json.dumps([{"id": UUID1, "content": "NOTE2X a <strong>steam</strong> ferry."}]),
    )
    return clean(raw)


def test_clean_passes_the_notes_to_the_article(e2e_article) -> None:
    assert [n.id for n in e2e_article.footnotes] == ["n1", "n2", "n3"]
    assert refs(e2e_article.body) == [("n1", "1"), ("n2", "2"), ("n3", "3")]


def test_epub_has_noterefs_and_footnote_asides(e2e_article, tmp_path: Path) -> None:
    path = tmp_path / "pier.epub"
    write_epub(e2e_article, path)
    xhtml = zipfile.ZipFile(path).read("EPUB/article.xhtml").decode()
    for n in (1, 2, 3):
        assert f'<sup><a epub:type="noteref" role="doc-noteref" href="#note-n{n}"' in xhtml
        aside = re.search(rf'<aside epub:type="footnote"[^>]* id="note-n{n}".*?</aside>', xhtml, re.DOTALL)
        assert aside is not None and f"NOTE{n}X" in aside.group()
    assert "<strong>steam</strong>" in xhtml and "<em>north</em>" in xhtml


def test_pdf_sets_each_note_on_the_page_of_its_call(e2e_article, tmp_path: Path) -> None:
    path = tmp_path / "pier.pdf"
    write_pdf(e2e_article, path, resource_roots=[])
    pages = [" ".join(p.split()) for p in pdftotext(path).split("\f")]
    for n in (1, 2, 3):
        call = [i for i, p in enumerate(pages) if f"CALL{n}X" in p]
        note = [i for i, p in enumerate(pages) if f"NOTE{n}X" in p]
        assert len(call) == 1 and call == note, (n, call, note)


@pytest.mark.slow
def test_epubcheck_accepts_the_note_markup(e2e_article, tmp_path: Path) -> None:
    path = tmp_path / "pier.epub"
    write_epub(e2e_article, path)
    report = run_epubcheck(path)
    assert report.errors == 0 and report.warnings == 0, report.messages


@pytest.mark.slow
def test_epubcheck_accepts_a_note_cited_twice(tmp_path: Path) -> None:
    raw = RawArticle(source_path=Path("moz.html"), html=WIKI_HTML, title="Mozilla", language="en")
    path = tmp_path / "moz.epub"
    write_epub(clean(raw), path)
    report = run_epubcheck(path)
    assert report.errors == 0, report.messages

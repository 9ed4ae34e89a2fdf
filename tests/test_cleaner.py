"""Cleaner transforms on small inputs: sanitize, citations, right-to-left, licence, labels, structure."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from exporter.clean import clean
from exporter.clean.citations import mark_citations, unlink_dangling
from exporter.clean.direction import guess_language
from exporter.clean.labels import drop_image_labels, is_image_label
from exporter.clean.language_runs import mark_runs
from exporter.clean.licence import detect_licence, licence_from_statement, licence_from_url
from exporter.clean.sanitize import sanitize_html, to_xhtml
from exporter.clean.structure import expand_details, fix_nesting, wrap_loose_inline
from exporter.model import RawArticle
from tests.tools import texts


def tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html, create_parent="div")


def xhtml(root: lxml.html.HtmlElement) -> str:
    out = to_xhtml(root)
    etree.fromstring(f"<div>{out}</div>")  # well-formed XML or this raises
    return out


def raw(html: str, tmp_path: Path, **kw: object) -> RawArticle:
    return RawArticle(source_path=tmp_path / "a.html", html=html, title="T", base_dir=tmp_path, **kw)


def test_sanitize_removes_scripts_handlers_frames_forms_and_bad_schemes() -> None:
    html = (
        '<p onclick="x()">Keep <a href="javascript:alert(1)">this</a> <img src="a.png" onerror="y()">'
        '<script>steal()</script><iframe src="http://ads"></iframe></p><style>p{}</style>'
        '<form><input name="q"><button>Subscribe</button></form><p style="color:red">Two</p>'
        '<a href="vbscript:z">v</a><object data="x.swf">fallback</object>'
    )
    out = sanitize_html(html)
    for bad in (
        "script",
        "onclick",
        "onerror",
        "javascript:",
        "vbscript:",
        "iframe",
        "style",
        "form",
        "input",
        "Subscribe",
        "object",
        "steal",
    ):
        assert bad not in out, bad
    assert "Keep" in out and "this" in out and "Two" in out


def test_citation_markers_become_superscripts_and_prose_brackets_stay() -> None:
    root = tree("<p>An organization[5] in exile.[27][28] A cult.[b] See [this note] and item [3] here.</p>")
    assert mark_citations(root) == 4
    out = xhtml(root)
    assert 'organization<sup class="citation">[5]</sup>' in out
    assert '<sup class="citation">[27]</sup><sup class="citation">[28]</sup>' in out
    assert 'cult.<sup class="citation">[b]</sup>' in out
    assert "[this note]" in out and "item [3] here" in out


def test_links_to_missing_targets_are_unwrapped() -> None:
    root = tree('<p>Text<sup><a href="#cite_note-5">[5]</a></sup> and <a href="#top">top</a></p><h2 id="top">H</h2>')
    root2 = tree('<p>Text<sup><a href="#cite_note-5">[5]</a></sup></p>')
    assert unlink_dangling(root) == 0 + 1
    assert unlink_dangling(root2) == 1
    assert '<sup class="citation">[5]</sup>' in xhtml(root2)


def test_persian_run_gets_lang_and_dir() -> None:
    root = tree("<p>The group (Persian: سازمان مجاهدين خلق ايران, translit. x) was founded.</p><p>سلام دنیا</p>")
    mark_runs(root, "en")
    out = xhtml(root)
    assert '<span lang="fa" dir="rtl">سازمان مجاهدين خلق ايران</span>' in out
    assert '<p lang="fa" dir="rtl">سلام دنیا</p>' in out


@pytest.mark.parametrize(
    ("text", "context", "lang"),
    [("پدر", "", "fa"), ("مرحبا", "", "ar"), ("مرحبا", "(Persian: ", "fa"), ("پاکستان ے", "", "ur")],
)
def test_language_guess(text: str, context: str, lang: str) -> None:
    assert guess_language(text, context) == lang


def test_licence_from_statement_and_urls() -> None:
    lic = licence_from_statement(
        "This work is licensed under a Creative Commons Attribution-NonCommercial 4.0 International License"
    )
    assert lic is not None
    assert (lic.id, lic.url) == ("CC-BY-NC-4.0", "https://creativecommons.org/licenses/by-nc/4.0/")
    assert lic.name == "Creative Commons Attribution-NonCommercial 4.0 International"
    assert lic.is_non_commercial
    sa = licence_from_url("http://creativecommons.org/licenses/by-sa/3.0/")
    assert sa is not None and sa.id == "CC-BY-SA-3.0" and not sa.is_non_commercial
    assert licence_from_url("https://example.org/licenses/by/4.0/") is None
    assert licence_from_statement("This work is licensed to the publisher.") is None


def test_licence_statement_moves_out_of_the_body_with_its_badge_label() -> None:
    root = tree(
        "<p>Body text.</p><p>Creative Commons License</p><p>This work is licensed under a "
        '<a rel="license" href="http://creativecommons.org/licenses/by-nc/4.0/">Creative Commons '
        "Attribution-NonCommercial 4.0 International License</a></p><p>After.</p>"
    )
    lic, warnings = detect_licence(root, [])
    assert lic is not None and lic.id == "CC-BY-NC-4.0"
    out = xhtml(root)
    assert "licensed under" not in out and "Creative Commons License" not in out
    assert "Body text." in out and "After." in out
    assert any("moved" in w for w in texts(warnings))


def test_no_licence_is_never_claimed() -> None:
    lic, warnings = detect_licence(tree("<p>All rights reserved.</p>"), ["https://example.org/terms"])
    assert lic is None
    assert "no licence statement found in the source" in texts(warnings)


def test_licence_from_reader_hint() -> None:
    lic, _ = detect_licence(tree("<p>Text.</p>"), ["https://creativecommons.org/licenses/by/4.0/"])
    assert lic is not None and lic.id == "CC-BY-4.0"


@pytest.mark.parametrize("label", ["black-horizontal", "Creative Commons License", "divider-2", "IMG_0042.jpg"])
def test_image_labels(label: str) -> None:
    assert is_image_label(label)


@pytest.mark.parametrize("text", ["twenty-one", "Horizontal", "A line of verse", "well-known"])
def test_prose_is_not_an_image_label(text: str) -> None:
    assert not is_image_label(text)


def test_drop_image_labels_keeps_prose() -> None:
    root = tree("<p>black-horizontal</p><p>Real text.</p><h3>divider</h3>")
    warnings = drop_image_labels(root)
    assert xhtml(root) == "<p>Real text.</p>"
    assert len(warnings) == 2


def test_details_expand_inline_with_summary_as_heading() -> None:
    root = tree(
        "<details><summary>Background</summary><p>Hidden text.</p></details>"
        "<details><summary>Show more</summary><p>More.</p></details>"
    )
    expand_details(root)
    out = xhtml(root)
    assert "<h3>Background</h3>" in out and "Hidden text." in out and "More." in out
    assert "Show more" not in out and "details" not in out


def test_nesting_fixed_and_loose_text_wrapped() -> None:
    root = tree("Loose <em>text</em><div>block</div>tail<p>a<blockquote>q</blockquote>b</p><span><p>x</p></span>")
    wrap_loose_inline(root)
    fix_nesting(root)
    out = xhtml(root)
    assert out.startswith("<p>Loose <em>text</em></p><div>block</div><p>tail</p>")
    assert "<p>a</p><blockquote>q</blockquote><p>b</p>" in out
    assert "<span>" not in out


def test_clean_keeps_every_word_and_removes_noise(tmp_path: Path) -> None:
    html = (
        "<h1>Heading one</h1><p>Intro[5] text.</p>"
        '<p>[bg_collapse view="button-orange" expand_text="Show More" collapse_text="Show Less"]</p>'
        "<p>Hidden appendix paragraph.</p><p>[/bg_collapse]</p>"
        "<p>[premium_newsticker id=&#8221;154171&#8243;]</p><script>bad()</script>"
    )
    article = clean(raw(html, tmp_path))
    body = article.body
    assert "<h2>Heading one</h2>" in body
    assert 'Intro<sup class="citation">[5]</sup> text.' in body
    assert "<p>Hidden appendix paragraph.</p>" in body
    for gone in ("bg_collapse", "premium_newsticker", "Show More", "bad()", "[/"):
        assert gone not in body
    assert article.licence is None
    assert article.id.startswith("urn:uuid:")
    etree.fromstring(f"<div>{body}</div>")


def test_clean_same_input_same_id(tmp_path: Path) -> None:
    a = clean(raw("<p>x</p>", tmp_path, source_url="https://example.org/a/"))
    b = clean(raw("<p>y</p>", tmp_path, source_url="https://example.org/a/"))
    c = clean(raw("<p>x</p>", tmp_path, source_url="https://example.org/b/"))
    assert a.id == b.id != c.id


def test_an_article_with_no_text_left_says_so(tmp_path: Path) -> None:
    article = clean(raw("<script>x()</script><p>[premium_newsticker id=1]</p>", tmp_path))
    assert article.body == '<p class="empty-note">The source holds no text for this article.</p>'
    assert any("no article text" in w for w in texts(article.warnings))


def test_unresolved_remote_image_leaves_a_placeholder_with_its_alt_text_and_is_never_fetched(tmp_path: Path) -> None:
    article = clean(raw('<p>Look: <img src="http://127.0.0.1:9/x.png" alt="A harbour at dawn"></p>', tmp_path))
    assert '<span class="image-missing">Image not in the archive: A harbour at dawn</span>' in article.body
    assert "<img" not in article.body and not article.images
    assert any("refused remote image (never fetched)" in w for w in texts(article.warnings))


def test_local_image_is_resolved_inside_the_input_folder_only(tmp_path: Path) -> None:
    (tmp_path / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    outside = tmp_path.parent / "outside-secret.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n")
    html = f'<p><img src="pic.png" alt="ok"><img src="../outside-secret.png" alt="x"><img src="file://{outside}"></p>'
    article = clean(raw(html, tmp_path))
    assert [i.path.name for i in article.images] == ["pic.png"]
    assert article.body.count("<img") == 1 and 'src="images/' in article.body


def test_relative_links_are_made_absolute_or_unwrapped(tmp_path: Path) -> None:
    html = '<p><a href="/wiki/Archive">Archive</a> <a href="//cdn.example/x">cdn</a> <a href="notes.html">n</a></p>'
    with_base = clean(raw(html, tmp_path, source_url="https://example.org/post/1/"))
    assert '<a href="https://example.org/wiki/Archive">Archive</a>' in with_base.body
    assert '<a href="https://cdn.example/x">cdn</a>' in with_base.body
    assert '<a href="https://example.org/post/1/notes.html">n</a>' in with_base.body
    without = clean(raw(html, tmp_path))
    assert "/wiki/" not in without.body and "notes.html" not in without.body and "Archive" in without.body


def test_definition_lists_stay_valid(tmp_path: Path) -> None:
    caption_dl = clean(raw('<dl class="wp-caption"><dt class="wp-caption-dt"></dt></dl><p>Text.</p>', tmp_path))
    assert caption_dl.body == "<p>Text.</p>"
    orphan_dt = clean(raw("<dl><dt>Term only</dt></dl>", tmp_path))
    assert orphan_dt.body == "<div><p>Term only</p></div>"
    good = clean(raw("<dl><dt>Term</dt><dd>Meaning</dd></dl>", tmp_path))
    assert good.body == "<dl><dt>Term</dt><dd>Meaning</dd></dl>"

"""The --rules file: a site's own shortcodes, read from TOML, change both books; a bad file is one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exporter.clean.handlers import Action, apply_shortcodes, default_registry
from exporter.errors import UsageError
from exporter.model import RawArticle
from exporter.rules import load_rules, registry_with_rules
from tests.tools import epub_text, flat, pdftotext, run_cli

ARTICLE = """Notes From the Harbour Shop

The lighthouse keeper opened the shop at dawn, as every morning since the storm.

[site_widget id="7"]Sidebar: our latest offers in the gift corner[/site_widget]

[pullquote align="left"]The harbour kept its lights on through the worst night.[/pullquote]

By noon the boats were back and the quay smelled of tar again.
"""
WIDGET = "Sidebar: our latest offers in the gift corner"
QUOTE = "The harbour kept its lights on through the worst night."

DEMO_RULES = """\
# Shortcodes of the harbour shop's own plugins.
[shortcodes]
site_widget = "remove"        # a sidebar widget: tag and content go
pullquote = "keep-content"    # a quote the author wrote: the tags go, the words stay
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _export(tmp_path: Path, name: str, *extra: str | Path) -> tuple[str, str, list[dict[str, str]]]:
    """Export the article as EPUB and PDF; return the EPUB text, the PDF text and the item's messages."""
    source = tmp_path / "harbour-shop.txt"
    if not source.exists():
        _write(source, ARTICLE)
    out = tmp_path / name
    proc = run_cli("export", source, "-o", out, "-q", *extra)
    assert proc.returncode == 0, proc.stderr
    (item,) = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["items"]
    slug = "notes-from-the-harbour-shop"
    return flat(epub_text(out / f"{slug}.epub")), flat(pdftotext(out / f"{slug}.pdf")), item["warnings"]


def test_demo_rules_change_both_books(tmp_path: Path) -> None:
    rules = _write(tmp_path / "harbour.toml", DEMO_RULES)
    epub_plain, pdf_plain, messages_plain = _export(tmp_path, "plain")
    epub_ruled, pdf_ruled, messages_ruled = _export(tmp_path, "ruled", "--rules", rules)

    # Without rules: an unknown enclosing shortcode keeps its content, and both are flagged for a person.
    for text in (epub_plain, pdf_plain):
        assert WIDGET in text and QUOTE in text
    unknown = {m["text"] for m in messages_plain if m["stage"] == "shortcodes" and m["level"] == "warning"}
    assert unknown == {
        "shortcode [site_widget] unknown, tags removed, content kept",
        "shortcode [pullquote] unknown, tags removed, content kept",
    }
    # With the rules: the widget is gone from both books, the quote stays; both are decisions, not warnings.
    for text in (epub_ruled, pdf_ruled):
        assert WIDGET not in text and "gift corner" not in text
        assert QUOTE in text
        assert "[pullquote" not in text and "[site_widget" not in text
        assert "The lighthouse keeper opened the shop" in text and "smelled of tar again" in text
    decided = {(m["code"], m["text"]) for m in messages_ruled if m["stage"] == "shortcodes"}
    assert decided == {
        ("removed-with-content", "shortcode [site_widget] removed with its content (rules file)"),
        ("removed-kept-content", "shortcode [pullquote] removed (rules file), content kept"),
    }
    assert all(m["level"] == "info" for m in messages_ruled if m["stage"] == "shortcodes")


def test_inspect_uses_the_same_rules(tmp_path: Path) -> None:
    source = _write(tmp_path / "harbour-shop.txt", ARTICLE)
    rules = _write(tmp_path / "harbour.toml", DEMO_RULES)
    plain = run_cli("inspect", source)
    ruled = run_cli("inspect", source, "--rules", rules)
    assert plain.returncode == ruled.returncode == 0, plain.stderr + ruled.stderr
    assert "[site_widget] unknown" in plain.stdout
    assert "[site_widget] removed with its content (rules file)" in ruled.stdout
    assert "[site_widget] unknown" not in ruled.stdout


RAW = RawArticle(source_path=Path("x.html"), html="", title="x")


def _apply(tmp_path: Path, rules: str, html: str) -> tuple[str, list[str]]:
    registry = registry_with_rules(RAW, _write(tmp_path / "rules.toml", rules))
    assert registry is not None
    out, messages = apply_shortcodes(html, registry)
    return out, [m.code for m in messages]


def test_each_action(tmp_path: Path) -> None:
    rules = """
[shortcodes.faq]
action = "expand"
title = ["question", "Title"]

[shortcodes]
photo = { action = "figure" }
aside_box = "keep-content"
related = "remove"
"""
    out, codes = _apply(
        tmp_path,
        rules,
        '<p>[faq Question="Why?"]Because.[/faq]</p><p>[photo]<img src="a.png" /> The quay[/photo]</p>'
        "<p>[aside_box]Kept words.[/aside_box]</p><p>[related ids=1]Other posts[/related]</p><p>[related /]</p>",
    )
    assert out == (
        "<h3>Why?</h3><p>Because.</p>"
        '<figure><img src="a.png" /><figcaption>The quay</figcaption></figure>'
        "<p>Kept words.</p>"
    )
    assert codes == ["expanded-with-title", "converted", "removed-kept-content", "removed-with-content", "removed"]


def test_expand_titles_default_to_the_title_attribute(tmp_path: Path) -> None:
    out, _ = _apply(tmp_path, '[shortcodes]\nbox = "expand"\n', '[box title="Harbour log"]Entries.[/box]')
    assert out == "<h3>Harbour log</h3>Entries."


def test_note_rule_makes_a_footnote(tmp_path: Path) -> None:
    from exporter.clean import clean

    rules = _write(tmp_path / "rules.toml", '[shortcodes]\nsidenote = "note"\n')
    raw = RawArticle(
        source_path=tmp_path / "x.html", html="<p>The quay[sidenote]Built in 1870.[/sidenote] is old.</p>", title="x"
    )
    plain = clean(raw)
    assert not plain.footnotes and "Built in 1870." in plain.body
    article = clean(raw, registry=registry_with_rules(raw, rules))
    assert [n.body for n in article.footnotes] == ["Built in 1870."]
    assert 'class="noteref"' in article.body and "Built in 1870." not in article.body


def test_rules_override_a_built_in_and_leave_the_defaults_alone(tmp_path: Path) -> None:
    rules = _write(tmp_path / "rules.toml", '[shortcodes]\ncontact-form = "keep-content"\n')
    registry = registry_with_rules(RAW, rules)
    assert registry is not None
    assert registry["contact-form"].keep_content is True
    assert default_registry()["contact-form"].keep_content is False
    assert registry["bg_collapse"].action is Action.EXPAND
    assert registry_with_rules(RAW, None) is None


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = _write(tmp_path / "rules.toml", '[shortcodes]\nx = "remove"\n')
    assert load_rules(path)["x"]["action"] == "remove"
    _write(path, '[shortcodes]\nx = "expand"\ny = "note"\n')
    assert load_rules(path)["x"]["action"] == "expand"


def test_an_empty_file_is_no_rules(tmp_path: Path) -> None:
    assert load_rules(_write(tmp_path / "rules.toml", "# nothing yet\n")) == {}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[shortcodes]\nsite_widget = "hide"\n', "line 2: [site_widget]: unknown action 'hide' (choose from expand,"),
        ("[shortcodes]\nsite_widget = \n", "line 2, column 15: not valid TOML: invalid value"),
        ('[shortcodes]\nsite_widget = "remove"\nsite_widget = "expand"\n', "line 3, column 23: not valid TOML"),
        ('[shortcodes.box]\naction = "expand"\ncolour = "red"\n', "line 3: [box]: unknown key 'colour'"),
        ('[shortcodes.box]\naction = "remove"\nreason = 3\n', "line 3: [box]: 'reason' must be a string"),
        ('[shortcodes.box]\naction = "remove"\ntitle = "t"\n', "line 3: [box]: 'title' is for the action 'expand'"),
        ('[shortcodes.box]\naction = "expand"\ntitle = 7\n', "line 3: [box]: 'title' must be an attribute name"),
        ('[shortcodes.box]\nreason = "x"\n', "line 1: [box]: no action"),
        ("[shortcodes]\nbox = 3\n", "line 2: [box]: give an action as a string"),
        ('[shortcodes]\n"two words" = "remove"\n', "line 2: 'two words' is not a shortcode name"),
        ('[shortcode]\nbox = "remove"\n', "line 1: unknown table or key 'shortcode'"),
        ('shortcodes = "remove"\n', "line 1: 'shortcodes' must be a table"),
    ],
)
def test_bad_rules_file_is_one_usage_error(tmp_path: Path, text: str, problem: str) -> None:
    path = _write(tmp_path / "site.toml", text)
    with pytest.raises(UsageError) as info:
        load_rules(path)
    assert str(info.value).startswith(f"{path}: {problem}"), str(info.value)
    assert "\n" not in str(info.value)


def test_bad_rules_file_exits_2_before_any_work(tmp_path: Path) -> None:
    source = _write(tmp_path / "harbour-shop.txt", ARTICLE)
    rules = _write(tmp_path / "site.toml", '[shortcodes]\nsite_widget = "hide"\n')
    out = tmp_path / "out"
    for command in (("export", source, "-o", out), ("inspect", source)):
        proc = run_cli(*command, "--rules", rules)
        assert proc.returncode == 2
        assert proc.stderr.splitlines() == [
            f"error: {rules}: line 2: [site_widget]: unknown action 'hide' "
            "(choose from expand, remove, keep-content, note, figure)"
        ]
        assert not proc.stdout
    assert not out.exists()
    for missing in (tmp_path / "absent.toml", tmp_path):
        proc = run_cli("export", source, "-o", out, "--rules", missing)
        assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1, proc.stderr
        assert proc.stderr.startswith(f"error: {missing}: ")
    assert not out.exists()


def test_the_documented_example_is_valid(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    rules = load_rules(_write(tmp_path / "site.toml", example))
    assert {data["action"] for data in rules.values()} == {"expand", "remove", "note", "convert"}

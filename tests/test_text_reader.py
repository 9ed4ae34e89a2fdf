"""The plain-text reader on dumps like the seed: title, dek, paragraphs, headings, shortcodes kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.errors import InputError
from exporter.readers.text import read_text
from tests.conftest import FIXTURES


def write(tmp_path: Path, text: str, name: str = "a.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_fixture_title_dek_headings_and_shortcodes_as_text() -> None:
    raw = read_text(FIXTURES / "harbour-archive.txt")
    assert raw.title == "Harbour Town Opens Its Community Archive to the Public"
    assert raw.subtitle == "A Report from the Lantern Quarterly"
    assert "<h2>Mayor Ilse Brandt: ‘Memory Belongs to Everyone’</h2>" in raw.html
    assert "<h2>Appendix: Who Was Darius Farrokhzad?</h2>" in raw.html
    assert "<p>Use the button below to read it</p>" in raw.html  # a sentence, not a heading
    assert "<p>PHOTOGRAPHS BY THE ARCHIVE VOLUNTEERS</p>" in raw.html  # shouting stays a paragraph
    assert '<p>[bg_collapse view="button-orange"' in raw.html
    assert "<p>[premium_newsticker id=”154171″]</p>" in raw.html
    assert raw.html.count("Volunteers sort boxes of letters") == 1
    assert any(m.code == "repeated-line" and "repeated line" in m.text for m in raw.warnings)


def test_single_lines_are_paragraphs_but_wrapped_lines_join(tmp_path: Path) -> None:
    wrapped = (
        "Title of the piece\n\n"
        "This paragraph was wrapped by an old mail client at a fixed width so\n"
        "that every line is about the same length and the sentence carries on\n"
        "into the next line.\n\n"
        "Creative Commons License\nThis work is licensed under a licence.\n"
    )
    raw = read_text(write(tmp_path, wrapped))
    assert "width so that every line" in raw.html
    assert "<p>This work is licensed under a licence.</p>" in raw.html
    assert raw.subtitle is None


def test_html_special_characters_are_escaped(tmp_path: Path) -> None:
    raw = read_text(write(tmp_path, "A <b>bold</b> title\n\nFish & chips < 5 pounds; <script>x</script>\n"))
    assert "Fish &amp; chips &lt; 5 pounds; &lt;script&gt;" in raw.html
    assert raw.title == "A <b>bold</b> title"


def test_cp1252_is_read_with_a_warning(tmp_path: Path) -> None:
    raw = read_text(write(tmp_path, "Café “quotes”\n\nNaïve façade – déjà vu.\n", encoding="cp1252"))
    assert raw.title == "Café “quotes”"
    assert "Naïve façade – déjà vu." in raw.html
    assert any(m.code == "guessed-legacy" and "cp1252" in m.text for m in raw.warnings)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "file is empty"), (b" \n\n \n", "file is empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary")],
)
def test_bad_files_raise_one_line_input_errors(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_text(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_a_paragraph_in_a_script_without_spaces_is_no_subtitle(tmp_path: Path) -> None:
    """Thai and Chinese write words without spaces: a whole paragraph is a few space-separated parts, and must not
    be taken for the short line under the title; a short line still is one."""
    thai = tmp_path / "thai.txt"
    paragraph = "ชุมชนเล็ก ๆ ริมแม่น้ำแห่งหนึ่งได้เปิดห้องเก็บเอกสารของหมู่บ้านเป็นครั้งแรก ชาวบ้านหลายสิบคนมาชมภาพถ่ายเก่า จดหมาย"
    thai.write_text(f"ห้องเก็บเอกสารของชุมชน\n\n{paragraph}\n\nย่อหน้าที่สองของบทความ\n", encoding="utf-8")
    raw = read_text(thai)
    assert raw.subtitle is None and paragraph in raw.html
    chinese = tmp_path / "zh.txt"
    text = "老茶馆里的口述历史\n\n一份来自社区档案馆的报告\n\n每个星期三的下午，老茶馆都会变成录音室。\n"
    chinese.write_text(text, encoding="utf-8")
    assert read_text(chinese).subtitle == "一份来自社区档案馆的报告"

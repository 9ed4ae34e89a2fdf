"""Encodings: BOMs, UTF-16/32 without BOM, declared charsets, cp1252 and Latin-1 guesses, mojibake left alone."""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporter.errors import InputError
from exporter.messages import Message
from exporter.readers.decode import decode_bytes, mojibake_sample
from exporter.readers.html import read_html
from exporter.readers.text import read_text
from tests.tools import epub_text, run_cli

TEXT = "Café — “quoted” naïve façade, 5 € and ½. Persian: سلام دنیا. Chinese: 你好。Emoji 😀"
LATIN = "Café — “quoted” naïve façade, 5 € and ½."
GUESSED = "(guessed from its zero bytes)"


def said(messages: list[Message]) -> list[tuple[str, str, str]]:
    """(level, code, text) of each message; every one is of the ``decode`` stage."""
    assert all(m.stage == "decode" for m in messages), messages
    return [(m.level, m.code, m.text) for m in messages]


@pytest.mark.parametrize(
    ("data", "encoding", "warning"),
    [
        (TEXT.encode("utf-8"), "utf-8", None),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig", None),
        (TEXT.encode("utf-16"), "utf-16", None),  # with a BOM (native order)
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16", None),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16", None),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32", None),
        (TEXT.encode("utf-16-le"), "utf-16-le", f"no byte-order mark; read as UTF-16 LE {GUESSED}"),
        (TEXT.encode("utf-16-be"), "utf-16-be", f"no byte-order mark; read as UTF-16 BE {GUESSED}"),
        (TEXT.encode("utf-32-le"), "utf-32-le", f"no byte-order mark; read as UTF-32 LE {GUESSED}"),
        (TEXT.encode("utf-32-be"), "utf-32-be", f"no byte-order mark; read as UTF-32 BE {GUESSED}"),
    ],
)
def test_unicode_encodings_with_and_without_bom(data: bytes, encoding: str, warning: str | None) -> None:
    decoded = decode_bytes(data, Path("x.txt"))
    assert decoded.text.lstrip("\ufeff") == TEXT
    assert decoded.encoding == encoding
    assert said(decoded.warnings) == ([("warning", "wide-without-bom", warning)] if warning else [])


def test_non_latin_utf16_without_bom_is_read_by_its_spaces_and_punctuation() -> None:
    persian = "این یک متن فارسی است، با فاصله‌ها و نقطه‌ها."
    for enc in ("utf-16-le", "utf-16-be"):
        assert decode_bytes(persian.encode(enc), Path("fa.txt")).text == persian


@pytest.mark.parametrize(
    ("text", "encoding", "guessed"),
    [
        (LATIN, "cp1252", "cp1252"),
        ("Café naïve \x81 control-free Latin-1", "latin-1", "latin-1"),  # 0x81: undefined in cp1252
    ],
)
def test_legacy_single_byte_text_is_guessed_with_a_warning(text: str, encoding: str, guessed: str) -> None:
    decoded = decode_bytes(text.encode(encoding), Path("x.txt"))
    assert decoded.text == text and decoded.encoding == guessed
    assert said(decoded.warnings) == [
        ("warning", "guessed-legacy", f"not valid UTF-8; read as {guessed} (guessed, no charset declared)")
    ]


def page(charset_markup: str, body: str) -> str:
    return f"<html><head>{charset_markup}<title>T</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    "markup",
    [
        '<meta charset="windows-1252">',
        '<meta charset="iso-8859-1">',  # browsers read ISO-8859-1 as windows-1252: “ ” € are kept
        '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
        '<meta charset="us-ascii">',
        "<meta charset=latin1>",
    ],
)
def test_declared_legacy_charset_is_read_as_browsers_read_it(markup: str) -> None:
    decoded = decode_bytes(page(markup, LATIN).encode("cp1252"), Path("p.html"), is_html=True)
    assert LATIN in decoded.text and decoded.encoding == "cp1252" and decoded.warnings == []


def test_declared_charset_comes_first() -> None:
    greek = "Καλημέρα κόσμε"
    data = page('<meta charset="iso-8859-7">', greek).encode("iso-8859-7")
    decoded = decode_bytes(data, Path("p.html"), is_html=True)
    assert greek in decoded.text and decoded.encoding == "iso8859-7" and decoded.warnings == []
    assert decode_bytes(data, Path("p.txt")).encoding == "cp1252"  # without the declaration: a guess


def test_declaration_contradicted_by_valid_utf8_is_read_as_utf8_with_a_warning() -> None:
    decoded = decode_bytes(page('<meta charset="windows-1252">', LATIN).encode("utf-8"), Path("p.html"), is_html=True)
    assert LATIN in decoded.text and decoded.encoding == "utf-8"
    assert said(decoded.warnings) == [
        ("info", "declared-but-utf8", "page declares 'windows-1252' but its bytes are valid UTF-8; read as UTF-8")
    ]


def test_declared_utf8_that_is_not_and_unknown_or_wide_declarations() -> None:
    bad = decode_bytes(page('<meta charset="utf-8">', LATIN).encode("cp1252"), Path("p.html"), is_html=True)
    assert LATIN in bad.text
    assert said(bad.warnings) == [
        ("warning", "guessed-legacy", "not valid UTF-8; read as cp1252 (guessed, declares 'utf-8')")
    ]
    unknown = decode_bytes(page('<meta charset="x-klingon">', "plain").encode(), Path("p.html"), is_html=True)
    assert said(unknown.warnings) == [("warning", "unknown-charset", "unknown charset 'x-klingon' declared; ignored")]
    wide = decode_bytes(page('<meta charset="utf-16">', "plain").encode(), Path("p.html"), is_html=True)
    assert "plain" in wide.text and wide.encoding == "utf-8" and wide.warnings == []


def test_html_in_utf16_without_bom_declaring_its_charset() -> None:
    data = page('<meta charset="utf-16">', TEXT).encode("utf-16-le")
    decoded = decode_bytes(data, Path("p.html"), is_html=True)
    assert TEXT in decoded.text and decoded.encoding == "utf-16-le"


def test_mojibake_is_kept_as_it_is_with_a_warning() -> None:
    broken = "CafÃ© and itâ€™s naÃ¯ve"  # UTF-8 read as cp1252 somewhere upstream, then saved as UTF-8
    decoded = decode_bytes(broken.encode("utf-8"), Path("m.txt"))
    assert decoded.text == broken  # not repaired
    assert said(decoded.warnings) == [
        (
            "warning",
            "mojibake",
            "text looks like mojibake (e.g. 'Ã©' for 'é': UTF-8 once read as cp1252 or Latin-1); "
            "kept as it is, not repaired",
        )
    ]
    assert mojibake_sample("itâ€™s") == ("â€™", "’")
    assert mojibake_sample("ðŸ˜€") == ("ðŸ˜€", "😀")


@pytest.mark.parametrize(
    "text",
    ["L’ÉTÉ» à São Paulo, «Été», Ötzi ½ °C", "Ærøskøbing Ñandú", "ÃO ÂMBITO", "Ça va? Où? Ô!", TEXT],
)
def test_real_accented_text_is_not_called_mojibake(text: str) -> None:
    assert mojibake_sample(text) is None
    assert decode_bytes(text.encode("utf-8"), Path("x.txt")).warnings == []


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
        b"PK\x03\x04" + bytes(40) + b"mimetype",
        bytes(range(256)) * 4,
        b"\x00\x00\x00\x00" * 100,
        b"text\x00with\x00\x00\x00nul runs",
    ],
)
def test_binary_data_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match=r"not a text file \(binary data\)"):
        decode_bytes(data, Path("b.txt"))


def test_invalid_text_after_a_bom_is_refused() -> None:
    with pytest.raises(InputError, match="invalid utf-16 text after its byte-order mark"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8a\x00", Path("b.txt"))


# Latin letters whose cp1252 bytes are all 0xC0 or above: no two of them can form valid UTF-8.
_LETTERS = "abcdefghij ABCDEF éüßñçøåæ"


@given(st.text(alphabet=_LETTERS, min_size=3, max_size=200).filter(lambda t: t.strip()))
def test_any_latin_text_reads_back_the_same_in_every_encoding(text: str) -> None:
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "utf-16-le", "utf-16-be"):
        data = text.encode(encoding)
        decoded = decode_bytes(data, Path("x.txt"))
        assert decoded.text.lstrip("\ufeff") == text, encoding
        if encoding == "cp1252" and not text.isascii():
            assert [m.text for m in decoded.warnings] == [
                "not valid UTF-8; read as cp1252 (guessed, no charset declared)"
            ]


# --- through the readers and the CLI -------------------------------------------------------------------

BODY = "Fête de la musique — “ça commence” à 20 h, entrée 5 €."
ENCODED_INPUTS = {
    "utf8.txt": ("Utf8 Title", "utf-8"),
    "utf8-bom.txt": ("Bom Title", "utf-8-sig"),
    "utf16le-bom.txt": ("Sixteen Bom Title", "utf-16"),
    "utf16le.txt": ("Sixteen Le Title", "utf-16-le"),
    "utf16be.txt": ("Sixteen Be Title", "utf-16-be"),
    "cp1252.txt": ("Windows Title", "cp1252"),
}


def test_readers_read_every_encoding(tmp_path: Path) -> None:
    for name, (title, encoding) in ENCODED_INPUTS.items():
        path = tmp_path / name
        path.write_bytes(f"{title}\n\n{BODY}\n".encode(encoding))
        raw = read_text(path)
        assert raw.title == title and "Fête de la musique" in raw.html and "“ça commence”" in raw.html
    html = tmp_path / "declared.html"
    html.write_bytes(page('<meta charset="windows-1252">', BODY).encode("cp1252"))
    raw = read_html(html)
    assert "“ça commence”" in raw.html and not any("guessed" in m.text for m in raw.warnings)


def test_cli_exports_every_encoding_with_warnings_for_guesses(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, (title, encoding) in ENCODED_INPUTS.items():
        (inputs / name).write_bytes(f"{title}\n\n{BODY}\n".encode(encoding))
    (inputs / "mojibake.txt").write_text("Mojibake Title\n\nCafÃ© stays as it is.\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("export", inputs, "-o", out, "-f", "epub", "-v")
    assert proc.returncode == 0, proc.stderr
    for name in ENCODED_INPUTS:
        slug = ENCODED_INPUTS[name][0].lower().replace(" ", "-")
        text = epub_text(out / f"{slug}.epub")
        assert BODY in text, (name, text)
    assert "CafÃ© stays as it is." in epub_text(out / "mojibake-title.epub")
    assert "no byte-order mark; read as UTF-16 LE (guessed from its zero bytes)" in proc.stderr
    assert "not valid UTF-8; read as cp1252 (guessed, no charset declared)" in proc.stderr
    assert "text looks like mojibake (e.g. 'Ã©' for 'é'" in proc.stderr


def test_text_reader_rejects_binary_with_one_line(tmp_path: Path) -> None:
    with tempfile.NamedTemporaryFile(suffix=".txt", dir=tmp_path, delete=False) as handle:
        handle.write(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(InputError) as info:
        read_text(Path(handle.name))
    assert str(info.value) == f"{handle.name}: not a text file (binary data)"

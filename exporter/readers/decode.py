"""Bytes to text: BOMs, UTF-16/32 without BOM, declared charsets, then UTF-8, then a guessed legacy encoding.

The order, and what the user is told:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE): read as it says, no warning;
2. no BOM, but zero bytes in the pattern of UTF-16 or UTF-32 text (every other byte zero for Latin text,
   never a zero code unit): read as that, with a warning that the encoding was guessed;
3. otherwise NUL bytes or many control characters: refused as binary;
4. the charset an HTML page declares (``<meta charset>``, ``http-equiv``, the XML declaration), as browsers
   read it (``iso-8859-1`` and ``us-ascii`` mean windows-1252; a declared UTF-16 without a BOM means UTF-8).
   A page that declares a legacy charset but whose bytes are valid UTF-8 with non-ASCII characters was
   saved without the server's UTF-8 header: it is read as UTF-8, with a warning;
5. UTF-8;
6. cp1252 (or Latin-1 when the bytes use code points cp1252 leaves undefined), with a warning.

Text that already holds mojibake (UTF-8 that was once read as cp1252 or Latin-1, such as ``CafÃ©``) is
never "repaired": it is kept as it is, with a warning that quotes an example.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bs4.dammit import EncodingDetector

from exporter.errors import InputError
from exporter.messages import Message, info, warning

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_TEXT_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\ufffe\uffff]")
_SAMPLE = 8192
# Charsets that browsers read as windows-1252 (WHATWG Encoding Standard), by Python codec name.
_WINDOWS_1252 = frozenset({"cp1252", "iso8859-1", "ascii", "latin-1"})
_UTF = ("utf-8", "utf-16", "utf-32", "utf-8-sig")


def _c1_passthrough(exc: UnicodeError) -> tuple[str, int]:
    """Decode bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) as the same code point (WHATWG)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error("exporter-c1", _c1_passthrough)

# Mojibake: the cp1252 spelling of a UTF-8 sequence ("Ã©" for "é", "â€™" for "’").
_CONT = "".join(sorted({bytes([b]).decode("cp1252", "exporter-c1") for b in range(0x80, 0xC0)}))
_CONT_CLASS = "[" + re.escape(_CONT) + "]"
_MOJIBAKE = re.compile(
    f"[\u00c2-\u00df]{_CONT_CLASS}|[\u00e0-\u00ef]{_CONT_CLASS}{{2}}|[\u00f0-\u00f4]{_CONT_CLASS}{{3}}"
)
# What such a sequence usually stood for: accented letters, typographic punctuation, symbols, emoji.
_LIKELY_REPAIRED = re.compile("[\u00a0-\u017f\u2010-\u205e\u20ac\u2122\U0001f300-\U0001faff]")


@dataclass
class DecodedText:
    """A decoded input: its text, the encoding used, messages (stage ``decode``), and the SHA-256 of the bytes."""

    text: str
    encoding: str
    sha256: str
    warnings: list[Message] = field(default_factory=list)


def open_input(path: Path) -> IO[bytes]:
    """Open an input file for reading, turning OS errors into one-line InputErrors."""
    try:
        return path.open("rb")
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path) from None
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except PermissionError:
        raise InputError("permission denied", path) from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", path) from None


def read_input_bytes(path: Path) -> bytes:
    """Read a file, turning OS errors into one-line InputErrors."""
    with open_input(path) as handle:
        try:
            data = handle.read()
        except OSError as exc:
            raise InputError(f"cannot read file ({exc.strerror or exc})", path) from None
    if not data.strip():
        raise InputError("file is empty", path)
    return data


def decode_bytes(data: bytes, path: Path, *, is_html: bool = False) -> DecodedText:
    """Decode input bytes (see the module's docstring for the order).

    Raises InputError for binary data. A guessed encoding, a declaration the bytes contradict and likely
    mojibake are reported in ``warnings``.
    """
    decoded = _decode(data, path, is_html)
    sample = mojibake_sample(decoded.text)
    if sample is not None:
        bad, good = sample
        text = (
            f"text looks like mojibake (e.g. {bad!r} for {good!r}: UTF-8 once read as cp1252 or Latin-1); "
            "kept as it is, not repaired"
        )
        decoded.warnings.append(warning("decode", "mojibake", text))
    return decoded


def _decode(data: bytes, path: Path, is_html: bool) -> DecodedText:
    digest = hashlib.sha256(data).hexdigest()
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(name), name, digest)
            except UnicodeDecodeError:
                raise InputError(f"invalid {name} text after its byte-order mark", path) from None
    wide = _wide_without_bom(data)
    if wide is not None:
        text, name = wide
        shown = name.upper().replace("-LE", " LE").replace("-BE", " BE")
        note = f"no byte-order mark; read as {shown} (guessed from its zero bytes)"
        return DecodedText(text, name, digest, [warning("decode", "wide-without-bom", note)])
    if _looks_binary(data):
        raise InputError("not a text file (binary data)", path)
    warnings: list[Message] = []
    declared = _declared(data) if is_html else None
    if declared is not None:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            warnings.append(warning("decode", "unknown-charset", f"unknown charset {declared!r} declared; ignored"))
        else:
            result = _decode_declared(data, declared, codec, digest)
            if result is not None:
                return result
            if codec not in _UTF:
                note = f"declared charset {declared!r} does not fit the bytes; ignored"
                warnings.append(warning("decode", "charset-mismatch", note))
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", digest, warnings)
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    guessed = "cp1252"
    if "\ufffd" in text:  # bytes cp1252 leaves undefined: Latin-1 maps every byte
        text, guessed = data.decode("latin-1"), "latin-1"
    why = f"declares {declared!r}" if declared else "no charset declared"
    warnings.append(warning("decode", "guessed-legacy", f"not valid UTF-8; read as {guessed} (guessed, {why})"))
    return DecodedText(text, guessed, digest, warnings)


def _declared(data: bytes) -> str | None:
    """The charset an HTML or XML document declares in its first bytes, lower-cased, or None."""
    found = EncodingDetector.find_declared_encoding(data, is_html=True, search_entire_document=False)
    return found.strip().lower() if found else None


def _decode_declared(data: bytes, declared: str, codec: str, digest: str) -> DecodedText | None:
    """The text as its declared charset reads, as browsers do; None when the declaration cannot be used."""
    if codec.startswith(("utf-16", "utf-32")):
        return None  # no BOM and no zero bytes: not UTF-16 whatever the page says (browsers read UTF-8)
    if codec not in _UTF and not data.isascii():
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            note = f"page declares {declared!r} but its bytes are valid UTF-8; read as UTF-8"
            return DecodedText(text, "utf-8", digest, [info("decode", "declared-but-utf8", note)])
    try:
        if codec in _WINDOWS_1252:
            return DecodedText(data.decode("cp1252", errors="exporter-c1"), "cp1252", digest)
        return DecodedText(data.decode(codec), codec, digest)
    except UnicodeDecodeError:
        return None


def _wide_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) for UTF-32 or UTF-16 text without a byte-order mark, told by where its zero bytes are.

    Latin-script text has a zero high byte in almost every code unit; other scripts still have one in
    spaces, digits and punctuation. Text never holds a zero code unit, so binary data (runs of zeros) fails.
    """
    head = data[:_SAMPLE]
    if b"\x00" not in head:
        return None
    quads = head[: len(head) // 4 * 4]
    if len(data) % 4 == 0 and len(quads) >= 4:
        lanes = [quads[i::4] for i in range(4)]
        n = len(lanes[0])
        no_zero_unit = all(quads[i : i + 4] != b"\x00\x00\x00\x00" for i in range(0, len(quads), 4))
        # A code point is at most 0x10FFFF: its top byte is always zero, the next one nearly always.
        if no_zero_unit and lanes[3].count(0) == n and lanes[2].count(0) * 10 >= n * 9:
            return _strict(data, "utf-32-le")
        if no_zero_unit and lanes[0].count(0) == n and lanes[1].count(0) * 10 >= n * 9:
            return _strict(data, "utf-32-be")
    if len(data) % 2:
        return None
    pairs = head[: len(head) // 2 * 2]
    units = len(pairs) // 2
    even, odd = pairs[0::2].count(0), pairs[1::2].count(0)
    if any(pairs[i] == 0 and pairs[i + 1] == 0 for i in range(0, len(pairs), 2)):
        return None
    if odd >= max(2, units // 20) and even * 10 <= odd:
        return _strict(data, "utf-16-le")
    if even >= max(2, units // 20) and odd * 10 <= even:
        return _strict(data, "utf-16-be")
    return None


def _strict(data: bytes, encoding: str) -> tuple[str, str] | None:
    """The text, if the bytes decode strictly and read as text (few control characters)."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if len(_TEXT_CONTROL.findall(text[:_SAMPLE])) > max(2, len(text[:_SAMPLE]) // 200):
        return None
    return text, encoding


def mojibake_sample(text: str) -> tuple[str, str] | None:
    """An example of mojibake in ``text`` and what it stood for (``('Ã©', 'é')``), or None."""
    for m in _MOJIBAKE.finditer(text):
        try:
            fixed = b"".join(_legacy_byte(c) for c in m.group()).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if _LIKELY_REPAIRED.fullmatch(fixed):
            return m.group(), fixed
    return None


def _legacy_byte(char: str) -> bytes:
    """The byte a character came from when bytes were read as cp1252 (or Latin-1, for cp1252's gaps)."""
    try:
        return char.encode("cp1252")
    except UnicodeEncodeError:
        return char.encode("latin-1")


def _looks_binary(data: bytes) -> bool:
    """True when the bytes hold NULs or many control characters (images, archives, executables)."""
    head = data[:_SAMPLE]
    if b"\x00" in head:
        return True
    return len(_CONTROL.findall(head)) > max(8, len(head) // 100)


def decode_head(head: bytes) -> str | None:
    """The first bytes of a file as text, for sniffing its type (BOMs and UTF-16/32 honoured, a character cut at
    the end replaced); None when they look binary."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return head.decode(name, errors="replace")
    wide = _wide_without_bom(head)
    if wide is not None:
        return wide[0]
    if _looks_binary(head):
        return None
    return head.decode("utf-8", errors="replace")


def read_text_file(path: Path, *, is_html: bool = False) -> DecodedText:
    """Read and decode one input file; see decode_bytes."""
    return decode_bytes(read_input_bytes(path), path, is_html=is_html)

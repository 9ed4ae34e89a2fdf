"""Bytes to text: BOMs, declared charsets, then UTF-8, then a guessed legacy encoding with a warning."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4.dammit import EncodingDetector

from exporter.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


@dataclass
class DecodedText:
    """A decoded input: its text, the encoding used, warnings, and the SHA-256 of the bytes."""

    text: str
    encoding: str
    sha256: str
    warnings: list[str] = field(default_factory=list)


def read_input_bytes(path: Path) -> bytes:
    """Read a file, turning OS errors into one-line InputErrors."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path) from None
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except PermissionError:
        raise InputError("permission denied", path) from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", path) from None
    if not data.strip():
        raise InputError("file is empty", path)
    return data


def decode_bytes(data: bytes, path: Path, *, is_html: bool = False) -> DecodedText:
    """Decode input bytes: BOM, then the declared charset (HTML/XML), then UTF-8, then cp1252.

    Raises InputError for binary data. A guessed encoding is reported in ``warnings``.
    """
    digest = hashlib.sha256(data).hexdigest()
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(name), name, digest)
            except UnicodeDecodeError:
                raise InputError(f"invalid {name} text after its byte-order mark", path) from None
    if _looks_binary(data):
        raise InputError("not a text file (binary data)", path)
    if is_html:
        declared = EncodingDetector.find_declared_encoding(data, is_html=True, search_entire_document=False)
        if declared:
            try:
                return DecodedText(data.decode(declared), declared, digest)
            except (LookupError, UnicodeDecodeError):
                pass
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", digest)
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    guessed = "cp1252"
    if "\ufffd" in text:  # bytes cp1252 leaves undefined: Latin-1 maps every byte
        text, guessed = data.decode("latin-1"), "latin-1"
    return DecodedText(text, guessed, digest, [f"not valid UTF-8; read as {guessed} (guessed, no charset declared)"])


def _looks_binary(data: bytes) -> bool:
    """True when the bytes hold NULs or many control characters (images, archives, executables)."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    return len(_CONTROL.findall(head)) > max(8, len(head) // 100)


def read_text_file(path: Path, *, is_html: bool = False) -> DecodedText:
    """Read and decode one input file; see decode_bytes."""
    return decode_bytes(read_input_bytes(path), path, is_html=is_html)

"""Repair of the ToUnicode CMaps WeasyPrint writes, before the PDF is serialized.

WeasyPrint maps each glyph to the text of its cluster. When Pango ellipsizes a line (``text-overflow:
ellipsis``, as the running head does with a long title), the ellipsis glyph's cluster is all the text it hides,
so the CMap maps one glyph to dozens of characters. poppler reads a CMap token into a 256-byte buffer: a
destination of more than 63 UTF-16 code units is cut, and ``pdftotext`` warns "Illegal entry in bfchar block in
ToUnicode CMap". Such an entry is given the glyph's own character, from the embedded font's ``cmap`` ("…" for
the ellipsis), which is also what the page shows; an entry whose glyph has none is left out (that glyph then
has no text, rather than a wrong one).

Runs as WeasyPrint's ``finisher`` on the ``pydyf.PDF``: the streams are edited in place and serialized once, so
the bytes stay deterministic.
"""

from __future__ import annotations

import io
import re
from typing import Any

MAX_DESTINATION_UNITS = 63
"""The longest destination (UTF-16 code units) a bfchar entry may have: poppler's token limit is 255 bytes."""
_ENTRY = re.compile(rb"<([0-9A-Fa-f]+)> <([0-9A-Fa-f]*)>")
_BLOCK_START = re.compile(rb"\d+ beginbfchar")


def _glyph_characters(font_file: Any) -> dict[int, str]:
    """Glyph id → a character the embedded font (a pydyf stream of a TrueType/OpenType file) maps to it."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(b"".join(_bytes(part) for part in font_file.stream)))
        characters: dict[int, str] = {}
        for codepoint, name in sorted((font.getBestCmap() or {}).items()):
            characters.setdefault(font.getGlyphID(name), chr(codepoint))
        return characters
    except Exception:  # an unreadable font only means that no replacement character is known
        return {}


def _bytes(part: Any) -> bytes:
    return part if isinstance(part, bytes) else str(part).encode()


def _font_file(font: Any, objects: dict[bytes, Any]) -> Any:
    """The embedded font program of a Type0 font dictionary, or None."""
    try:
        descendant = objects[_bytes(font["DescendantFonts"][0])]
        descriptor = objects[_bytes(descendant["FontDescriptor"])]
        key = "FontFile2" if "FontFile2" in descriptor else "FontFile3"
        return objects[_bytes(descriptor[key])]
    except (KeyError, IndexError, TypeError):
        return None


def _repaired(lines: list[bytes], characters: dict[int, str]) -> tuple[list[bytes], int]:
    """The CMap's lines with each over-long bfchar entry replaced or dropped, block counts updated."""
    out: list[bytes] = []
    block: list[bytes] = []
    in_block, changed = False, 0
    for line in lines:
        if _BLOCK_START.fullmatch(line):
            in_block, block = True, []
            continue
        if in_block and line == b"endbfchar":
            if block:
                out += [f"{len(block)} beginbfchar".encode(), *block, line]
            in_block = False
            continue
        if not in_block:
            out.append(line)
            continue
        entry = _ENTRY.fullmatch(line)
        if entry is None or len(entry.group(2)) <= 4 * MAX_DESTINATION_UNITS:
            block.append(line)
            continue
        changed += 1
        glyph = int(entry.group(1), 16)
        if glyph in characters:
            block.append(b"<" + entry.group(1) + b"> <" + characters[glyph].encode("utf-16-be").hex().encode() + b">")
    return out, changed


def repair_to_unicode(pdf: Any) -> int:
    """Fix the over-long bfchar entries of every ToUnicode CMap in ``pdf`` (a ``pydyf.PDF``); returns how many."""
    objects = {obj.reference: obj for obj in pdf.objects if getattr(obj, "number", None) is not None}
    repaired = 0
    for font in list(objects.values()):
        if not isinstance(font, dict) or "ToUnicode" not in font:
            continue
        cmap = objects.get(_bytes(font["ToUnicode"]))
        if cmap is None or not all(isinstance(part, bytes) for part in cmap.stream):
            continue
        if not any(len(line) > 4 * MAX_DESTINATION_UNITS for line in cmap.stream):
            continue
        font_file = _font_file(font, objects)
        characters = _glyph_characters(font_file) if font_file is not None else {}
        cmap.stream, changed = _repaired(list(cmap.stream), characters)
        repaired += changed
    return repaired

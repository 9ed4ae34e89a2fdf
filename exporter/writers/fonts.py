"""Which characters the pinned fonts cannot print: a warning naming each, never a silent box.

The pinned fonts are the families ``styles/print.css`` names in its font-family declarations and custom
properties, plus the colour emoji font, which print.css cannot name (see :data:`UNNAMED_FAMILIES`); scripts/setup.sh
installs them all (docs/fonts.md). Their coverage is read from the files fontconfig resolves for them (in this
process, :mod:`exporter.writers.fontconfig`; WeasyPrint's binding where ctypes cannot load the library), with
fontTools (``cmap``), lazily and once per process: a family is opened only
when the text has a character that the families before it do not cover, so a Latin article opens none.
"""

from __future__ import annotations

import re
import struct
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from exporter.messages import Message, warning
from exporter.writers import fontconfig, stylesheet

UNNAMED_FAMILIES = ("Noto Color Emoji",)
"""Pinned but not named in print.css: naming a colour emoji font in a font-family list makes Pango (through
WeasyPrint 70) take the digits, ``#`` and ``*`` of every line from it; left unnamed, fontconfig falls back to it
for the emoji only (docs/fonts.md)."""
MAX_NAMED = 12
"""At most this many characters get a warning each per document; the rest are counted in one more."""
# Characters DejaVu Serif, first in every text stack, is known to have: checked without opening any font.
_FAST = frozenset(chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x250)))
_QUOTED = re.compile(r'"([^"]+)"')
_DECLARATION = re.compile(r"(?:font-family|--font-[\w-]+)\s*:\s*([^;}]+)")
_lock = threading.Lock()


def renders_nothing(char: str) -> bool:
    """Whether ``char`` draws no glyph of its own: controls, format characters (ZWJ, ZWNJ, bidi marks, soft
    hyphen), line and paragraph separators, white space and variation selectors."""
    code = ord(char)
    return (
        char.isspace()
        or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Zs", "Cs")
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or 0x180B <= code <= 0x180F
        or code == 0x034F
    )


@cache
def pinned_families() -> tuple[str, ...]:
    """The pinned families in the order print.css first names them, then :data:`UNNAMED_FAMILIES`."""
    css = re.sub(r"/\*.*?\*/", "", stylesheet("print.css").decode("utf-8"), flags=re.DOTALL)
    names: dict[str, None] = {}
    for value in _DECLARATION.findall(css):
        names.update(dict.fromkeys(_QUOTED.findall(value)))
    names.update(dict.fromkeys(UNNAMED_FAMILIES))
    return tuple(names)


def font_file(family: str, style: str | None = None) -> Path | None:
    """The file fontconfig resolves for ``family`` (regular style, or ``style`` such as ``Bold``), or None when
    that family is not installed (fontconfig then offers another family, which does not count)."""
    if fontconfig.available():
        found = fontconfig.match(family, style)
        if found is None or family.casefold() not in (name.casefold() for name in found.families):
            return None
        return found.file
    return _weasyprint_font_file(family, style)


def _weasyprint_font_file(family: str, style: str | None) -> Path | None:
    """:func:`font_file` through WeasyPrint's fontconfig binding, where ctypes cannot load the library."""
    from weasyprint.text.ffi import ffi, fontconfig

    pattern = ffi.gc(fontconfig.FcPatternCreate(), fontconfig.FcPatternDestroy)
    fontconfig.FcPatternAddString(pattern, b"family", family.encode())
    if style:
        fontconfig.FcPatternAddString(pattern, b"style", style.encode())
    fontconfig.FcConfigSubstitute(ffi.NULL, pattern, fontconfig.FcMatchPattern)
    fontconfig.FcDefaultSubstitute(pattern)
    result = ffi.new("FcResult *")
    match = fontconfig.FcFontMatch(ffi.NULL, pattern, result)
    if match == ffi.NULL:
        return None
    match = ffi.gc(match, fontconfig.FcPatternDestroy)
    string = ffi.new("FcChar8 **")
    families, index = [], 0
    while fontconfig.FcPatternGetString(match, b"family", index, string) == 0:
        families.append(ffi.string(string[0]).decode("utf-8", "replace"))
        index += 1
    if family.casefold() not in (name.casefold() for name in families):
        return None
    if fontconfig.FcPatternGetString(match, b"file", 0, string) != 0:
        return None
    return Path(ffi.string(string[0]).decode("utf-8", "surrogateescape"))


def _family_names(font: Any) -> set[str]:
    """The family names (name table IDs 1 and 16) of a fontTools font, case-folded."""
    return {name.toUnicode().casefold() for name in font["name"].names if name.nameID in (1, 16)}


def _codepoints(path: Path, family: str) -> frozenset[int]:
    """The code points the font ``family`` in ``path`` maps (in a collection, the member of that family).

    The ``cmap`` table is read from its bytes (:func:`cmap_codepoints`): fontTools would build the whole glyph
    order first (65,000 names for a CJK font, some 40 MB for a moment in every process that reads one).
    """
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() in (".ttc", ".otc"):
        collection = TTCollection(str(path), lazy=True)
        wanted = family.casefold()
        named = [font for font in collection.fonts if wanted in _family_names(font)]
        codepoints = cmap_codepoints((named or collection.fonts)[0].reader["cmap"])
        collection.close()
    else:
        font = TTFont(str(path), lazy=True)
        codepoints = cmap_codepoints(font.reader["cmap"])
        font.close()
    return codepoints


_UNICODE_FULL = ((3, 10), (0, 6), (0, 4))
"""cmap subtables for all of Unicode (format 12), in the order fontTools' getBestCmap prefers them."""
_UNICODE_BMP = ((3, 1), (0, 3), (0, 2), (0, 1), (0, 0))
"""cmap subtables for the Basic Multilingual Plane (format 4)."""


def cmap_codepoints(data: bytes) -> frozenset[int]:
    """The code points a ``cmap`` table (its bytes) maps to a glyph other than .notdef: from its best Unicode
    subtable, format 12 (all of Unicode) before format 4 (the BMP)."""
    count = struct.unpack_from(">H", data, 2)[0]
    subtables = {}
    for n in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, 4 + 8 * n)
        subtables.setdefault((platform, encoding, struct.unpack_from(">H", data, offset)[0]), offset)
    for key in _UNICODE_FULL:
        if (offset := subtables.get((*key, 12))) is not None:
            return _format12(data, offset)
    for key in _UNICODE_BMP:
        if (offset := subtables.get((*key, 4))) is not None:
            return _format4(data, offset)
    return frozenset()


def _format12(data: bytes, offset: int) -> frozenset[int]:
    groups = struct.unpack_from(">I", data, offset + 12)[0]
    found: set[int] = set()
    for n in range(groups):
        start, end, glyph = struct.unpack_from(">III", data, offset + 16 + 12 * n)
        found.update(range(start + (glyph == 0), end + 1))
    return frozenset(found)


def _format4(data: bytes, offset: int) -> frozenset[int]:
    segments = struct.unpack_from(">H", data, offset + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, offset + 14)
    starts = struct.unpack_from(f">{segments}H", data, offset + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, offset + 16 + 4 * segments)
    range_offsets_at = offset + 16 + 6 * segments
    range_offsets = struct.unpack_from(f">{segments}H", data, range_offsets_at)
    found: set[int] = set()
    for n, (start, end, delta, range_offset) in enumerate(zip(starts, ends, deltas, range_offsets, strict=True)):
        for code in range(start, min(end, 0xFFFE) + 1):
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                at = range_offsets_at + 2 * n + range_offset + 2 * (code - start)
                glyph = struct.unpack_from(">H", data, at)[0]
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                found.add(code)
    return frozenset(found)


@cache
def family_codepoints(family: str) -> frozenset[int]:
    """The code points the pinned ``family`` maps (regular style); empty when it is not installed."""
    path = font_file(family)
    return _codepoints(path, family) if path is not None else frozenset()


def collection_index(path: Path, family: str) -> int:
    """The index of ``family``'s member in a font collection (``.ttc``); 0 for a single font."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    wanted = family.casefold()
    index = next((n for n, font in enumerate(collection.fonts) if wanted in _family_names(font)), 0)
    collection.close()
    return index


class _Coverage:
    """The pinned families' coverage, opened family by family as a text needs it (once per process)."""

    def __init__(self) -> None:
        self.covered: set[int] = set()
        self.opened = 0
        self.files: set[Path] = set()
        """Font files read: the regional members of a CJK collection (SC, TC, HK, JP, KR) map the same characters,
        so a collection is read once, for the first of its families a text needs."""

    def missing(self, chars: Iterable[str]) -> list[str]:
        """The characters of ``chars`` no pinned family covers, opening more families only while some are left."""
        left = {c for c in chars if ord(c) not in self.covered}
        families = pinned_families()
        while left and self.opened < len(families):
            with _lock:
                if self.opened < len(families):
                    family = families[self.opened]
                    path = font_file(family)
                    if path is not None and path not in self.files:
                        self.covered |= _codepoints(path, family)
                        self.files.add(path)
                    self.opened += 1
            left = {c for c in left if ord(c) not in self.covered}
        return sorted(left)


_COVERAGE = _Coverage()


def missing_characters(text: str) -> list[str]:
    """The characters of ``text`` that print as something and that no pinned font has, in code point order."""
    chars = {c for c in set(text) - _FAST if not renders_nothing(c)}
    return _COVERAGE.missing(chars) if chars else []


def describe(char: str) -> str:
    """``U+1E900 ADLAM CAPITAL LETTER ALIF (Adlam script)``."""
    from fontTools import unicodedata as ft_unicodedata

    fallback = "private-use character" if unicodedata.category(char) == "Co" else "unnamed character"
    name = unicodedata.name(char, fallback)
    script = ft_unicodedata.script_name(ft_unicodedata.script(char), default="unknown")
    return f"U+{ord(char):04X} {name} ({script} script)"


def coverage_messages(text: str) -> list[Message]:
    """A ``pdf``/``glyph-missing`` warning per character of ``text`` that no pinned font has (at most
    :data:`MAX_NAMED`, then one warning counting the others)."""
    missing = missing_characters(text)
    messages = [
        warning(
            "pdf",
            "glyph-missing",
            f"no pinned font has {describe(char)}: the PDF may show it as a box or in another font",
        )
        for char in missing[:MAX_NAMED]
    ]
    if len(missing) > MAX_NAMED:
        messages.append(
            warning("pdf", "glyph-missing", f"{len(missing) - MAX_NAMED} more characters that no pinned font has")
        )
    return messages

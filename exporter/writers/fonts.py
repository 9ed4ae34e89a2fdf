"""Which characters the pinned fonts cannot print: a warning naming each, never a silent box.

The pinned fonts are the families ``styles/print.css`` names in its font-family declarations and custom
properties, plus the colour emoji font, which print.css cannot name (see :data:`UNNAMED_FAMILIES`); scripts/setup.sh
installs them all (docs/fonts.md). Their coverage is read from the files fontconfig resolves for them (through
WeasyPrint's fontconfig binding), with fontTools (``cmap``), lazily and once per process: a family is opened only
when the text has a character that the families before it do not cover, so a Latin article opens none.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from exporter.messages import Message, warning
from exporter.writers import stylesheet

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


def font_file(family: str) -> Path | None:
    """The file fontconfig resolves for ``family`` (regular style), or None when that family is not installed
    (fontconfig then offers another family, which does not count)."""
    from weasyprint.text.ffi import ffi, fontconfig

    pattern = ffi.gc(fontconfig.FcPatternCreate(), fontconfig.FcPatternDestroy)
    fontconfig.FcPatternAddString(pattern, b"family", family.encode())
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
    """The code points the font ``family`` in ``path`` maps (in a collection, the member of that family)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() in (".ttc", ".otc"):
        fonts = TTCollection(str(path), lazy=True).fonts
        wanted = family.casefold()
        named = [font for font in fonts if wanted in _family_names(font)]
        fonts = named or fonts
    else:
        fonts = [TTFont(str(path), lazy=True)]
    return frozenset(fonts[0].getBestCmap() or {})


class _Coverage:
    """The pinned families' coverage, opened family by family as a text needs it (once per process)."""

    def __init__(self) -> None:
        self.covered: set[int] = set()
        self.opened = 0

    def missing(self, chars: Iterable[str]) -> list[str]:
        """The characters of ``chars`` no pinned family covers, opening more families only while some are left."""
        left = {c for c in chars if ord(c) not in self.covered}
        families = pinned_families()
        while left and self.opened < len(families):
            with _lock:
                if self.opened < len(families):
                    family = families[self.opened]
                    path = font_file(family)
                    if path is not None:
                        self.covered |= _codepoints(path, family)
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

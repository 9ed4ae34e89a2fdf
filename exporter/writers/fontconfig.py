"""fontconfig's font matching in this process, through ctypes on the system's libfontconfig.

What ``fc-match "Family:style=Style"`` answers (the pattern substituted by the configuration and the defaults,
then the best match), without starting a process per font (~10 ms each) and without importing WeasyPrint for
its fontconfig binding: the EPUB cover finds its fonts here, and a run that writes no PDF never imports
WeasyPrint. :func:`match` returns None when the library cannot be loaded; callers then fall back to their own way.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LIBRARY = "libfontconfig.so.1"
_MATCH_PATTERN = 0
"""``FcMatchPattern``: substitute the rules that apply to a pattern being matched."""
_RESULT_MATCH = 0
"""``FcResultMatch``: the value asked for exists."""
_lock = threading.Lock()


@dataclass(frozen=True)
class Match:
    """The font fontconfig chose: its file and the family names it answers to."""

    file: Path
    families: tuple[str, ...]


@cache
def _library() -> ctypes.CDLL | None:
    """The fontconfig library with the signatures used here, or None when it cannot be loaded."""
    try:
        lib = ctypes.CDLL(LIBRARY)
    except OSError:
        return None
    pointer, text = ctypes.c_void_p, ctypes.c_char_p
    lib.FcPatternCreate.argtypes, lib.FcPatternCreate.restype = [], pointer
    lib.FcPatternDestroy.argtypes, lib.FcPatternDestroy.restype = [pointer], None
    lib.FcPatternAddString.argtypes, lib.FcPatternAddString.restype = [pointer, text, text], ctypes.c_int
    lib.FcConfigSubstitute.argtypes, lib.FcConfigSubstitute.restype = [pointer, pointer, ctypes.c_int], ctypes.c_int
    lib.FcDefaultSubstitute.argtypes, lib.FcDefaultSubstitute.restype = [pointer], None
    lib.FcFontMatch.argtypes = [pointer, pointer, ctypes.POINTER(ctypes.c_int)]
    lib.FcFontMatch.restype = pointer
    lib.FcPatternGetString.argtypes = [pointer, text, ctypes.c_int, ctypes.POINTER(text)]
    lib.FcPatternGetString.restype = ctypes.c_int
    return lib


def available() -> bool:
    """True when the library loads (so :func:`match` answers)."""
    return _library() is not None


def match(family: str, style: str | None = None) -> Match | None:
    """fontconfig's best match for ``family`` (and ``style``, such as ``Bold``), as ``fc-match`` finds it; None
    when the library cannot be loaded or nothing matches. The match may be another family (fontconfig always
    offers one): check :attr:`Match.families`."""
    lib = _library()
    if lib is None:
        return None
    with _lock:
        pattern = lib.FcPatternCreate()
        try:
            lib.FcPatternAddString(pattern, b"family", family.encode())
            if style:
                lib.FcPatternAddString(pattern, b"style", style.encode())
            lib.FcConfigSubstitute(None, pattern, _MATCH_PATTERN)
            lib.FcDefaultSubstitute(pattern)
            result = ctypes.c_int()
            found = lib.FcFontMatch(None, pattern, ctypes.byref(result))
        finally:
            lib.FcPatternDestroy(pattern)
        if not found:
            return None
        try:
            value = ctypes.c_char_p()
            families: list[str] = []
            while lib.FcPatternGetString(found, b"family", len(families), ctypes.byref(value)) == _RESULT_MATCH:
                families.append((value.value or b"").decode("utf-8", "replace"))
            if lib.FcPatternGetString(found, b"file", 0, ctypes.byref(value)) != _RESULT_MATCH or not value.value:
                return None
            return Match(Path(value.value.decode("utf-8", "surrogateescape")), tuple(families))
        finally:
            lib.FcPatternDestroy(found)

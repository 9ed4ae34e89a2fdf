"""Which scripts a text is written in: letters counted by script (ISO 15924), and runs of one script.

Only the scripts a language can be read from are told apart; everything else (digits, punctuation, emoji, symbols)
counts for none. The Chinese characters (Han) and the Japanese kana are counted apart, so that kana can tell
Japanese from Chinese; Han, kana and Hangul count three times each, a character of theirs carrying about as much
text as three letters of an alphabet (so a Chinese article with English paragraphs is still mostly Chinese).
"""

from __future__ import annotations

import re
from collections import Counter

_AR = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
RANGES: dict[str, str] = {
    "Latn": "A-Za-z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff",
    "Cyrl": "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f",
    "Grek": "\u0370-\u03ff\u1f00-\u1fff",
    "Armn": "\u0531-\u058f",
    "Hebr": "\u0591-\u05f4\ufb1d-\ufb4f",
    "Arab": _AR,
    "Deva": "\u0900-\u097f\ua8e0-\ua8ff",
    "Beng": "\u0980-\u09ff",
    "Taml": "\u0b80-\u0bff",
    "Thai": "\u0e00-\u0e7f",
    "Geor": "\u10a0-\u10ff\u2d00-\u2d2f",
    "Hang": "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff",
    "Kana": "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f",
    "Hani": "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f",
}
"""Letters of each script told apart (Unicode blocks; marks of Indic scripts and Thai count as letters)."""

WEIGHT = {"Hani": 3, "Kana": 3, "Hang": 3}
"""How many letters of an alphabet one character of these scripts counts as."""

_ANY = re.compile("|".join(f"(?P<{name}>[{chars}]+)" for name, chars in RANGES.items()))


def letters_by_script(text: str) -> Counter[str]:
    """The weighted count of letters of each script in ``text``."""
    counts: Counter[str] = Counter()
    for m in _ANY.finditer(text):
        name = m.lastgroup or ""
        counts[name] += (m.end() - m.start()) * WEIGHT.get(name, 1)
    return counts


def dominant(counts: Counter[str]) -> tuple[str | None, float]:
    """The script with most letters (Han and kana together as ``Hani``, unless kana make Japanese: ``Jpan``) and
    its share of all letters; (None, 0.0) for a text without letters."""
    total = sum(counts.values())
    if not total:
        return None, 0.0
    merged = Counter(counts)
    kana = merged.pop("Kana", 0)
    han = merged.pop("Hani", 0)
    if kana or han:
        merged["Jpan" if kana and kana * 20 >= kana + han else "Hani"] = kana + han
    name, count = merged.most_common(1)[0]
    return name, count / total


def words_of(script: str, text: str) -> str:
    """The words of ``text`` written in ``script`` (``Jpan``: Han and kana), joined by spaces."""
    names = ("Hani", "Kana") if script in ("Jpan", "Hani") else (script,)
    pattern = re.compile("|".join(f"[{RANGES[n]}]+" for n in names))
    return " ".join(pattern.findall(text))


def first_script(text: str) -> str | None:
    """The script of the first letter of ``text`` that :data:`RANGES` tells apart (kana as ``Kana``); None when
    there is none."""
    m = _ANY.search(text)
    return m.lastgroup if m else None

"""The language of a text: its script first, then, where one script serves many languages, Google's CLD3.

The script decides wherever it names one language: Hangul is Korean, kana among Chinese characters is Japanese
(Chinese characters alone are Chinese), Thai is Thai, Hebrew is Hebrew, Greek is Greek, Bengali is Bengali,
Tamil is Tamil, Georgian and Armenian are theirs; Arabic script is Persian, Urdu or Arabic by the letters only
those languages use (:mod:`exporter.clean.direction`). Latin, Cyrillic and Devanagari text goes to CLD3
(``cld3-py``, a small neural network: about 0.2 ms an article), given only the words in that script.

A detection is *sure* when the text is long enough and its script or CLD3 says so clearly; otherwise it still
names the likeliest language (or the script's usual one) and says it is unsure, so that the caller can say so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from exporter.clean.direction import guess_language
from exporter.clean.language_scripts import dominant, letters_by_script, words_of

if TYPE_CHECKING:
    import gcld3

BY_SCRIPT = {
    "Hang": "ko",
    "Jpan": "ja",
    "Hani": "zh",
    "Thai": "th",
    "Hebr": "he",
    "Grek": "el",
    "Beng": "bn",
    "Taml": "ta",
    "Geor": "ka",
    "Armn": "hy",
}
"""Scripts that name their language."""

FALLBACK = {"Latn": "en", "Cyrl": "ru", "Deva": "hi", "Arab": "ar"}
"""The language taken for a script when CLD3 cannot tell which of its languages the text is in."""

_CYRILLIC = frozenset("ru uk be bg mk sr kk ky mn tg".split())
_DEVANAGARI = frozenset("hi mr ne".split())
_OTHER_SCRIPTS = (
    _CYRILLIC
    | _DEVANAGARI
    | frozenset("ar fa ur ps sd ku yi he el hy ka ja zh ko th lo km my si ta te kn ml gu pa bn or am".split())
)
_OLD_CODES = {"iw": "he", "ji": "yi", "jw": "jv", "in": "id"}

MIN_LETTERS = 30
"""Fewer letters than this in Latin, Cyrillic or Devanagari script: too short to tell the language."""
MIN_IDEOGRAPHS = 8
"""Fewer Chinese characters than this (without kana): too short to tell Chinese from Japanese."""
SURE = 0.7
"""CLD3's probability from which a detection is sure (with CLD3's own 'reliable')."""
GUESS = 0.5
"""Below this probability CLD3's language is not even taken as a guess: the script's usual language is."""
MIXED = 0.6
"""Below this share of the letters, the main script does not make the text's language."""


@dataclass(frozen=True)
class Detection:
    """What the text reads as: a language tag, how confident (0..1), whether sure, and why not when not."""

    language: str
    confidence: float
    sure: bool
    script: str | None
    letters: int = 0
    """Letters of the main script (Chinese characters, kana and Hangul count three each)."""
    reason: str = ""
    share: float = 1.0
    """The main script's share of the text's letters."""


@cache
def _identifier() -> gcld3.NNetLanguageIdentifier:
    import gcld3  # imported on first use

    return gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=10000)


def cld3(text: str) -> tuple[str, float, bool]:
    """CLD3's language for ``text`` (old codes made current: 'iw' -> 'he'), its probability and 'reliable'."""
    result = _identifier().FindLanguage(text=text)
    code = result.language
    return _OLD_CODES.get(code, code), float(result.probability), bool(result.is_reliable)


def _fits(language: str, script: str) -> bool:
    if script == "Cyrl":
        return language in _CYRILLIC
    if script == "Deva":
        return language in _DEVANAGARI
    return "-" not in language and language not in _OTHER_SCRIPTS and language != "und"


def detect(text: str, counts: Counter[str] | None = None) -> Detection | None:
    """The language ``text`` reads as; None when it has no letters of a script we can read a language from.
    ``counts`` is :func:`letters_by_script` of the text, when the caller has it already."""
    counts = letters_by_script(text) if counts is None else counts
    script, share = dominant(counts)
    if script is None:
        return None
    letters = counts.get(script, 0) if script not in ("Jpan", "Hani") else counts["Hani"] + counts["Kana"]
    if script in BY_SCRIPT:
        language = BY_SCRIPT[script]
        if script == "Hani" and letters < MIN_IDEOGRAPHS * 3:
            return Detection(language, share, False, script, letters, f"only {letters // 3} Chinese characters", share)
        return _mixed(Detection(language, share, True, script, letters), share)
    if script == "Arab":
        return _mixed(Detection(guess_language(text), share, True, script, letters), share)
    fallback = FALLBACK[script]
    if letters < MIN_LETTERS:
        return Detection(fallback, 0.0, False, script, letters, f"only {letters} letters", share)
    language, probability, reliable = cld3(words_of(script, text))
    if not _fits(language, script):
        return Detection(fallback, 0.0, False, script, letters, f"no {script} language recognised", share)
    if not (reliable and probability >= SURE):
        reason = f"'{language}' only at confidence {probability:.2f}"
        guess = language if probability >= GUESS else fallback
        return Detection(guess, probability, False, script, letters, reason, share)
    return _mixed(Detection(language, probability, True, script, letters), share)


def _mixed(found: Detection, share: float) -> Detection:
    if share >= MIXED:
        return replace(found, share=share)
    return replace(found, sure=False, reason=f"mixed scripts, {share:.0%} {found.script}", share=share)

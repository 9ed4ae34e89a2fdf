"""An item's language: the declared one, else the detected one; and the messages that say how it was decided.

A declared language stands, with one exception: when the text is surely written in a script the declared
language is not written in (a Greek post on a site that declares ``en``, a Persian text declared ``en``), the
detected language wins and a warning says so. Sources mostly declare a site's language, not a post's (a WXR
channel's ``<language>``, a theme's ``<html lang>``), so a declaration is weak against a script. Within one
script the declaration stands (a German post on an English site keeps ``en``), and an info says what the text
reads as when that is sure.
"""

from __future__ import annotations

from exporter.clean.language_detect import BY_SCRIPT, Detection, detect
from exporter.clean.language_scripts import dominant, first_script, letters_by_script
from exporter.languages import primary, script_of_language
from exporter.messages import Message, info, warning

OTHER_SCRIPT = 0.5
"""From this share of the letters, a script that names its language (Greek, Hangul…) overrules a declared
language written in another script, even in a text that mixes scripts."""
LEADING_SCRIPT = 0.4
"""From this share, such a script overrules too when the text is written in it first: a bilingual page whose
title and text each start in Greek and gloss it in English ('Επίπεδο 2 - Second level') is a Greek page."""
DEFAULT = "en"
"""The language taken when nothing is declared and the text has no letters to tell it by."""

SCRIPT_NAMES = {
    "Latn": "Latin",
    "Cyrl": "Cyrillic",
    "Grek": "Greek",
    "Armn": "Armenian",
    "Hebr": "Hebrew",
    "Arab": "Arabic",
    "Deva": "Devanagari",
    "Beng": "Bengali",
    "Taml": "Tamil",
    "Thai": "Thai",
    "Geor": "Georgian",
    "Hang": "Hangul",
    "Jpan": "Japanese (kana and kanji)",
    "Hani": "Chinese (Han)",
}
_SAME = {"Kore": ("Hang", "Hani"), "Jpan": ("Jpan", "Hani"), "Hani": ("Hani",)}


def item_language(declared: str | None, text: str) -> tuple[str, list[Message]]:
    """The item's language tag for ``text`` given the source's ``declared`` tag, and what to say about it."""
    found = _leading(text) or detect(text)
    if not declared:
        return _undeclared(found)
    if found is None:
        return declared, []
    expected = script_of_language(declared)
    mostly = found.sure or (found.share >= OTHER_SCRIPT and found.script in BY_SCRIPT)
    if expected is not None and found.script not in _SAME.get(expected, (expected,)) and mostly:
        return found.language, [
            warning(
                "language",
                "script-mismatch",
                f"text is {'mostly' if found.share >= OTHER_SCRIPT else 'first'} in {SCRIPT_NAMES[found.script or '']}"
                f" script ({found.share:.0%} of the letters); "
                f"language set to '{found.language}', not the declared '{declared}'",
            )
        ]
    if found.sure and primary(found.language) != primary(declared) and found.script in ("Latn", "Cyrl", "Deva"):
        return declared, [
            info(
                "language",
                "differs",
                f"declared '{declared}'; the text reads as '{found.language}' ({_how(found)}); kept '{declared}'",
            )
        ]
    return declared, []


def _leading(text: str) -> Detection | None:
    """The language of a script that names it, when the text is written in that script first and it holds at
    least LEADING_SCRIPT of the letters although another script holds more; None otherwise."""
    counts = letters_by_script(text)
    total = sum(counts.values())
    first = first_script(text)
    if first not in BY_SCRIPT or not total or counts[first] / total < LEADING_SCRIPT:
        return None
    script, _ = dominant(counts)
    if script == first:
        return None  # the main script: detect() says so, with its own confidence
    share = counts[first] / total
    return Detection(BY_SCRIPT[first], share, True, first, counts[first], share=share)


def _undeclared(found: Detection | None) -> tuple[str, list[Message]]:
    if found is None:
        return DEFAULT, [
            warning("language", "uncertain", f"language not declared and no letters to tell it by; assumed '{DEFAULT}'")
        ]
    if not found.sure:
        return found.language, [
            warning(
                "language",
                "uncertain",
                f"language not declared; not sure of it ({found.reason}); assumed '{found.language}'",
            )
        ]
    return found.language, [
        info("language", "detected", f"language not declared; detected '{found.language}' ({_how(found)})")
    ]


def _how(found: Detection) -> str:
    if found.script in ("Latn", "Cyrl", "Deva"):
        return f"confidence {found.confidence:.2f}"
    return f"from its script, {found.confidence:.0%} of the letters"

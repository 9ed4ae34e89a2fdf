"""Arabic-script text: its runs, and which of Persian, Urdu and Arabic a run is in (a label before it, its letters).

Which languages are right to left is :mod:`exporter.languages`' to say; :mod:`exporter.clean.language_runs` marks
runs in every script, using this module for Arabic script.
"""

from __future__ import annotations

import re

from exporter.languages import LABELS

_AR = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_WORD = f"[{_AR}]+"
RUN = re.compile(rf"{_WORD}(?:[\s\u200c\u200d\u060c\u061b\u061f.,!?:;«»()\-]+{_WORD})*")
_LETTER = re.compile(rf"[{_AR}]")
_PERSIAN_ONLY = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc]")  # پ چ ژ گ ک ی
_URDU_ONLY = re.compile("[\u0679\u0688\u0691\u06ba\u06be\u06d2]")  # ٹ ڈ ڑ ں ھ ے
_LABEL = re.compile(rf"\b({'|'.join(LABELS)})\s*:\s*$", re.IGNORECASE)
BLOCKS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "dd", "dt", "td", "th")


def guess_language(text: str, context: str = "", default: str = "ar") -> str:
    """The language of an Arabic-script run: a label before it ('Persian:'), then its letters."""
    label = _LABEL.search(context[-40:])
    if label:
        return LABELS[label.group(1).lower()]
    if _URDU_ONLY.search(text):
        return "ur"
    if _PERSIAN_ONLY.search(text):
        return "fa"
    return default

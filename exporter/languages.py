"""Facts about languages that every stage shares: the script a language tag implies, its direction, its name.

A language is right to left when its script is. The script of a BCP 47 tag is its script subtag when it has one
(``sd-Deva`` is Devanagari, ``pa-Arab`` is Shahmukhi); else the script CLDR's likely subtags give for the
language in the tag's region (``pa-PK`` is Arabic, ``sd-IN`` is Devanagari); else the language's usual script.
The tables hold the right-to-left cases only: a language not listed is taken as left to right. To add one,
take its likely script from CLDR (``supplemental/likelySubtags``).
"""

from __future__ import annotations

RTL_SCRIPTS = frozenset(
    {
        # in use today
        "Adlm",  # Adlam (Fulani)
        "Arab",  # Arabic, and the Persian, Urdu, Shahmukhi... alphabets
        "Aran",  # Arabic, Nastaliq style
        "Hebr",  # Hebrew
        "Mand",  # Mandaic
        "Mend",  # Mende Kikakui
        "Nkoo",  # N'Ko
        "Rohg",  # Hanifi Rohingya
        "Samr",  # Samaritan
        "Syrc",  # Syriac
        "Thaa",  # Thaana (Dhivehi)
        "Yezi",  # Yezidi
        # historic
        "Armi",
        "Avst",
        "Chrs",
        "Cprt",
        "Elym",
        "Hatr",
        "Hung",
        "Khar",
        "Lydi",
        "Mani",
        "Merc",
        "Mero",
        "Narb",
        "Nbat",
        "Orkh",
        "Ougr",
        "Palm",
        "Phli",
        "Phlp",
        "Phnx",
        "Prti",
        "Sarb",
        "Sogd",
        "Sogo",
    }
)
"""ISO 15924 codes of the scripts written right to left."""

_ARABIC_SCRIPT = (
    "ar arz ary arq apc acm acq aeb afb ars ayl ayp shu ssh mey "  # Arabic and its varieties
    "fa prs haz ps pbt pst ur ckb sdh lki lrc bqi mzn glk azb bal brh bgn "
    "sd ks skr hnd khw mvy bft trw lah pnb ug ota mfa mde bej"
)
_USUAL_SCRIPT: dict[str, str] = {
    **dict.fromkeys(_ARABIC_SCRIPT.split(), "Arab"),
    **dict.fromkeys("he iw yi ji lad jrb jpr yih hbo".split(), "Hebr"),
    **dict.fromkeys("syr syc aii".split(), "Syrc"),
    "dv": "Thaa",
    "nqo": "Nkoo",
    "rhg": "Rohg",
    "sam": "Samr",
    "myz": "Mand",
    "arc": "Armi",
}
"""Languages usually written in a right-to-left script (CLDR likely subtags; ``iw``/``ji`` are old codes)."""

_LTR_SCRIPT: dict[str, str] = {
    **dict.fromkeys(
        "en fr de es it pt nl sv da nb nn no fi is pl cs sk hu ro tr ca eu gl cy ga la eo id vi sw et lv lt sl hr "
        "sq af".split(),
        "Latn",
    ),
    **dict.fromkeys("ru uk be bg mk sr kk ky mn tg".split(), "Cyrl"),
    **dict.fromkeys("hi mr ne".split(), "Deva"),
    "el": "Grek",
    "bn": "Beng",
    "ta": "Taml",
    "th": "Thai",
    "zh": "Hani",
    "ja": "Jpan",
    "ko": "Kore",
    "ka": "Geor",
    "hy": "Armn",
}
"""The usual left-to-right script of the languages the cleaner detects (CLDR likely subtags; Chinese as ``Hani``
whether simplified or traditional). Only :func:`script_of_language` reads it; :func:`script` keeps to the
right-to-left question."""

_REGION_SCRIPT: dict[tuple[str, str], str] = {
    **dict.fromkeys(
        [
            ("az", "IQ"),
            ("az", "IR"),
            ("ha", "CM"),
            ("ha", "SD"),
            ("kk", "AF"),
            ("kk", "CN"),
            ("kk", "IR"),
            ("kk", "MN"),
            ("ku", "IQ"),
            ("ku", "IR"),
            ("ku", "LB"),
            ("ky", "CN"),
            ("ms", "CC"),
            ("pa", "PK"),
            ("tg", "PK"),
            ("uz", "AF"),
        ],
        "Arab",
    ),
    ("mey", "SN"): "Latn",
    ("sd", "IN"): "Deva",
    ("ug", "KZ"): "Cyrl",
    ("ug", "MN"): "Cyrl",
}
"""Where the region changes the script between left to right and right to left (CLDR likely subtags)."""

NAMES: dict[str, str] = {
    "ar": "Arabic",
    "fa": "Persian",
    "prs": "Dari",
    "ur": "Urdu",
    "he": "Hebrew",
    "ps": "Pashto",
    "ckb": "Central Kurdish",
    "ku": "Kurdish",
    "yi": "Yiddish",
    "sd": "Sindhi",
    "ug": "Uyghur",
    "dv": "Dhivehi",
    "ks": "Kashmiri",
    "pa": "Punjabi",
    "pnb": "Western Punjabi",
    "az": "Azerbaijani",
    "azb": "South Azerbaijani",
    "uz": "Uzbek",
    "kk": "Kazakh",
    "ky": "Kyrgyz",
    "ha": "Hausa",
    "ms": "Malay",
    "tg": "Tajik",
    "bal": "Baluchi",
    "syr": "Syriac",
    "nqo": "N'Ko",
    "rhg": "Rohingya",
    "lad": "Ladino",
    # left to right: the languages a library's page most often names (index.html shows "English (en)")
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "sv": "Swedish",
    "da": "Danish",
    "nb": "Norwegian Bokmål",
    "nn": "Norwegian Nynorsk",
    "no": "Norwegian",
    "fi": "Finnish",
    "is": "Icelandic",
    "pl": "Polish",
    "cs": "Czech",
    "sk": "Slovak",
    "hu": "Hungarian",
    "ro": "Romanian",
    "ru": "Russian",
    "uk": "Ukrainian",
    "el": "Greek",
    "tr": "Turkish",
    "ca": "Catalan",
    "eu": "Basque",
    "gl": "Galician",
    "cy": "Welsh",
    "ga": "Irish",
    "la": "Latin",
    "eo": "Esperanto",
    "hi": "Hindi",
    "bn": "Bengali",
    "id": "Indonesian",
    "vi": "Vietnamese",
    "th": "Thai",
    "ja": "Japanese",
    "zh": "Chinese",
    "ko": "Korean",
    "sw": "Swahili",
}
"""English names of languages: those a book may name as right to left (its accessibility summary), and the common
left-to-right ones a library's page names."""

LABELS: dict[str, str] = {
    "persian": "fa",
    "farsi": "fa",
    "dari": "prs",
    "arabic": "ar",
    "urdu": "ur",
    "pashto": "ps",
    "kurdish": "ckb",
}
"""Names a text puts before a passage in Arabic script ('Persian: …'), and the language each says."""


def _subtags(tag: str) -> list[str]:
    return tag.replace("_", "-").split("-")


def primary(tag: str) -> str:
    """The primary language subtag, lower case: 'fa-IR' -> 'fa'."""
    return _subtags(tag)[0].lower()


def script(tag: str) -> str | None:
    """The script of a language tag (ISO 15924, e.g. 'Arab'): its script subtag, else the one its language has
    in its region or usually; None for a language these tables do not list (taken as left to right)."""
    parts = _subtags(tag)
    language = parts[0].lower()
    region = None
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            return part.title()
        if (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            region = part.upper()
            break
        if len(part) != 3:  # extlang subtags (three letters) come before the script; anything else ends the search
            break
    if region is not None and (language, region) in _REGION_SCRIPT:
        return _REGION_SCRIPT[(language, region)]
    return _USUAL_SCRIPT.get(language)


def is_rtl(tag: str) -> bool:
    """True for a language tag whose script is written right to left ('ar', 'prs', 'pa-Arab', 'pa-PK')."""
    return script(tag) in RTL_SCRIPTS


def direction(tag: str) -> str:
    """'rtl' or 'ltr', for the ``dir`` attribute."""
    return "rtl" if is_rtl(tag) else "ltr"


def is_english(tag: str) -> bool:
    """True for English (any region)."""
    return primary(tag) == "en"


def name(tag: str) -> str:
    """The English name of a tag's language ('fa-IR' -> 'Persian'); the tag itself when unnamed here
    ('' -> 'another language')."""
    return NAMES.get(primary(tag), tag or "another language")


def script_of_language(tag: str) -> str | None:
    """The script a tag's text is written in, for comparing with a text's script: the right-to-left ones as
    :func:`script`, then the usual script of common left-to-right languages ('de' -> 'Latn', 'zh-Hant' ->
    'Hani'); None when not known here."""
    found = script(tag)
    if found in ("Hans", "Hant"):
        return "Hani"
    return found or _LTR_SCRIPT.get(primary(tag))

"""Output file names: safe on every common filesystem, bounded, unique in the output folder.

A slug is made of ``a-z``, ``0-9`` and single inner hyphens only, so it holds no path separator, no ``..``,
no character Windows, FAT, NTFS or APFS refuse or fold differently (``<>:"/\\|?*``, controls, trailing dots or
spaces), and no letter case or Unicode normalisation for a case-insensitive filesystem to fold. Letters are
transliterated where Unicode decomposes them (``Café`` → ``cafe``) or by a small table (``ß`` → ``ss``);
other scripts fall back to ``article`` and the run's counter keeps names apart. Windows device names
(``CON``, ``nul``, ``Com1``, ``LPT9``...) get ``-article`` appended. Slugs are at most :data:`MAX_SLUG` characters,
counter included.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

MAX_SLUG = 80
RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})
FALLBACK = "article"
# Latin letters that Unicode does not decompose into a base letter and a mark.
_TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ł": "l",
        "Ł": "L",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
    }
)


def slugify(text: str) -> str:
    """An ASCII slug: lowercase letters, digits and single hyphens, at most MAX_SLUG characters.

    'article' when nothing of ``text`` can be spelt in ASCII letters or digits.
    """
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:MAX_SLUG].rstrip("-") or FALLBACK
    if slug in RESERVED:
        slug = f"{slug}-{FALLBACK}"
    return slug


def is_safe_name(name: str) -> bool:
    """True for a file name every common filesystem stores as is: ``<slug>.<ext>`` in lowercase ASCII."""
    stem, dot, ext = name.rpartition(".")
    return (
        bool(dot)
        and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", stem) is not None
        and len(stem) <= MAX_SLUG
        and stem not in RESERVED
        and re.fullmatch(r"[a-z0-9]{1,8}", ext) is not None
    )


class UniqueNames:
    """Hands out slugs that no earlier call got (case-insensitively), and that ``is_free`` accepts (the output
    folder's own test: no other item's book or user's file has that name)."""

    def __init__(self, is_free: Callable[[str], bool] | None = None) -> None:
        self._taken: set[str] = set()
        self._is_free = is_free

    def take(self, text: str) -> str:
        """A unique slug for ``text``: 'title', then 'title-2', 'title-3'... (never over MAX_SLUG)."""
        base = slugify(text)
        slug, n = base, 1
        while slug.lower() in self._taken or (self._is_free is not None and not self._is_free(slug)):
            n += 1
            suffix = f"-{n}"
            slug = base[: MAX_SLUG - len(suffix)].rstrip("-") + suffix
        self._taken.add(slug.lower())
        return slug

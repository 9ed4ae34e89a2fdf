"""Output file names: safe on every common filesystem, bounded, unique in the output folder.

A slug is made of ``a-z``, ``0-9`` and single inner hyphens only, so it holds no path separator, no ``..``,
no character Windows, FAT, NTFS or APFS refuse or fold differently (``<>:"/\\|?*``, controls, trailing dots or
spaces), and no letter case or Unicode normalisation for a case-insensitive filesystem to fold. Every script is
transliterated to ASCII by anyascii (``Café`` → ``cafe``, ``Straße`` → ``strasse``, ``Το αρχείο`` → ``to-archeio``,
``老茶馆`` → ``lao-cha-guan``: one syllable per Chinese character, hyphenated); symbols and emoji are left out,
and apostrophes join (``Keeper’s`` → ``keepers``). Text with nothing to spell in ASCII gives ``article``: the
pipeline then names the book after its input file or its post id instead. Windows device names (``CON``, ``nul``,
``Com1``, ``LPT9``...) get ``-article`` appended. Slugs are at most :data:`MAX_SLUG` characters, counter included,
cut at a hyphen (a word boundary) unless one word alone is longer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from anyascii import anyascii

MAX_SLUG = 80
RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})
FALLBACK = "article"
_APOSTROPHES = frozenset("'\u2019\u02bc\u02bb`\u00b4")
"""Marks that join the parts of a word (``Keeper’s``, ``don't``): dropped, not turned into a hyphen."""


def _ascii_char(char: str) -> str:
    """One character in ASCII: symbols (emoji, ©, currency) as a space, a Chinese character as a syllable set
    apart (anyascii spells ``老茶`` ``LaoCha``), apostrophes as nothing, any other by anyascii."""
    if char in _APOSTROPHES:
        return ""
    if char.isascii():
        return char
    if unicodedata.category(char).startswith("S"):
        return " "
    ascii_char = anyascii(char).replace("'", "")
    if unicodedata.name(char, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")):
        return f" {ascii_char} "
    return ascii_char


def transliterate(text: str) -> str:
    """``text`` spelt in ASCII (see the module's docstring); may be empty."""
    return "".join(_ascii_char(char) for char in text)


def cut(slug: str, limit: int = MAX_SLUG) -> str:
    """``slug`` shortened to at most ``limit`` characters at a hyphen; mid-word only when its first word alone is
    longer than the limit."""
    if len(slug) <= limit:
        return slug
    head = slug[:limit]
    if slug[limit] != "-" and "-" in head:
        head = head.rsplit("-", 1)[0]
    return head.rstrip("-")


def slugify(text: str) -> str:
    """An ASCII slug: lowercase letters, digits and single hyphens, at most MAX_SLUG characters.

    'article' when nothing of ``text`` can be spelt in ASCII letters or digits.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(text).lower()).strip("-")
    slug = cut(slug) or FALLBACK
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
            slug = cut(base, MAX_SLUG - len(suffix)) + suffix
        self._taken.add(slug.lower())
        return slug

"""Output file names: safe on every common filesystem, bounded, unique within a run."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 80
RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})


def slugify(text: str) -> str:
    """An ASCII slug: lowercase letters, digits and single hyphens, at most MAX_SLUG characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:MAX_SLUG].rstrip("-") or "article"
    if slug.split(".")[0] in RESERVED:
        slug = f"{slug}-article"
    return slug


class UniqueNames:
    """Hands out slugs that no earlier call in the same run got (case-insensitively)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, text: str) -> str:
        """A unique slug for ``text``: 'title', then 'title-2', 'title-3'..."""
        base = slugify(text)
        slug, n = base, 1
        while slug.lower() in self._taken:
            n += 1
            slug = f"{base}-{n}"
        self._taken.add(slug.lower())
        return slug

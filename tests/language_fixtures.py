"""Our own short articles in many languages and scripts (``fixtures/languages/``), none declaring its language,
and what each must come out as: its language tag and its direction."""

from __future__ import annotations

from tests.conftest import FIXTURES

LANGUAGE_FIXTURES = FIXTURES / "languages"

EXPECTED: dict[str, tuple[str, str]] = {
    "teahouse-oral-history.txt": ("zh", "ltr"),
    "harbour-photographs.txt": ("ja", "ltr"),
    "village-library-records.txt": ("ko", "ltr"),
    "harbour-archive-opens.txt": ("el", "ltr"),
    "village-archive-moves.txt": ("de", "ltr"),
    "village-letters.txt": ("ru", "ltr"),
    "neighbourhood-archive.txt": ("he", "rtl"),
    "old-quarter-archive.txt": ("ar", "rtl"),
    "neighbourhood-library.txt": ("fa", "rtl"),
    "village-letters-collection.txt": ("hi", "ltr"),
    "riverside-community-records.txt": ("th", "ltr"),
    "volunteer-small-joys.txt": ("en", "ltr"),  # emoji-heavy English
    "reading-room-notes.txt": ("zh", "ltr"),  # mostly Chinese, two English paragraphs (lang="en")
}
"""File name in fixtures/languages/ -> (the language tag the book must carry, its direction)."""

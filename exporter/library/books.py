"""The books of a library folder, as the reader's page, the OPDS feeds and the server see them.

A :class:`Book` is one downloadable book: an article's EPUB and PDF, or a bundle holding several articles, with
its cover and the cover's thumbnail. It is read from the folder's catalog (``manifest.json``) by
:func:`load_books`; the renderers of ``index.html`` and of the OPDS feeds take a list of them and never read the
folder themselves. Paths are relative to the library folder, with ``/`` separators.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MEDIA_TYPES = {
    "epub": "application/epub+zip",
    "pdf": "application/pdf",
    "cover": "image/jpeg",
    "thumbnail": "image/jpeg",
}
BOOK_FORMATS = ("epub", "pdf")
"""The formats a reader downloads (covers and thumbnails are pictures of the book, not the book)."""


@dataclass(frozen=True)
class BookFile:
    """One file of a book in the folder."""

    format: str
    """``epub``, ``pdf``, ``cover`` (1400×2100 JPEG) or ``thumbnail`` (350×525 JPEG)."""
    path: str
    """Relative to the library folder, ``/``-separated (``about.epub``, ``covers/about.jpg``)."""
    bytes: int
    sha256: str

    @property
    def media_type(self) -> str:
        """The file's IANA media type."""
        return MEDIA_TYPES.get(self.format, "application/octet-stream")


@dataclass(frozen=True)
class Book:
    """One book of the library, with what a catalog shows of it."""

    id: str
    """The item's identity: a URL (a WordPress post's ``SITE/?p=ID`` shortlink, a page's canonical URL), or
    ``path:…``/``sha256:…`` for a file with no URL, or ``bundle:SLUG``. Stable across runs."""
    title: str
    """Plain text."""
    authors: tuple[str, ...] = ()
    site: str | None = None
    """The site's name."""
    source_url: str | None = None
    published: str | None = None
    """ISO 8601 in UTC (``2023-10-14T07:30:00Z``), or None when the source gives no date."""
    updated: str | None = None
    """The build date its files carry (docs/dates.md), ISO 8601 UTC, or None."""
    captured: str | None = None
    """For a page read from a web archive: when it was captured, ISO 8601 UTC (the manifest's
    ``source.capture.captured``)."""
    language: str | None = None
    """BCP 47 tag (``en``, ``fa``)."""
    licence_id: str | None = None
    """SPDX-style (``CC-BY-SA-4.0``), None when no licence was found."""
    licence_name: str | None = None
    licence_url: str | None = None
    summary: str | None = None
    """Plain text: the article's opening words."""
    subjects: tuple[str, ...] = ()
    """Categories and tags."""
    files: tuple[BookFile, ...] = ()
    """Every file of the book: the downloads (``epub``, ``pdf``) and the pictures (``cover``, ``thumbnail``)."""
    parts: int = 1
    """How many articles the book holds (a bundle: more than one)."""
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    def file(self, fmt: str) -> BookFile | None:
        """The book's file of format ``fmt``, or None."""
        return next((f for f in self.files if f.format == fmt), None)

    @property
    def downloads(self) -> tuple[BookFile, ...]:
        """The EPUB and PDF (those the book has), in that order."""
        return tuple(f for fmt in BOOK_FORMATS if (f := self.file(fmt)) is not None)

    @property
    def cover(self) -> BookFile | None:
        """The 1400×2100 JPEG cover, if written."""
        return self.file("cover")

    @property
    def thumbnail(self) -> BookFile | None:
        """The 350×525 JPEG thumbnail of the cover, if written."""
        return self.file("thumbnail")

    @property
    def year(self) -> str | None:
        """The publication year, for grouping."""
        return self.published[:4] if self.published else None


def newest_first(books: list[Book]) -> list[Book]:
    """Books by publication date, newest first; undated ones last, then by title (a stable, total order)."""
    dated = sorted((b for b in books if b.published), key=lambda b: (b.published or "", b.title, b.id), reverse=True)
    undated = sorted((b for b in books if not b.published), key=lambda b: (b.title.casefold(), b.id))
    return dated + undated


def library_title(books: list[Book]) -> str:
    """The library's name on its pages and feeds: the site's name when every book comes from one site, else
    "Library"."""
    sites = {b.site for b in books}
    return sites.pop() or "Library" if len(sites) == 1 else "Library"


def load_books(folder: Path) -> list[Book]:
    """The books the folder's ``manifest.json`` lists (exported items only), newest first; [] without one."""
    from exporter.errors import UsageError
    from exporter.library.catalog import Catalog

    try:
        return books_from_catalog(Catalog.load(Path(folder)).to_json())
    except (OSError, UsageError):
        return []


def books_from_catalog(data: dict[str, object]) -> list[Book]:
    """The books of a catalog (the parsed ``manifest.json``): one per article, one per bundle, newest first."""
    items = [i for i in data.get("items", []) if isinstance(i, dict) and i.get("status") == "ok"]  # type: ignore[union-attr]
    singles: list[Book] = []
    bundles: dict[str, list[dict[str, object]]] = {}
    for item in items:
        if isinstance(item.get("bundle"), dict):
            bundles.setdefault(str(item["bundle"].get("id")), []).append(item)  # type: ignore[union-attr]
        else:
            singles.append(_book(item))
    for parts in bundles.values():
        singles.append(_bundle_book(parts))
    return newest_first(singles)


def _files(item: dict[str, object]) -> tuple[BookFile, ...]:
    files = []
    for o in item.get("outputs") or []:  # type: ignore[union-attr]
        try:
            files.append(BookFile(str(o["format"]), str(o["path"]), int(o["bytes"]), str(o["sha256"])))
        except (KeyError, TypeError, ValueError):
            continue  # an output a hand edit broke: not offered
    return tuple(files)


def _book(item: dict[str, object]) -> Book:
    licence, source, site = _dict(item.get("licence")), _dict(item.get("source")), _dict(item.get("site"))
    return Book(
        id=str(item.get("id")),
        title=_text(item.get("title")) or "",
        authors=_texts(item.get("authors")),
        site=_text(site.get("name")),
        source_url=_text(source.get("url")),
        published=_text(item.get("published")),
        updated=_text(item.get("date")),
        captured=_text(_dict(source.get("capture")).get("captured")),
        language=_text(item.get("language")),
        licence_id=_text(licence.get("id")),
        licence_name=_text(licence.get("name")),
        licence_url=_text(licence.get("url")),
        summary=_text(item.get("summary")),
        subjects=_texts(item.get("subjects")),
        files=_files(item),
    )


def _dict(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str | None:
    """A catalog field that should be text: None when it is not (a hand edit)."""
    return value if isinstance(value, str) else None


def _texts(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _bundle_book(items: list[dict[str, object]]) -> Book:
    """A bundle's book: its title and files, the union of its articles' authors and subjects."""
    parts = [_book(i) for i in items]
    bundle = items[0]["bundle"]
    licences = {(p.licence_id, p.licence_name, p.licence_url) for p in parts}
    licence = licences.pop() if len(licences) == 1 else (None, None, None)
    languages = Counter(p.language for p in parts if p.language)
    sites = Counter(p.site for p in parts if p.site)
    dated = [p.published for p in parts if p.published]
    return Book(
        id=str(bundle["id"]),  # type: ignore[index]
        title=str(bundle.get("title") or bundle["id"]),  # type: ignore[union-attr,index]
        authors=tuple(dict.fromkeys(a for p in parts for a in p.authors)),
        site=sites.most_common(1)[0][0] if sites else None,
        published=max(dated) if dated else None,
        updated=parts[0].updated,
        language=languages.most_common(1)[0][0] if languages else None,
        licence_id=licence[0],
        licence_name=licence[1],
        licence_url=licence[2],
        summary=", ".join(p.title for p in parts),
        subjects=tuple(dict.fromkeys(s for p in parts for s in p.subjects)),
        files=parts[0].files,
        parts=len(parts),
    )

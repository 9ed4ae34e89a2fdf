"""The reader's page of a library folder (``index.html``): every book with its cover, facts and downloads.

A pure renderer: :func:`render_index` takes the books (``exporter.library.books.Book``, newest first) and returns
one complete, static HTML5 page; it never reads or writes the folder. The page's stylesheet and script are
package data (``exporter/styles/library.css`` and ``library.js``), inlined so that the one file works anywhere,
from ``file://`` too, and fetches nothing.

Without JavaScript the page lists every book, and a browse section lists the books by site, author, subject and
year as in-page links. The script only enhances it: a search box that filters as you type and a select per
facet hide the cards that do not match, and a live region says how many are shown. A card carries the indices
of its facet values (``data-site="2"``) so the script compares numbers, never user text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import quote

from exporter import __version__, languages, urls
from exporter.library.books import Book, BookFile
from exporter.writers import stylesheet

FORMAT_LABELS = {"epub": "EPUB", "pdf": "PDF"}
_SEARCHED = ' class="s"'
"""Marks a fact the search box searches (with the title and summary)."""
_CLOSER = re.compile(r"</(script|style)", re.IGNORECASE)
MONTHS = ("January February March April May June July August September October November December").split()


@dataclass(frozen=True)
class Facet:
    """One way to browse the books: its name, and each value's books (values sorted by their text)."""

    key: str
    """``site``, ``author``, ``subject`` or ``year``: the card's data attribute and the select's name."""
    label: str
    """The select's label and the browse section's heading (``Site``)."""
    plural: str
    values: tuple[tuple[str, tuple[int, ...]], ...]
    """(value, the indices of the books that have it)."""

    def of_book(self) -> dict[int, list[int]]:
        """For each book's index, the numbers of the values it has (in the select's order)."""
        found: dict[int, list[int]] = {}
        for n, (_, indices) in enumerate(self.values):
            for i in indices:
                found.setdefault(i, []).append(n)
        return found


def render_index(books: Sequence[Book], *, title: str = "Library") -> str:
    """The library's ``index.html``: a complete, static, accessible page listing ``books`` in the order given.

    Everything from the books is escaped. The same books give the same text (no clock, no random ids).
    """
    books = list(books)
    facets = _facets(books)
    ids = _card_ids(books)
    head = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="exporter {escape(__version__)}">\n'
        f"<title>{_text(title)}</title>\n"
        f"<style>\n{_asset('library.css')}</style>\n</head>\n"
    )
    count = _count(len(books))
    body = [
        '<body>\n<a class="skip" href="#books">Skip to the books</a>\n',
        f'<header class="masthead">\n<h1>{_text(title)}</h1>\n<p class="count">{count}</p>\n</header>\n',
        '<main id="main">\n',
    ]
    if books:
        body.append(_filters(facets, len(books)))
        body.append(
            '<section id="books" aria-labelledby="books-heading" tabindex="-1">\n'
            '<h2 id="books-heading">Books</h2>\n<ol class="books">\n'
        )
        numbers = [(facet.key, facet.of_book()) for facet in facets]
        body += [_card(book, i, ids[i], numbers) for i, book in enumerate(books)]
        body.append(
            "</ol>\n"
            '<p class="none-shown" hidden>No book matches. '
            '<button type="button" class="clear">Show all books</button></p>\n'
            "</section>\n"
        )
        if any(facet.values for facet in facets):
            body.append(_browse(facets, books, ids))
    else:
        body.append(
            '<section id="books" class="empty" aria-labelledby="books-heading" tabindex="-1">\n'
            '<h2 id="books-heading">No books yet</h2>\n'
            "<p>This library is empty for now. Export articles into this folder "
            "(<code>exporter export SOURCE -o FOLDER</code>) and they will be listed here, "
            "each with its EPUB and PDF to download.</p>\n</section>\n"
        )
    body.append("</main>\n")
    body.append(
        f'<footer class="colophon">\n<p>Made by exporter {escape(__version__)}. '
        "This page works offline and fetches nothing.</p>\n</footer>\n"
    )
    if books:
        body.append(f"<script>\n{_asset('library.js')}</script>\n")
    body.append("</body>\n</html>\n")
    return head + "".join(body)


# ---- Facts shown ---------------------------------------------------------------------------------------------


def human_size(size: int) -> str:
    """A file size as a reader reads it, in SI units: ``850 bytes``, ``340 kB``, ``1.2 MB``."""
    if size < 1000:
        return f"{size} byte" if size == 1 else f"{size} bytes"
    if size < 999_500:  # what rounds to 1000 kB reads as 1.0 MB
        return f"{round(size / 1000)} kB"
    if size < 999_950_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{size / 1_000_000_000:.1f} GB"


def human_date(iso: str) -> str | None:
    """``14 October 2023`` for an ISO 8601 date or date-time (its date as written, UTC); None if unreadable."""
    try:
        day = datetime.fromisoformat(iso.replace("Z", "+00:00")).date()
    except ValueError:
        return None
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def language_label(tag: str) -> str:
    """``English (en)``, or the tag alone when ``exporter.languages`` has no name for it."""
    name = languages.name(tag)
    return tag if name == tag else f"{name} ({tag})"


def _count(n: int) -> str:
    return "1 book" if n == 1 else f"{n} books"


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _asset(name: str) -> str:
    """A package style or script file's text, safe to inline (no ``</style``/``</script`` can end it early)."""
    text = stylesheet(name).decode("utf-8")
    if _CLOSER.search(text):
        raise ValueError(f"{name} holds '</script' or '</style', which would end the inlined element")
    return text if text.endswith("\n") else text + "\n"


def _card_ids(books: list[Book]) -> list[str]:
    """An HTML id per book, from its identity (stable across runs); a repeat gets its position appended."""
    ids: list[str] = []
    seen: set[str] = set()
    for i, book in enumerate(books):
        ident = "book-" + hashlib.sha256(book.id.encode("utf-8")).hexdigest()[:12]
        if ident in seen:
            ident = f"{ident}-{i}"
        seen.add(ident)
        ids.append(ident)
    return ids


def _facets(books: list[Book]) -> list[Facet]:
    """The four facets with the values the books have (years newest first, the rest by their text)."""

    def collect(key: str, label: str, plural: str, get: Callable[[Book], Sequence[str]], *, newest: bool = False):
        found: dict[str, list[int]] = {}
        for i, book in enumerate(books):
            for value in dict.fromkeys(v for v in get(book) if v and v.strip()):
                found.setdefault(value, []).append(i)
        order = sorted(found, reverse=True) if newest else sorted(found, key=lambda v: (v.casefold(), v))
        return Facet(key, label, plural, tuple((v, tuple(found[v])) for v in order))

    return [
        collect("site", "Site", "Sites", lambda b: [b.site] if b.site else []),
        collect("author", "Author", "Authors", lambda b: b.authors),
        collect("subject", "Subject", "Subjects", lambda b: b.subjects),
        collect("year", "Year", "Years", lambda b: [b.year] if b.year else [], newest=True),
    ]


# ---- The parts of the page -----------------------------------------------------------------------------------


def _filters(facets: list[Facet], total: int) -> str:
    """The search box and one select per facet, hidden until the script shows them (they need it)."""
    parts = [
        '<div class="filters" hidden>\n<form class="filter-form" role="search" aria-label="Filter the books">\n'
        '<div class="field field-search">\n<label for="q">Search</label>\n'
        '<input id="q" name="q" type="search" autocomplete="off" spellcheck="false" '
        'aria-describedby="q-hint">\n'
        '<span id="q-hint" class="hint">Title, author, site or subject</span>\n</div>\n'
    ]
    for facet in facets:
        if not facet.values:
            continue
        options = "".join(
            f'<option value="{n}">{_text(value)} ({len(indices)})</option>'
            for n, (value, indices) in enumerate(facet.values)
        )
        parts.append(
            f'<div class="field">\n<label for="f-{facet.key}">{facet.label}</label>\n'
            f'<select id="f-{facet.key}" name="{facet.key}" data-facet="{facet.key}">'
            f'<option value="">All</option>{options}</select>\n</div>\n'
        )
    parts.append(
        '<div class="field field-reset">\n<button type="reset" class="clear">Clear</button>\n</div>\n</form>\n'
        f'<p class="shown" role="status" aria-live="polite" aria-atomic="true">{_count(total)} shown</p>\n'
        "</div>\n"
    )
    return "".join(parts)


def _card(book: Book, index: int, ident: str, numbers: list[tuple[str, dict[int, list[int]]]]) -> str:
    """One book: thumbnail, title, facts, downloads; ``data-KEY`` holds the numbers of its facet values."""
    data = [f' data-{key}="{" ".join(map(str, of_book.get(index, [])))}"' for key, of_book in numbers]
    lang = _lang_attrs(book.language)
    thumb = book.thumbnail
    picture = (
        f'<img class="thumb" src="{_href(thumb.path)}" alt="" width="350" height="525" loading="lazy" decoding="async">'
        if thumb
        else '<div class="thumb thumb-none" aria-hidden="true"></div>'
    )
    facts: list[tuple[str, str, bool]] = []  # (label, HTML, searched by the search box?)
    if book.authors:
        label = "Author" if len(book.authors) == 1 else "Authors"
        facts.append((label, ", ".join(_text(a) for a in book.authors), True))
    if book.site:
        facts.append(("Site", _text(book.site), True))
    if book.published and (shown := human_date(book.published)):
        facts.append(("Published", f'<time datetime="{_text(book.published)}">{shown}</time>', False))
    if book.captured and (shown := human_date(book.captured)):  # a web archive's page
        facts.append(("Captured", f'<time datetime="{_text(book.captured)}">{shown}</time>', False))
    if book.language:
        facts.append(("Language", _text(language_label(book.language)), False))
    facts.append(("Licence", _licence(book), False))
    if book.subjects:
        label = "Subjects" if len(book.subjects) > 1 else "Subject"
        facts.append((label, ", ".join(_text(s) for s in book.subjects), True))
    rows = "".join(f"<div><dt>{k}</dt><dd{_SEARCHED if s else ''}>{v}</dd></div>" for k, v, s in facts)
    bundle = f'<p class="bundle">A bundle of {book.parts} articles in one book.</p>\n' if book.parts > 1 else ""
    summary = f'<p class="summary"{lang}>{_text(book.summary)}</p>\n' if book.summary else ""
    downloads = "".join(_download(f, ident) for f in book.downloads)
    links = (
        f'<ul class="downloads" aria-label="Downloads">{downloads}</ul>\n'
        if downloads
        else '<p class="downloads-none">No file to download.</p>\n'
    )
    return (
        f'<li class="book" id="{ident}"{"".join(data)}>\n<article aria-labelledby="{ident}-t">\n'
        f"{picture}\n"
        f'<div class="about">\n<h3 id="{ident}-t" class="title"{lang}>{_text(book.title)}</h3>\n'
        f"{bundle}"
        f'<dl class="facts">{rows}</dl>\n{summary}{links}</div>\n</article>\n</li>\n'
    )


def _lang_attrs(tag: str | None) -> str:
    """``lang``/``dir`` for text in the book's language (a Persian title in an English page)."""
    if not tag:
        return ""
    return f' lang="{_text(tag)}" dir="{languages.direction(tag)}"'


def _licence(book: Book) -> str:
    name = book.licence_name or book.licence_id
    if not name:
        return "Not stated"
    url = urls.web_url(book.licence_url or "", None)
    return f'<a href="{_text(url)}">{_text(name)}</a>' if url else _text(name)


def _href(path: str) -> str:
    """A folder-relative path as a safe relative link (characters URL-quoted, never a scheme)."""
    link = quote(path, safe="/-._~")
    return _text(link if not urls.scheme(link) else "./" + link)


def _download(file: BookFile, ident: str) -> str:
    label = FORMAT_LABELS.get(file.format, file.format.upper())
    return (
        f'<li><a class="download" href="{_href(file.path)}" type="{file.media_type}" download '
        f'aria-describedby="{ident}-t">{label}, {human_size(file.bytes)}</a></li>'
    )


def _browse(facets: list[Facet], books: list[Book], ids: list[str]) -> str:
    """The books by site, author, subject and year, as in-page links: browsing that needs no script."""
    parts = ['<nav class="browse" aria-labelledby="browse-heading">\n<h2 id="browse-heading">Browse</h2>\n']
    for facet in facets:
        if not facet.values:
            continue
        parts.append(
            f'<details class="facet" id="by-{facet.key}">\n<summary>By {facet.label.lower()} '
            f'<span class="n">({len(facet.values)})</span></summary>\n<ul class="values">\n'
        )
        for n, (value, indices) in enumerate(facet.values):
            items = "".join(
                f'<li><a href="#{ids[i]}"{_lang_attrs(books[i].language)}>{_text(books[i].title)}</a></li>'
                for i in indices
            )
            parts.append(
                f'<li><h3 class="value" data-facet="{facet.key}" data-value="{n}">{_text(value)} '
                f'<span class="n">({_count(len(indices))})</span></h3>\n<ul>{items}</ul></li>\n'
            )
        parts.append("</ul>\n</details>\n")
    parts.append("</nav>\n")
    return "".join(parts)

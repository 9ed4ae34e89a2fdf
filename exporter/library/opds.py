"""The library's OPDS catalog: OPDS 1.2 Atom feeds (and an OPDS 2.0 JSON rendering of the same), made from books.

Pure renderers: they take :class:`~exporter.library.books.Book` lists and return bytes, and never read the folder
or the clock. :func:`render_feeds` maps each feed's path, relative to the library folder and always under
``opds/``, to its bytes:

- ``opds/index.xml``: the navigation root (all books, by author, by site, by subject);
- ``opds/all.xml``: every book, newest first: the complete, crawlable acquisition feed;
- ``opds/authors.xml``, ``opds/sites.xml``, ``opds/subjects.xml``: navigation feeds, one entry per author, site or
  subject, each leading to an acquisition feed ``opds/authors/SLUG.xml``… (slugs made unique per group);
- the same in OPDS 2.0 JSON: ``opds/index.json``, ``opds/all.json``, ``opds/authors/SLUG.json``…

Links are relative to the feed that holds them, so the folder can move; ``base_url`` makes them absolute. A feed's
``updated`` is its newest entry's (docs/dates.md), 1980-01-01T00:00:00Z when no book has a date.
:func:`render_search` and :func:`render_opensearch` are the server's: a search's results and the OpenSearch
description that leads to them.
"""

from __future__ import annotations

import json
import posixpath
import re
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote

from exporter.library.books import Book, newest_first
from exporter.naming import slugify

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPDS_JSON = "application/opds+json"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
IMAGE = "http://opds-spec.org/image"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"
CRAWLABLE = "http://opds-spec.org/crawlable"
SORT_NEW = "http://opds-spec.org/sort/new"
EPOCH = "1980-01-01T00:00:00Z"
"""The stand-in date where a feed must carry one and no book has a date (docs/dates.md)."""
ROOT = "opds/index.xml"
SEARCH = "opds/search.xml"
OPENSEARCH_PATH = "opds/opensearch.xml"
_FORMAT_TITLES = {"epub": "EPUB", "pdf": "PDF"}
# Characters an Atom IRI may not hold unescaped (the OPDS schema's atomUri), and a URI scheme.
_NOT_IN_URI = re.compile(r"[\s<>{}|\\^`\"\x00-\x1f\x7f]")
_SCHEME = re.compile(r"(?:https?|urn|tag):", re.IGNORECASE)
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


@dataclass(frozen=True)
class _Group:
    """One author, site or subject: its name, its feed's slug and its books (newest first)."""

    name: str
    slug: str
    books: list[Book]


@dataclass(frozen=True)
class _Facet:
    """A way to browse: ``authors``, ``sites`` or ``subjects``, with the names each book is filed under."""

    key: str
    title: str
    noun: str
    names: Callable[[Book], Sequence[str]]


_FACETS = (
    _Facet("authors", "By author", "author", lambda b: b.authors),
    _Facet("sites", "By site", "site", lambda b: (b.site,) if b.site else ()),
    _Facet("subjects", "By subject", "subject", lambda b: b.subjects),
)


class _Links:
    """Turns a library path into the href a feed at ``here`` writes: relative, or absolute under ``base_url``."""

    def __init__(self, base_url: str | None) -> None:
        self.base = base_url.rstrip("/") + "/" if base_url else None

    def href(self, here: str, target: str) -> str:
        """The link from the file ``here`` to the file ``target`` (both relative to the library folder)."""
        if self.base:
            return self.base + quote(target)
        return quote(posixpath.relpath(target, posixpath.dirname(here) or "."))


def entry_id(book: Book) -> str:
    """The entry's ``id``: the book's id when it is an http(s), urn or tag URI, else a ``urn:uuid:`` made from it."""
    if _SCHEME.match(book.id) and not _NOT_IN_URI.search(book.id):
        return book.id
    if book.id in {"", "None"}:  # a catalog entry written before items had ids: its first file names it
        return _urn("file", book.files[0].path if book.files else book.title)
    return _urn("book", book.id)


def _urn(kind: str, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'exporter-opds:{kind}:{key}')}"


def _datetime(value: str | None) -> str | None:
    """An Atom date-time (``xsd:dateTime``) for a catalog date: a bare day gets midnight UTC; None if unreadable."""
    if not value:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{value}T00:00:00Z"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})", value):
        return value
    return None


def _updated(book: Book) -> str:
    return _datetime(book.updated) or _datetime(book.published) or EPOCH


def _newest(books: Sequence[Book]) -> str:
    return max((_updated(b) for b in books), default=EPOCH)


def _groups(books: Sequence[Book], facet: _Facet) -> list[_Group]:
    """The facet's groups, sorted by name (case-folded), each with a slug unique within the facet."""
    by_key: dict[str, list[Book]] = {}
    names: dict[str, str] = {}
    for book in books:
        for name in dict.fromkeys(" ".join(n.split()) for n in facet.names(book) if n and n.strip()):
            key = _fold(name)
            names.setdefault(key, name)
            if book not in by_key.setdefault(key, []):
                by_key[key].append(book)
    taken: set[str] = set()
    groups = []
    for key in sorted(by_key, key=lambda k: (k, names[k])):
        base = slugify(names[key])
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        groups.append(_Group(names[key], slug, newest_first(by_key[key])))
    return groups


# ---- OPDS 1.2 (Atom) ---------------------------------------------------------------------------------------------


def _el(name: str, text: str, **attrs: str) -> str:
    return f"<{name}{_attrs(attrs)}>{_escape(text)}</{name}>"


def _attrs(attrs: dict[str, str | None]) -> str:
    return "".join(f" {k.rstrip('_').replace('__', ':')}={_quoteattr(v)}" for k, v in attrs.items() if v is not None)


def _escape(text: str) -> str:
    """``text`` as XML character data: ``&``, ``<`` and ``>`` escaped (as ``xml.sax.saxutils.escape``, whose
    module would import urllib.request, http.client and ssl on every run)."""
    return text.translate(_TEXT_ESCAPES)


def _quoteattr(value: str) -> str:
    """``value`` as a quoted XML attribute value, as ``xml.sax.saxutils.quoteattr`` writes it: escaped like text,
    line breaks and tabs as character references, in double quotes, or in single quotes when it holds a double
    quote and no single one (else double quotes, with ``"`` as ``&quot;``)."""
    value = value.translate(_ATTRIBUTE_ESCAPES)
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"{}"'.format(value.replace('"', "&quot;"))


def _link(rel: str, href: str, type_: str | None = None, **attrs: str | None) -> str:
    return f"<link{_attrs({'rel': rel, 'href': href, 'type': type_, **attrs})}/>"


def _plain(text: str) -> str:
    """Text for XML: without the control characters XML 1.0 cannot carry."""
    return "".join(c for c in text if c in "\t\n\r" or (ord(c) >= 0x20 and not 0xD800 <= ord(c) <= 0xDFFF))


def _entry(book: Book, here: str, links: _Links) -> str:
    """One book's acquisition entry."""
    parts = [
        _el("id", entry_id(book)),
        _el("title", _plain(book.title) or "Untitled"),
        *(f"<author>{_el('name', _plain(a))}</author>" for a in book.authors),
        _el("updated", _updated(book)),
    ]
    published = _datetime(book.published)
    if published:
        parts += [_el("published", published), _el("dc:issued", published[:10])]
    if book.language:
        parts.append(_el("dc:language", book.language))
    if book.site:
        parts.append(_el("dc:publisher", _plain(book.site)))
    if book.source_url and not _NOT_IN_URI.search(book.source_url):
        parts.append(_el("dc:source", book.source_url))
    rights = book.licence_name or book.licence_id
    if rights:
        parts.append(_el("dc:rights", _plain(rights)))
    parts += [f"<category{_attrs({'term': _plain(s), 'label': _plain(s)})}/>" for s in book.subjects if s.strip()]
    if book.summary:
        parts.append(_el("summary", _plain(book.summary), type="text"))
    if book.licence_url and not _NOT_IN_URI.search(book.licence_url):
        parts.append(_link("license", book.licence_url, "text/html", title=rights))
    if book.source_url and not _NOT_IN_URI.search(book.source_url):
        parts.append(_link("alternate", book.source_url, "text/html", title="The original article"))
    else:
        parts.append(_el("content", _plain(book.summary or book.title) or "Untitled", type="text"))
    for picture, rel in ((book.cover, IMAGE), (book.thumbnail, THUMBNAIL)):
        if picture is not None:
            parts.append(_link(rel, links.href(here, picture.path), picture.media_type))
    for download in book.downloads:
        title = _FORMAT_TITLES.get(download.format, download.format.upper())
        parts.append(
            _link(
                OPEN_ACCESS,
                links.href(here, download.path),
                download.media_type,
                length=str(download.bytes),
                title=title,
            )
        )
    return "<entry>" + "".join(parts) + "</entry>"


@dataclass(frozen=True)
class _Nav:
    """A navigation entry: a title, what it holds, the feed it leads to and that feed's kind."""

    key: str
    title: str
    content: str
    target: str
    kind: str
    updated: str
    rel: str = "subsection"


class _Atom:
    """Writes the Atom feeds of one catalog."""

    def __init__(self, title: str, links: _Links, search: str | None) -> None:
        self.title = title
        self.links = links
        self.search = search

    def feed(
        self,
        path: str,
        title: str,
        kind: str,
        body: list[str],
        updated: str,
        *,
        up: str | None,
        crawlable: bool = False,
    ) -> bytes:
        """A whole feed document; ``body`` is its entries."""
        href = self.links.href
        head = [
            _el("id", self.links.base + path if self.links.base else _urn("feed", f"{self.title}\n{path}")),
            _el("title", _plain(title)),
            _el("updated", updated),
            f"<author>{_el('name', _plain(self.title))}</author>",
            _link("self", href(path, path), kind),
            _link("start", href(path, ROOT), NAVIGATION),
        ]
        if up:
            head.append(_link("up", href(path, up), NAVIGATION))
        if crawlable:
            head.append(_link(CRAWLABLE, href(path, path), kind))
        if self.search:
            head.append(_link("search", href(path, self.search), OPENSEARCH_TYPE, title=f"Search {self.title}"))
        doc = (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<feed xmlns="{ATOM}" xmlns:dc="{DC}" xmlns:opds="{OPDS}">\n'
            + "".join(f"  {line}\n" for line in head + body)
            + "</feed>\n"
        )
        return doc.encode("utf-8")

    def acquisition(self, path: str, title: str, books: Sequence[Book], *, up: str, crawlable: bool = False) -> bytes:
        """An acquisition feed of ``books`` in the order given."""
        body = [_entry(b, path, self.links) for b in books]
        return self.feed(path, title, ACQUISITION, body, _newest(books), up=up, crawlable=crawlable)

    def navigation(self, path: str, title: str, navs: Sequence[_Nav], *, up: str | None) -> bytes:
        """A navigation feed: one entry per feed it leads to."""
        body = [
            "<entry>"
            + _el("id", _urn("nav", f"{self.title}\n{n.target}"))
            + _el("title", _plain(n.title))
            + _el("updated", n.updated)
            + _el("content", _plain(n.content), type="text")
            + _link(n.rel, self.links.href(path, n.target), n.kind)
            + "</entry>"
            for n in navs
        ]
        return self.feed(path, title, NAVIGATION, body, max((n.updated for n in navs), default=EPOCH), up=up)


def _count(n: int, word: str = "book") -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _catalog(books: Sequence[Book]) -> tuple[list[Book], list[_Nav], dict[str, list[_Group]]]:
    """The model every rendering shares: the books newest first, the root's entries, each facet's groups."""
    ordered = newest_first(list(books))
    groups = {f.key: _groups(ordered, f) for f in _FACETS}
    root = [
        _Nav("all", "All books", f"{_count(len(ordered))}, newest first", "opds/all", "acquisition", _newest(ordered))
    ]
    for facet in _FACETS:
        if groups[facet.key]:
            root.append(
                _Nav(
                    facet.key,
                    facet.title,
                    _count(len(groups[facet.key]), facet.noun),
                    f"opds/{facet.key}",
                    "navigation",
                    _newest([b for g in groups[facet.key] for b in g.books]),
                )
            )
    return ordered, root, groups


def render_feeds(
    books: Sequence[Book], *, title: str = "Library", base_url: str | None = None, search: bool = False
) -> dict[str, bytes]:
    """Every OPDS feed of the library: path (relative to the library folder, under ``opds/``) → bytes.

    Atom (OPDS 1.2) ``.xml`` and OPDS 2.0 ``.json`` renderings of the same catalog. ``base_url`` makes every link
    absolute; ``search`` links each Atom feed to ``opds/opensearch.xml`` (only where a server answers it).
    """
    links = _Links(base_url)
    atom = _Atom(title, links, OPENSEARCH_PATH if search else None)
    ordered, root, groups = _catalog(books)
    kinds = {"acquisition": ACQUISITION, "navigation": NAVIGATION}
    root_xml = [
        replace(n, target=n.target + ".xml", kind=kinds[n.kind], rel=SORT_NEW if n.key == "all" else n.rel)
        for n in root
    ]
    feeds = {
        ROOT: atom.navigation(ROOT, title, root_xml, up=None),
        "opds/all.xml": atom.acquisition("opds/all.xml", f"{title}: all books", ordered, up=ROOT, crawlable=True),
    }
    for facet in _FACETS:
        nav_path = f"opds/{facet.key}.xml"
        navs = [
            _Nav(g.slug, g.name, _count(len(g.books)), f"opds/{facet.key}/{g.slug}.xml", ACQUISITION, _newest(g.books))
            for g in groups[facet.key]
        ]
        if not navs:
            continue
        feeds[nav_path] = atom.navigation(nav_path, f"{title}: {facet.title.lower()}", navs, up=ROOT)
        for group in groups[facet.key]:
            path = f"opds/{facet.key}/{group.slug}.xml"
            feeds[path] = atom.acquisition(path, f"{title}: {group.name}", group.books, up=nav_path)
    feeds.update(_json_feeds(title, links, ordered, root, groups, search=search))
    return feeds


def _fold(text: str) -> str:
    """Text for matching: case-folded, without accents, in NFKC."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize("NFKC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def search_books(books: Sequence[Book], query: str) -> list[Book]:
    """The books whose title or authors hold every word of ``query`` (case and accents ignored), newest first."""
    words = _fold(query).split()
    if not words:
        return []
    found = []
    for book in books:
        haystack = _fold(" ".join((book.title, *book.authors)))
        if all(w in haystack for w in words):
            found.append(book)
    return newest_first(found)


def render_search(books: Sequence[Book], query: str, *, title: str = "Library", base_url: str | None = None) -> bytes:
    """The acquisition feed of a search: the books matching ``query`` (title and author), as ``opds/search.xml``."""
    atom = _Atom(title, _Links(base_url), OPENSEARCH_PATH)
    found = search_books(books, query)
    return atom.acquisition(SEARCH, f"{title}: search for “{query.strip()}”", found, up=ROOT)


def render_opensearch(template: str, *, title: str = "Library") -> bytes:
    """The OpenSearch description of the search: ``template`` is the results' URL with ``{searchTerms}`` in it.

    Absolute, since KOReader does not resolve a relative template.
    """
    short = _plain(title)[:16] or "Library"
    doc = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<OpenSearchDescription xmlns="{OPENSEARCH}">\n'
        f"  {_el('ShortName', short)}\n"
        f"  {_el('Description', f'Search the titles and authors of {_plain(title)}')}\n"
        f"  <Url{_attrs({'type': ACQUISITION, 'template': template})}/>\n"
        f"  <Url{_attrs({'type': 'application/atom+xml', 'template': template})}/>\n"
        "  <InputEncoding>UTF-8</InputEncoding>\n"
        "  <OutputEncoding>UTF-8</OutputEncoding>\n"
        "</OpenSearchDescription>\n"
    )
    return doc.encode("utf-8")


# ---- OPDS 2.0 (JSON) ---------------------------------------------------------------------------------------------


def _publication(book: Book, here: str, links: _Links) -> dict[str, object]:
    """One book as an OPDS 2.0 publication."""
    metadata: dict[str, object] = {
        "@type": "http://schema.org/Book",
        "identifier": entry_id(book),
        "title": book.title or "Untitled",
        "modified": _updated(book),
    }
    if book.authors:
        metadata["author"] = [{"name": a} for a in book.authors]
    if book.published:
        metadata["published"] = book.published
    if book.language:
        metadata["language"] = book.language
    if book.site:
        metadata["publisher"] = book.site
    if book.summary:
        metadata["description"] = book.summary
    if book.subjects:
        metadata["subject"] = [{"name": s} for s in book.subjects]
    pub_links: list[dict[str, object]] = []
    for download in book.downloads:
        pub_links.append(
            {
                "rel": OPEN_ACCESS,
                "href": links.href(here, download.path),
                "type": download.media_type,
                "length": download.bytes,
            }
        )
    if book.licence_url:
        pub_links.append({"rel": "license", "href": book.licence_url, "type": "text/html"})
    if book.source_url:
        pub_links.append({"rel": "alternate", "href": book.source_url, "type": "text/html"})
    images = [
        {"href": links.href(here, p.path), "type": p.media_type, **size}
        for p, size in ((book.cover, {"width": 1400, "height": 2100}), (book.thumbnail, {"width": 350, "height": 525}))
        if p is not None
    ]
    publication: dict[str, object] = {"metadata": metadata, "links": pub_links}
    if images:
        publication["images"] = images
    return publication


def _json(feed: dict[str, object]) -> bytes:
    return (json.dumps(feed, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def _json_feeds(
    title: str, links: _Links, ordered: list[Book], root: list[_Nav], groups: dict[str, list[_Group]], *, search: bool
) -> dict[str, bytes]:
    """The OPDS 2.0 JSON rendering: the same feeds as the Atom ones, ``.json`` for ``.xml``."""
    root_path = "opds/index.json"

    def head(path: str, feed_title: str, books: Sequence[Book] | None, up: str | None) -> dict[str, object]:
        feed_links: list[dict[str, object]] = [
            {"rel": "self", "href": links.href(path, path), "type": OPDS_JSON},
            {"rel": "start", "href": links.href(path, root_path), "type": OPDS_JSON},
        ]
        if up:
            feed_links.append({"rel": "up", "href": links.href(path, up), "type": OPDS_JSON})
        if search:
            template = links.href(path, SEARCH.replace(".xml", ".json")) + "{?query}"
            feed_links.append({"rel": "search", "href": template, "type": OPDS_JSON, "templated": True})
        metadata: dict[str, object] = {"title": feed_title}
        if books is not None:
            metadata["modified"] = _newest(books)
            metadata["numberOfItems"] = len(books)
        return {"metadata": metadata, "links": feed_links}

    def nav(path: str, navs: Sequence[_Nav]) -> list[dict[str, object]]:
        return [{"href": links.href(path, n.target + ".json"), "title": n.title, "type": OPDS_JSON} for n in navs]

    def publications(path: str, feed_title: str, books: Sequence[Book], up: str) -> bytes:
        feed = head(path, feed_title, books, up)
        feed["publications"] = [_publication(b, path, links) for b in books]
        return _json(feed)

    feeds = {}
    feed = head(root_path, title, None, None)
    feed["navigation"] = nav(root_path, root)
    feeds[root_path] = _json(feed)
    feeds["opds/all.json"] = publications("opds/all.json", f"{title}: all books", ordered, root_path)
    for facet in _FACETS:
        if not groups[facet.key]:
            continue
        nav_path = f"opds/{facet.key}.json"
        feed = head(nav_path, f"{title}: {facet.title.lower()}", None, root_path)
        feed["navigation"] = [
            {"href": links.href(nav_path, f"opds/{facet.key}/{g.slug}.json"), "title": g.name, "type": OPDS_JSON}
            for g in groups[facet.key]
        ]
        feeds[nav_path] = _json(feed)
        for group in groups[facet.key]:
            path = f"opds/{facet.key}/{group.slug}.json"
            feeds[path] = publications(path, f"{title}: {group.name}", group.books, nav_path)
    return feeds


def render_search_json(
    books: Sequence[Book], query: str, *, title: str = "Library", base_url: str | None = None
) -> bytes:
    """The OPDS 2.0 rendering of a search's results, as ``opds/search.json``."""
    links = _Links(base_url)
    found = search_books(books, query)
    path = "opds/search.json"
    feed: dict[str, object] = {
        "metadata": {"title": f"{title}: search for “{query.strip()}”", "numberOfItems": len(found)},
        "links": [
            {"rel": "self", "href": links.href(path, path), "type": OPDS_JSON},
            {"rel": "start", "href": links.href(path, "opds/index.json"), "type": OPDS_JSON},
        ],
        "publications": [_publication(b, path, links) for b in found],
    }
    return _json(feed)

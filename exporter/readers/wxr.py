"""WordPress WXR exports (1.0, 1.1, 1.2): one RawArticle per published post or page, streamed.

The file is read twice with ``iterparse`` (DTDs, entities and external references refused), each
``<item>`` cleared as soon as it is used, so memory stays flat on very large exports:

1. the *scan* checks the document (``<rss><channel>``, a ``wp:wxr_version`` such as ``1.2``), reads the
   channel (title, language, authors, licence hints) and every attachment, and counts the articles;
2. the second pass yields a RawArticle per post or page whose status was asked for, a Skipped for the
   others, and nothing for attachments, menu items, revisions, reusable blocks and other site internals.

Namespaces are matched by pattern (``http(s)://wordpress.org/export/1.x/``), never by one fixed URI.
``content:encoded`` is passed on untouched: the cleaner runs shortcodes and wpautop. ``<title>`` is HTML (themes
print it so): its text is the title, and its markup goes along for the cleaner to sanitize.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from typing import IO
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from exporter import urls
from exporter.errors import InputError
from exporter.messages import Message, warning
from exporter.model import Attachment, RawArticle, Skipped
from exporter.readers.decode import decode_head, open_input
from exporter.readers.html_meta import normalise_language
from exporter.readers.registry import DEFAULT_STATUSES, DEFAULT_TYPES, NON_ARTICLE_TYPES, Selection
from exporter.readers.registry import check_selection as check_selection  # re-exported: its home before registry
from exporter.readers.sniff import head_markup
from exporter.readers.title import html_title_text, humanise

SUBJECT_DOMAINS = frozenset({"category", "post_tag", "tag"})
DEFAULT_CATEGORY = "uncategorized"  # WordPress's default category slug: not a subject

_KIND_PATTERNS = (
    ("wp", re.compile(r"^https?://(?:www\.)?wordpress\.org/export/\d+\.\d+/?$")),
    ("excerpt", re.compile(r"^https?://(?:www\.)?wordpress\.org/export/\d+\.\d+/excerpt/?$")),
    ("content", re.compile(r"^https?://purl\.org/rss/1\.0/modules/content/?$")),
    ("dc", re.compile(r"^https?://purl\.org/dc/elements/1\.1/?$")),
)
_VERSION = re.compile(r"^\d+\.\d+$")
_WXR_NAMESPACE = re.compile(r"https?://(?:www\.)?wordpress\.org/export/\d+\.\d+/")
_CC = re.compile(r"(?:https?:)?//(?:[\w-]+\.)?creativecommons\.org/[^\s\"'<>)\]]*", re.IGNORECASE)
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_UNSAFE = "refused: the file declares a DTD or entities (unsafe XML)"
_NOT_WXR = "not a WordPress WXR export (no <rss><channel>)"
_BAD_VERSION = "missing or invalid WXR version number"


@dataclass
class _Site:
    """What the scan learnt about one export: shared by all of its articles."""

    title: str | None = None
    link: str | None = None
    language: str | None = None
    version: str | None = None
    base_site_url: str | None = None
    base_blog_url: str | None = None
    authors: dict[str, str] = field(default_factory=dict)
    licence_hints: list[str] = field(default_factory=list)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)
    """Namespace URI → the prefix the document binds to it (first binding wins)."""
    articles: int = 0
    saw_wp: bool = False

    @property
    def url(self) -> str | None:
        """The site's home address (the blog's, else WordPress's own, else the channel's link): with a post id,
        an item's identity."""
        return self.base_blog_url or self.base_site_url or self.link


def count_wxr(path: Path, *, statuses: frozenset[str] = DEFAULT_STATUSES, types: frozenset[str] = DEFAULT_TYPES) -> int:
    """How many RawArticles ``iter_wxr`` will yield for the same arguments (one streaming pass).

    Raises InputError for files that are not well-formed, unsafe or not WXR, exactly as ``iter_wxr``.
    """
    return _scan(path, statuses, types).articles


def iter_wxr(
    path: Path, *, statuses: frozenset[str] = DEFAULT_STATUSES, types: frozenset[str] = DEFAULT_TYPES
) -> Iterator[RawArticle | Skipped]:
    """Stream the articles of a WXR export: a RawArticle per item of a type in ``types`` whose status is
    in ``statuses``, a Skipped for the other posts and pages; site internals are never yielded.

    The file is checked and scanned (channel, authors, attachments) when this is called, so a bad file
    raises InputError here, before anything is yielded. Types in NON_ARTICLE_TYPES select nothing: the
    command line refuses them first (:func:`check_selection`).
    """
    site = _scan(path, statuses, types)
    return _articles(path, site, statuses, types)


class WxrReader:
    """WordPress exports: ``.xml``, or a file whose first element is ``<rss>`` declaring a WXR namespace."""

    name = "wxr"
    suffixes = (".xml",)

    def sniff(self, head: bytes) -> bool:
        """True when the document element is ``rss`` and the first bytes name a ``wordpress.org/export/``
        namespace."""
        markup = head_markup(head)
        text = decode_head(head) or ""
        return markup is not None and markup[1] == "rss" and _WXR_NAMESPACE.search(text) is not None

    def read(self, path: Path, selection: Selection) -> Iterator[RawArticle | Skipped]:
        """The export's articles of the selected statuses and types, and a Skipped for its other posts."""
        return iter_wxr(path, statuses=selection.statuses, types=selection.types)

    def count(self, path: Path, selection: Selection) -> int:
        """How many articles ``read`` yields."""
        return count_wxr(path, statuses=selection.statuses, types=selection.types)


READER = WxrReader()


# --- parsing ----------------------------------------------------------------------------------------


def _open(path: Path) -> IO[bytes]:
    handle = open_input(path)
    if not handle.read(1):
        handle.close()
        raise InputError("file is empty", path)
    handle.seek(0)
    return handle


def _events(path: Path) -> Iterator[tuple[str, object]]:
    """iterparse events with DTDs and entities refused; errors become one-line InputErrors."""
    with _open(path) as handle:
        try:
            yield from iterparse(handle, events=("start", "end", "start-ns"), forbid_dtd=True)
        except ParseError as exc:
            line, column = exc.position
            raise InputError(f"not well-formed XML (line {line}, column {column + 1})", path) from None
        except DefusedXmlException:
            raise InputError(_UNSAFE, path) from None
        except OSError as exc:
            raise InputError(f"cannot read file ({exc.strerror or exc})", path) from None


def _walk(path: Path, site: _Site | None) -> Iterator[tuple[str, Element]]:
    """The channel's direct children as ("channel"|"item", element), each cleared once the caller is done.

    With ``site`` given, namespace bindings are recorded in it. Raises InputError for non-RSS documents.
    """
    depth = 0
    root: Element | None = None
    channel: Element | None = None
    seen_channel = False
    for event, obj in _events(path):
        if event == "start-ns":
            if site is not None:
                prefix, uri = obj  # type: ignore[misc]
                if prefix:
                    site.prefixes.setdefault(uri, prefix)
            continue
        elem: Element = obj  # type: ignore[assignment]
        if event == "start":
            depth += 1
            if depth == 1:
                if elem.tag != "rss":
                    raise InputError(_NOT_WXR, path)
                root = elem
            if depth == 2 and elem.tag == "channel":
                channel, seen_channel = elem, True
            continue
        depth -= 1
        if depth == 2 and channel is not None:
            yield ("item" if elem.tag == "item" else "channel"), elem
            del channel[:]  # the child is done: drop it so memory stays flat
        elif depth == 1 and root is not None:
            channel = None
            del root[:]  # a finished channel, or anything else beside it
    if not seen_channel:
        raise InputError(_NOT_WXR, path)


@lru_cache(maxsize=512)
def _split(tag: str) -> tuple[str, str]:
    """(kind, local name): kind is wp, excerpt, content, dc, "" (no namespace) or "other"."""
    if not tag.startswith("{"):
        return "", tag
    uri, _, local = tag[1:].partition("}")
    for kind, pattern in _KIND_PATTERNS:
        if pattern.match(uri):
            return kind, local
    return "other", local


def _text(elem: Element) -> str:
    """An element's text, CDATA pieces joined, kept exactly (no trimming)."""
    if len(elem) == 0:
        return elem.text or ""
    return "".join(elem.itertext())


def _read_channel_child(elem: Element, site: _Site) -> None:
    kind, local = _split(elem.tag)
    if kind == "wp":
        site.saw_wp = True
        if local == "wxr_version":
            site.version = _text(elem).strip()
        elif local == "base_site_url":
            site.base_site_url = _text(elem).strip() or None
        elif local == "base_blog_url":
            site.base_blog_url = _text(elem).strip() or None
        elif local == "author":
            login, display = "", ""
            for child in elem:
                ckind, clocal = _split(child.tag)
                if ckind == "wp" and clocal == "author_login":
                    login = _text(child).strip()
                elif ckind == "wp" and clocal == "author_display_name":
                    display = _text(child).strip()
            if login:
                site.authors[login] = display or login
    elif kind == "":
        if local == "title":
            site.title = _text(elem).strip() or None
        elif local == "link":
            site.link = _text(elem).strip() or None
        elif local == "language":
            site.language = normalise_language(_text(elem))
    if local in ("description", "copyright", "rights", "license", "licence"):
        for url in _CC.findall(_text(elem)):
            url = urls.absolute(url, None) or url  # //host/… gets https:
            if url not in site.licence_hints:
                site.licence_hints.append(url)


@dataclass
class _Item:
    """The fields of one ``<item>`` (last occurrence wins, as with a namespace-aware reader)."""

    title: str = ""
    link: str = ""
    guid: str = ""
    pub_date: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    wp: dict[str, str] = field(default_factory=dict)
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    """(domain, nicename, name) of each ``<category domain=… nicename=…>``."""
    meta: list[tuple[str, str]] = field(default_factory=list)

    @property
    def text_title(self) -> str:
        """The title as a reader sees it: WordPress themes print ``<title>`` as HTML."""
        return html_title_text(self.title)

    @property
    def post_type(self) -> str:
        return self.wp.get("post_type", "").strip()

    @property
    def status(self) -> str:
        return self.wp.get("status", "").strip()

    @property
    def post_id(self) -> str | None:
        return self.wp.get("post_id", "").strip() or None

    def meta_value(self, key: str) -> str | None:
        """The first value of a post meta key, or None."""
        return next((v for k, v in self.meta if k == key), None)


def _read_item(elem: Element, site: _Site) -> _Item:
    item = _Item()
    for child in elem:
        kind, local = _split(child.tag)
        if kind == "":
            if local == "title":
                item.title = _text(child)
            elif local == "link":
                item.link = _text(child).strip()
            elif local == "guid":
                item.guid = _text(child).strip()
            elif local == "pubDate":
                item.pub_date = _text(child).strip()
            elif local == "category" and "nicename" in child.attrib:
                item.terms.append((child.get("domain", ""), child.get("nicename", ""), _text(child).strip()))
        elif kind == "wp":
            site.saw_wp = True
            if local == "postmeta":
                key = value = None
                for sub in child:
                    skind, slocal = _split(sub.tag)
                    if skind == "wp" and slocal == "meta_key":
                        key = _text(sub)
                    elif skind == "wp" and slocal == "meta_value":
                        value = _text(sub)
                if key is not None:
                    item.meta.append((key, value or ""))
            elif local not in ("comment", "postmeta") and len(child) == 0:
                item.wp[local] = child.text or ""
        elif kind == "content" and local == "encoded":
            item.content = _text(child)
        elif kind == "excerpt" and local == "encoded":
            item.excerpt = _text(child)
        elif kind == "dc" and local == "creator":
            item.creator = _text(child).strip()
    return item


def _scan(path: Path, statuses: frozenset[str], types: frozenset[str]) -> _Site:
    """First pass: check the document, read the channel and all attachments, count the articles."""
    site = _Site()
    for what, elem in _walk(path, site):
        if what == "channel":
            _read_channel_child(elem, site)
            continue
        item = _read_item(elem, site)
        ptype = item.post_type
        if ptype == "attachment" and item.post_id:
            parent = item.wp.get("post_parent", "").strip()
            site.attachments[item.post_id] = Attachment(
                id=item.post_id,
                url=item.wp.get("attachment_url", "").strip() or item.guid,
                title=item.title.strip(),
                caption=item.excerpt.strip(),
                alt=(item.meta_value("_wp_attachment_image_alt") or "").strip(),
                parent=parent if parent not in ("", "0") else None,
                file=(item.meta_value("_wp_attached_file") or "").strip(),
            )
        elif ptype in types and ptype not in NON_ARTICLE_TYPES and item.status in statuses:
            site.articles += 1
    if site.version is None or not _VERSION.match(site.version):
        if not site.saw_wp and site.version is None:
            raise InputError("not a WordPress WXR export (an RSS feed without wp:wxr_version)", path)
        raise InputError(_BAD_VERSION, path)
    return site


def _articles(
    path: Path, site: _Site, statuses: frozenset[str], types: frozenset[str]
) -> Iterator[RawArticle | Skipped]:
    """Second pass: one RawArticle or Skipped per post-like item, in file order."""
    attachments: Mapping[str, Attachment] = site.attachments
    for what, elem in _walk(path, None):
        if what != "item":
            continue
        item = _read_item(elem, site)
        ptype, status = item.post_type, item.status
        if ptype in NON_ARTICLE_TYPES:
            continue
        if not ptype:
            reason = "no wp:post_type (not a WordPress post item)"
            yield Skipped(path, item.post_id, item.text_title, "", status, reason, site.url)
        elif ptype not in types:
            reason = f"post type {ptype} not exported"
            yield Skipped(path, item.post_id, item.text_title, ptype, status, reason, site.url)
        elif status not in statuses:
            reason = f"status {status or '(none)'} not exported (use --status)"
            yield Skipped(path, item.post_id, item.text_title, ptype, status, reason, site.url)
        else:
            yield _article(path, site, item, elem, attachments)


def _article(path: Path, site: _Site, item: _Item, elem: Element, attachments: Mapping[str, Attachment]) -> RawArticle:
    warnings: list[Message] = []
    slug = _slug(item.wp.get("post_name", ""))
    title, title_html = item.text_title, item.title
    if not title:
        title, title_html = humanise(slug) if slug else f"Untitled ({item.post_type} {item.post_id or '?'})", None
        warnings.append(warning("read", "untitled-post", f"the post has no title; used {title!r}"))
    if item.wp.get("post_password", "").strip():
        text = "password-protected post (wp:post_password is set); exported without the password"
        warnings.append(warning("read", "password-protected", text))
    if not item.content.strip():
        warnings.append(warning("read", "empty-post", "the post has no content"))
    source_xml = _serialise(elem, site.prefixes, path)
    return RawArticle(
        source_path=path,
        html=item.content,
        title=title,
        title_html=title_html,
        authors=_authors(item.creator, site.authors, warnings),
        published=_published(item, warnings),
        source_url=item.link or item.guid or None,
        site_name=site.title,
        site_url=site.url,
        language=site.language,
        post_id=item.post_id,
        subjects=_subjects(item.terms),
        licence_hints=list(site.licence_hints),
        base_dir=path.parent,
        warnings=warnings,
        source_hash=hashlib.sha256(source_xml.encode("utf-8")).hexdigest(),
        slug=slug,
        post_type=item.post_type,
        status=item.status,
        content_format="blocks" if "<!-- wp:" in item.content else "classic",
        footnotes_meta=item.meta_value("footnotes") or None,
        attachments=attachments,
        source_xml=source_xml,
        featured_image=_featured_image(item, attachments),
    )


# --- fields -----------------------------------------------------------------------------------------


def _featured_image(item: _Item, attachments: Mapping[str, Attachment]) -> str | None:
    """The URL of the post's featured image: its ``_thumbnail_id`` meta names an attachment of the site."""
    attachment = attachments.get((item.meta_value("_thumbnail_id") or "").strip())
    return (attachment.url or None) if attachment is not None else None


def _slug(value: str) -> str | None:
    """``wp:post_name``, percent-decoded when WordPress stored it encoded (non-ASCII slugs); None if empty."""
    value = value.strip()
    if "%" in value:
        with contextlib.suppress(UnicodeDecodeError):
            value = unquote(value, errors="strict")
    return value or None


def _authors(login: str, names: Mapping[str, str], warnings: list[Message]) -> list[str]:
    """The display name of the ``dc:creator`` login; the login itself when the export does not list it."""
    if not login:
        return []
    if login in names:
        return [names[login]]
    text = f"author {login!r} is not in the export's author list; the login is used as the name"
    warnings.append(warning("read", "unknown-author", text))
    return [login]


def _wp_date(value: str) -> datetime | None:
    """``Y-m-d H:i:s`` (or ISO 8601) as a naive datetime; None for ``0000-00-00 00:00:00`` and junk."""
    value = value.strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _published(item: _Item, warnings: list[Message]) -> datetime | None:
    """``wp:post_date_gmt`` as UTC; else ``wp:post_date`` taken as UTC (a guess); else ``pubDate``."""
    gmt = _wp_date(item.wp.get("post_date_gmt", ""))
    if gmt is not None:
        return gmt.replace(tzinfo=UTC) if gmt.tzinfo is None else gmt.astimezone(UTC)
    local = _wp_date(item.wp.get("post_date", ""))
    if local is not None:
        text = "no GMT publication date; the site-local wp:post_date was taken as UTC"
        warnings.append(warning("read", "local-date-as-utc", text))
        return local.replace(tzinfo=UTC) if local.tzinfo is None else local.astimezone(UTC)
    if item.pub_date:
        try:
            parsed = parsedate_to_datetime(item.pub_date)
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None and parsed.year > 1:
            if parsed.tzinfo is None:
                warnings.append(warning("read", "pubdate-without-zone", "pubDate has no time zone; assumed UTC"))
                return parsed.replace(tzinfo=UTC)
            return parsed.astimezone(UTC)
    return None


def _subjects(terms: list[tuple[str, str, str]]) -> list[str]:
    """Category and tag names in file order, without duplicates or the default "Uncategorized"."""
    seen: set[str] = set()
    out: list[str] = []
    for domain, nicename, name in terms:
        if domain not in SUBJECT_DOMAINS or not name or (domain == "category" and nicename == DEFAULT_CATEGORY):
            continue
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


# --- archival copy of the item ----------------------------------------------------------------------


def _serialise(elem: Element, known: Mapping[str, str], path: Path) -> str:
    """The item as standalone XML with the document's prefixes (``wp:``, ``content:``...) declared on it.

    Text with markup characters is written as CDATA (a ``]]>`` inside split the way WordPress does).
    """
    uris: dict[str, str] = {}
    taken: set[str] = {"xml", "xmlns"}
    for el in elem.iter():
        for name in (el.tag, *el.attrib):
            if isinstance(name, str) and name.startswith("{"):
                uri = name[1:].partition("}")[0]
                if uri != _XML_NS and uri not in uris:
                    prefix = known.get(uri) or "ns"
                    base, n = prefix, 0
                    while prefix in taken:
                        n += 1
                        prefix = f"{base}{n}"
                    taken.add(prefix)
                    uris[uri] = prefix

    def qname(name: str) -> str:
        if not name.startswith("{"):
            return name
        uri, _, local = name[1:].partition("}")
        return f"xml:{local}" if uri == _XML_NS else f"{uris[uri]}:{local}"

    out: list[str] = []

    def write(el: Element, root: bool) -> None:
        attrs = "".join(f' {qname(k)}="{_attr(v)}"' for k, v in el.attrib.items())
        if root:
            attrs += "".join(f' xmlns:{p}="{_attr(u)}"' for u, p in uris.items())
        tag = qname(el.tag)  # type: ignore[arg-type]
        if el.text is None and len(el) == 0:
            out.append(f"<{tag}{attrs}/>")
        else:
            out.append(f"<{tag}{attrs}>{_chars(el.text or '')}")
            for child in el:
                if isinstance(child.tag, str):
                    write(child, False)
                out.append(_chars(child.tail or ""))
            out.append(f"</{tag}>")

    try:
        write(elem, True)
    except RecursionError:
        raise InputError("XML nested too deeply to read", path) from None
    return "".join(out)


def _chars(text: str) -> str:
    if "\r" in text or not any(c in text for c in "<&>"):
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )
